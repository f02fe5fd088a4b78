#!/bin/sh
# Build the busybox initramfs used by run_scenario.sh.
# usage: tools/mkinitramfs.sh [access.ko] [output.cpio.gz]
#   defaults: <WORK>/module/access.ko, <WORK>/initramfs.cpio.gz
#   WORK defaults to the parent of this script's directory.
#   BUSYBOX: statically linked busybox (Debian busybox-static installs it as /bin/busybox)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$(dirname "$HERE")}
KO=${1:-$WORK/module/access.ko}
OUT=${2:-$WORK/initramfs.cpio.gz}
BUSYBOX=${BUSYBOX:-/bin/busybox}
ROOT=$WORK/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/dev" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/tmp"
cp "$BUSYBOX" "$ROOT/bin/busybox"
cp "$HERE/init" "$ROOT/init"
chmod 755 "$ROOT/init" "$ROOT/bin/busybox"
cp "$KO" "$ROOT/access.ko"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
ls -l "$OUT"
