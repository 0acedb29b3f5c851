#!/usr/bin/env bash
# Builds the same sites with an old and a new binary and compares the outputs byte for byte: the
# check that a refactor changed nothing a reader of the site would see. Sites: the bundled demo
# site and a generated corpus of N questions; themes: default and bench. For each, the old and the
# new binary build without the cache, then the new binary builds twice with the cache on (a first
# build that writes it, a second with nothing changed), each compared with its build without it.
#
#   bench/compare-output.sh OLD_BIN NEW_BIN [N]      # N defaults to 10000
#   bench/compare-output.sh --rev REV NEW_BIN [N]    # builds the old binary from git revision REV
#
# Environment: AS_OF (the fixed --as-of date, default 2026-12-01), SHARED (the folder holding
# bench/gen_corpus.py, default ../shared from the repository root), OLD_TARGET_DIR (cargo's target
# folder for --rev, default a temporary one: a full release build), TMPDIR (where the sites and
# outputs are written). Exits 1 when any output differs, 2 on a usage error or a failed build.
set -euo pipefail

usage() {
  echo "usage: $0 OLD_BIN NEW_BIN [N]" >&2
  echo "       $0 --rev REV NEW_BIN [N]" >&2
  exit 2
}

repo=$(cd "$(dirname "$0")/.." && pwd)
rev=""
if [ "${1:-}" = "--rev" ]; then
  [ $# -ge 3 ] || usage
  rev=$2
  shift 2
  old=""
else
  [ $# -ge 2 ] || usage
  old=$1
  shift
fi
new=$1
n=${2:-10000}
[ $# -le 2 ] || usage
case "$n" in '' | *[!0-9]*) echo "N must be a number of questions, not '$n'" >&2; exit 2 ;; esac
as_of=${AS_OF:-2026-12-01}
shared=${SHARED:-$repo/../shared}
gen="$shared/bench/gen_corpus.py"
[ -f "$gen" ] || { echo "no corpus generator at $gen: set SHARED to the folder holding bench/gen_corpus.py" >&2; exit 2; }

work=$(mktemp -d)
worktree=""
cleanup() {
  if [ -n "$worktree" ]; then
    git -C "$repo" worktree remove --force "$worktree" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$rev" ]; then
  worktree="$work/old-src"
  git -C "$repo" worktree add --quiet --detach "$worktree" "$rev"
  target=${OLD_TARGET_DIR:-$work/old-target}
  echo "building the old binary from $rev ($(git -C "$worktree" rev-parse --short HEAD))" >&2
  # Its own target folder: the new binary may live in the one CARGO_TARGET_DIR names.
  CARGO_TARGET_DIR="$target" cargo build --release --quiet --manifest-path "$worktree/Cargo.toml"
  old="$target/release/quaestor"
fi
for bin in "$old" "$new"; do
  [ -x "$bin" ] || { echo "not an executable: $bin" >&2; exit 2; }
done
old=$(realpath "$old")
new=$(realpath "$new")

# The sites, copied so that the cached builds write their cache in a temporary folder.
bundled="$work/sites/bundled"
mkdir -p "$bundled"
for part in quaestor.toml content data themes templates static; do
  if [ -e "$repo/$part" ]; then cp -r "$repo/$part" "$bundled/"; fi
done
echo "generating a corpus of $n questions" >&2
python3 "$gen" --n "$n" --seed 42 --paginate 100 --out "$work/corpus" --targets quaestor >/dev/null
corpus="$work/sites/corpus-$n"
mv "$work/corpus/quaestor" "$corpus"
rm -rf "$work/corpus"
# A file written within two seconds of a build is hashed again rather than trusted by its stamp;
# real sites are older, and the second cached build should take the nothing-changed path.
sleep 3

failed=0
cases=0

# build LABEL BIN SITE OUT THEME [--no-cache]: sets `took` to the seconds it took; exits 2 with
# the build's last lines when it fails.
took=""
build() {
  local label=$1 bin=$2 site=$3 out=$4 theme=$5
  shift 5
  local log="$work/build.log" start
  start=$(date +%s%N)
  if ! "$bin" build --root "$site" --output "$out" --as-of "$as_of" --theme "$theme" "$@" \
    >"$log" 2>&1; then
    echo "FAILED: $label" >&2
    tail -n 20 "$log" >&2
    exit 2
  fi
  took=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f s", ns / 1e9 }')
}

# compare LABEL EXPECTED ACTUAL TIMES: prints one line for the case (with the builds' times, which
# show that a second cached build took the nothing-changed path) and, when they differ, the first
# differences; counts a difference.
compare() {
  local label=$1 a=$2 b=$3 times=$4 listing="$work/diff.txt"
  cases=$((cases + 1))
  if diff -rq "$a" "$b" >"$listing" 2>&1; then
    printf '%-60s identical      (%s)\n' "$label" "$times"
    return
  fi
  failed=$((failed + 1))
  local count
  count=$(wc -l <"$listing")
  printf '%-60s %s file(s) differ (%s)\n' "$label" "$count" "$times"
  sed -e "s|$a/\?|EXPECTED/|g" -e "s|$b/\?|ACTUAL/|g" "$listing" | head -n 10 | sed 's/^/    /'
  [ "$count" -le 10 ] || echo "    ... and $((count - 10)) more"
  # The first file whose bytes differ, as a short diff when it is text.
  local first rel
  first=$(sed -n 's/^Files \(.*\) and .* differ$/\1/p' "$listing" | head -n 1)
  if [ -n "$first" ]; then
    rel=${first#"$a"/}
    if grep -Iq . "$a/$rel" && grep -Iq . "$b/$rel"; then
      diff -u "$a/$rel" "$b/$rel" | sed -n '3,22p' | cut -c1-200 | sed 's/^/    | /' || true
    else
      cmp "$a/$rel" "$b/$rel" | sed 's/^/    | /' || true
    fi
  fi
}

for site in "$bundled" "$corpus"; do
  name=$(basename "$site")
  for theme in default bench; do
    out="$work/out"
    rm -rf "$out" "$site/.quaestor-cache"
    mkdir -p "$out"
    build "$name/$theme: old, no cache" "$old" "$site" "$out/old" "$theme" --no-cache
    old_took=$took
    build "$name/$theme: new, no cache" "$new" "$site" "$out/new" "$theme" --no-cache
    new_took=$took
    compare "$name, $theme theme, no cache: old vs new" "$out/old" "$out/new" \
      "old $old_took, new $new_took"
    rm -rf "$out/old"
    build "$name/$theme: new, cached, first" "$new" "$site" "$out/cached" "$theme"
    compare "$name, $theme theme, new: first cached vs no cache" "$out/new" "$out/cached" \
      "cached $took, no cache $new_took"
    build "$name/$theme: new, cached, second" "$new" "$site" "$out/cached" "$theme"
    compare "$name, $theme theme, new: second cached vs no cache" "$out/new" "$out/cached" \
      "cached $took, no cache $new_took"
    rm -rf "$out" "$site/.quaestor-cache"
  done
done

echo
if [ "$failed" -eq 0 ]; then
  echo "all $cases comparisons identical (as of $as_of, $n questions)"
else
  echo "$failed of $cases comparisons differ (as of $as_of, $n questions)"
  exit 1
fi
