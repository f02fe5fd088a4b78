#!/usr/bin/env bash
# Installs what the real-editor tests need, idempotently: Debian packages (chromium, neovim, ripgrep,
# libkrb5-dev for code-server's native kerberos module, emacs-nox with elpa-eglot) and code-server into .test-cache/code-server.
# Prints how long each step took so CI timings can be read off the log.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${KOL_TEST_CACHE:-$ROOT/.test-cache}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
mkdir -p "$CACHE"

step() { echo "[install] $*"; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# --- Debian packages -------------------------------------------------------------------------------
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
command -v emacs >/dev/null 2>&1 || need+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || need+=(elpa-eglot)
if [ ${#need[@]} -gt 0 ]; then
  t0=$SECONDS
  step "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh image has no package lists; refresh them once if the install cannot find a package.
  if ! $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; then
    $SUDO apt-get update >/dev/null
    $SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null
  fi
  step "apt-get done in $((SECONDS - t0))s"
else
  step "Debian packages already present"
fi

# --- the project's own dev dependencies (playwright-core, @vscode/vsce, esbuild…) ---------------------
if [ ! -d "$ROOT/node_modules/playwright-core" ] || [ ! -d "$ROOT/node_modules/@vscode/vsce" ]; then
  t0=$SECONDS
  step "npm ci (project dependencies)"
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  step "npm ci done in $((SECONDS - t0))s"
fi

# --- code-server -----------------------------------------------------------------------------------
CS_DIR="$CACHE/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
installed_version() {
  node -e 'try{console.log(require(process.argv[1]).version)}catch{console.log("")}' \
    "$CS_DIR/node_modules/code-server/package.json"
}
if [ ! -x "$CS_BIN" ] || [ "$(installed_version)" != "$CODE_SERVER_VERSION" ]; then
  t0=$SECONDS
  step "npm install code-server@$CODE_SERVER_VERSION into $CS_DIR"
  # code-server's postinstall fetches ripgrep from GitHub through @vscode/ripgrep; there is no GitHub
  # here, so seed that package's download cache with Debian's rg packed the way it expects.
  TMPBASE="${TMPDIR:-/tmp}"
  RG_CACHE="$TMPBASE/vscode-ripgrep-cache-1.15.11"
  RG_TGZ="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -s "$RG_TGZ" ]; then
    mkdir -p "$RG_CACHE"
    tmp="$(mktemp -d)"
    cp "$(command -v rg)" "$tmp/rg"
    tar -czf "$RG_TGZ" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  mkdir -p "$CS_DIR"
  [ -f "$CS_DIR/package.json" ] || echo '{"name":"code-server-cache","private":true}' >"$CS_DIR/package.json"
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --prefix "$CS_DIR" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
  step "code-server installed in $((SECONDS - t0))s"
else
  step "code-server $CODE_SERVER_VERSION already in $CS_DIR"
fi
