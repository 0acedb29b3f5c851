#!/usr/bin/env bash
# Browser test of search: builds the bundled site for a GitHub Pages sub-path, serves it from
# /repo/ on 127.0.0.1 with the netlify.toml CSP, and drives its search page in headless Chromium
# (tests/browser/search.cjs). Installs playwright-core (and, without a system Chromium, a
# browser) on a fresh machine. Separate from `cargo test`, which needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node >/dev/null 2>&1; then
  echo "browser test: node is required (apt-get install nodejs npm)" >&2
  exit 1
fi
# playwright-core: reuse the audit's copy when present, else install a private one.
NODE_DIR="${QUAESTOR_NODE_DIR:-$HOME/.cache/quaestor-ci}"
export NODE_PATH="$HOME/.cache/site-audit/node_modules:$NODE_DIR/node_modules${NODE_PATH:+:$NODE_PATH}"
if ! node -e "require.resolve('playwright-core')" >/dev/null 2>&1; then
  mkdir -p "$NODE_DIR"
  npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" playwright-core@1.65.1
fi
if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  # No system Chromium: install Debian's (browser downloads from elsewhere are not reachable).
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

SITE="$(mktemp -d)"
trap 'rm -rf "$SITE"' EXIT
cargo run --release --quiet -- build --base-url https://user.github.io/repo/ --output "$SITE/repo"
# "cyberaanvallen" matches two questions; the ministry facet keeps the hospital one (8-102).
node tests/browser/search.cjs "$SITE/repo" /repo/ cyberaanvallen Ministerie Volksgezondheid /repo/questions/8-102/
