#!/usr/bin/env bash
# Peak memory and time of a cold full build at several sizes (the linear-growth check of
# docs/SCALING.md), with the bench theme and the default theme.
#
#   bench/memory.sh                          # 1,000 10,000 50,000 200,000 (bench theme)
#   SIZES="1000 10000" THEMES="default bench" bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000 50000 200000"}
THEMES=${THEMES:-bench}
SHARED=${SHARED:-../shared}
BENCH_HOME=${BENCH_HOME:-$HOME/.cache/quaestor-bench}
cargo build --release --quiet
bin="$PWD/target/release/quaestor"
echo "| questions | theme | wall | peak RSS | files written |"
echo "|---:|---|---:|---:|---:|"
for n in $SIZES; do
  corpus="$BENCH_HOME/corpus/n$n-p100"
  [ -d "$corpus/quaestor" ] || python3 "$SHARED/bench/gen_corpus.py" --n "$n" --seed 42 --paginate 100 \
    --out "$corpus" --targets quaestor >/dev/null
  for theme in $THEMES; do
    out=/dev/shm/quaestor-memory
    rm -rf "$out" "$corpus/quaestor/.quaestor-cache"
    line=$(/usr/bin/time -f "%e %M" "$bin" build --root "$corpus/quaestor" --output "$out" --theme "$theme" 2>&1 >/dev/null | tail -1)
    files=$(find "$out" -type f | wc -l)
    rm -rf "$out" "$corpus/quaestor/.quaestor-cache"
    set -- $line
    echo "| $n | $theme | $1 s | $(( $2 / 1024 )) MB | $files |"
  done
done
