#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The README's two commands:
#   build-aux/dev.sh run [ARGS…]   install what is missing, build, start Một Cửa
#   build-aux/dev.sh test          install what is missing, build, run every test
#                                  (normal and ASan+UBSan builds), run each fuzz
#                                  target briefly (clang, libFuzzer), then print
#                                  "N passed, N failed"
# Both are idempotent. Options: --no-install (never call apt-get),
# --no-sanitize (test: skip the sanitizer build), --no-fuzz (test: skip the
# fuzz build).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"

# Debian 12 packages: build tools, libraries, and what the tests run.
packages=(
  gcc libc6-dev pkg-config meson ninja-build gettext python3
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev libjson-glib-dev
  libvips-dev libfftw3-dev libtesseract-dev libleptonica-dev libsane-dev libsane1 sane-utils
  liblcms2-dev libtiff-dev libcairo2-dev libpango1.0-dev libsqlite3-dev
  libzbar-dev libqrencode-dev libarchive-dev
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng tesseract-ocr-osd
  sqlite3 poppler-utils qpdf desktop-file-utils appstream
  xvfb xauth fonts-noto-core fonts-cantarell fonts-ocr-b
  libssl-dev libcurl4-openssl-dev libsecret-1-dev gnome-keyring dbus-daemon openssl glib-networking
  libgnutls28-dev libp11-kit-dev p11-kit libharfbuzz-dev softhsm2 gnutls-bin
  librsvg2-common
  libspeechd-dev speech-dispatcher speech-dispatcher-espeak-ng espeak-ng
  python3-pil python3-numpy python3-segno zbar-tools fonts-dejavu-core
  fonts-liberation2 fonts-freefont-ttf
  clang libclang-rt-14-dev
  postgresql libpq-dev
  # Not in a minimal Debian: the system's CAs, which the portal's and the
  # timestamp server's HTTPS are checked against unless a CA file is set,
  # and /usr/bin/time, which the benchmarks measure memory with.
  ca-certificates time
)

install=1
sanitize=1
fuzz=1
cmd=${1:-}
[ $# -gt 0 ] && shift
args=()
for a in "$@"; do
  case "$a" in
    --no-install) install=0 ;;
    --no-sanitize) sanitize=0 ;;
    --no-fuzz) fuzz=0 ;;
    *) args+=("$a") ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

ensure_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$install" = 0 ]; then
    say "missing packages (not installing, --no-install): ${missing[*]}"
    return 0
  fi
  if [ "$(id -u)" = 0 ]; then
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    say "these Debian packages are missing; install them, then run this again:"
    echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
}

build() {
  local dir=$1 out; shift
  if [ ! -f "$dir/build.ninja" ]; then
    say "configuring $dir"
    # Quiet when it works; meson says what is missing on stdout.
    if ! out=$(meson setup "$dir" "$@" 2>&1); then
      printf '%s\n' "$out" >&2
      return 1
    fi
  fi
  say "building $dir"
  meson compile -C "$dir" >/dev/null || meson compile -C "$dir"
}

# For running the program: the system's SANE backends (real scanners) plus
# the virtual "test" and "pnm" scanners, so there is always one to try.
prepare_sane_run_config() {
  local dir="$here/build/sane-run"
  mkdir -p "$dir"
  if [ -d /etc/sane.d ]; then
    cp -a /etc/sane.d/. "$dir/"
  fi
  grep -Eqx 'test' "$dir/dll.conf" 2>/dev/null || echo test >> "$dir/dll.conf"
  grep -Eqx 'pnm' "$dir/dll.conf" 2>/dev/null || echo pnm >> "$dir/dll.conf"
  cp tests/sane/test.conf "$dir/test.conf"
  echo "$dir"
}

run_env() {
  export GSETTINGS_SCHEMA_DIR="$here/build/resources"
  export MOTCUA_SPECIMEN_DIR="$here/build/resources/specimens"
  export MOTCUA_LOCALEDIR="$here/build/po"
  # Settings persist in a key file when no dconf is running (Xvfb, kiosks).
  export GSETTINGS_BACKEND="${GSETTINGS_BACKEND:-keyfile}"
  # LANGUAGE=vi is ignored under the plain C locale.
  case "${LC_ALL:-${LC_MESSAGES:-${LANG:-C}}}" in
    C|POSIX) export LANG=C.UTF-8; unset LC_ALL ;;
  esac
}

# Adds up the TAP results of every test in a meson test log. A test without
# TAP output (data validators) counts as one. The first argument: builds
# that failed, one failure each (their tests never ran).
count_results() {
  python3 - "$@" <<'PY'
import json, re, sys
passed = skipped = 0
failed = int(sys.argv[1])
for path in sys.argv[2:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        skips = len(re.findall(r"^ok \d+.*# SKIP", out, re.M))
        nots = len(re.findall(r"^not ok \d+", out, re.M))
        if t["result"] in ("OK", "EXPECTEDFAIL") and oks + nots == 0:
            passed += 1
        elif t["result"] == "SKIP" and oks + nots == 0:
            skipped += 1
        else:
            passed += oks - skips
            skipped += skips
            failed += nots
            if t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and nots == 0:
                failed += 1   # crashed, timed out, or exited non-zero
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
}

case "$cmd" in
  run)
    ensure_packages
    build build
    sane_dir=$(prepare_sane_run_config)
    export SANE_CONFIG_DIR="$sane_dir"
    run_env
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      say "no display: Một Cửa is a desktop program and needs one."
      echo "Start it from a desktop session, or try it under a virtual display:" >&2
      echo "  xvfb-run -a build-aux/dev.sh run" >&2
      echo "The headless tool works without one: build/app/tool/motcua-tool --help" >&2
      exit 1
    fi
    say "starting Một Cửa"
    # Set here, the program need not start itself again to set it.
    export OMP_THREAD_LIMIT=1
    exec "$here/build/motcua" "${args[@]}"
    ;;
  test)
    ensure_packages
    status=0
    broken=0
    logs=()
    # A build that fails counts as one failure and the others still run:
    # the last line is "N passed, N failed" whatever happens (.ci/run).
    if build build; then
      say "testing build"
      # Timeouts catch hangs, never slowness: a loaded machine gets three
      # times the time each test declares.
      meson test -C build --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
      logs+=("$here/build/meson-logs/testlog.json")
    else
      status=1 broken=$((broken + 1))
    fi
    if [ "$sanitize" = 1 ]; then
      if build build-asan -Dsanitize=true -Db_sanitize=address,undefined -Dbuildtype=debug; then
        say "testing build-asan (AddressSanitizer + UndefinedBehaviorSanitizer)"
        meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
        logs+=("$here/build-asan/meson-logs/testlog.json")
      else
        status=1 broken=$((broken + 1))
      fi
    fi
    if [ "$fuzz" = 1 ]; then
      # The parsers of untrusted input, each for a fixed number of inputs
      # from its seeds (tests/fuzz/); docs/fuzzing.md runs them for long.
      if CC=clang build build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined; then
        say "fuzzing briefly in build-fuzz (libFuzzer, ASan + UBSan)"
        meson test -C build-fuzz --suite fuzz --print-errorlogs --num-processes 2 --timeout-multiplier 3 || status=1
        logs+=("$here/build-fuzz/meson-logs/testlog.json")
      else
        status=1 broken=$((broken + 1))
      fi
    fi
    echo "screenshots: $here/build/screenshots/"
    count_results "$broken" "${logs[@]}"
    exit $status
    ;;
  *)
    echo "usage: build-aux/dev.sh run|test [--no-install] [--no-sanitize] [--no-fuzz]" >&2
    exit 2
    ;;
esac
