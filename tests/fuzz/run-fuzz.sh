#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One fuzz target, briefly: TARGET SEED_DIR RUNS ARTIFACT_DIR [libFuzzer options…]
# Runs the seeds, then mutates them for a fixed number of inputs with a
# fixed seed. New inputs go to a temporary folder, never to the seeds; an
# input that crashes is kept in ARTIFACT_DIR and fails the test.
set -eu
target=$1 seeds=$2 runs=$3 artifacts=$4
shift 4
name=$(basename "$target")
# In memory when there is a tmpfs; the targets' own files go there too
# (TMPDIR), so a crashed target leaves nothing behind.
base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
work=$(mktemp -d "$base/motcua-fuzz-run.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
mkdir -p "$work/corpus" "$work/tmp" "$artifacts"
export TMPDIR="$work/tmp"
exec_status=0
# libFuzzer's own exit status for a crash, 77, would read as "skipped".
# Leaks are for build-aux/fuzz.sh --leaks: telling json-glib's own leak
# (lsan.supp) from ours needs whole allocation stacks, which GLib without
# frame pointers makes about 15 times slower to take.
"$target" -runs="$runs" -seed=1 -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 -detect_leaks=0 \
  -artifact_prefix="$artifacts/$name-" "$@" "$work/corpus" "$seeds" || exec_status=$?
exit $exec_status
