#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The second, independent card and scan generator (issue 13).

    make-cards.py --out DIR --truth FILE [--split tune|report]
                  [--kind scan|photo] [--first N] [--count N] [--jobs N]

Writes N images (glass scans or phone photos of synthetic CCCD 2021 and
căn cước 2024 cards) and one truth file in the form of the first
generator's (resources/specimens/mc-make-id-cards.c): {"cards": [{name,
images, placements, card_type, presentation, dpi, qr_damage, mrz_smudge,
no_expiry, mrz, fields: {id_number, full_name, …}}]} plus this
generator's categories (kind, lid, area, sides, orientation, …).

It shares no code, fonts or drawing choices with the first generator; it
was written from the reference notes on the cards only.

Splits. Every image comes from its own seed; the `tune` split and the
`report` split use disjoint seed ranges. Tune thresholds on `tune` only.
The `report` split is for reporting figures and NEVER for tuning: looking
at its failures to adjust the reader would make its figures worthless."""

import argparse
import json
import multiprocessing
import os
import random
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import card  # noqa: E402
import people  # noqa: E402
import scene  # noqa: E402

# Seed ranges: disjoint, so no report image can ever be a tune image.
SEED_BASE = {
    ("tune", "scan"): 1_000_000,
    ("tune", "photo"): 2_000_000,
    ("report", "scan"): 7_000_000,
    ("report", "photo"): 8_000_000,
}
SPLIT_SIZE = 1_000_000


def visible_sides(card_type, sides):
    return ["front", "back"] if sides == "both" else [sides]


def make_one(args):
    out_dir, split, kind, index = args
    seed = SEED_BASE[(split, kind)] + index
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    q = scene.glass_params(rng) if kind == "scan" else scene.photo_params(rng)
    p = people.person(rng, q["card_type"])
    style = card.style_for(rng)
    names = visible_sides(q["card_type"], q["sides"])
    qr_side = "front" if q["card_type"] == "cccd2021" else "back"
    qr_visible = qr_side in names
    mrz_visible = "back" in names
    qr_damage = "smudge" if q["qr_smudge"] and qr_visible else "none"
    mrz_smudge = bool(q["mrz_smudge"] and mrz_visible)
    scale = card.SCALE
    if kind == "photo":
        scale = min(30.0, max(12.0, 0.85 * q["width"] / card.CARD_W))
    sides = []
    for name in names:
        damage = {}
        if name == qr_side and qr_damage != "none":
            damage["qr"] = rng.uniform(0.7, 1.3)
        if name == "back" and mrz_smudge:
            damage["mrz"] = True
        img, _ = card.draw_side(rng, style, p, name, scale, damage)
        sides.append((name, img))
    if kind == "scan":
        image, placements = scene.glass_scene(rng, nprng, sides, q)
    else:
        image, placements = scene.photo_scene(rng, nprng, sides, q)
    stem = f"idgen-{split}-{kind}-{index:05d}"
    if kind == "photo":
        fname = stem + ".jpg"
        image.save(os.path.join(out_dir, fname), "JPEG", quality=q["jpeg_quality"])
    elif rng.random() < 0.5:
        fname = stem + ".png"
        image.save(os.path.join(out_dir, fname), "PNG", compress_level=1)
    else:
        fname = stem + ".jpg"
        image.save(os.path.join(out_dir, fname), "JPEG", quality=rng.randint(80, 95),
                   dpi=(q["dpi"],) * 2)
    truth = {
        "name": stem,
        "generator": "idgen",
        "split": split,
        "seed": seed,
        "images": [os.path.join(os.path.basename(os.path.normpath(out_dir)), fname)],
        "placements": placements,
        "card_type": p["card_type"],
        "presentation": "glass" if kind == "scan" else "photo",
        "kind": kind,
        "dpi": q.get("dpi"),
        "width": image.width,
        "height": image.height,
        "area": q.get("area"),
        "lid": q.get("lid"),
        "pale": q.get("pale", False),
        "sides": q["sides"],
        "orientation": q["orientation"],
        "angle": q.get("angle"),
        "edge_touch": q.get("edge_touch", False),
        "background": q.get("background"),
        "glare": q.get("glare", False),
        "sleeve": q.get("sleeve", False),
        "motion_blur": q.get("motion_blur", False),
        "font_family": style["family"],
        "qr_visible": qr_visible,
        "mrz_visible": mrz_visible,
        "qr_damage": qr_damage,
        "mrz_smudge": mrz_smudge,
        "no_expiry": p["expiry"] is None,
        "qr_payload": p["qr_payload"],
        "mrz": p["mrz"],
        "fields": people.truth_fields(p),
    }
    return truth


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="directory for the images")
    ap.add_argument("--truth", required=True, help="truth file to write (JSON)")
    ap.add_argument("--split", choices=["tune", "report"], default="tune")
    ap.add_argument("--kind", choices=["scan", "photo"], default="scan")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--count", type=int, default=6)
    ap.add_argument("--jobs", type=int, default=1)
    a = ap.parse_args()
    if a.first < 0 or a.first + a.count > SPLIT_SIZE:
        ap.error("--first/--count outside the split's seed range")
    os.makedirs(a.out, exist_ok=True)
    # Truth image paths are relative to the truth file's folder.
    rel_out = os.path.relpath(os.path.abspath(a.out), os.path.dirname(os.path.abspath(a.truth)))
    work = [(a.out, a.split, a.kind, i) for i in range(a.first, a.first + a.count)]
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            cards = pool.map(make_one, work, chunksize=1)
    else:
        cards = [make_one(w) for w in work]
    for c in cards:
        c["images"] = [os.path.join(rel_out, os.path.basename(i)) for i in c["images"]]
    tmp = a.truth + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump({"generator": "idgen", "split": a.split, "kind": a.kind,
                   "reference_day": people.REFERENCE_DAY.isoformat(), "cards": cards},
                  f, ensure_ascii=False, indent=1)
    os.replace(tmp, a.truth)


if __name__ == "__main__":
    main()
