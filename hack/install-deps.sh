#!/usr/bin/env bash
# Installs the build and test dependencies from Debian's packages, only those
# that are missing, so a second run is a no-op that touches no network.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcpprest-dev nlohmann-json3-dev libyaml-cpp-dev libssl-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev
  clang libclang-rt-dev  # make fuzz: clang with libFuzzer and the sanitizer runtimes
  openssl ca-certificates curl procps
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ! command -v go >/dev/null 2>&1; then
  missing+=(golang-go)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
