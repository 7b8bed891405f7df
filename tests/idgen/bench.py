#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ID reader on both generators' cards, per category, beside a naive
baseline (issue 13). Prints Markdown tables; never fails on a figure.

    bench.py --tool PATH/motcua-tool [--first-gen PATH/mc-make-id-cards]
             [--split report|tune] [--from 0] [--scans 120] [--photos 36] [--first-count 64]
             [--cache DIR] [--jobs 2] [--no-baseline] [--results FILE]

Sets are generated once and cached in --cache (keyed by the generators'
code), and so is the baseline's text per image; the reader runs every time.

- the second generator (tests/idgen/make-cards.py): --scans glass scans
  and --photos phone photos of the chosen split (seed ranges of `tune` and
  `report` are disjoint);
- the first generator (mc-make-id-cards): --first-count cards with seed 5
  for `tune` (the seed its tests and floors were set on) or seed 1013 for
  `report`, a seed nobody tuned on.

Report figures come from `--split report` (the default). Do not tune the
reader on the report split: look at `--split tune` to find and fix
failures (and `--split tune --from 1000`, cards of the same split nobody
looked at, to see that a fix holds), then measure once on `report`.

The baseline is `tesseract IMAGE stdout -l vie` on every image of a card
and regular expressions: the first run of exactly 12 digits is the
number, and simple label expressions for the other fields.

Times are CPU seconds (user + system) of one `motcua-tool read-id` run,
OMP_THREAD_LIMIT=1, model loading and start-up included (CPU time, as the
machine may be shared)."""

import argparse
import concurrent.futures
import hashlib
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
GEN_FILES = ["make-cards.py", "card.py", "scene.py", "people.py", "mrz.py"]
KEY_FIELDS = ["id_number", "full_name", "date_of_birth", "sex", "date_of_expiry"]
FIRST_SEEDS = {"tune": 5, "report": 1013}
REFERENCE_DAY = "2025-06-01"


def digest(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:10]


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


# ----------------------------------------------------------------- sets


def idgen_set(cache, split, kind, count, jobs, first=0):
    if count <= 0:
        return []
    key = digest([os.path.join(HERE, f) for f in GEN_FILES])
    at = f"-from{first}" if first else ""
    truth = os.path.join(cache, f"idgen-{split}-{kind}-{count}{at}-{key}.json")
    if not os.path.exists(truth):
        print(f"# generating {count} {kind}s ({split}) with tests/idgen/make-cards.py …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "make-cards.py"), "--out",
                        os.path.join(cache, f"idgen-{key}"), "--truth", truth, "--split", split,
                        "--kind", kind, "--first", str(first), "--count", str(count), "--jobs", str(jobs)],
                       check=True)
    return load_truth(truth, "idgen")


def first_set(cache, gen, split, count):
    if count <= 0 or not gen:
        return []
    key = digest([gen])
    seed = FIRST_SEEDS[split]
    truth = os.path.join(cache, f"first-{split}-{count}-{key}.json")
    if not os.path.exists(truth):
        print(f"# generating {count} cards ({split}, seed {seed}) with {gen} …", file=sys.stderr, flush=True)
        subprocess.run([gen, "--out", os.path.join(cache, f"first-{key}-s{seed}"), "--truth", truth,
                        "--seed", str(seed), "--first", "0", "--count", str(count)], check=True,
                       env=dict(os.environ, ASAN_OPTIONS="detect_leaks=0"))
    return load_truth(truth, "first")


def load_truth(path, generator):
    with open(path, encoding="utf-8") as f:
        cards = json.load(f)["cards"]
    base = os.path.dirname(os.path.abspath(path))
    for c in cards:
        c["images"] = [i if os.path.isabs(i) else os.path.join(base, i) for i in c["images"]]
        c["generator"] = generator
    return cards


# ----------------------------------------------------------- categories


def quad_orientation(q):
    ang = math.degrees(math.atan2(q[3] - q[1], q[2] - q[0])) % 360
    return int(round(ang / 90.0)) % 4 * 90


def categories(c):
    """(dimension, value) pairs a card is counted under."""
    kind = c.get("kind") or ("photo" if c["presentation"] == "photo" else "scan")
    sides = {p["side"] for p in c["placements"]}
    side = "both" if len(sides) == 2 else next(iter(sides))
    if len(c["images"]) > 1:
        side += f" ({len(c['images'])} images)"
    orients = sorted({quad_orientation(p["quad"]) for p in c["placements"]})
    out = [("all", "all"), ("kind", kind), ("card", c["card_type"]), ("side", side),
           ("orientation", "/".join(f"{o}°" for o in orients))]
    if kind == "scan":
        out.append(("dpi", str(c.get("dpi"))))
        if c.get("lid"):
            out.append(("lid", c["lid"] + (" pale" if c.get("pale") else "")))
        if c.get("area"):
            out.append(("area", c["area"]))
        if c.get("edge_touch"):
            out.append(("edge", "touching"))
    else:
        q = c["placements"][0]["quad"]
        w = math.dist(q[0:2], q[2:4])
        out.append(("card px", "<600" if w < 600 else "600-1200" if w < 1200 else "≥1200"))
        for k in ("glare", "sleeve", "motion_blur"):
            if c.get(k):
                out.append(("photo", k.replace("_", " ")))
    if c.get("qr_damage", "none") != "none":
        out.append(("damage", "QR " + c["qr_damage"]))
    if c.get("mrz_smudge"):
        out.append(("damage", "MRZ smudged"))
    return out


# --------------------------------------------------------------- reader


def run_timed(argv, timeout=300):
    """stdout, stderr, exit status and CPU seconds of one command."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.Popen(["timeout", str(timeout)] + argv, stdout=out, stderr=err,
                             env=dict(os.environ, OMP_THREAD_LIMIT="1", LC_ALL="C.UTF-8", LANGUAGE=""))
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                p.returncode, ru.ru_utime + ru.ru_stime)


