#!/usr/bin/env bash
# Incremental builds against a full one, for both themes: a full build from nothing (it writes the cache),
# a build with nothing changed, one question's body edited, one question's title edited. Each
# incremental output is compared with a full build from scratch (`--no-cache`), byte for byte.
#
#   bench/incremental.sh                  # 10,000 questions
#   SIZES="10000 50000" RUNS=3 bench/incremental.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-10000}
RUNS=${RUNS:-5}
SHARED=${SHARED:-../shared}
BENCH_HOME=${BENCH_HOME:-$HOME/.cache/quaestor-bench}
cargo build --release --quiet
bin="$PWD/target/release/quaestor"
work=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$work"' EXIT
# Milliseconds matter here: a build with nothing changed takes about 0.013 s, and /usr/bin/time's
# 0.01 s steps would round it to 0.01 or 0.02 s (3 or 6 % of a 0.36 s build).
secs() { local TIMEFORMAT=%3R; { time "$@" >/dev/null 2>&1; } 2>&1 | tail -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# Edits one question: a sentence added to its body, or its title revised.
edit() {
  python3 - "$1" "$2" <<'PY'
import sys
p, what = sys.argv[1], sys.argv[2]
t = open(p, encoding="utf-8").read()
if what == "body":
    t = t.replace("\n## Question\n", "\n## Question\n\nA sentence added by the benchmark.\n", 1)
else:
    t = t.replace('\ntitle: "', '\ntitle: "Revised: ', 1)
open(p, "w", encoding="utf-8").write(t)
PY
}
echo "| questions | theme | full build (cold) | nothing changed | one body edited | one title edited |"
echo "|---:|---|---:|---:|---:|---:|"
for n in $SIZES; do
  corpus="$BENCH_HOME/corpus/n$n-p100"
  [ -d "$corpus/quaestor" ] || python3 "$SHARED/bench/gen_corpus.py" --n "$n" --seed 42 --paginate 100 \
    --out "$corpus" --targets quaestor >/dev/null
  for theme in default bench; do
    site="$work/site"; out="$work/out"; full="$work/full"
    rm -rf "$site" "$out" "$full"
    cp -r "$corpus/quaestor" "$site"
    # Files written within 2 s of a build start are re-hashed, not trusted by stamp; real sites are older.
    sleep 3
    run() { secs "$bin" build --root "$site" --output "$out" --as-of 2026-11-30 --theme "$theme"; }
    # This machine's times vary by tens of percent from one run to the next: every figure is the
    # median of RUNS builds (full builds from nothing; each edit on another question).
    fulls=(); nones=(); bodies=(); titles=()
    for r in $(seq "$RUNS"); do
      rm -rf "$out" "$site/.quaestor-cache"
      fulls+=("$(run)")
    done
    for r in $(seq "$RUNS"); do nones+=("$(run)"); done
    for r in $(seq "$RUNS"); do
      q=$(find "$site/content/questions" -name '*.md' | sort | sed -n "$((n / 2 + r))p")
      edit "$q" body
      bodies+=("$(run)")
      edit "$q" title
      titles+=("$(run)")
    done
    t_full=$(median "${fulls[@]}")
    t_none=$(median "${nones[@]}")
    t_body=$(median "${bodies[@]}")
    t_title=$(median "${titles[@]}")
    "$bin" build --root "$site" --output "$full" --as-of 2026-11-30 --theme "$theme" --no-cache >/dev/null
    diff -r "$out" "$full" >/dev/null || { echo "incremental output differs from a full build ($n, $theme)" >&2; exit 1; }
    pct() { python3 -c "import sys; print(f'{float(sys.argv[1]):.3f} s ({100*float(sys.argv[1])/float(sys.argv[2]):.1f} %)')" "$1" "$t_full"; }
    echo "| $n | $theme | $t_full s | $(pct "$t_none") | $(pct "$t_body") | $(pct "$t_title") |"
  done
done
