# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws one side of a card with Pillow (FreeType), at S pixels per mm.

Written from the facts in the project's reference notes (field labels,
QR and MRZ positions, ID-1 size), not from the first generator: its own
fonts (DejaVu, Liberation, FreeSans; OCR-B only for the MRZ, which ICAO
prescribes), its own background patterns, layout jitter and damage."""

import math

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import people

CARD_W, CARD_H, CORNER = 85.6, 53.98, 3.18
SCALE = 16.0          # pixels per mm a side is drawn at, before the scene

FONT_DIRS = {
    "dejavu": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "liberation": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                   "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
                   "/usr/share/fonts/truetype/liberation2/LiberationSans-Italic.ttf"),
    "freesans": ("/usr/share/fonts/truetype/freefont/FreeSans.ttf",
                 "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
                 "/usr/share/fonts/truetype/freefont/FreeSansOblique.ttf"),
    "freeserif": ("/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
                  "/usr/share/fonts/truetype/freefont/FreeSerifBold.ttf",
                  "/usr/share/fonts/truetype/freefont/FreeSerifItalic.ttf"),
}
MRZ_FONTS = ["/usr/share/fonts/opentype/ocr-b/OCRBS.otf", "/usr/share/fonts/opentype/ocr-b/OCRB.otf"]
ALL_FONT_FILES = sorted({f for v in FONT_DIRS.values() for f in v} | set(MRZ_FONTS))


class Side:
    """One side being drawn: an RGB image, mm coordinates, the card's
    randomly chosen style."""

    def __init__(self, rng, style, scale):
        self.rng, self.style, self.s = rng, style, scale
        self.w, self.h = round(CARD_W * scale), round(CARD_H * scale)
        self.img = Image.fromarray(background(rng, style, self.w, self.h, scale))
        self.draw = ImageDraw.Draw(self.img)
        self._fonts = {}

    def px(self, mm):
        return mm * self.s

    def font(self, kind, size_mm):
        path = {"regular": 0, "bold": 1, "italic": 2}[kind]
        path = FONT_DIRS[self.style["family"]][path] if kind != "mrz" else None
        key = (path, round(size_mm * self.s))
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, max(6, key[1]), layout_engine=ImageFont.Layout.BASIC)
        return self._fonts[key]

    def jitter(self, amount=0.5):
        a = amount * self.style["jitter"]
        return self.rng.uniform(-a, a), self.rng.uniform(-a, a)

    def text(self, x, y, s, kind="regular", size=2.0, fill=(25, 25, 30), anchor="ls", max_w=None):
        """Draws s with its baseline at y mm; shrinks it to max_w mm."""
        size *= self.style["font_scale"]
        f = self.font(kind, size)
        if max_w is not None:
            width = f.getlength(s) / self.s
            if width > max_w:
                f = self.font(kind, size * max_w / width)
        self.draw.text((self.px(x), self.px(y)), s, font=f, fill=fill, anchor=anchor)
        return f.getlength(s) / self.s

    def label(self, x, y, vi, en, size=1.75):
        """A bilingual label 'Vietnamese / English:'; returns its end (mm)."""
        dx, dy = self.jitter(0.25)
        colour = self.style["label_ink"]
        w = self.text(x + dx, y + dy, vi + " / ", "regular", size, colour)
        w += self.text(x + dx + w, y + dy, en + ":", self.style["english"], size * 0.95, colour)
        return x + dx + w

    def value(self, x, y, s, size=2.4, kind="bold", max_w=None, fill=None):
        return self.text(x, y, s, kind, size, fill or self.style["value_ink"], max_w=max_w)

    def wrap_value(self, x, y, s, width, size, first_width=None, leading=3.0):
        """Values that wrap onto a second line, at a comma."""
        f = self.font("bold", size * self.style["font_scale"])
        lines, cur, limit = [], "", first_width or width
        for part in s.split(", "):
            cand = part if not cur else cur + ", " + part
            if f.getlength(cand) / self.s > limit and cur:
                lines.append(cur + ",")
                cur, limit = part, width
            else:
                cur = cand
        lines.append(cur)
        return lines

    def rect(self, x0, y0, x1, y1, **kw):
        self.draw.rectangle([self.px(x0), self.px(y0), self.px(x1), self.px(y1)], **kw)

    def ellipse(self, cx, cy, rx, ry, **kw):
        self.draw.ellipse([self.px(cx - rx), self.px(cy - ry), self.px(cx + rx), self.px(cy + ry)], **kw)

    def paste(self, im, x, y):
        self.img.paste(im, (round(self.px(x)), round(self.px(y))))


def style_for(rng):
    family = rng.choices(list(FONT_DIRS), weights=[3, 3, 3, 1])[0]
    return {
        "family": family,
        "english": "italic" if rng.random() < 0.6 else "regular",
        "font_scale": rng.uniform(0.93, 1.07),
        "jitter": rng.uniform(0.3, 1.2),
        "tint": rng.choice([(226, 238, 236), (236, 236, 224), (232, 236, 246), (240, 232, 232), (238, 240, 230)]),
        "pattern": rng.choice(["waves", "rosette", "lines"]),
        "label_ink": tuple(rng.randint(30, 70) for _ in range(3)),
        "value_ink": tuple(rng.randint(0, 30) for _ in range(3)),
        "red": (rng.randint(170, 215), rng.randint(15, 45), rng.randint(25, 55)),
        "mrz_font": MRZ_FONTS[0] if rng.random() < 0.7 else MRZ_FONTS[1],
        "qr_error": rng.choice(["l", "m", "m", "q"]),
    }


def background(rng, style, w, h, s):
    """A pale security print: a tint, a guilloche of fine curves, a faint
    drum-shaped watermark, and paper noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32) / s
    tint = np.array(style["tint"], np.float32)
    a, b, c = rng.uniform(0.25, 0.6), rng.uniform(0.1, 0.4), rng.uniform(2, 6)
    if style["pattern"] == "waves":
        f = np.sin(x * a + c * np.sin(y * b)) * np.sin(y * a * 0.7 + c * np.cos(x * b * 0.5))
    elif style["pattern"] == "rosette":
        cx, cy = rng.uniform(30, 55), rng.uniform(20, 35)
        r, t = np.hypot(x - cx, y - cy), np.arctan2(y - cy, x - cx)
        f = np.sin(r * a * 2 + c * np.sin(t * rng.randint(6, 14)))
    else:
        f = np.sin((x + y * rng.uniform(-1, 1)) * a * 3 + c * np.sin(y * b))
    line = np.exp(-(f ** 2) / 0.02)                     # thin curves where f ≈ 0
    shade = 1.0 - 0.06 * line - 0.04 * (y / CARD_H)
    cx, cy = CARD_W * rng.uniform(0.45, 0.6), CARD_H * rng.uniform(0.5, 0.65)
    ring = np.hypot(x - cx, y - cy)
    shade -= 0.03 * ((ring > 9) & (ring < 13))
    img = tint[None, None, :] * shade[..., None]
    img += np.random.default_rng(rng.randrange(2 ** 32)).normal(0, 1.5, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def emblem(side, cx, cy, r):
    red, gold = side.style["red"], (236, 190, 40)
    side.ellipse(cx, cy, r, r, fill=gold)
    side.ellipse(cx, cy, r * 0.86, r * 0.86, fill=red)
    star(side, cx, cy - r * 0.1, r * 0.5, gold)
    side.draw.arc([side.px(cx - r * 0.7), side.px(cy - r * 0.5), side.px(cx + r * 0.7), side.px(cy + r * 0.75)],
                  20, 160, fill=gold, width=max(1, round(side.px(0.4))))


def header(side, x0, x1, y):
    cx = (x0 + x1) / 2 + side.jitter(0.3)[0]
    w = x1 - x0
    ink = side.style["value_ink"]
    side.text(cx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", 1.95, ink, anchor="ms", max_w=w)
    side.text(cx, y + 2.5, "Độc lập - Tự do - Hạnh phúc", "bold", 1.85, ink, anchor="ms", max_w=w)
    side.text(cx, y + 4.8, "SOCIALIST REPUBLIC OF VIET NAM", "regular", 1.6, ink, anchor="ms", max_w=w)
    side.text(cx, y + 6.9, "Independence - Freedom - Happiness", side.style["english"], 1.5, ink, anchor="ms", max_w=w)


def photo(side, x, y, w, h):
    bg = (rng_int(side, 200, 230), rng_int(side, 215, 240), rng_int(side, 235, 255))
    side.rect(x, y, x + w, y + h, fill=bg)
    grey = rng_int(side, 70, 120)
    side.ellipse(x + w / 2, y + h * 0.38, w * 0.24, h * 0.2, fill=(grey, grey - 10, grey - 20))
    side.draw.chord([side.px(x + w * 0.08), side.px(y + h * 0.6), side.px(x + w * 0.92), side.px(y + h * 1.35)],
                    180, 360, fill=(grey - 30, grey - 30, grey - 25))


def rng_int(side, a, b):
    return side.rng.randint(a, b)


def qr_image(payload, error, module_px):
    q = segno.make(payload, mode="byte", encoding="utf-8", error=error, boost_error=False, micro=False)
    m = np.array([[0 if v else 255 for v in row] for row in q.matrix], np.uint8)
    m = np.pad(m, 2, constant_values=255)
    return Image.fromarray(m).resize((m.shape[1] * module_px, m.shape[0] * module_px), Image.NEAREST)


def draw_qr(side, payload, x, y, size):
    q = qr_image(payload, side.style["qr_error"], 8).convert("RGB")
    q = q.resize((round(side.px(size)),) * 2, Image.LANCZOS)
    side.paste(q, x, y)
    return (x, y, x + size, y + size)


def chip(side, x, y):
    side.draw.rounded_rectangle([side.px(x), side.px(y), side.px(x + 11), side.px(y + 8.5)],
                                radius=side.px(1.5), fill=(212, 178, 90), outline=(150, 120, 50), width=2)
    for t in (2.8, 5.7):
        side.draw.line([side.px(x), side.px(y + t), side.px(x + 11), side.px(y + t)], fill=(150, 120, 50), width=2)
    side.draw.line([side.px(x + 5.5), side.px(y), side.px(x + 5.5), side.px(y + 8.5)], fill=(150, 120, 50), width=2)


def fingerprint(side, x, y, w, h):
    side.rect(x, y, x + w, y + h, outline=(90, 90, 100), width=2)
    cx, cy = x + w / 2, y + h * 0.45
    for k in range(1, 11):
        r = k * 0.55
        side.draw.arc([side.px(cx - r * 0.8), side.px(cy - r), side.px(cx + r * 0.8), side.px(cy + r)],
                      side.rng.randint(-40, 10), side.rng.randint(170, 230), fill=(70, 70, 80), width=2)


def seal(side, cx, cy, r):
    red = side.style["red"]
    c = (red[0], red[1] + 20, red[2] + 20)
    w = max(2, round(side.px(0.35)))
    side.draw.ellipse([side.px(cx - r), side.px(cy - r), side.px(cx + r), side.px(cy + r)], outline=c, width=w)
    side.draw.ellipse([side.px(cx - r * 0.62), side.px(cy - r * 0.62), side.px(cx + r * 0.62), side.px(cy + r * 0.62)],
                      outline=c, width=w)
    star(side, cx, cy, r * 0.45, c)


def star(side, cx, cy, r, colour):
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((side.px(cx + rr * math.cos(ang)), side.px(cy + rr * math.sin(ang))))
    side.draw.polygon(pts, fill=colour)


def signature(side, x, y):
    pts, px_, py_ = [], x, y
    for _ in range(14):
        px_ += side.rng.uniform(0.4, 1.6)
        py_ = y + side.rng.uniform(-1.8, 1.8)
        pts.append((side.px(px_), side.px(py_)))
    side.draw.line(pts, fill=(20, 30, 110), width=max(2, round(side.px(0.25))), joint="curve")


def mrz_band(side, lines, y0):
    """Three OCR-B lines, 2.54 mm per character as ICAO prescribes, on a
    lighter band."""
    side.rect(0, y0 - 1.0, CARD_W, CARD_H, fill=tuple(min(255, v + 14) for v in side.style["tint"]))
    font_px = round(side.px(3.0))
    f = ImageFont.truetype(side.style["mrz_font"], font_px, layout_engine=ImageFont.Layout.BASIC)
    f = ImageFont.truetype(side.style["mrz_font"], round(font_px * side.px(76.2) / f.getlength("<" * 30)),
                           layout_engine=ImageFont.Layout.BASIC)
    x0 = (CARD_W - 76.2) / 2 + side.jitter(0.6)[0]
    pitch = side.rng.uniform(4.1, 4.6)
    for i, line in enumerate(lines):
        side.draw.text((side.px(x0), side.px(y0 + 3.2 + i * pitch)), line, font=f, fill=(15, 15, 20), anchor="ls")
    return (x0, y0, x0 + 76.2, y0 + 3.6 + 2 * pitch)


def smudge(side, box, strength, kind):
    """Rubs part of box (mm): a blurred, darkened or washed-out blot."""
    x0, y0, x1, y1 = (side.px(v) for v in box)
    w, h = x1 - x0, y1 - y0
    cx, cy = side.rng.uniform(x0 + w * 0.2, x1 - w * 0.2), side.rng.uniform(y0 + h * 0.2, y1 - h * 0.2)
    rx, ry = w * side.rng.uniform(0.18, 0.35) * strength, h * side.rng.uniform(0.2, 0.45) * strength
    if kind == "mrz":
        rx, ry = w * side.rng.uniform(0.12, 0.25), h * side.rng.uniform(0.25, 0.5)
    mask = Image.new("L", side.img.size, 0)
    ImageDraw.Draw(mask).ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(rx, ry) * 0.35))
    blurred = side.img.filter(ImageFilter.GaussianBlur(side.px(0.35)))
    tone = side.rng.choice([(110, 100, 90), (200, 200, 195), (150, 140, 150)])
    wash = Image.blend(blurred, Image.new("RGB", side.img.size, tone), side.rng.uniform(0.35, 0.6))
    side.img.paste(wash, (0, 0), mask)
    side.draw = ImageDraw.Draw(side.img)


