# tally: a thin wrapper over CMake. `make` builds build/tally; `make test` and `make run`
# first install any missing Debian package.

BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
DATA_DIR ?= ./data
DEB_PACKAGES := cmake ninja-build g++ pkg-config libzstd-dev libxxhash-dev libabsl-dev \
	libgtest-dev libbenchmark-dev

.PHONY: all build deps test run asan bench-micro clean format

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

run: deps
	$(MAKE) build
	mkdir -p $(DATA_DIR)
	$(BUILD_DIR)/tally local --data $(DATA_DIR)

asan: deps
	cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTALLY_SANITIZE=ON \
	  -DTALLY_BENCHMARKS=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

# Micro-benchmarks on one core (taskset pins them); results go in docs/benchmarks.md.
bench-micro: build
	for b in $(BUILD_DIR)/benchmarks/*_bench; do taskset -c 0 $$b --benchmark_min_time=0.5; done

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)

format:
	clang-format -i $$(git ls-files '*.h' '*.cc')
