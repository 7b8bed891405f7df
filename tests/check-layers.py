#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which folder may include which (docs/architecture.md), checked on the
#include lines of every C file: data flows imaging → scanner and ocr → app
→ ui, never back, and no GTK header appears below ui/ except in the
application glue (app/main.c, app/mc-application.[ch], app/mc-startup-bench.[ch]).

Usage: check-layers.py SOURCE_ROOT     (TAP on stdout)
The first test runs the check on a small tree with one violation of each
kind, so a checker that finds nothing cannot pass."""

import os
import re
import sys
import tempfile

# Folder → the folders whose headers it may include (itself included).
ALLOWED = {
    "imaging": {"imaging"},
    "scanner": {"imaging", "scanner"},
    "ocr": {"imaging", "ocr"},
    "app": {"imaging", "scanner", "ocr", "app"},
    "ui": {"imaging", "scanner", "ocr", "app", "ui"},
}
ORDER = ["imaging", "scanner", "ocr", "app", "ui"]
# The application glue: what builds shell_lib (meson.build) and main.c.
GLUE = {"app/main.c", "app/mc-application.c", "app/mc-application.h",
        "app/mc-startup-bench.c", "app/mc-startup-bench.h"}
# Headers made at build time, and the folder each belongs to.
GENERATED = {"mc-ledger-enums.h": "app", "resources/mc-data-resources.h": "app"}
GTK = re.compile(r'#\s*include\s*<(gtk/|gdk/|adwaita\.h|gsk/)')
QUOTED = re.compile(r'#\s*include\s*"([^"]+)"')


def layer_of(rel):
    top = rel.split("/", 1)[0]
    return top if top in ALLOWED else None


def check(root):
    """The list of violations under @root, as readable lines."""
    owner = dict(GENERATED)
    sources = []
    for top in ORDER:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                if name.endswith(".h"):
                    if name in owner and owner[name] != top:
                        # The same header name in two layers: bare includes
                        # would be ambiguous.
                        yield f"{rel}: header name also used in {owner[name]}/"
                    owner.setdefault(name, top)
                if name.endswith((".c", ".h")):
                    sources.append(rel)
    for rel in sorted(sources):
        layer = layer_of(rel)
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if GTK.search(line) and layer != "ui" and rel not in GLUE:
                    yield f"{rel}:{number}: a GTK header below ui/: {line.strip()}"
                m = QUOTED.search(line)
                if not m or m.group(1) == "config.h":
                    continue
                header = m.group(1)
                target = owner.get(header) or owner.get(os.path.basename(header))
                if target is None or rel in GLUE:
                    continue
                if target not in ALLOWED[layer]:
                    yield f"{rel}:{number}: {layer}/ includes {header} from {target}/, a higher layer"


def self_test():
    with tempfile.TemporaryDirectory() as root:
        files = {
            "imaging/mc-a.h": "",
            "imaging/mc-a.c": '#include "config.h"\n#include "mc-a.h"\n#include "mc-s.h"\n',
            "scanner/mc-s.h": "",
            "scanner/mc-s.c": '#include "mc-a.h"\n',
            "ocr/mc-o.c": '#include "mc-s.h"\n',
            "app/mc-p.h": "#include <gtk/gtk.h>\n",
            "app/mc-application.h": "#include <adwaita.h>\n",
            "app/mc-q.c": '#include "mc-p.h"\n#include "mc-w.h"\n',
            "ui/mc-w.h": "#include <gtk/gtk.h>\n",
            "ui/mc-w.c": '#include "mc-w.h"\n#include "mc-p.h"\n#include "mc-o.h"\n',
        }
        for rel, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
                f.write(text)
        found = list(check(root))
        want = ["imaging/mc-a.c:3", "ocr/mc-o.c:1", "app/mc-p.h:1", "app/mc-q.c:2"]
        return all(any(v.startswith(w) for v in found) for w in want) and len(found) == len(want), found


def main():
    root = sys.argv[1]
    print("1..2")
    ok, found = self_test()
    print(("ok" if ok else "not ok") + " 1 - the check finds each kind of violation on a made-up tree")
    if not ok:
        for v in found:
            print(f"# found: {v}")
    violations = list(check(root))
    for v in violations:
        print(f"# {v}")
    print(("not ok" if violations else "ok") + " 2 - no folder includes a higher layer; GTK only in ui/ and the glue")
    return 0 if ok and not violations else 1


if __name__ == "__main__":
    sys.exit(main())