def front_2021(side, p):
    s = side
    emblem(s, 9.5 + s.jitter(0.4)[0], 9.0, 6.0)
    qr_box = draw_qr(s, p["qr_payload"], 65.5 + s.jitter(0.5)[0], 2.5 + s.jitter(0.3)[1], 18.0)
    header(s, 16.5, 64.5, 5.0)
    dx, dy = s.jitter(0.5)
    s.text(45 + dx, 17.4 + dy, "CĂN CƯỚC CÔNG DÂN", "bold", 3.3, s.style["red"], anchor="ms", max_w=44)
    s.text(45 + dx, 19.9 + dy, "Citizen Identity Card", "bold", 1.9, s.style["value_ink"], anchor="ms")
    photo(s, 3.5, 20.5 + s.jitter(0.4)[1], 19.5, 24.5)
    y = 47.5 + s.jitter(0.3)[1]
    s.text(3.0, y, "Có giá trị đến:", "regular", 1.6, s.style["label_ink"])
    s.text(3.0, y + 2.0, "Date of expiry", s.style["english"], 1.45, s.style["label_ink"])
    s.value(3.0, y + 5.0, people.dmy(p["expiry"]) if p["expiry"] else "Không thời hạn", 2.2, max_w=21)
    x = 25.5 + s.jitter(0.5)[0]
    y = 24.2 + s.jitter(0.4)[1]
    end = s.label(x, y, "Số", "No.", 1.9)
    s.value(end + 1.2, y + 0.3, p["id_number"], 3.4)
    y += 4.0
    s.label(x, y, "Họ và tên", "Full name", 1.75)
    s.value(x + 2 + s.jitter(1)[0], y + 3.4, p["full_name"], 2.8, max_w=84 - x - 2)
    y += 7.4
    end = s.label(x, y, "Ngày sinh", "Date of birth", 1.75)
    s.value(end + 1.0, y, people.dmy(p["birth"]), 2.3)
    y += 3.3
    end = s.label(x, y, "Giới tính", "Sex", 1.75)
    s.value(end + 1.0, y, p["sex"], 2.3)
    end = s.label(max(end + 8, 52 + s.jitter(1)[0]), y, "Quốc tịch", "Nationality", 1.75)
    s.value(end + 1.0, y, "Việt Nam", 2.3, max_w=84 - end - 1)
    y += 3.3
    s.label(x, y, "Quê quán", "Place of origin", 1.75)
    s.value(x, y + 3.0, p["place_of_origin"], 2.3, max_w=84 - x)
    y += 6.3
    end = s.label(x, y, "Nơi thường trú", "Place of residence", 1.75)
    lines = s.wrap_value(x, y, p["place_of_residence"], 84 - x, 2.3, first_width=84 - end - 1)
    if len(lines) == 1 and 84 - end - 1 < 12:
        lines = ["", lines[0]]
    s.value(end + 1.0, y, lines[0], 2.3, max_w=84 - end - 1)
    for i, line in enumerate(lines[1:3]):
        s.value(x, y + 3.0 * (i + 1), line, 2.3, max_w=84 - x)
    return {"qr": qr_box}


