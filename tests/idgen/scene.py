# SPDX-License-Identifier: GPL-3.0-or-later
"""Puts drawn card sides onto a flatbed glass or into a phone photo."""

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import card

# ------------------------------------------------------------ geometry


def perspective_coeffs(dst, src):
    """PIL's PERSPECTIVE data mapping output points dst to input points src."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.linalg.solve(np.array(a, float), np.array(b, float)).tolist()


def rect_quad(cx, cy, w, h, degrees):
    """Corners TL, TR, BR, BL of a w×h rectangle centred at (cx, cy), the
    card's own top-left first, turned clockwise by degrees (y down)."""
    t = math.radians(degrees)
    c, s = math.cos(t), math.sin(t)
    out = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append((cx + dx * c - dy * s, cy + dx * s + dy * c))
    return out


def composite(canvas, side_img, mask, quad, shadow=None):
    """Warps side_img (with alpha mask) onto the float canvas at quad
    (pixels). shadow: (dx, dy, blur, darkness) cast on what is below."""
    H, W = canvas.shape[:2]
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    pad = 4 + (int(abs(shadow[0]) + abs(shadow[1]) + 3 * shadow[2]) if shadow else 0)
    x0, y0 = max(0, int(min(xs)) - pad), max(0, int(min(ys)) - pad)
    x1, y1 = min(W, int(math.ceil(max(xs))) + pad), min(H, int(math.ceil(max(ys))) + pad)
    if x1 <= x0 or y1 <= y0:
        return
    edge = max(math.dist(quad[0], quad[1]), math.dist(quad[1], quad[2]))
    want = max(8, int(edge * 1.05))
    src = side_img
    if src.width > 1.3 * want:           # pre-shrink, so the warp does not alias
        k = want / src.width
        src = src.resize((want, max(2, round(src.height * k))), Image.LANCZOS)
        mask = mask.resize(src.size, Image.LANCZOS)
    rgba = src.convert("RGBA")
    rgba.putalpha(mask)
    sw, sh = src.size
    local = [(x - x0, y - y0) for x, y in quad]
    coeffs = perspective_coeffs(local, [(0, 0), (sw, 0), (sw, sh), (0, sh)])
    warped = rgba.transform((x1 - x0, y1 - y0), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    arr = np.asarray(warped, np.float32)
    alpha = arr[..., 3:4] / 255.0
    region = canvas[y0:y1, x0:x1]
    if shadow:
        dx, dy, blur, dark = shadow
        sh_img = Image.fromarray(arr[..., 3].astype(np.uint8)).transform(
            warped.size, Image.AFFINE, (1, 0, -dx, 0, 1, -dy)).filter(ImageFilter.GaussianBlur(blur))
        sa = np.asarray(sh_img, np.float32)[..., None] / 255.0
        region *= 1.0 - dark * sa
    region[:] = region * (1 - alpha) + arr[..., :3] * alpha


# ------------------------------------------------------------ glass

LIDS = ["white", "grey", "dark", "open"]


def lid_background(rng, nprng, lid, h, w):
    if lid == "white":
        base = np.full((h, w, 3), rng.uniform(246, 254), np.float32)
        texture = 1.0
    elif lid == "grey":
        base = np.full((h, w, 3), rng.uniform(208, 226), np.float32)
        base[..., 2] += rng.uniform(-2, 4)
        texture = 3.0
    elif lid == "dark":
        base = np.full((h, w, 3), rng.uniform(22, 58), np.float32)
        texture = 3.0
    else:                                  # open lid: the room, dark and uneven
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        ang = rng.uniform(0, 2 * math.pi)
        g = (xx * math.cos(ang) + yy * math.sin(ang)) / max(h, w)
        base = (rng.uniform(8, 25) + rng.uniform(10, 45) * (g - g.min()))[..., None].repeat(3, 2)
        texture = 2.0
    small = nprng.normal(0, texture, (max(2, h // 40), max(2, w // 40), 1)).astype(np.float32)
    base += np.asarray(Image.fromarray(small[..., 0]).resize((w, h), Image.BILINEAR))[..., None]
    return base


def glass_params(rng):
    q = {}
    q["card_type"] = rng.choice(["cccd2021", "cancuoc2024"])
    q["sides"] = rng.choices(["both", "front", "back"], weights=[5, 3, 2])[0]
    q["dpi"] = rng.choice([200, 300])
    q["area"] = rng.choice(["id", "a4"])
    q["lid"] = rng.choices(LIDS, weights=[3, 4, 2, 2])[0]
    q["orientation"] = rng.choices([0, 90, 180, 270], weights=[16, 2, 2, 1])[0]
    q["angle"] = round(rng.uniform(-6, 6), 2) if rng.random() < 0.6 else round(rng.uniform(-1, 1), 2)
    q["edge_touch"] = rng.random() < 0.2
    q["pale"] = q["lid"] in ("white", "grey") and rng.random() < 0.6
    q["qr_smudge"] = rng.random() < 0.15
    q["mrz_smudge"] = rng.random() < 0.15
    return q


def glass_scene(rng, nprng, sides, q):
    """sides: [(name, PIL image)] drawn at card.SCALE; returns the scan
    (PIL RGB) and the placements (quads in pixels)."""
    ppm = q["dpi"] / 25.4
    turned = q["orientation"] in (90, 270)
    bw, bh = (card.CARD_H, card.CARD_W) if turned else (card.CARD_W, card.CARD_H)
    slack = abs(math.sin(math.radians(q["angle"]))) * max(bw, bh) + 1
    bw, bh = bw + slack, bh + slack
    gap = rng.uniform(3, 12)
    vertical = q["area"] == "id" or rng.random() < 0.6
    if q["area"] == "a4":
        aw, ah = 210.0, 297.0
    else:
        m = rng.uniform(2, 8)
        if len(sides) == 2:
            aw, ah = (bw + 2 * m, 2 * bh + gap + 2 * m) if vertical else (2 * bw + gap + 2 * m, bh + 2 * m)
        else:
            aw, ah = bw + 2 * m, bh + 2 * m
    W, H = round(aw * ppm), round(ah * ppm)
    canvas = lid_background(rng, nprng, q["lid"], H, W)
    # Where the card(s) go, in mm: near the top-left corner (the glass's
    # reference corner), or anywhere on an A4 area.
    if q["area"] == "a4":
        ox, oy = (rng.uniform(3, 25), rng.uniform(3, 25)) if rng.random() < 0.6 else \
                 (rng.uniform(3, aw - (bw if vertical else 2 * bw + gap) - 3),
                  rng.uniform(3, ah - (2 * bh + gap if vertical else bh) - 3))
    else:
        ox, oy = (aw - (bw if vertical or len(sides) == 1 else 2 * bw + gap)) / 2, \
                 (ah - (2 * bh + gap if vertical and len(sides) == 2 else bh)) / 2
    if q["edge_touch"]:
        ox = rng.uniform(-1.5, 0) - slack / 2 if rng.random() < 0.5 else ox
        oy = rng.uniform(-1.5, 0) - slack / 2 if ox > 0 else oy
    placements = []
    shadow = None
    if q["lid"] == "open":
        shadow = (rng.uniform(-3, 3) * ppm / 12, rng.uniform(2, 6) * ppm / 12, 2.5 * ppm / 12, rng.uniform(0.3, 0.6))
    elif q["lid"] in ("white", "grey"):
        shadow = (rng.uniform(-0.6, 0.6), rng.uniform(-0.6, 0.6), 1.2, rng.uniform(0.01, 0.05))
    order = list(sides)
    if rng.random() < 0.4:
        order.reverse()
    for i, (name, img) in enumerate(order):
        cx = ox + bw / 2 + (0 if vertical else i * (bw + gap))
        cy = oy + bh / 2 + (i * (bh + gap) if vertical else 0)
        angle = q["orientation"] + q["angle"] + (rng.uniform(-1.5, 1.5) if i else 0)
        quad_mm = rect_quad(cx, cy, card.CARD_W, card.CARD_H, angle)
        quad = [(x * ppm, y * ppm) for x, y in quad_mm]
        composite(canvas, img, card.card_mask(img.size), quad, shadow)
        placements.append({"side": name, "image": 0, "quad": [round(v, 1) for p in quad for v in p]})
    # The scanner: exposure (a pale scan washes the tints out), optics, noise.
    if q["pale"]:
        gamma = rng.uniform(0.45, 0.75)
        canvas = 255.0 * np.power(np.clip(canvas, 0, 255) / 255.0, gamma)
    out = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.9)))
    arr = np.asarray(out, np.float32) + nprng.normal(0, rng.uniform(0.8, 3.0), (H, W, 1)).astype(np.float32)
    arr *= np.array([rng.uniform(0.97, 1.02), 1.0, rng.uniform(0.97, 1.03)], np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)), placements


