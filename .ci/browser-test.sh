#!/usr/bin/env bash
# Browser test of search: builds the bundled site for a GitHub Pages sub-path, serves it from
# /repo/ on 127.0.0.1 with the netlify.toml CSP, and drives its search page in headless Chromium
# (tests/browser/search.cjs). Installs playwright-core (and, without a system Chromium, a
# browser) on a fresh machine. Separate from `cargo test`, which needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh

SITE="$(mktemp -d)"
trap 'rm -rf "$SITE"' EXIT
cargo run --release --quiet -- build --base-url https://user.github.io/repo/ --output "$SITE/repo"
# "cyberaanvallen" matches two questions; the ministry facet keeps the hospital one (8-102).
node tests/browser/search.cjs "$SITE/repo" /repo/ cyberaanvallen Ministerie Volksgezondheid /repo/questions/8-102/
