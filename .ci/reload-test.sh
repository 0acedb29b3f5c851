#!/usr/bin/env bash
# Browser test of live reload: `quaestor serve` on a copy of the bundled site, a question page in
# headless Chromium, the title edited, then the front matter broken and fixed
# (tests/browser/reload.cjs). Installs playwright-core (and, without a system Chromium, Debian's
# chromium) on a fresh machine. Separate from `cargo test`, which needs neither.
# QUAESTOR_BIN: a quaestor binary to test instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "reload test: node is required (apt-get install nodejs npm)" >&2
  exit 1
fi
NODE_DIR="${QUAESTOR_NODE_DIR:-$HOME/.cache/quaestor-ci}"
export NODE_PATH="$HOME/.cache/site-audit/node_modules:$NODE_DIR/node_modules${NODE_PATH:+:$NODE_PATH}"
if ! node -e "require.resolve('playwright-core')" >/dev/null 2>&1; then
  mkdir -p "$NODE_DIR"
  npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" playwright-core@1.65.1
fi
if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

BIN="${QUAESTOR_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/quaestor"
fi
node tests/browser/reload.cjs "$BIN"
