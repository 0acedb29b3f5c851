#!/usr/bin/env bash
# Browser test of live reload: `quaestor serve` on a copy of the bundled site, a question page in
# headless Chromium, the title edited, then the front matter broken and fixed
# (tests/browser/reload.cjs). Installs playwright-core (and, without a system Chromium, Debian's
# chromium) on a fresh machine. Separate from `cargo test`, which needs neither.
# QUAESTOR_BIN: a quaestor binary to test instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh

BIN="${QUAESTOR_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/quaestor"
fi
node tests/browser/reload.cjs "$BIN"
