#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Files over 1,000 lines and functions over 120 lines in the sources
(issue 14's limits; DESIGN.md: a sign to split along concerns). Prints
them, longest first; exits 0 always (a report, not a test, while the
tree is still over).

Usage: build-aux/check-sizes.py [SOURCE_ROOT]"""

import os
import re
import sys

FOLDERS = ["imaging", "scanner", "ocr", "app", "ui", "tests"]
FILE_LIMIT, FUNC_LIMIT = 1000, 120
# A function definition in GNU style: the name at column 0, then " (".
NAME = re.compile(r"^([A-Za-z_]\w*) \(")


def scan(root):
    files, funcs = [], []
    for top in FOLDERS:
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if not name.endswith((".c", ".h")):
                    continue
                path = os.path.relpath(os.path.join(dirpath, name), root)
                with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
                if len(lines) > FILE_LIMIT and top != "tests":
                    files.append((len(lines), path))
                for i, line in enumerate(lines):
                    # A body opens with "{" alone at column 0 right after the
                    # parameter list (a struct's "{" follows "typedef struct").
                    if line != "{" or i == 0 or not lines[i - 1].rstrip().endswith(")"):
                        continue
                    j = i - 1
                    while j > 0 and not NAME.match(lines[j]):
                        j -= 1
                    k = i
                    while k < len(lines) and lines[k] != "}":
                        k += 1
                    if k - j + 1 > FUNC_LIMIT:
                        funcs.append((k - j + 1, path, NAME.match(lines[j]).group(1) if NAME.match(lines[j]) else "?"))
    return sorted(files, reverse=True), sorted(funcs, reverse=True)


def main():
    files, funcs = scan(sys.argv[1] if len(sys.argv) > 1 else ".")
    for n, path in files:
        print(f"file {n:5d} lines  {path}")
    for n, path, name in funcs:
        print(f"func {n:5d} lines  {path}: {name}")
    print(f"{len(files)} files over {FILE_LIMIT} lines, {len(funcs)} functions over {FUNC_LIMIT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
