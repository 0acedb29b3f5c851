#!/usr/bin/env bash
# Layout test: builds the bundled site for a GitHub Pages sub-path, serves it from /repo/ on
# 127.0.0.1 and opens every page type in each language at 1280×800 and 390×844 in headless
# Chromium (tests/browser/layout.cjs): no horizontal overflow, a one-line nav, a compact phone
# header, the current section marked, follow links visible, chart labels inside their charts.
# Screenshots are kept in $LAYOUT_SHOTS (default target/layout-shots) for a person to look at.
# QUAESTOR_BIN: a quaestor binary to test instead of building the release one.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh

BIN="${QUAESTOR_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN="${CARGO_TARGET_DIR:-target}/release/quaestor"
fi
SHOTS="${LAYOUT_SHOTS:-${CARGO_TARGET_DIR:-target}/layout-shots}"
SITE="$(mktemp -d)"
trap 'rm -rf "$SITE"' EXIT
"$BIN" build --no-cache --base-url https://user.github.io/repo/ --output "$SITE/repo" >/dev/null
node tests/browser/layout.cjs "$SITE/repo" /repo/ "$SHOTS"
