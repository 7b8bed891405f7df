# SPDX-License-Identifier: GPL-3.0-or-later
"""ICAO 9303 TD1 machine-readable zone, written from the standard (Doc 9303
part 3 §4.9 and part 5): check digits with weights 7, 3, 1 repeating, digits
as themselves, A-Z as 10-35, the filler '<' as 0; the sum modulo 10."""

import unicodedata

WEIGHTS = (7, 3, 1)


def char_value(c):
    if c.isdigit():
        return ord(c) - ord("0")
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    if c == "<":
        return 0
    raise ValueError(f"not an MRZ character: {c!r}")


def check_digit(text):
    return str(sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


def transliterate(name):
    """Upper case, diacritics dropped, Đ as D, anything else as '<'."""
    name = name.upper().replace("Đ", "D").replace("đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", name)
                    if unicodedata.category(c) != "Mn")
    return "".join(c if "A" <= c <= "Z" else "<" for c in plain)


def td1(id_number, birth, sex, expiry, surname, given):
    """The three lines. birth and expiry are datetime.date (expiry None for
    no expiry: 991231); sex 'Nam' or 'Nữ'."""
    doc = id_number[3:]
    line1 = "IDVNM" + doc + check_digit(doc) + id_number + "<<" + check_digit(id_number)
    yymmdd = birth.strftime("%y%m%d")
    exp = "991231" if expiry is None else expiry.strftime("%y%m%d")
    line2 = (yymmdd + check_digit(yymmdd) + ("M" if sex == "Nam" else "F") +
             exp + check_digit(exp) + "VNM" + "<" * 11)
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    line2 += check_digit(composite)
    name = transliterate(surname) + "<<" + "<".join(transliterate(g) for g in given)
    line3 = (name + "<" * 30)[:30]
    assert len(line1) == 30 and len(line2) == 30
    return [line1, line2, line3]


def valid(lines):
    """True when every check digit of a TD1 MRZ holds."""
    if len(lines) != 3 or any(len(l) != 30 for l in lines):
        return False
    l1, l2 = lines[0], lines[1]
    try:
        return (l1[14] == check_digit(l1[5:14]) and
                l1[29] == check_digit(l1[15:27]) and
                l2[6] == check_digit(l2[0:6]) and
                l2[14] == check_digit(l2[8:14]) and
                l2[29] == check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]))
    except ValueError:
        return False
