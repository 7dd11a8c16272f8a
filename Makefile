# The two commands a newcomer needs: `make run` and `make test`.
BUILD_DIR ?= build
WERROR ?= OFF
CTL := tests/controlplane/ctl
AGENT_BUILD := tests/argocd-agent/build
CP_DIR := .cache/controlplane

.PHONY: all deps build test test-unit test-integration test-e2e test-fault test-asan test-tsan fuzz run cluster-up cluster-down controlplane agent-binaries bundle bench bench-peer format format-check clean

all: build

deps:
	@bash hack/install-deps.sh

$(BUILD_DIR)/build.ninja: CMakeLists.txt
	cmake -S . -B $(BUILD_DIR) -G Ninja -DWERROR=$(WERROR)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

# Builds (or reuses) the pinned kube-apiserver, kube-controller-manager, etcd and kubectl.
controlplane: deps
	@$(CTL) build

# Builds (or reuses) upstream's argocd-agent and argocd-agentctl at the release
# pinned in tests/argocd-agent/go.mod: the agent and principal the e2e tests run.
agent-binaries: deps
	@$(AGENT_BUILD) >/dev/null

test: build controlplane agent-binaries
	ctest --test-dir $(BUILD_DIR) --output-on-failure

test-unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L unit

test-integration: build controlplane
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L integration

test-e2e: build controlplane agent-binaries
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L e2e

test-fault: build controlplane
	ctest --test-dir $(BUILD_DIR) --output-on-failure -L fault

# The unit and integration tiers built with clang's sanitizers in their own
# build dirs (hack/sanitize.sh): ASan+UBSan (build-asan/), TSan (build-tsan/).
# Fail on any report; suppressions of third-party reports in tests/sanitizers/.
test-asan: deps controlplane
	@bash hack/sanitize.sh address

test-tsan: deps controlplane
	@bash hack/sanitize.sh thread

# libFuzzer targets of tests/fuzz in their own clang build (build-fuzz/), each
# run FUZZ_SECONDS (default 30) on a copy of its corpus; fails on any crash.
fuzz: deps
	@bash hack/fuzz.sh

cluster-up: deps
	@$(CTL) up

cluster-down:
	@$(CTL) down

# Runs the operator against the current kubeconfig, or a local control plane when there is none.
run: build
	@bash hack/run.sh

# The OLM bundle (manifests/bundle) from manifests/base, crds/ and the samples;
# commit the result (a unit test fails while it is stale).
bundle:
	@bash hack/generate-bundle.sh

bench: build controlplane
	@bash hack/bench.sh

# The controller-runtime peer of bench/peer (Go, modules from the Go module
# proxy), built into .cache/bench-peer/<hash>/ unless already there; prints its path.
bench-peer:
	@bash hack/build-bench-peer.sh

FORMAT_SOURCES = find bench cmd controller reconcilers tests -name '*.cpp' -o -name '*.h'

# clang-format (Debian package clang-format) rewrites / checks against .clang-format.
format:
	@$(FORMAT_SOURCES) | xargs clang-format -i

format-check:
	@$(FORMAT_SOURCES) | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD_DIR) build-fuzz build-asan build-tsan