def back_2021(side, p):
    s = side
    x, y = 3.5 + s.jitter(0.4)[0], 5.0 + s.jitter(0.4)[1]
    s.label(x, y, "Đặc điểm nhân dạng", "Personal identification", 1.7)
    s.value(x, y + 3.0, p["mark"], 2.0, kind="regular", max_w=50)
    y += 8.0
    end = s.label(x, y, "Ngày, tháng, năm", "Date, month, year", 1.7)
    s.value(end + 1.0, y, people.dmy(p["issue"]), 2.2)
    cx = 27 + s.jitter(0.5)[0]
    s.text(cx, y + 4.2, "CỤC TRƯỞNG CỤC CẢNH SÁT", "bold", 1.7, s.style["value_ink"], anchor="ms", max_w=46)
    s.text(cx, y + 6.4, "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI", "bold", 1.7, s.style["value_ink"], anchor="ms", max_w=46)
    seal(s, cx - 4, y + 13, 5.2)
    signature(s, cx - 2, y + 12.5)
    s.text(cx + 4, y + 20.5, "Trần Minh Khang", "bold", 1.8, s.style["value_ink"], anchor="ms")
    chip(s, 4.0, 22.5 + s.jitter(0.4)[1])
    for i, (vi, en) in enumerate([("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger")]):
        fx = 55.5 + i * 15
        fingerprint(s, fx, 3.0, 13.5, 17)
        s.text(fx + 6.75, 22.0, vi, "regular", 1.35, s.style["label_ink"], anchor="ms", max_w=14)
        s.text(fx + 6.75, 23.7, en, s.style["english"], 1.25, s.style["label_ink"], anchor="ms", max_w=14)
    box = mrz_band(s, p["mrz"], 38.5 + s.jitter(0.4)[1])
    return {"mrz": box}


