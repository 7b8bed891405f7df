#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a file with strings for people is missing from POTFILES.in, or
# when vi.po lacks, fuzzes or leaves untranslated any message of the
# current sources. Clerks read Vietnamese: an English string is a bug.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"

status=0
for f in $(grep -rlE '(^|[^A-Za-z0-9_])N?_ ?\("|translatable="yes"|<summary>|<description>' \
             app ui scanner ocr resources --include='*.c' --include='*.ui' \
             --include='*.xml' --include='*.in' | sort); do
  case "$f" in *.gresource.xml) continue ;; esac
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "missing from po/POTFILES.in: $f"
    status=1
  fi
done

grep -v '^#' po/POTFILES.in | grep . > "$tmp/files"
# The same keywords as meson's glib preset.
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
  --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  -f "$tmp/files" -o "$tmp/motcua.pot"
msgmerge --quiet --no-fuzzy-matching po/vi.po "$tmp/motcua.pot" -o "$tmp/vi.po"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$tmp/vi.po" 2>&1)
echo "vi.po: $stats"
case "$stats" in
  *untranslated*|*fuzzy*) status=1 ;;
esac
exit $status
