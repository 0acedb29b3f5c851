#!/usr/bin/env bash
# Browser test of search: builds the bundled site for a GitHub Pages sub-path, serves it from
# /repo/ on 127.0.0.1 with the netlify.toml CSP, and drives its search page in headless Chromium
# (tests/browser/search.cjs): a query, a facet, the date sort, the count, keyboard only, the bytes
# and time of the first results, in Dutch and French; then every document's exact title in both
# languages; a question's languages side by side and the moved addresses
# (tests/browser/bilingual.cjs). Installs playwright-core (and, without a system Chromium, a browser) on a fresh
# machine. Separate from `cargo test`, which needs neither.
set -euo pipefail
cd "$(dirname "$0")/.."

. .ci/browser-setup.sh

SITE="$(mktemp -d)"
trap 'rm -rf "$SITE"' EXIT
cargo run --release --quiet -- build --base-url https://user.github.io/repo/ --output "$SITE/repo"
# "bescherming" (also found as "beschermen": one stem) matches three questions, best match not
# newest; the ministry facet keeps the Pegasus one. "combien" likewise; Santé publique keeps 8-102.
node tests/browser/search.cjs "$SITE/repo" /repo/ check search/ bescherming ministry Defensie /repo/questions/7-1870/
node tests/browser/search.cjs "$SITE/repo" /repo/ check fr/search/ combien ministry "Santé publique" /repo/fr/questions/8-102/
# A question's two languages side by side on its page, reached from its old bilingual addresses;
# its old French feed address reaches its one feed (GitHub Pages' 404 page sends browsers on).
node tests/browser/bilingual.cjs "$SITE/repo" /repo/ 8-80 "Deze vraag om uitleg" "Cette demande d'explications"
# Every question's exact title puts it in the top three, from either language's search page.
node tests/browser/search.cjs "$SITE/repo" /repo/ titles search/,fr/search/ 0
