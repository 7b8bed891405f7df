# SPDX-License-Identifier: GPL-3.0-or-later
"""Synthetic card holders: names from syllable lists, random dates, and a
12-digit number whose first six digits follow the published rule
(province of birth registration, century and sex, two digits of the birth
year). Nobody here is a real person."""

import datetime

import mrz

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Trương",
            "Lâm", "Mai", "Tạ", "Cao", "Đoàn", "Lưu", "Kiều", "Thái", "Quách", "Châu"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Gia", "Công", "Đình", "Thanh",
            "Xuân", "Trọng", "Bá", "Tấn", "Quang", "Hoài"]
MIDDLE_F = ["Thị", "Ngọc", "Thanh", "Kim", "Thu", "Phương", "Mỹ", "Bích", "Hồng",
            "Diệu", "Thùy", "Tuyết", "Hoài", "Minh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hòa", "Hùng",
           "Khoa", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn", "Thắng", "Trí",
           "Tuấn", "Việt", "Lộc", "Nghĩa", "Thịnh", "Vượng", "Tường", "Kiên"]
GIVEN_F = ["Anh", "Ánh", "Châu", "Giang", "Hà", "Hạnh", "Hương", "Lan", "Linh",
           "Loan", "Mai", "Nga", "Nhung", "Nguyệt", "Phượng", "Quyên", "Tâm",
           "Thảo", "Thủy", "Thư", "Trang", "Uyên", "Vy", "Yến", "Khuê", "Diễm"]

# Province codes of birth registration (Thông tư 07/2016, 59/2021) and
# a few districts of each, for "place of origin" and "place of birth".
PROVINCES = {
    "001": ("Hà Nội", ["Ba Đình", "Đông Anh", "Sóc Sơn", "Thanh Trì"]),
    "022": ("Quảng Ninh", ["Hạ Long", "Cẩm Phả", "Đông Triều"]),
    "031": ("Hải Phòng", ["Kiến An", "Thủy Nguyên", "Tiên Lãng"]),
    "036": ("Nam Định", ["Hải Hậu", "Giao Thủy", "Ý Yên"]),
    "038": ("Thanh Hóa", ["Hoằng Hóa", "Quảng Xương", "Nông Cống"]),
    "040": ("Nghệ An", ["Diễn Châu", "Quỳnh Lưu", "Nghi Lộc"]),
    "042": ("Hà Tĩnh", ["Can Lộc", "Đức Thọ", "Kỳ Anh"]),
    "046": ("Thừa Thiên Huế", ["Hương Thủy", "Phú Vang", "Quảng Điền"]),
    "048": ("Đà Nẵng", ["Hải Châu", "Hòa Vang", "Sơn Trà"]),
    "049": ("Quảng Nam", ["Điện Bàn", "Duy Xuyên", "Thăng Bình"]),
    "051": ("Quảng Ngãi", ["Bình Sơn", "Mộ Đức", "Tư Nghĩa"]),
    "052": ("Bình Định", ["An Nhơn", "Hoài Nhơn", "Tuy Phước"]),
    "054": ("Phú Yên", ["Tuy An", "Sông Cầu", "Đồng Xuân"]),
    "056": ("Khánh Hòa", ["Nha Trang", "Cam Ranh", "Ninh Hòa", "Diên Khánh", "Vạn Ninh"]),
    "058": ("Ninh Thuận", ["Phan Rang - Tháp Chàm", "Ninh Hải", "Ninh Phước"]),
    "060": ("Bình Thuận", ["Phan Thiết", "Tuy Phong", "Hàm Thuận Bắc"]),
    "064": ("Gia Lai", ["Pleiku", "An Khê", "Chư Sê"]),
    "066": ("Đắk Lắk", ["Buôn Ma Thuột", "Krông Pắc", "Ea Kar"]),
    "068": ("Lâm Đồng", ["Đà Lạt", "Bảo Lộc", "Đức Trọng"]),
    "075": ("Đồng Nai", ["Biên Hòa", "Long Khánh", "Trảng Bom"]),
    "079": ("TP Hồ Chí Minh", ["Quận 3", "Gò Vấp", "Thủ Đức", "Bình Chánh"]),
    "089": ("An Giang", ["Long Xuyên", "Châu Đốc", "Tân Châu"]),
    "092": ("Cần Thơ", ["Ninh Kiều", "Cái Răng", "Ô Môn"]),
    "096": ("Cà Mau", ["Năm Căn", "Cái Nước", "Trần Văn Thời"]),
}
# Where people live: the ward of this program (Khánh Hòa) and elsewhere.
STREETS = ["Lê Lợi", "Trần Phú", "Hùng Vương", "Nguyễn Thị Minh Khai", "Lý Tự Trọng",
           "Phạm Văn Đồng", "Hai Bà Trưng", "Yersin", "Lê Thánh Tôn", "Võ Thị Sáu",
           "Điện Biên Phủ", "Ngô Gia Tự", "Tô Hiến Thành", "Bạch Đằng"]
WARDS = [("Vĩnh Hải", "Nha Trang", "Khánh Hòa"), ("Phước Long", "Nha Trang", "Khánh Hòa"),
         ("Lộc Thọ", "Nha Trang", "Khánh Hòa"), ("Cam Nghĩa", "Cam Ranh", "Khánh Hòa"),
         ("Ninh Hiệp", "Ninh Hòa", "Khánh Hòa"), ("Diên An", "Diên Khánh", "Khánh Hòa"),
         ("Thạch Thang", "Hải Châu", "Đà Nẵng"), ("Bến Nghé", "Quận 1", "TP Hồ Chí Minh"),
         ("Đô Vinh", "Phan Rang - Tháp Chàm", "Ninh Thuận")]
