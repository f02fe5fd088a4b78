#!/usr/bin/env bash
# Unpacks a kernel source tree (Debian's linux-source-6.1: MAINTAINERS, .mailmap, scripts/get_maintainer.pl
# and every file they name) so that the maintainers tests compare against the real get_maintainer.pl instead
# of skipping. Installs the package when it is missing; keeps the unpacked tree between runs. Prints the
# export to eval:
#   eval "$(bash scripts/ci/fetch-kernel-source.sh [DIR])"     (DIR defaults to /var/cache/kernel-oops-lens)
set -euo pipefail
dir=${1:-/var/cache/kernel-oops-lens}
package=linux-source-6.1
tarball=/usr/src/$package.tar.xz
tree=$dir/$package
if [ ! -f "$tree/scripts/get_maintainer.pl" ]; then
  if [ ! -f "$tarball" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "$package" >/dev/null
  fi
  mkdir -p "$dir"
  work=$(mktemp -d "$dir/.unpack-XXXXXX")
  tar -xJf "$tarball" -C "$work"
  rm -rf "$tree"
  mv "$work/$package" "$tree"
  rm -rf "$work"
fi
echo "export OOPS_LENS_KERNEL_SOURCE='$tree'"