def read_card(tool, c):
    out, err, code, cpu = run_timed([tool, "read-id", "--json", f"--on={REFERENCE_DAY}"] + c["images"])
    r = {"cpu": cpu, "code": code, "error": None, "got": {}}
    if code != 0:
        r["error"] = err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
        r["no_card"] = "No ID card" in err
        return r
    try:
        j = json.loads(out)
    except ValueError:
        r["error"] = "bad JSON"
        r["no_card"] = False
        return r
    r["no_card"] = False
    r["sources"] = j.get("sources", {})
    for k, v in j.items():
        if isinstance(v, dict) and "value" in v:
            r["got"][k] = v
        elif v is None:
            r["got"][k] = None
    return r


def reader_right(r, c, field):
    v = r["got"].get(field)
    want = c["fields"].get(field)
    if field == "date_of_expiry" and c.get("no_expiry"):
        return v is not None and v.get("value") is None and "note" in v
    return v is not None and nfc(v.get("value")) == nfc(want)


def shown_key_fields(c):
    """The key fields the sides in the images print or encode. A chip
    CCCD's back has its name only in the MRZ, without diacritics; a căn
    cước's front has no date of expiry (that is on its back)."""
    sides = {p["side"] for p in c["placements"]}
    if len(sides) == 2:
        return KEY_FIELDS
    side = next(iter(sides))
    if c["card_type"] == "cccd2021" and side == "back":
        return [f for f in KEY_FIELDS if f != "full_name"]
    if c["card_type"] == "cancuoc2024" and side == "front":
        return [f for f in KEY_FIELDS if f != "date_of_expiry"]
    return KEY_FIELDS


def reader_marked(r, field):
    v = r["got"].get(field)
    return v is not None and (v.get("unsure") or v.get("conflict"))


# ------------------------------------------------------------- baseline


def baseline_text(image, cache):
    cached = os.path.join(cache, "baseline", hashlib.sha256(image.encode()).hexdigest()[:16] + "-" +
                          str(os.path.getsize(image)) + ".txt")
    if os.path.exists(cached):
        with open(cached, encoding="utf-8") as f:
            return f.read()
    out, _, _, _ = run_timed(["tesseract", image, "stdout", "-l", "vie"], timeout=600)
    os.makedirs(os.path.dirname(cached), exist_ok=True)
    with open(cached + ".tmp", "w", encoding="utf-8") as f:
        f.write(out)
    os.replace(cached + ".tmp", cached)
    return out


