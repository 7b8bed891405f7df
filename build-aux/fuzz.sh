#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs the fuzz targets (tests/fuzz) for long, one after the other, and
# prints per target the inputs run and the coverage reached:
#   build-aux/fuzz.sh [--seconds N] [--coverage] [--leaks] [TARGET…]
# --seconds N   how long each target runs (default 600)
# --coverage    no fuzzing: the coverage the seeds alone reach
# --leaks       also report memory leaks (whole allocation stacks, so that
#               tests/fuzz/lsan.supp applies: about 15 times slower)
# Targets default to all. Needs the fuzz build (build-aux/dev.sh test makes
# it). What a run finds grows in build-fuzz/corpus/TARGET (the seeds in
# tests/fuzz/corpus are never written); an input that crashes is saved as
# build-fuzz/artifacts/fuzz-TARGET-crash-…, see docs/fuzzing.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

seconds=600
coverage=0
leaks=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --coverage) coverage=1; shift ;;
    --leaks) leaks=1; shift ;;
    -h|--help) sed -n '3,15p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for d in tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined >/dev/null
fi
meson compile -C build-fuzz >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_odr_violation=0:allocator_may_return_null=1}
if [ "$leaks" = 1 ]; then
  ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0
else
  ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0
fi
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$here/tests/fuzz/lsan.supp:print_suppressions=0}
export G_SLICE=always-malloc LC_ALL=C.UTF-8

status=0
printf '%-20s %10s %8s %8s  %s\n' target runs cov ft result
for t in "${targets[@]}"; do
  exe=build-fuzz/tests/fuzz/fuzz-$t
  log=build-fuzz/fuzz-$t.log
  mkdir -p "build-fuzz/corpus/$t" build-fuzz/artifacts
  if [ "$coverage" = 1 ]; then
    args=(-runs=0 "tests/fuzz/corpus/$t")
  else
    args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 -detect_leaks="$leaks"
          -artifact_prefix="build-fuzz/artifacts/fuzz-$t-" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t")
  fi
  result=ok
  # The target's own files, in memory when there is a tmpfs; removed even
  # when it crashed.
  tmp=$(mktemp -d "$( [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")/motcua-fuzz-run.XXXXXX")
  TMPDIR=$tmp nice "$exe" "${args[@]}" >"$log" 2>&1 || { result="FAILED, see $log"; status=1; }
  rm -rf "$tmp"
  # The last status line: "#RUNS DONE cov: N ft: N …" (INITED with --coverage).
  line=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  runs=$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$line")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$line")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$line")
  printf '%-20s %10s %8s %8s  %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $status
