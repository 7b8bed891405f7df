#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Benchmark of page cleanup and searchable PDFs (issue 4). Prints figures,
# never fails on a timing. Run it with
#   meson test -C build --benchmark pdf --verbose
# or directly:
#   tests/bench-pdf.sh build/tests/mc-make-pages build/app/tool/motcua-tool build/tests/mc-cer
#
# 1. 20 generated A4 pages at 300 dpi (skewed ±3°, some upside down or
#    sideways, a third on grey paper, a quarter with a red seal), side by
#    side with Debian's ocrmypdf on the same pages:
#      ours:     motcua-tool clean PAGES --out DIR; motcua-tool pdf DIR/* -o ours.pdf
#      ocrmypdf: ocrmypdf -l vie --deskew --rotate-pages --optimize 1 in.pdf theirs.pdf
#    where in.pdf holds the same PNGs losslessly (img2pdf, not timed).
#    Wall time per page, KB per page, peak RSS (largest process), CER of
#    each PDF's text layer (pdftotext) against the printed text.
# 2. Cleanup alone on one core (taskset), seconds per page.
# 3. Peak RSS of clean and of pdf over 50 pages.
set -uo pipefail

make_pages=${1:?mc-make-pages}
tool=${2:?motcua-tool}
cer=${3:?mc-cer}
n=${BENCH_PAGES:-20}
n_big=${BENCH_PAGES_BIG:-50}
work=$(mktemp -d "${TMPDIR:-/tmp}/motcua-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export OMP_THREAD_LIMIT=1
export LC_ALL=C.UTF-8

# /usr/bin/time -f "%e %M": wall seconds, peak RSS in KB.
timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>"$out.err"
  local status=$?
  [ $status -eq 0 ] || { echo "FAILED ($status): $*" >&2; cat "$out.err" >&2; }
  return $status
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Per-page CER of a PDF against page-NN.txt, as a median and a mean.
pdf_cer() {
  local pdf=$1 i=1
  for txt in "$work"/raw/page-*.txt; do
    pdftotext -enc UTF-8 -f $i -l $i "$pdf" "$work/p.txt" 2>/dev/null
    "$cer" "$txt" "$work/p.txt"
    i=$((i + 1))
  done | awk '{s+=$1; n++} END {printf "%.2f", 100*s/n}'
}

echo "== generating $n A4 pages at 300 dpi"
"$make_pages" "$work/raw" "$n" 300 mixed

echo "== ours"
rm -rf "$work/clean"
timed "$work/t-clean" "$tool" clean "$work"/raw/page-*.png --out "$work/clean" --keep-blank
timed "$work/t-pdf" "$tool" pdf "$work"/clean/page-* -o "$work/ours.pdf"
read -r ours_clean_s ours_clean_rss < "$work/t-clean"
read -r ours_pdf_s ours_pdf_rss < "$work/t-pdf"
ours_s=$(echo "$ours_clean_s + $ours_pdf_s" | bc -l)
ours_bytes=$(stat -c %s "$work/ours.pdf")
ours_rss=$(( ours_clean_rss > ours_pdf_rss ? ours_clean_rss : ours_pdf_rss ))
ours_cer=$(pdf_cer "$work/ours.pdf")

echo "== ocrmypdf $(ocrmypdf --version 2>/dev/null)"
theirs="n/a"
if command -v ocrmypdf >/dev/null; then
  /usr/bin/python3 -c 'import img2pdf, sys; open(sys.argv[1], "wb").write(img2pdf.convert(sys.argv[2:]))' \
    "$work/in.pdf" "$work"/raw/page-*.png
  if timed "$work/t-theirs" ocrmypdf -l vie --deskew --rotate-pages --optimize 1 "$work/in.pdf" "$work/theirs.pdf"; then
    read -r theirs_s theirs_rss < "$work/t-theirs"
    theirs_bytes=$(stat -c %s "$work/theirs.pdf")
    theirs_cer=$(pdf_cer "$work/theirs.pdf")
    theirs=ok
  fi
fi

echo
echo "Searchable PDF, $n A4 pages at 300 dpi, $(nproc --all) cores"
printf '%-34s %9s %9s %8s %12s\n' "" "s/page" "KB/page" "CER %" "peak RSS MB"
printf '%-34s %9.2f %9.1f %8s %12.0f\n' "motcua-tool clean + pdf" \
  "$(echo "$ours_s / $n" | bc -l)" "$(echo "$ours_bytes / 1024 / $n" | bc -l)" "$ours_cer" "$(echo "$ours_rss / 1024" | bc -l)"
if [ "$theirs" = ok ]; then
  printf '%-34s %9.2f %9.1f %8s %12.0f\n' "ocrmypdf (-O1 --deskew --rotate)" \
    "$(echo "$theirs_s / $n" | bc -l)" "$(echo "$theirs_bytes / 1024 / $n" | bc -l)" "$theirs_cer" "$(echo "$theirs_rss / 1024" | bc -l)"
else
  echo "ocrmypdf: not installed or failed (apt-get install ocrmypdf)"
fi
echo "ours: clean ${ours_clean_s} s (peak $((ours_clean_rss / 1024)) MB), pdf ${ours_pdf_s} s (peak $((ours_pdf_rss / 1024)) MB)"

echo
echo "== cleanup alone, one core (taskset -c 0), $n pages"
rm -rf "$work/clean1"
timed "$work/t-one" taskset -c 0 "$tool" clean --jobs 1 "$work"/raw/page-*.png --out "$work/clean1" --keep-blank --json
read -r one_s one_rss < "$work/t-one"
taskset -c 0 "$tool" clean --jobs 1 "$work"/raw/page-*.png --out "$work/clean1" --keep-blank --json 2>/dev/null \
  | grep '"seconds"' | head -n "$n" | sed 's/[^0-9.]//g' > "$work/per-page"
printf 'wall %.2f s/page (decode + cleanup + encode); cleanup step alone, median %.3f s/page\n' \
  "$(echo "$one_s / $n" | bc -l)" "$(median < "$work/per-page")"

echo
echo "== peak RSS over $n_big pages"
"$make_pages" "$work/big" "$n_big" 300 mixed
rm -rf "$work/bigclean"
timed "$work/t-bigclean" "$tool" clean "$work"/big/page-*.png --out "$work/bigclean" --keep-blank
timed "$work/t-bigpdf" "$tool" pdf --max-size 100M "$work"/bigclean/page-* -o "$work/big.pdf"
read -r big_clean_s big_clean_rss < "$work/t-bigclean"
read -r big_pdf_s big_pdf_rss < "$work/t-bigpdf"
printf 'clean: %d pages, peak RSS %d MB, %.2f s/page\n' "$n_big" $((big_clean_rss / 1024)) "$(echo "$big_clean_s / $n_big" | bc -l)"
printf 'pdf:   %d pages, peak RSS %d MB, %.2f s/page, %d KB\n' "$n_big" $((big_pdf_rss / 1024)) \
  "$(echo "$big_pdf_s / $n_big" | bc -l)" $(( $(stat -c %s "$work/big.pdf") / 1024 ))
