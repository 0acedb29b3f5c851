#!/bin/sh
# Builds the four limit sites (see docs/LIMITS.md) with the release binary and reports time and
# peak memory. Not a test: run it by hand after changes to the pipeline.
#   sh bench/limits.sh [WORKDIR]      (default: a fresh temp dir; needs python3 and /usr/bin/time)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
target=${CARGO_TARGET_DIR:-$here/target}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
bin="$target/release/quaestor"
python3 "$here/bench/gen_limits.py" "$work"
printf '%-14s %10s %12s %8s  %s\n' site wall_s max_rss_MB files result
for s in keywords-10k answer-5mb member-20k keyword-all; do
  log="$work/$s.time"
  if /usr/bin/time -v "$bin" build --root "$work/$s" >"$work/$s.out" 2>"$log"; then r=ok; else r=FAILED; fi
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")
  files=$(find "$work/$s/output" -type f 2>/dev/null | wc -l)
  printf '%-14s %10s %12s %8s  %s\n' "$s" "$wall" "$((rss / 1024))" "$files" "$r"
done
echo "sites and logs in $work"