def dmy_iso(s):
    m = re.match(r"(\d{2})/(\d{2})/(\d{4})", s or "")
    return f"{m.group(3)}-{m.group(2)}-{m.group(1)}" if m else None


def baseline_extract(text):
    text = nfc(text)
    got = {}
    m = re.search(r"(?<!\d)(\d{12})(?!\d)", text)
    if m:
        got["id_number"] = m.group(1)
    m = re.search(r"(?:Họ và tên|khai sinh|Full name)[^\n]*\n+\s*([^\n]+)", text, re.I)
    if m:
        got["full_name"] = m.group(1).strip().upper()
    m = re.search(r"(?:Ngày sinh|năm sinh|Date of birth)[^\d\n]{0,40}(\d{2}/\d{2}/\d{4})", text, re.I) or \
        re.search(r"(\d{2}/\d{2}/\d{4})", text)
    if m:
        got["date_of_birth"] = dmy_iso(m.group(1))
    m = re.search(r"(?:Giới tính|Sex)[^\n]*?\b(Nam|Nữ)\b", text, re.I)
    if m:
        got["sex"] = "Nam" if m.group(1).lower() == "nam" else "Nữ"
    m = re.search(r"(?:Có giá trị đến|hết hạn|Date of expiry)[\s\S]{0,60}?(\d{2}/\d{2}/\d{4}|Không thời hạn)", text, re.I)
    if m:
        got["date_of_expiry"] = "none" if m.group(1).startswith("Không") else dmy_iso(m.group(1))
    return got


def baseline_right(got, c, field):
    if field == "date_of_expiry" and c.get("no_expiry"):
        return got.get(field) == "none"
    return got.get(field) is not None and got.get(field) == c["fields"].get(field)


# ---------------------------------------------------------------- table


def pct(a, n):
    return f"{100.0 * a / n:.1f}" if n else "—"


class Tally:
    def __init__(self):
        self.n = self.no_card = self.errors = self.keys = self.shown = self.number = self.name = 0
        self.base_n = self.base_number = self.base_keys = 0
        self.cpu = []

    def add(self, c, r, b):
        self.n += 1
        self.cpu.append(r["cpu"])
        if r["error"]:
            self.no_card += r["no_card"]
            self.errors += not r["no_card"]
        else:
            self.keys += all(reader_right(r, c, f) for f in KEY_FIELDS)
            self.shown += all(reader_right(r, c, f) for f in shown_key_fields(c))
            self.number += reader_right(r, c, "id_number")
            self.name += reader_right(r, c, "full_name")
        if b is not None:
            self.base_n += 1
            self.base_number += baseline_right(b, c, "id_number")
            self.base_keys += all(baseline_right(b, c, f) for f in KEY_FIELDS)

    def row(self):
        med = f"{statistics.median(self.cpu):.2f}" if self.cpu else "—"
        return [str(self.n), str(self.no_card) + (f" (+{self.errors} err)" if self.errors else ""),
                pct(self.keys, self.n), pct(self.shown, self.n), pct(self.number, self.n), pct(self.name, self.n),
                pct(self.base_number, self.base_n) if self.base_n else "—", med]


def print_table(head, rows):
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()


