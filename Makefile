# tally: a thin wrapper over CMake. `make` builds build/tally; `make test` and `make run`
# first install any missing Debian package.

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
# Everything `make test` runs: the compilers and libraries (toml++ and OpenSSL's libcrypto
# for the server's users file and its password hashes), `time`, python3 with venv for
# the tour test, the differential tests and the Python client's test (which pip-install
# their pinned packages into virtualenvs), Node.js with npm for the JavaScript client's
# test (which npm-installs its pinned package), and Chromium with its chromedriver for the
# /play page's browser test.
DEB_PACKAGES := cmake ninja-build g++ pkg-config libzstd-dev libxxhash-dev libabsl-dev \
	libgtest-dev libbenchmark-dev libre2-dev zlib1g-dev liblz4-dev libtomlplusplus-dev libssl-dev \
	libboost-dev time python3 python3-venv nodejs chromium chromium-driver
# npm (for the JavaScript client's test) only where no npm is on the PATH: some Node.js
# builds bring their own, and Debian's package would conflict with them.
DEB_PACKAGES += $(if $(shell command -v npm),,npm)

.PHONY: all build deps test run shell asan tsan crash-test difftest bench-micro bench bench-full bench-smoke bench-server clean format

all: build

# Installs only what is missing, through sudo when not root.
deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: deps
	$(MAKE) build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The server on ./data at 127.0.0.1:8123 (LISTEN overrides), and the local shell on the
# same directory (not while the server runs: one process writes a directory at a time).
# Both build only the binary, not the tests and benchmarks.
LISTEN ?= 127.0.0.1:8123
run: deps
	$(MAKE) $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target tally
	mkdir -p $(DATA_DIR)
	$(BUILD_DIR)/tally serve --data $(DATA_DIR) --listen $(LISTEN)

shell: deps
	$(MAKE) $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target tally
	mkdir -p $(DATA_DIR)
	$(BUILD_DIR)/tally local --data $(DATA_DIR)

asan: deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTALLY_SANITIZE=ON \
	  -DTALLY_BENCHMARKS=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# The tests that run threads (parallel scans and aggregation, streamed inserts,
# concurrent database use) under ThreadSanitizer.
TSAN_DIR ?= build-tsan
tsan: deps
	cmake -S . -B $(TSAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTALLY_TSAN=ON -DTALLY_BENCHMARKS=OFF
	cmake --build $(TSAN_DIR) -j $(JOBS) --target engine_tests
	cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1 ./tests/engine_tests \
	  --gtest_filter='SelectTest.*:DatabaseTest.*:EnvTest*:*Concurrent*:BackgroundMergeTest.*:OptimizeTest.*'

# kill -9 of a writer during inserts, OPTIMIZE and recovery, with readers running, 1,000
# cycles (about 4 minutes here); `make test` runs 50. Then kill -9 of `tally serve` during
# concurrent single-row and batch inserts, 1,000 cycles; `make test` runs 20.
# CRASH_CYCLES and CRASH_SEED override.
CRASH_CYCLES ?= 1000
CRASH_SEED ?= 1
crash-test: deps
	$(MAKE) build
	python3 tests/cli/process_safety.py $(BUILD_DIR)/tally crash --cycles $(CRASH_CYCLES) --seed $(CRASH_SEED)
	python3 tests/server/crash_test.py $(BUILD_DIR)/tally --cycles $(CRASH_CYCLES) --seed $(CRASH_SEED)

# The differential test against ClickHouse (chDB) at length: 20,000 random queries over 300k
# events, the known-open differences (tests/differential/clickhouse_known_open.py) included
# and counted per cause; `make test` runs 300 without them. Fails only on a mismatch no
# known-open cause explains. TALLY_CH_DIFF_QUERIES and TALLY_CH_DIFF_SEED override; the
# summary also goes to $(BUILD_DIR)/clickhouse-difftest.json.
TALLY_CH_DIFF_QUERIES ?= 20000
TALLY_CH_DIFF_SEED ?= 1
difftest: deps
	$(MAKE) $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target tally
	TALLY_CH_DIFF_ALL=1 TALLY_CH_DIFF_QUERIES=$(TALLY_CH_DIFF_QUERIES) TALLY_CH_DIFF_SEED=$(TALLY_CH_DIFF_SEED) \
	  TALLY_CH_DIFF_JSON=$(BUILD_DIR)/clickhouse-difftest.json \
	  tests/differential/clickhouse_run.sh $(BUILD_DIR)/clickhouse-difftest-venv $(BUILD_DIR)/tally

# Micro-benchmarks on one core (taskset pins them); results go in docs/benchmarks.md.
bench-micro: build
	for b in $(BUILD_DIR)/benchmarks/*_bench; do taskset -c 0 $$b --benchmark_min_time=0.5; done

# The peer benchmark (benchmarks/peer/): tally, ClickHouse (chDB) and DuckDB on the same
# generated data and queries. Writes benchmarks/results/<date>-<commit>.json and the peer
# section of docs/benchmarks.md with charts in docs/img/. `make bench` is 10M metering
# events (about 10-20 minutes), `make bench-full` 100M; BENCH_ROWS and BENCH_RUNS override.
# BENCH_ARGS="--suite mergetree" or "--suite rollups" runs one part alone, with its own
# section of docs/benchmarks.md (rollups: ingest with materialized views, issue 14).
PEER_VENV ?= $(BUILD_DIR)/peer-venv
BENCH_ROWS ?= 10000000
BENCH_RUNS ?= 3
BENCH_ARGS ?=

$(PEER_VENV)/.installed: benchmarks/peer/requirements.txt
	python3 -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install -q -r benchmarks/peer/requirements.txt
	touch $@

# Builds only what the harness runs (tally and native_ingest), not the test suites.
bench: deps $(PEER_VENV)/.installed $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target tally native_ingest
	nice -n 10 $(PEER_VENV)/bin/python benchmarks/peer/run.py --rows $(BENCH_ROWS) --runs $(BENCH_RUNS) \
	  --tally $(BUILD_DIR)/tally --native $(BUILD_DIR)/benchmarks/native_ingest \
	  --work $(BUILD_DIR)/peer-work $(BENCH_ARGS)

bench-full:
	$(MAKE) bench BENCH_ROWS=100000000 BENCH_RUNS=1 BENCH_ARGS="--docs-section full $(BENCH_ARGS)"

# A quick end-to-end check of the harness: 200K events, results under build/, docs untouched.
bench-smoke:
	$(MAKE) bench BENCH_ROWS=200000 BENCH_RUNS=1 \
	  BENCH_ARGS="--results $(BUILD_DIR)/peer-results --no-docs --no-profile"

# tally serve under load (benchmarks/server/run.py): 64 keep-alive clients sending
# single-row inserts for 10 s (acknowledged rate, latency percentiles, parts per
# partition), exactly-once across a SIGTERM and restart, and a bulk JSONEachRow insert of
# 2M metering events over HTTP, beside the disk's own fsync latency. Writes
# benchmarks/results/<date>-<commit>-server.json. SERVER_BENCH_ARGS overrides
# (--clients, --seconds, --rows).
SERVER_BENCH_ARGS ?=
bench-server: deps $(PEER_VENV)/.installed $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS) --target tally server_load
	$(PEER_VENV)/bin/python benchmarks/server/run.py --tally $(BUILD_DIR)/tally \
	  --load $(BUILD_DIR)/benchmarks/server_load --work $(BUILD_DIR)/server-bench $(SERVER_BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(TSAN_DIR)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
