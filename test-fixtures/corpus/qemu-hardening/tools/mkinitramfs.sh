#!/bin/sh
# Build the busybox initramfs used by run_scenario.sh.
# usage: tools/mkinitramfs.sh [hardening.ko] [output.cpio.gz]
#   defaults: <WORK>/module/$MOD.ko, <WORK>/initramfs.cpio.gz; MOD (default hardening): the module's
#   name, its file in the initramfs is /$MOD.ko; INIT (default tools/init here) the /init that loads it
#   WORK defaults to the parent of this script's directory.
#   BUSYBOX: statically linked busybox (Debian busybox-static installs it as /bin/busybox)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$(dirname "$HERE")}
MOD=${MOD:-hardening}
KO=${1:-$WORK/module/$MOD.ko}
OUT=${2:-$WORK/initramfs.cpio.gz}
BUSYBOX=${BUSYBOX:-/bin/busybox}
ROOT=$WORK/initramfs
rm -rf "$ROOT"
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/dev" "$ROOT/etc" "$ROOT/proc" "$ROOT/sys" "$ROOT/tmp"
cp "$BUSYBOX" "$ROOT/bin/busybox"
cp "${INIT:-$HERE/init}" "$ROOT/init"
chmod 755 "$ROOT/init" "$ROOT/bin/busybox"
cp "$KO" "$ROOT/$MOD.ko"
(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
ls -l "$OUT"
