#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Cold start to the first drawn frame, and the idle window's memory: runs
# the built program N times (default 5) under Xvfb and prints the medians.
# The counter is configured, so the first-run dialog is not in the way.
# Usage: build-aux/bench-startup.sh [N] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
builddir=${2:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GSETTINGS_SCHEMA_DIR="$PWD/$builddir/resources"
export MOTCUA_LOCALEDIR="$PWD/$builddir/po"
export GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
export GSK_RENDERER=${GSK_RENDERER:-cairo} GTK_A11Y=none NO_AT_BRIDGE=1 LANG=C.UTF-8 LANGUAGE=vi
# Xvfb's display even from a Wayland desktop (GTK tries Wayland first).
export GDK_BACKEND=x11
mkdir -p "$XDG_CONFIG_HOME/glib-2.0/settings"
printf "[org/motcua/MotCua]\nward-code='22333'\ncounter-name='Quầy 1'\n" > "$XDG_CONFIG_HOME/glib-2.0/settings/keyfile"
for _ in $(seq "$n"); do
  MOTCUA_BENCH_STARTUP=1 xvfb-run -a -s '-screen 0 1366x900x24' "$builddir/motcua" >> "$tmp/out" 2>/dev/null
done
python3 - "$tmp/out" <<'PY'
import statistics, sys
vals = {}
for line in open(sys.argv[1]):
    k, _, v = line.partition(":")
    vals.setdefault(k.strip(), []).append(float(v))
ff = vals.get("first-frame-ms", [])
print(f"runs: {len(ff)}")
print(f"first frame: median {statistics.median(ff):.0f} ms (min {min(ff):.0f}, max {max(ff):.0f})")
for k, label in (("peak-rss-kb", "peak RSS"), ("idle-rss-kb", "idle RSS")):
    v = vals.get(k, [])
    print(f"{label}: median {statistics.median(v)/1024:.1f} MiB")
PY
