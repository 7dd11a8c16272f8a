#!/usr/bin/env bash
# The Containerfile's runtime stage installs every Debian package that
# provides a shared library the built operator binary loads: `ldd` the binary,
# map each library to its package with `dpkg -S`, and look each package up in
# the Containerfile's runtime list. A new link dependency (or a Debian
# soname bump) fails here instead of as a crash-looping pod.
# Usage: runtime_packages_test.sh <binary> [Containerfile]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:?usage: $0 <binary> [Containerfile]}"
containerfile="${2:-$ROOT/Containerfile}"
fail() { echo "runtime_packages: $*" >&2; exit 1; }
[ -f "$binary" ] || fail "no binary at $binary (build it first)"
command -v dpkg >/dev/null || fail "dpkg not found: this check needs a Debian build host"

# The runtime stage's package lines: "    name \" after `FROM ... AS runtime`.
runtime_list="$(awk '/^FROM .* AS runtime/ {r=1} r && /^ +[a-z0-9][a-z0-9.+-]* \\$/ {print $1}' "$containerfile")"
[ -n "$runtime_list" ] || fail "no runtime package list found in $containerfile"

# The owning package of a library path. ldd prints /lib/... while Debian
# bookworm's packages register /usr/lib/... (or the other way round).
package_of() {
  local path="$1" candidate owner
  for candidate in "$path" "$(readlink -f "$path")" "/usr${path}" "${path#/usr}"; do
    owner="$(dpkg -S "$candidate" 2>/dev/null | head -n1 | cut -d: -f1)" || true
    if [ -n "$owner" ]; then echo "$owner"; return 0; fi
  done
  return 1
}

missing=()
checked=0
while read -r lib path; do
  [ -n "$path" ] || continue
  pkg="$(package_of "$path")" || fail "cannot find the Debian package of $lib ($path)"
  checked=$((checked + 1))
  if grep -qx "$pkg" <<<"$runtime_list"; then
    echo "ok: $lib -> $pkg"
  else
    echo "MISSING: $lib -> $pkg"
    missing+=("$pkg")
  fi
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3} $1 ~ /^\// {print $1, $1}')

[ "$checked" -gt 0 ] || fail "ldd listed no libraries for $binary"
if [ ${#missing[@]} -gt 0 ]; then
  fail "add to the runtime stage of $containerfile: $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"
fi
echo "runtime_packages: all $checked libraries of $(basename "$binary") come from packages the runtime stage installs"
