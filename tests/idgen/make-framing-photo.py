#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""One phone photo for the card finder's framing test (issue 13).

    make-framing-photo.py OUT.jpg OUT.json [pale|decoy|sleeve]

A synthetic căn cước 2024 front (a made-up person), upside down, tilted
and seen at a slant, on a cluttered desk (sheets of print, coloured
discs, a pen) under a patch of glare: the card's outline is a
quadrilateral, not a rectangle, and pale paper touches it. OUT.json holds
the card's true corners in the photo ({"quad": [x0, y0, … x3, y3]}). The
seed is fixed, so the photo is the same on every run; it is drawn with
this generator's own scene (scene.py), not by the reader's authors'.

With "pale": a CCCD 2021 front, a little turned, lying on a sheet of
paper of its own tint with no shadow, a glare across its right-hand rim:
no outline shows round it, only what is printed on it (issue 13, the
anchor vote).

With "decoy": the "pale" photo with a blank white card of its own (a key
card lying printed side down) in a corner, casting a shadow: an outline
round nothing printed, where the ID card shows none (issue 13, a frame
is a card's when something printed on a card is read inside it).

With "sleeve" (the ID reader's plain-reading test): a căn cước 2024 front
in a plastic sleeve under glare, on a checked cloth, in a photo under
1000 px wide: plainly legible, yet Tesseract's sparse-text pass over its
crop and over the whole image reads none of its labels, nor its number."""

import json
import os
import random
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

import card  # noqa: E402
import people  # noqa: E402
import scene  # noqa: E402

SEED = 4_130_001
PALE_SEED = 4_130_002
SLEEVE_SEED = 10


def pale(out_jpg, out_json, decoy=False):
    rng = random.Random(PALE_SEED)
    nprng = np.random.default_rng(PALE_SEED)
    p = people.person(rng, "cccd2021")
    style = card.style_for(rng)
    W, H = 1400, 1050
    cw = 760
    img, _ = card.draw_side(rng, style, p, "front", cw / card.CARD_W, {})
    # The paper takes the card face's own tone, measured at its margin.
    face = np.asarray(img, np.float32)[img.height // 2, 4:12].mean(axis=0)
    canvas = np.empty((H, W, 3), np.float32)
    canvas[:] = face
    canvas += nprng.normal(0, 2, (H, W, 1)).astype(np.float32)
    quad = scene.rect_quad(W / 2 - 20, H / 2 + 15, cw, cw * card.CARD_H / card.CARD_W, 7.0)
    scene.composite(canvas, img, card.card_mask(img.size), quad, None)
    if decoy:
        # A blank white card of the same size (a key card, its printed side
        # down) casting a shadow in the corner: an outline plainer than
        # the ID card's, round nothing printed.
        blank = Image.new("RGB", img.size, (250, 250, 248))
        dquad = scene.rect_quad(0.2 * W, 0.86 * H, 0.55 * cw, 0.55 * cw * card.CARD_H / card.CARD_W, -4.0)
        shadow = (4.0, 9.0, 6.0, 0.45)
        scene.composite(canvas, blank.resize((int(0.55 * img.width), int(0.55 * img.height))),
                        card.card_mask((int(0.55 * img.width), int(0.55 * img.height))), dquad, shadow)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    gx, gy = (quad[1][0] + quad[2][0]) / 2, (quad[1][1] + quad[2][1]) / 2
    canvas += 200.0 * np.exp(-(((xx - gx) / 90) ** 2 + ((yy - gy) / 160) ** 2))[..., None]
    out = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    out.save(out_jpg, "JPEG", quality=85)
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump({"quad": [round(v, 1) for q in quad for v in q], "id_number": p["id_number"]}, f)


def scene_photo(out_jpg, out_json, seed, **overrides):
    """One card front in one of the generator's own photo scenes, with
    @overrides of the scene's random parameters."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    q = scene.photo_params(rng)
    q.update(dict(dict(sides="front", motion_blur=False, gradient=True, qr_smudge=False, mrz_smudge=False), **overrides))
    p = people.person(rng, q["card_type"])
    style = card.style_for(rng)
    scale = min(30.0, max(12.0, 0.85 * q["width"] / card.CARD_W))
    img, _ = card.draw_side(rng, style, p, "front", scale, {})
    image, placements = scene.photo_scene(rng, nprng, [("front", img)], q)
    image.save(out_jpg, "JPEG", quality=q["jpeg_quality"])
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump({"quad": placements[0]["quad"], "id_number": p["id_number"]}, f)


def main():
    out_jpg, out_json = sys.argv[1], sys.argv[2]
    if sys.argv[3:] == ["pale"]:
        pale(out_jpg, out_json)
    elif sys.argv[3:] == ["decoy"]:
        pale(out_jpg, out_json, decoy=True)
    elif sys.argv[3:] == ["sleeve"]:
        scene_photo(out_jpg, out_json, SLEEVE_SEED, card_type="cancuoc2024", width=960, aspect=4 / 3,
                    orientation=0, background="cloth", glare=True, sleeve=True, jpeg_quality=70)
    else:
        scene_photo(out_jpg, out_json, SEED, card_type="cancuoc2024", width=1200, aspect=16 / 9,
                    orientation=180, background="desk", glare=True, sleeve=False, jpeg_quality=80)


if __name__ == "__main__":
    main()
