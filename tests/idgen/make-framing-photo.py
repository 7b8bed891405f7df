#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One phone photo for the card finder's framing test (issue 13).

    make-framing-photo.py OUT.jpg OUT.json

A synthetic căn cước 2024 front (a made-up person), upside down, tilted
and seen at a slant, on a cluttered desk (sheets of print, coloured
discs, a pen) under a patch of glare: the card's outline is a
quadrilateral, not a rectangle, and pale paper touches it. OUT.json holds
the card's true corners in the photo ({"quad": [x0, y0, … x3, y3]}). The
seed is fixed, so the photo is the same on every run; it is drawn with
this generator's own scene (scene.py), not by the reader's authors'."""

import json
import os
import random
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import card  # noqa: E402
import people  # noqa: E402
import scene  # noqa: E402

SEED = 4_130_001


def main():
    out_jpg, out_json = sys.argv[1], sys.argv[2]
    rng = random.Random(SEED)
    nprng = np.random.default_rng(SEED)
    q = scene.photo_params(rng)
    q.update(card_type="cancuoc2024", sides="front", width=1200, aspect=16 / 9,
             orientation=180, background="desk", glare=True, sleeve=False,
             motion_blur=False, gradient=True, jpeg_quality=80,
             qr_smudge=False, mrz_smudge=False)
    p = people.person(rng, q["card_type"])
    style = card.style_for(rng)
    scale = min(30.0, max(12.0, 0.85 * q["width"] / card.CARD_W))
    img, _ = card.draw_side(rng, style, p, "front", scale, {})
    image, placements = scene.photo_scene(rng, nprng, [("front", img)], q)
    image.save(out_jpg, "JPEG", quality=q["jpeg_quality"])
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump({"quad": placements[0]["quad"], "id_number": p["id_number"]}, f)


if __name__ == "__main__":
    main()
