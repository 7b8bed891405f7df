#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One phone photo for the ID reader's plain-reading test (issue 13).

    make-plain-photo.py OUT.jpg OUT.json

A synthetic căn cước 2024 front (a made-up person) in a plastic sleeve
under glare, on a checked cloth, in a photo under 1000 px wide: plainly
legible, yet Tesseract's sparse-text pass over its crop and over the
whole image reads none of its labels, nor its number.
OUT.json holds the true number ({"id_number": …}). The seed is fixed,
so the photo is the same on every run; it is drawn with this generator's
own scene (scene.py), not by the reader's authors'."""

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

SEED = 10


def main():
    out_jpg, out_json = sys.argv[1], sys.argv[2]
    rng = random.Random(SEED)
    nprng = np.random.default_rng(SEED)
    q = scene.photo_params(rng)
    q.update(card_type="cancuoc2024", sides="front", width=960, aspect=4 / 3,
             orientation=0, background="cloth", glare=True, sleeve=True,
             motion_blur=False, gradient=True, jpeg_quality=70,
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
