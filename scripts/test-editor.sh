#!/usr/bin/env bash
# Real-editor tests. Installs what it needs (Debian packages, code-server into .test-cache/), builds and
# packages the extension, then runs:
#   1. the extension-host suite in code-server with the repository as development extension,
#   2. the same suite against the packaged .vsix installed into code-server (what we ship), taking the
#      README screenshots (into $SCREENSHOTS_DIR, default docs/screenshots),
#   3. the restricted-mode tests against the .vsix in an untrusted folder (workspace trust on),
#   4. a Neovim round trip with the standalone server (node dist/server.js --stdio),
#   5. an Emacs + eglot round trip, loading the set-up from docs/editors.md,
#   6. (only with EDITOR_TESTS_ELECTRON=1) the suite in desktop VS Code via @vscode/test-electron.
# Prints one PASS/FAIL line per level with its time, then "N passed, N failed"; exits non-zero on failure.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SCREENSHOTS_DIR="${SCREENSHOTS_DIR:-$ROOT/docs/screenshots}"
LOGDIR="$ROOT/.test-cache/editor-logs"
mkdir -p "$LOGDIR"

passed=0
failed=0
summary=()
level() { # level NAME COMMAND...: runs one level, its output to the terminal and to $LOGDIR/NAME.log
  local name="$1"; shift
  local t0=$SECONDS
  echo "=== $name"
  "$@" 2>&1 | tee "$LOGDIR/$name.log"
  local rc=${PIPESTATUS[0]}
  local dt=$((SECONDS - t0))
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1)); summary+=("PASS  $name (${dt}s)")
  else
    failed=$((failed + 1)); summary+=("FAIL  $name (${dt}s, exit $rc, log $LOGDIR/$name.log)")
  fi
  return "$rc"
}

nvim_roundtrip() {
  KOL_REPO="$ROOT" timeout 120 nvim --headless -u NONE -c "luafile $ROOT/test/editor/nvim/roundtrip.lua"
}

emacs_roundtrip() {
  KOL_REPO="$ROOT" timeout 120 emacs --batch -l "$ROOT/test/editor/emacs/roundtrip.el"
}

if level install bash scripts/editor/install.sh && level package npm run --silent package -- --no-rewrite-relative-links; then
  level code-server-dev node test/editor/run-code-server.mjs
  level code-server-vsix node test/editor/run-code-server.mjs --vsix "$ROOT/kernel-oops-lens.vsix" --screenshots "$SCREENSHOTS_DIR"
  level code-server-restricted node test/editor/run-code-server.mjs --vsix "$ROOT/kernel-oops-lens.vsix" --restricted
  level neovim nvim_roundtrip
  level emacs-eglot emacs_roundtrip
  if [ "${EDITOR_TESTS_ELECTRON:-0}" = 1 ]; then level vscode-electron node test/editor/run-electron.mjs; fi
  if [ -f kernel-oops-lens.vsix ]; then
    echo "vsix: kernel-oops-lens.vsix $(stat -c %s kernel-oops-lens.vsix) bytes"
  fi
fi

echo
echo "=== editor test summary"
for line in "${summary[@]}"; do echo "$line"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
