#!/usr/bin/env bash
# The whole Senate archive as a user publishes it: the bench corpus's `archive` shape (every question
# in Dutch and French, legislatures 3-8, the default theme), built with search on and off, then
# after one edit, and Pagefind's own CLI run on the same pages for comparison. Prints one Markdown
# table row per size, for docs/PERFORMANCE.md.
#
#   bench/archive.sh                      # 10,000 and 50,000 questions
#   SIZES=2000 bench/archive.sh           # a quick look
#   QUAESTOR=path/to/quaestor bench/archive.sh
#
# Columns: content = Markdown bytes; output = raw bytes, files and the size packed as GitHub's
# Pages action uploads it (a tar, deflated); the time and peak RSS of a cold build with and
# without search; one question edited and rebuilt with the cache, three times, the median (and
# the output compared byte for byte with a `--no-cache` build); Pagefind's CLI indexing the
# search-off output.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 50000"}
SHARED=${SHARED:-../shared}
BENCH_HOME=${BENCH_HOME:-$HOME/.cache/quaestor-bench}
AS_OF=${AS_OF:-2026-12-01}
if [ -z "${QUAESTOR:-}" ]; then
  cargo build --release --quiet
  QUAESTOR="$PWD/target/release/quaestor"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

pagefind=""
if [ "${PAGEFIND:-1}" = 1 ]; then
  venv="$BENCH_HOME/venv"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c 'import pagefind_bin' 2>/dev/null ||
    "$venv/bin/pip" install --quiet 'pagefind-bin==1.5.2'
  # The wheel ships the binary inside its package, with no script on PATH.
  pagefind=$("$venv/bin/python" -c 'import os, pagefind_bin; print(os.path.join(os.path.dirname(pagefind_bin.__file__), "pagefind"))')
fi

mb() { awk -v b="$1" 'BEGIN { printf "%.0f MB", b / 1e6 }'; }
# "<seconds> <peak RSS in KB>" of a command, its output discarded.
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/log" 2>&1 || {
    cat "$work/log" >&2
    return 1
  }
  cat "$work/time"
}
secs_rss() { awk '{ printf "%.1f s, %.2f GB", $1, $2 / 1048576 }' <<<"$1"; }
files_in() { find "$1" -type f | wc -l; }
# File bytes only: `du` would add the folders' own sizes (4 KB each on ext4, 0.5 GB at 50,000).
bytes_in() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
packed() { tar -C "$1" --exclude=.git -cf - . | gzip -6 | wc -c; }

echo "| questions (nl+fr) | content | build, search on | build, search off | output | packed | files | one edit, search on | Pagefind CLI on the same pages |"
echo "|---:|---:|---|---|---:|---:|---:|---|---|"
for n in $SIZES; do
  corpus="$BENCH_HOME/corpus/archive-n$n"
  [ -d "$corpus/archive" ] || python3 "$SHARED/bench/gen_corpus.py" --n "$n" --seed 42 \
    --out "$corpus" --targets archive >/dev/null
  site="$work/site"
  rm -rf "$site" "$work/off"
  cp -al "$corpus/archive" "$site"
  # The same site without search: hard-linked content, its own configuration.
  cp -al "$corpus/archive" "$work/off"
  rm "$work/off/quaestor.toml"
  sed 's/^search *= *true/search = false/' "$site/quaestor.toml" >"$work/off/quaestor.toml"
  content=$(find "$site/content" -name '*.md' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)

  # Both cold, both with the build cache on (as a user's first build), each after `sync`, so
  # that neither pays for the other's writes still going to disk.
  rm -rf "$site/.quaestor-cache" "$work/off/.quaestor-cache" "$work/out"
  sync
  on=$(measure "$QUAESTOR" build --root "$site" --output "$work/out" --as-of "$AS_OF")
  sync
  off=$(measure "$QUAESTOR" build --root "$work/off" --output "$work/out-off" --as-of "$AS_OF")
  out_bytes=$(bytes_in "$work/out")
  out_files=$(files_in "$work/out")
  out_packed=$(packed "$work/out")

  # One question's title revised, then an incremental build: three times (one run moves by a
  # second with the machine), the median reported, then compared with a build from scratch.
  # awk reads to the end: with pipefail, head closing the pipe early would fail the script.
  file=$(find "$site/content" -name '*.nl.md' | sort | awk 'NR == 1')
  cp --remove-destination "$file" "$file.tmp" && mv "$file.tmp" "$file"
  edits=()
  for k in 1 2 3; do
    sed -i "0,/^title: \"/s//title: \"Herzien $k: /" "$file"
    sync
    edits+=("$(measure "$QUAESTOR" build --root "$site" --output "$work/out" --as-of "$AS_OF")")
  done
  edit=$(printf '%s\n' "${edits[@]}" | sort -n | awk 'NR == 2')
  "$QUAESTOR" build --root "$site" --output "$work/out-full" --as-of "$AS_OF" --no-cache >/dev/null 2>&1
  same="identical to --no-cache"
  diff -rq "$work/out" "$work/out-full" >/dev/null || same="DIFFERS from --no-cache"
  rm -rf "$work/out-full"

  pf="not run"
  if [ -n "$pagefind" ]; then
    rm -rf "$work/out-off/pagefind"
    # Pagefind may run out of memory at archive scale: its failure is a result, not the end.
    if /usr/bin/time -f '%e %M' -o "$work/time" "$pagefind" --site "$work/out-off" \
      --output-path "$work/pf" >"$work/log" 2>&1; then
      pf="$(secs_rss "$(cat "$work/time")"), $(mb "$(bytes_in "$work/pf")"), $(files_in "$work/pf") files"
    else
      pf="failed ($(grep -m1 -o 'status [0-9]*\|signal [0-9]*' "$work/time" || echo 'exit status ?')) after $(secs_rss "$(tail -1 "$work/time")")"
    fi
    rm -rf "$work/pf"
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s |\n' \
    "$n" "$(mb "$content")" "$(secs_rss "$on")" "$(secs_rss "$off")" "$(mb "$out_bytes")" \
    "$(mb "$out_packed")" "$out_files" "$(secs_rss "$edit")" "$same" "$pf"
  rm -rf "$work/out" "$work/out-off" "$site" "$work/off"
done
