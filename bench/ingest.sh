#!/usr/bin/env bash
# End-to-end ingest throughput: N saved Senate pages (copies of the bundled fixtures, renumbered)
# read, parsed and written atomically as content files, with the manifest.
#
#   bench/ingest.sh                       # 10,000 pages, on tmpfs
#   N=50000 WORK=/var/tmp bench/ingest.sh   # on a disk: the file system's inode work shows
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
WORK=${WORK:-/dev/shm}
cargo build --release --quiet
work=$(mktemp -d -p "$WORK")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pages"
# Text fixtures only (the HTML ones are few); each copy gets a number of its own.
python3 - "$work/pages" "$N" <<'PY'
import os, re, sys, glob
out, n = sys.argv[1], int(sys.argv[2])
fixtures = sorted(f for f in glob.glob("tests/fixtures/senate/bundled/*.txt"))
texts = [(os.path.basename(f), open(f, encoding="utf-8").read()) for f in fixtures]
for i in range(n):
    name, text = texts[i % len(texts)]
    leg, num = re.match(r"(\d+)-(\d+)", name).groups()
    new = str(100000 + i)
    # Renumber: the id, and the NR= of every link to the page itself.
    t = text.replace(f"{leg}-{num}", f"{leg}-{new}").replace(f"NR={num}&", f"NR={new}&")
    open(os.path.join(out, name.replace(f"-{num}.", f"-{new}.")), "w", encoding="utf-8").write(t)
PY
echo "ingesting $N pages from $work/pages" >&2
start=$(date +%s.%N)
/usr/bin/time -f "%e s wall, %M KB peak RSS" target/release/quaestor ingest "$work/pages" --content "$work/content" | tail -1
end=$(date +%s.%N)
files=$(find "$work/content/questions" -name '*.md' | wc -l)
python3 -c "import sys; n=int(sys.argv[1]); t=float(sys.argv[3])-float(sys.argv[2]); print(f'{n} content files in {t:.2f} s: {n/t:,.0f} pages/s')" "$files" "$start" "$end"
