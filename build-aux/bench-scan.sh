#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Scanning benchmark: colour A4 at 300 dpi from the test scanner's feeder
# into a page store, 10 and 50 pages (the test feeder holds 10 sheets, so
# 50 pages are 5 batches in one process), each RUNS times (default 3),
# beside `scanimage --batch --format=png` on the same device and settings.
# Prints medians. Usage: build-aux/bench-scan.sh [RUNS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
builddir=${2:-build}
export SANE_CONFIG_DIR="$PWD/$builddir/tests/sane" OMP_THREAD_LIMIT=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for pages in 10 50; do
  : > "$tmp/ours-$pages"
  for _ in $(seq "$runs"); do
    rm -rf "$tmp/out"
    "$builddir/tests/bench-scan" "$pages" "$tmp/out" >> "$tmp/ours-$pages"
  done
  pps=$(sed -n 's/.*pages_per_second=\([0-9.]*\).*/\1/p' "$tmp/ours-$pages" | median)
  rss=$(sed -n 's/.*peak_rss_mb=\([0-9.]*\).*/\1/p' "$tmp/ours-$pages" | median)
  echo "motcua  $pages pages: ${pps} pages/s, peak RSS ${rss} MB (median of $runs)"
done

: > "$tmp/sc"
for _ in $(seq "$runs"); do
  rm -rf "$tmp/si"; mkdir -p "$tmp/si"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$tmp/mem" scanimage -d test:0 --source "Automatic Document Feeder" \
    --mode Color --resolution 300 -x 210 -y 297 --test-picture "Color pattern" \
    --format=png --batch="$tmp/si/out%d.png" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  n=$(ls "$tmp/si" | wc -l)
  echo "$n $(echo "$start $end" | awk '{print $2-$1}') $(cat "$tmp/mem")" >> "$tmp/sc"
done
pps=$(awk '{print $1/$2}' "$tmp/sc" | median)
rss=$(awk '{print $3/1024}' "$tmp/sc" | median)
echo "scanimage --batch --format=png, 10 pages: ${pps} pages/s, peak RSS ${rss} MB (median of $runs)"
