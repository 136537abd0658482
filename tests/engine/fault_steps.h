// A fault at every step of an action: the crash tests' harness. A FaultInjectionEnv over a
// MemEnv fails the n-th mutating step (write, fsync, rename, directory sync) of `action`,
// for n = 0, 1, ... until the action completes without reaching the fault; after each,
// the database is reopened (after a crash, on what was durable) and `check` judges it.
//
// Not synchronized; for single-threaded tests.
#ifndef TALLY_TESTS_ENGINE_FAULT_STEPS_H_
#define TALLY_TESTS_ENGINE_FAULT_STEPS_H_

#include <gtest/gtest.h>

#include <cstdint>

#include "engine/database.h"
#include "engine/fault_injection_env.h"
#include "engine/mem_env.h"
#include "tests/test_util.h"

namespace tally::testing_faults {

enum class Fault {
  // The process dies at the step: that step and every later one fail, and whatever was
  // not synced is lost before the reopen.
  kCrash,
  // Only the step fails, as a full disk or an I/O error would; the database is closed and
  // reopened with nothing lost, so a manifest record whose sync failed may still be read.
  kError,
};

// `setup` prepares the MemEnv; `action` runs against a database opened through the faulty
// Env and returns its status; `check(reopened, status)` judges the outcome. The action
// must take at least `min_steps` steps (a test that injects nothing proves nothing).
// `options` (its env aside) are the action's database's.
template <typename Setup, typename Action, typename Check>
void FaultAtEveryStep(Fault kind, Setup setup, Action action, Check check, int64_t min_steps = 6,
                      engine::DatabaseOptions options = {}) {
  for (int64_t n = 0;; ++n) {
    SCOPED_TRACE(::testing::Message() << (kind == Fault::kCrash ? "crash" : "error") << " at step " << n);
    engine::MemEnv mem;
    setup(&mem);
    engine::FaultInjectionEnv fault(&mem);
    if (kind == Fault::kCrash) {
      fault.FailAtStep(n);
    } else {
      fault.FailOnceAtStep(n);
    }
    absl::Status result;
    {
      options.env = &fault;
      auto db = engine::Database::Open("db", options);
      result = db.ok() ? action(db->get()) : db.status();
    }
    const bool injected = fault.injected_faults() > 0;
    if (kind == Fault::kCrash) mem.Crash();
    auto reopened = engine::Database::Open("db", {.env = &mem});
    ASSERT_TRUE(reopened.ok()) << reopened.status();
    check(reopened->get(), result);
    if (!injected) {
      EXPECT_OK(result);
      EXPECT_GE(n, min_steps) << "the action should take several steps";
      return;
    }
    ASSERT_LT(n, 3000) << "runaway loop";
  }
}

}  // namespace tally::testing_faults

#endif  // TALLY_TESTS_ENGINE_FAULT_STEPS_H_