def front_2024(side, p):
    s = side
    emblem(s, 9.5 + s.jitter(0.4)[0], 9.0, 6.3)
    header(s, 18, 80, 5.2)
    dx, dy = s.jitter(0.5)
    s.text(49 + dx, 18.0 + dy, "CĂN CƯỚC", "bold", 3.8, s.style["red"], anchor="ms")
    s.text(49 + dx, 20.6 + dy, "IDENTITY CARD", "bold", 1.9, s.style["value_ink"], anchor="ms")
    if p["birth"].year < p["issue"].year - 6:
        photo(s, 3.5, 21.5 + s.jitter(0.4)[1], 19.5, 25)
    x = 25.5 + s.jitter(0.5)[0]
    y = 25.0 + s.jitter(0.4)[1]
    s.label(x, y, "Số định danh cá nhân", "Personal identification number", 1.6)
    s.value(x + 3 + s.jitter(1)[0], y + 4.0, p["id_number"], 3.5)
    y += 7.8
    s.label(x, y, "Họ, chữ đệm và tên khai sinh", "Full name", 1.6)
    s.value(x + 2 + s.jitter(1)[0], y + 3.4, p["full_name"], 2.8, max_w=84 - x - 2)
    y += 7.3
    end = s.label(x, y, "Ngày, tháng, năm sinh", "Date of birth", 1.6)
    s.value(end + 1.0, y, people.dmy(p["birth"]), 2.3)
    y += 3.6
    end = s.label(x, y, "Giới tính", "Sex", 1.6)
    s.value(end + 1.0, y, p["sex"], 2.3)
    end = s.label(max(end + 8, 53 + s.jitter(1)[0]), y, "Quốc tịch", "Nationality", 1.6)
    s.value(end + 1.0, y, "Việt Nam", 2.3, max_w=84 - end - 1)
    return {}