def main():
    ap = argparse.ArgumentParser(description="ID reader benchmark on two generators")
    ap.add_argument("--tool", required=True)
    ap.add_argument("--first-gen", default=None, help="mc-make-id-cards (the first generator)")
    ap.add_argument("--split", choices=["report", "tune"], default="report")
    ap.add_argument("--scans", type=int, default=120)
    ap.add_argument("--photos", type=int, default=36)
    ap.add_argument("--first-count", type=int, default=64)
    ap.add_argument("--from", dest="first", type=int, default=0,
                    help="the second generator's first index in the split (a fresh part of `tune` "
                         "to check that a change tuned on its first cards holds on others)")
    ap.add_argument("--cache", default=os.path.join(os.getcwd(), "id-bench-cache"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--results", default=None, help="also write every card's result here (JSON)")
    a = ap.parse_args()
    os.makedirs(a.cache, exist_ok=True)

    cards = (idgen_set(a.cache, a.split, "scan", a.scans, a.jobs, a.first) +
             idgen_set(a.cache, a.split, "photo", a.photos, a.jobs, a.first) +
             first_set(a.cache, a.first_gen, a.split, a.first_count))
    print(f"# reading {len(cards)} cards with {a.tool} …", file=sys.stderr, flush=True)

    def work(c):
        r = read_card(a.tool, c)
        b = None
        if not a.no_baseline:
            b = baseline_extract("\n".join(baseline_text(i, a.cache) for i in c["images"]))
        return r, b

    with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
        results = list(ex.map(work, cards))

    tallies = {}
    extra = {g: {"mr": 0, "mr_right": 0, "unmarked": 0} for g in ("idgen", "first")}
    dump = []
    for c, (r, b) in zip(cards, results):
        g = c["generator"]
        for dim, val in categories(c):
            tallies.setdefault((g, dim, val), Tally()).add(c, r, b)
        if not r["error"]:
            src = r.get("sources", {})
            if src.get("qr") == "valid" or src.get("mrz") == "valid":
                extra[g]["mr"] += 1
                extra[g]["mr_right"] += reader_right(r, c, "id_number")
            extra[g]["unmarked"] += sum(1 for f in KEY_FIELDS if not reader_right(r, c, f) and
                                        r["got"].get(f) is not None and r["got"][f].get("value") is not None and
                                        not reader_marked(r, f))
        dump.append({"name": c["name"], "generator": g, "categories": categories(c), "images": c["images"],
                     "error": r["error"], "cpu": round(r["cpu"], 3),
                     "wrong": [f for f in KEY_FIELDS if r["error"] or not reader_right(r, c, f)],
                     "shown": shown_key_fields(c),
                     "unmarked": [f for f in KEY_FIELDS if not r["error"] and not reader_right(r, c, f) and
                                  r["got"].get(f) is not None and r["got"][f].get("value") is not None and
                                  not reader_marked(r, f)],
                     "baseline_number_right": None if b is None else baseline_right(b, c, "id_number")})
    if a.results:
        with open(a.results, "w", encoding="utf-8") as f:
            json.dump(dump, f, ensure_ascii=False, indent=1)

    gens = [g for g in ("idgen", "first") if ("all" in [k[1] for k in tallies if k[0] == g])]
    head = ["n", "no card", "all key fields %", "key fields shown %", "id_number %", "full_name %", "baseline id_number %", "median CPU s"]
    print(f"## ID reader, split `{a.split}`: {a.tool}\n")
    print("Both generators side by side (idgen = tests/idgen/make-cards.py, first = mc-make-id-cards):\n")
    rows = []
    for i, h in enumerate(head):
        rows.append([h] + [tallies[(g, "all", "all")].row()[i] for g in gens])
    for label, key, tot in (("number right where QR or MRZ read", "mr_right", "mr"),):
        rows.append([label] + [f"{pct(extra[g][key], extra[g][tot])} ({extra[g][key]}/{extra[g][tot]})" for g in gens])
    rows.append(["key fields wrong, not marked"] + [str(extra[g]["unmarked"]) for g in gens])
    # The speed target: a two-sided glass scan at 300 dpi.
    med = []
    for g in gens:
        t = [r["cpu"] for c, (r, _) in zip(cards, results) if c["generator"] == g and
             ("kind", "scan") in categories(c) and c.get("dpi") == 300 and
             len({p["side"] for p in c["placements"]}) == 2 and not r["error"]]
        med.append(f"{statistics.median(t):.2f} over {len(t)}" if t else "—")
    rows.append(["median CPU s, both sides at 300 dpi, read"] + med)
    print_table(["", *gens], rows)

    def badness(item):
        (g, dim, val), t = item
        return (t.keys / t.n if t.n else 1, t.number / t.n if t.n else 1, -t.n)

    print("Per category, worst first (all key fields = number, name, birth, sex, expiry; "
          "key fields shown = those the scanned sides print: a chip CCCD's back has no name "
          "with diacritics, a căn cước's front no expiry):\n")
    rows = []
    for (g, dim, val), t in sorted(tallies.items(), key=badness):
        if dim == "all":
            continue
        rows.append([g, f"{dim}: {val}"] + t.row())
    print_table(["generator", "category"] + head, rows)
    cmd = os.environ.get("BENCH_COMMAND") or " ".join(sys.argv)
    print(f"Command: `{cmd}`")


if __name__ == "__main__":
    main()
