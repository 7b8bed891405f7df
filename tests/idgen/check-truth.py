#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A test of the second generator, not of the reader: makes a few cards of
the tune split and checks that its truth holds together (TAP output).

    check-truth.py OUT_DIR [COUNT]

- the MRZ routine reproduces the synthetic example of the reference notes,
  and rejects it once a digit is changed;
- every card's MRZ has valid check digits and says what its fields say;
- every number's first six digits follow the province / century-and-sex /
  year rule, and the expiry follows the renewal ages;
- every QR that is on the image and not smudged decodes (zbarimg, binary)
  to exactly the truth's payload, whose fields agree with the truth;
- every card's corners lie on the image (a card may touch the edge)."""

import datetime
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, here)

import mrz  # noqa: E402
import people  # noqa: E402

n_test = 0
failed = 0


def ok(cond, what):
    global n_test, failed
    n_test += 1
    print(("ok" if cond else "not ok") + f" {n_test} - {what}", flush=True)
    if not cond:
        failed += 1
    return cond


def check_card(c, base):
    f = c["fields"]
    name = c["name"]
    lines = c["mrz"]
    ok(mrz.valid(lines), f"{name}: MRZ check digits valid")
    dob = datetime.date.fromisoformat(f["date_of_birth"])
    exp = f["date_of_expiry"]
    ok(lines[0].startswith("IDVNM" + f["id_number"][3:]) and lines[0][15:27] == f["id_number"],
       f"{name}: MRZ line 1 carries the number")
    ok(lines[1][0:6] == dob.strftime("%y%m%d") and lines[1][7] == ("M" if f["sex"] == "Nam" else "F") and
       lines[1][8:14] == ("991231" if exp is None else datetime.date.fromisoformat(exp).strftime("%y%m%d")),
       f"{name}: MRZ line 2 carries birth, sex and expiry")
    ok(lines[2].replace("<", " ").split() == mrz.transliterate(f["full_name"]).replace("<", " ").split(),
       f"{name}: MRZ line 3 is the name")
    number = f["id_number"]
    century = dob.year // 100 - 19
    ok(len(number) == 12 and number.isdigit() and number[:3] in people.PROVINCES and
       number[3] == str(2 * century + (0 if f["sex"] == "Nam" else 1)) and number[4:6] == f"{dob.year % 100:02d}",
       f"{name}: number {number} follows the province/century/sex/year rule")
    issue = datetime.date.fromisoformat(f["date_of_issue"])
    want = people.expiry_for(c["card_type"], dob, issue)
    ok((want.isoformat() if want else None) == exp and c["no_expiry"] == (exp is None),
       f"{name}: expiry follows the renewal ages")
    parts = c["qr_payload"].split("|")
    ok(parts[0] == number and parts[2].upper() == f["full_name"] and
       parts[3] == dob.strftime("%d%m%Y") and parts[4] == f["sex"] and parts[5] == f["place_of_residence"] and
       parts[6] == issue.strftime("%d%m%Y") and parts[1] == (f["old_id_number"] or ""),
       f"{name}: QR payload fields agree with the truth")
    image = os.path.join(base, c["images"][0])
    if c["qr_visible"] and c["qr_damage"] == "none":
        r = subprocess.run(["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", image],
                           capture_output=True)
        got = r.stdout.decode("utf-8", "replace").rstrip("\n")
        ok(got == c["qr_payload"], f"{name}: QR decodes to the truth payload")
        if got != c["qr_payload"]:
            print(f"# zbarimg said {got!r}\n# truth is    {c['qr_payload']!r}")
    w, h = c["width"], c["height"]
    margin = 4.0 * (c["dpi"] or 300) / 25.4 if c.get("edge_touch") else 1.0
    inside = all(-margin <= x <= w + margin and -margin <= y <= h + margin
                 for p in c["placements"] for x, y in zip(p["quad"][0::2], p["quad"][1::2]))
    ok(inside and len(c["placements"]) == (2 if c["sides"] == "both" else 1),
       f"{name}: card corners on the image, one per side shown")


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    print("TAP version 13", flush=True)
    example = ["IDVNM0900012345056090001234<<6", "9001011M3001019VNM<<<<<<<<<<<8", "NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<"]
    ok(mrz.valid(example), "the reference's synthetic MRZ validates")
    ok(mrz.td1("056090001234", datetime.date(1990, 1, 1), "Nam", datetime.date(2030, 1, 1), "Nguyễn", ["Văn", "A"])
       == example, "the reference's MRZ is what td1() writes")
    bad = [example[0][:10] + "9" + example[0][11:]] + example[1:]
    ok(not mrz.valid(bad), "a changed digit fails the check")
    truth = os.path.join(out, "check.json")
    subprocess.run([sys.executable, os.path.join(here, "make-cards.py"), "--out", os.path.join(out, "img"),
                    "--truth", truth, "--split", "tune", "--kind", "scan", "--count", str(count)], check=True)
    with open(truth, encoding="utf-8") as fh:
        cards = json.load(fh)["cards"]
    ok(len(cards) == count, f"{count} cards made")
    for c in cards:
        check_card(c, out)
    print(f"1..{n_test}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