MARKS = ["Nốt ruồi C:1cm trên trước mép trái", "Sẹo chấm C:2cm dưới sau đuôi mắt phải",
         "Nốt ruồi C:1,5cm dưới trước cánh mũi phải", "Sẹo chấm C:3cm trên đầu lông mày trái",
         "Nốt ruồi C:2cm dưới sau mép phải"]

REFERENCE_DAY = datetime.date(2025, 6, 1)


def _date_between(rng, first, last):
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def _birthday_at(birth, age):
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:          # 29 February
        return birth.replace(year=birth.year + age, day=28)


def _age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def expiry_for(card_type, birth, issue):
    """Cards are renewed at 25, 40 and 60 (the 2024 card also at 14); a card
    issued within two years before one of those ages runs to the next one,
    and one issued at 58 or later does not expire (None)."""
    age = _age_on(birth, issue)
    milestones = ([14] if card_type == "cancuoc2024" else []) + [25, 40, 60]
    for m in milestones:
        if age < m - 2:
            return _birthday_at(birth, m)
    return None


def residence(rng):
    ward, district, province = rng.choice(WARDS)
    style = rng.random()
    if style < 0.4:
        head = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
    elif style < 0.7:
        head = f"Tổ {rng.randint(1, 30)}"
    else:
        head = f"Thôn {rng.choice(['Tân Mỹ', 'Phú Hội', 'Xuân Ngọc', 'Đông Bắc', 'Văn Đăng'])}"
    if district == province or rng.random() < 0.15:
        return f"{head}, {ward}, {province}"
    return f"{head}, {ward}, {district}, {province}"


def person(rng, card_type):
    male = rng.random() < 0.5
    surname = rng.choice(SURNAMES)
    n_given = rng.choices([1, 2, 3], weights=[2, 6, 2])[0]
    middle = MIDDLE_M if male else MIDDLE_F
    given = [rng.choice(middle) for _ in range(n_given - 1)] + [rng.choice(GIVEN_M if male else GIVEN_F)]
    if rng.random() < 0.05:     # a double surname now and then
        given = [rng.choice(SURNAMES)] + given
    if card_type == "cccd2021":
        issue = _date_between(rng, datetime.date(2021, 1, 15), datetime.date(2024, 6, 28))
    else:
        issue = _date_between(rng, datetime.date(2024, 7, 1), datetime.date(2025, 5, 20))
    youngest = 14 if card_type == "cccd2021" else 6
    birth = _date_between(rng, datetime.date(1946 if rng.random() < 0.8 else 1936, 1, 1), _birthday_at(issue, -youngest) - datetime.timedelta(days=1))
    expiry = expiry_for(card_type, birth, issue)
    code = rng.choice(sorted(PROVINCES))
    province, districts = PROVINCES[code]
    century = (birth.year // 100) - 19            # 1900s 0, 2000s 1, 2100s 2
    sex_digit = 2 * century + (0 if male else 1)
    id_number = f"{code}{sex_digit}{birth.year % 100:02d}{rng.randrange(10 ** 6):06d}"
    old = f"{rng.choice(['2', '1', '3', '0'])}{rng.randrange(10 ** 8):08d}" if birth.year < 1998 and rng.random() < 0.7 else ""
    full = " ".join([surname] + given).upper()
    origin_district = rng.choice(districts)
    p = {
        "card_type": card_type,
        "surname": surname, "given": given,
        "full_name": full,
        "birth": birth, "issue": issue, "expiry": expiry,
        "sex": "Nam" if male else "Nữ",
        "id_number": id_number, "old_id_number": old,
        "place_of_origin": f"{origin_district}, {province}" if origin_district != province else province,
        "place_of_birth": province if rng.random() < 0.6 else f"{origin_district}, {province}",
        "place_of_residence": residence(rng),
        "mark": rng.choice(MARKS),
    }
    p["mrz"] = mrz.td1(id_number, birth, p["sex"], expiry, surname, given)
    p["qr_payload"] = qr_payload(rng, p)
    return p


def dmy(d):
    return d.strftime("%d/%m/%Y")


def qr_payload(rng, p):
    """ID12|CMND9|name|DDMMYYYY|sex|residence|DDMMYYYY(issue); the 2024
    card sometimes adds empty fields or the parents' names."""
    name = " ".join([p["surname"]] + p["given"])
    if rng.random() < 0.5:
        name = name.upper()
    fields = [p["id_number"], p["old_id_number"], name, p["birth"].strftime("%d%m%Y"),
              p["sex"], p["place_of_residence"], p["issue"].strftime("%d%m%Y")]
    text = "|".join(fields)
    if p["card_type"] == "cancuoc2024":
        r = rng.random()
        if r < 0.35:
            text += "||||"
        elif r < 0.7:
            father = f"{p['surname']} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
            mother = f"{rng.choice(SURNAMES)} Thị {rng.choice(GIVEN_F)}"
            text += f"||{father}|{mother}|"
    return text


def truth_fields(p):
    """The fields in the form of the first generator's truth files."""
    is21 = p["card_type"] == "cccd2021"
    return {
        "id_number": p["id_number"],
        "old_id_number": p["old_id_number"] or None,
        "full_name": p["full_name"],
        "date_of_birth": p["birth"].isoformat(),
        "sex": p["sex"],
        "nationality": "Việt Nam",
        "place_of_origin": p["place_of_origin"] if is21 else None,
        "place_of_birth": None if is21 else p["place_of_birth"],
        "place_of_residence": p["place_of_residence"],
        "date_of_issue": p["issue"].isoformat(),
        "date_of_expiry": p["expiry"].isoformat() if p["expiry"] else None,
    }
