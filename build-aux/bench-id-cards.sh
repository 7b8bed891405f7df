#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The ID reader on both card generators, per category, beside the naive
# baseline (tesseract + regular expressions); see tests/idgen/bench.py.
# Prints Markdown tables, never fails on a figure. Against any build:
#
#   build-aux/bench-id-cards.sh [BUILD_DIR] [bench.py options…]
#   build-aux/bench-id-cards.sh build --scans 120 --photos 36 --first-count 64
#
# The sets (report split by default) and the baseline's text are cached in
# BUILD_DIR/tests/id-bench-cache; only the reader runs every time.
# Never tune the reader on the report split (--split tune is for that).
set -euo pipefail
cd "$(dirname "$0")/.."
builddir=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  builddir=$1
  shift
fi
# Pillow, NumPy and segno come from Debian's python3, not a pyenv one.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
BENCH_COMMAND="build-aux/bench-id-cards.sh $builddir $*" exec nice "$py" tests/idgen/bench.py \
  --tool "$builddir/app/tool/motcua-tool" \
  --first-gen "$builddir/resources/specimens/mc-make-id-cards" \
  --cache "$builddir/tests/id-bench-cache" "$@"
