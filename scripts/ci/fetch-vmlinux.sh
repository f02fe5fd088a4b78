#!/usr/bin/env bash
# Fetches the vmlinux images (DWARF 5) of the Debian kernels that printed test-fixtures/corpus/qemu*/ logs,
# so the opt-in vmlinux tests run instead of skipping. Debian's -dbg packages (~860 MB and ~800 MB) come from
# the apt repositories; only the vmlinux is kept. Prints the two exports to eval:
#   eval "$(bash scripts/ci/fetch-vmlinux.sh [DIR])"       (DIR defaults to .test-cache/vmlinux)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
dir=${1:-.test-cache/vmlinux}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
release=6.1.0-56
fetch() { # arch package-arch
  local out="$dir/vmlinux-$release-$1"
  if [ ! -s "$out" ]; then
    local work
    work=$(mktemp -d "$dir/.fetch-XXXXXX")
    (cd "$work" && apt-get download "linux-image-$release-$1-dbg:$2" >&2)
    dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" --wildcards "./usr/lib/debug/boot/vmlinux-$release-$1"
    mv "$work/usr/lib/debug/boot/vmlinux-$release-$1" "$out"
    rm -rf "$work"
  fi
  echo "$out"
}
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update >/dev/null
fi
amd64=$(fetch amd64 amd64)
arm64=$(fetch arm64 arm64)
echo "export OOPS_LENS_VMLINUX='$amd64'"
echo "export OOPS_LENS_VMLINUX_ARM64='$arm64'"
