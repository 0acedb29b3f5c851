# Sourced by the browser tests: node, playwright-core (the audit's copy when present, else a
# private one) and, without a system Chromium, Debian's (browser downloads from elsewhere are not
# reachable). Exports NODE_PATH for `node tests/browser/*.cjs`.
if ! command -v node >/dev/null 2>&1; then
  echo "browser test: node is required (apt-get install nodejs npm)" >&2
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