# ------------------------------------------------------------ photos


def photo_params(rng):
    q = {}
    q["card_type"] = rng.choice(["cccd2021", "cancuoc2024"])
    q["sides"] = rng.choices(["front", "back", "both"], weights=[6, 3, 1])[0]
    q["width"] = int(round(math.exp(rng.uniform(math.log(400), math.log(4000)))))
    q["aspect"] = rng.choice([4 / 3, 16 / 9, 3 / 4, 1.0])
    q["orientation"] = rng.choices([0, 90, 180, 270], weights=[10, 3, 1, 2])[0]
    q["background"] = rng.choice(["wood", "cloth", "desk", "tiles"])
    q["glare"] = rng.random() < 0.4
    q["sleeve"] = rng.random() < 0.3
    q["motion_blur"] = rng.random() < 0.3
    q["gradient"] = rng.random() < 0.7
    q["jpeg_quality"] = rng.randint(35, 85)
    q["qr_smudge"] = rng.random() < 0.1
    q["mrz_smudge"] = rng.random() < 0.1
    return q


def textured_background(rng, nprng, kind, h, w):
    sh, sw = max(16, h // 4), max(16, w // 4)
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32) / max(sh, sw)
    if kind == "wood":
        warp = np.asarray(Image.fromarray(nprng.normal(0, 1, (8, 8)).astype(np.float32)).resize((sw, sh), Image.BICUBIC))
        grain = np.sin((yy + 0.08 * warp) * rng.uniform(60, 140)) * 0.5 + 0.5
        col = np.array(rng.choice([(150, 100, 60), (190, 140, 90), (110, 70, 40)]), np.float32)
        img = col * (0.75 + 0.3 * grain[..., None])
    elif kind == "cloth":
        f = rng.uniform(40, 90)
        a = (np.sin(xx * f) > 0.2).astype(np.float32)
        b = (np.sin(yy * f) > 0.2).astype(np.float32)
        c1 = np.array([rng.randint(40, 220) for _ in range(3)], np.float32)
        c2 = np.array([rng.randint(40, 220) for _ in range(3)], np.float32)
        img = c1 * (0.5 * (a + b))[..., None] + c2 * (1 - 0.5 * (a + b))[..., None]
    elif kind == "tiles":
        f = rng.uniform(4, 10)
        grout = ((np.abs(np.sin(xx * f * math.pi)) < 0.06) | (np.abs(np.sin(yy * f * math.pi)) < 0.06))
        col = np.array(rng.choice([(205, 200, 190), (170, 175, 180), (120, 90, 80)]), np.float32)
        img = col * (1 - 0.35 * grout[..., None].astype(np.float32))
    else:                                  # a desk with papers, a pen, a cup
        img = np.empty((sh, sw, 3), np.float32)
        img[:] = np.array(rng.choice([(90, 90, 95), (200, 195, 185), (60, 70, 80), (160, 160, 150)]), np.float32)
        pil = Image.fromarray(img.astype(np.uint8))
        d = ImageDraw.Draw(pil)
        for _ in range(rng.randint(3, 8)):
            x, y = rng.uniform(-0.2, 1) * sw, rng.uniform(-0.2, 1) * sh
            pw, ph = rng.uniform(0.2, 0.6) * sw, rng.uniform(0.2, 0.7) * sh
            shade = rng.randint(215, 250)
            d.polygon([(x, y), (x + pw, y + rng.uniform(-9, 9)), (x + pw, y + ph), (x, y + ph)], fill=(shade,) * 3)
            for k in range(int(ph / 7)):
                d.line([(x + 6, y + 8 + k * 7), (x + 6 + rng.uniform(0.3, 0.9) * (pw - 12), y + 8 + k * 7)],
                       fill=(rng.randint(60, 120),) * 3, width=1)
        for _ in range(rng.randint(1, 3)):
            x, y, r = rng.uniform(0, sw), rng.uniform(0, sh), rng.uniform(0.05, 0.15) * sw
            d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randint(20, 230) for _ in range(3)))
        x, y = rng.uniform(0, sw), rng.uniform(0, sh)
        d.line([(x, y), (x + rng.uniform(-0.3, 0.3) * sw, y + rng.uniform(-0.3, 0.3) * sh)],
               fill=(20, 40, 160), width=max(2, sw // 90))
        img = np.asarray(pil, np.float32)
    img = np.asarray(Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).resize((w, h), Image.BILINEAR), np.float32)
    return img + nprng.normal(0, 3, (h, w, 1)).astype(np.float32)


def motion_blur(arr, length, angle):
    out = np.zeros_like(arr)
    n = max(2, int(length))
    for i in range(n):
        t = i - (n - 1) / 2
        dx, dy = int(round(t * math.cos(angle))), int(round(t * math.sin(angle)))
        out += np.roll(np.roll(arr, dy, 0), dx, 1)
    return out / n


def photo_scene(rng, nprng, sides, q):
    W = q["width"]
    H = max(300, int(W / q["aspect"]))
    canvas = textured_background(rng, nprng, q["background"], H, W)
    n = len(sides)
    # Size of the card: most of the frame, or small in a wide shot.
    frac = rng.uniform(0.45, 0.85) if n == 1 else rng.uniform(0.3, 0.45)
    turned = q["orientation"] in (90, 270)
    span = min(W, H * card.CARD_W / card.CARD_H) if not turned else min(H, W * card.CARD_W / card.CARD_H)
    cw = frac * (span if n == 1 else (W if not turned else H))
    ch = cw * card.CARD_H / card.CARD_W
    placements = []
    sleeve_quads = []
    for i, (name, img) in enumerate(sides):
        if n == 1:
            cx, cy = W / 2 + rng.uniform(-0.08, 0.08) * W, H / 2 + rng.uniform(-0.08, 0.08) * H
        else:
            cx = W * (0.27 if i == 0 else 0.73) if W >= H else W / 2
            cy = H / 2 if W >= H else H * (0.27 if i == 0 else 0.73)
        angle = q["orientation"] + rng.uniform(-12, 12)
        quad = rect_quad(cx, cy, cw, ch, angle)
        # Perspective: the phone held at a slant.
        tilt = rng.uniform(0, 0.12)
        ax = rng.uniform(0, 2 * math.pi)
        quad = [(x + tilt * cw * math.cos(ax) * (k in (0, 3) and 1 or -1) * 0.5 * ((k in (0, 1)) - 0.5),
                 y + tilt * ch * math.sin(ax) * ((k in (0, 1)) and 1 or -1) * 0.5 * ((k in (0, 3)) - 0.5))
                for k, (x, y) in enumerate(quad)]
        quad = [(x + rng.uniform(-0.025, 0.025) * cw, y + rng.uniform(-0.025, 0.025) * ch) for x, y in quad]
        shadow = (rng.uniform(-0.02, 0.02) * cw, rng.uniform(0.005, 0.03) * cw, 0.015 * cw, rng.uniform(0.2, 0.5))
        composite(canvas, img, card.card_mask(img.size), quad, shadow)
        placements.append({"side": name, "image": 0, "quad": [round(v, 1) for p in quad for v in p]})
        sleeve_quads.append(quad)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    if q["sleeve"]:
        for quad in sleeve_quads:
            cx = sum(p[0] for p in quad) / 4
            cy = sum(p[1] for p in quad) / 4
            big = [(cx + (x - cx) * 1.08, cy + (y - cy) * 1.12) for x, y in quad]
            m = Image.new("L", (W, H), 0)
            ImageDraw.Draw(m).polygon(big, fill=255)
            ma = np.asarray(m.filter(ImageFilter.GaussianBlur(2)), np.float32)[..., None] / 255.0
            ang = rng.uniform(0, math.pi)
            stripes = np.sin((xx * math.cos(ang) + yy * math.sin(ang)) / (0.07 * cw)) ** 8
            haze = rng.uniform(0.08, 0.2) + 0.25 * stripes[..., None]
            canvas[:] = canvas * (1 - ma * haze) + 250.0 * ma * haze
    if q["gradient"]:
        ang = rng.uniform(0, 2 * math.pi)
        g = (xx * math.cos(ang) + yy * math.sin(ang))
        g = (g - g.min()) / max(1.0, float(g.max() - g.min()))
        lo = rng.uniform(0.45, 0.8)
        r = np.hypot(xx - W / 2, yy - H / 2) / math.hypot(W / 2, H / 2)
        canvas *= ((lo + (1.1 - lo) * g) * (1 - 0.25 * r ** 2))[..., None]
    if q["glare"]:
        p = rng.choice(placements)["quad"]
        gx = rng.uniform(min(p[0::2]), max(p[0::2]))
        gy = rng.uniform(min(p[1::2]), max(p[1::2]))
        sx, sy = rng.uniform(0.04, 0.15) * cw, rng.uniform(0.03, 0.1) * cw
        spot = np.exp(-(((xx - gx) / sx) ** 2 + ((yy - gy) / sy) ** 2))
        canvas += rng.uniform(120, 260) * spot[..., None]
    if q["motion_blur"]:
        canvas = motion_blur(canvas, rng.uniform(0.003, 0.012) * W, rng.uniform(0, math.pi))
    out = Image.fromarray(np.clip(canvas, 0, 255).astype(np.uint8))
    out = out.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2) * max(1.0, W / 1500)))
    arr = np.asarray(out, np.float32) + nprng.normal(0, rng.uniform(2, 6), (H, W, 3)).astype(np.float32)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # Phone-grade compression, sometimes twice (a chat app re-sends it);
    # the caller saves it with q["jpeg_quality"] once more.
    if rng.random() < 0.4:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=rng.randint(50, 90))
        out = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return out, placements