def back_2024(side, p):
    s = side
    x, y = 3.5 + s.jitter(0.4)[0], 5.0 + s.jitter(0.4)[1]
    s.label(x, y, "Nơi cư trú", "Place of residence", 1.65)
    lines = s.wrap_value(x, y, p["place_of_residence"], 58, 2.2)
    for i, line in enumerate(lines[:2]):
        s.value(x, y + 3.0 * (i + 1), line, 2.2, max_w=58)
    y += 3.0 * (min(2, len(lines)) + 1) + 0.6
    s.label(x, y, "Nơi đăng ký khai sinh", "Place of birth", 1.65)
    s.value(x, y + 3.0, p["place_of_birth"], 2.2, max_w=58)
    qr_box = draw_qr(s, p["qr_payload"], 64.5 + s.jitter(0.5)[0], 3.0 + s.jitter(0.4)[1], 18.0)
    chip(s, 4.0, 24.0 + s.jitter(0.3)[1])
    x2, y2 = 18.0 + s.jitter(0.4)[0], 25.5 + s.jitter(0.3)[1]
    end = s.label(x2, y2, "Ngày, tháng, năm cấp", "Date of issue", 1.5)
    s.value(end + 1.0, y2, people.dmy(p["issue"]), 2.1)
    end = s.label(x2, y2 + 3.4, "Ngày, tháng, năm hết hạn", "Date of expiry", 1.5)
    s.value(end + 1.0, y2 + 3.4, people.dmy(p["expiry"]) if p["expiry"] else "Không thời hạn", 2.1, max_w=84 - end - 1)
    s.text(62, y2 + 6.7, "BỘ CÔNG AN", "bold", 1.8, s.style["value_ink"], anchor="ms")
    s.text(62, y2 + 8.7, "MINISTRY OF PUBLIC SECURITY", s.style["english"], 1.4, s.style["value_ink"], anchor="ms")
    seal(s, 43, y2 + 7.5, 3.6)
    box = mrz_band(s, p["mrz"], 38.5 + s.jitter(0.4)[1])
    return {"qr": qr_box, "mrz": box}


def draw_side(rng, style, p, which, scale, damage):
    """An RGB image of one side and the boxes (mm) of its QR and MRZ."""
    side = Side(rng, style, scale)
    fn = {("cccd2021", "front"): front_2021, ("cccd2021", "back"): back_2021,
          ("cancuoc2024", "front"): front_2024, ("cancuoc2024", "back"): back_2024}[(p["card_type"], which)]
    boxes = fn(side, p)
    if damage.get("qr") and "qr" in boxes:
        for _ in range(rng.randint(1, 2)):
            smudge(side, boxes["qr"], damage["qr"], "qr")
    if damage.get("mrz") and "mrz" in boxes:
        smudge(side, boxes["mrz"], 1.0, "mrz")
    return side.img, boxes


def card_mask(size):
    """The rounded-corner outline (ID-1, r = 3.18 mm) for a side of size."""
    w, h = size
    scale = w / CARD_W
    m = Image.new("L", (w * 2, h * 2), 0)
    ImageDraw.Draw(m).rounded_rectangle([0, 0, w * 2 - 1, h * 2 - 1], radius=CORNER * scale * 2, fill=255)
    return m.resize((w, h), Image.LANCZOS)
