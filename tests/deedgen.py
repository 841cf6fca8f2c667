"""Varied Indian sale-deed PDFs, built with PyMuPDF from a seed, with the record each must yield.

The sale_deed extractor must not be tuned to the two sample deeds, so this draws what real deeds vary:
role words (Vendor / Seller / Transferor, Purchaser / Buyer / Vendee / Transferee), parties as prose,
as label/value tables or as numbered lists, 1-3 sellers and buyers with their shares, honorifics or
none, amount notations (Rs. / INR / Rupees, lakh and crore, with or without words), date notations,
area units, document-number formats with earlier deeds cited as distractors, fee tables as text, as a
sentence or as an image, cash payments, page headers or none, fonts and sizes. Every person, number
and place is invented. ``deed(seed)`` returns the PDF and the expected record (samples/README.md).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from typing import Any

import pymupdf

from paperlane.pii import verhoeff_digit

A4 = (595.0, 842.0)
_FONTS = (("helv", "hebo"), ("tiro", "tibo"), ("cour", "cobo"))
_MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
)
_MONTHS += ("October", "November", "December")

_MALE: tuple[str, ...] = (
    "Rahul",
    "Suresh",
    "Arjun",
    "Vikram",
    "Nitin",
    "Prakash",
    "Santosh",
    "Ajay",
    "Imran",
    "Rohan",
)
_MALE += ("Karthik", "Venkatesh", "Manoj", "Sandeep", "Harish", "Gurpreet", "Debashis", "Joseph", "Anil")
_FEMALE: tuple[str, ...] = (
    "Anitha",
    "Priya",
    "Nandini",
    "Kavya",
    "Lakshmi",
    "Sunita",
    "Meera",
    "Farah",
    "Deepa",
    "Rekha",
)
_FEMALE += ("Shalini", "Pooja", "Harpreet", "Ananya", "Mary", "Sangeeta", "Bhavana", "Ritu", "Geetha")
_MIDDLE = ("Kumar", "Prasad", "Narayan", "Mohan", "Raj", "Devi", "Rani", "Bai")
_SURNAMES: tuple[str, ...] = (
    "Gupta",
    "Menon",
    "Pillai",
    "Iyer",
    "Gowda",
    "Reddy",
    "Sharma",
    "Verma",
    "Nair",
    "Rao",
)
_SURNAMES += ("Patil", "Deshmukh", "Banerjee", "Chatterjee", "Das", "Singh", "Khan", "Joshi", "Naidu")
_SURNAMES += ("Shetty", "Kulkarni", "Mukherjee", "Bose", "Fernandes", "Agarwal", "Mehta", "Hegde")

# City -> (state, PIN prefix, localities).
_CITIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "Bengaluru": (
        "Karnataka",
        "560",
        ("Jayanagar 4th Block", "JP Nagar 6th Phase", "Indiranagar", "Basavanagudi"),
    ),
    "Mysuru": ("Karnataka", "570", ("Kuvempunagar", "Saraswathipuram", "Vijayanagar 2nd Stage")),
    "Chennai": ("Tamil Nadu", "600", ("Adyar", "Anna Nagar", "T. Nagar", "Velachery")),
    "Coimbatore": ("Tamil Nadu", "641", ("R.S. Puram", "Saibaba Colony", "Peelamedu")),
    "Hyderabad": ("Telangana", "500", ("Banjara Hills", "Madhapur", "Kukatpally")),
    "Visakhapatnam": ("Andhra Pradesh", "530", ("MVP Colony", "Seethammadhara", "Dwaraka Nagar")),
    "Pune": ("Maharashtra", "411", ("Kothrud", "Aundh", "Baner", "Viman Nagar")),
    "Mumbai": ("Maharashtra", "400", ("Andheri West", "Powai", "Chembur")),
    "Kochi": ("Kerala", "682", ("Kakkanad", "Edappally", "Panampilly Nagar")),
    "Thiruvananthapuram": ("Kerala", "695", ("Kowdiar", "Pattom", "Vazhuthacaud")),
    "Kolkata": ("West Bengal", "700", ("Salt Lake Sector V", "Ballygunge", "New Town")),
    "Ahmedabad": ("Gujarat", "380", ("Navrangpura", "Satellite", "Bopal")),
    "Jaipur": ("Rajasthan", "302", ("Malviya Nagar", "Vaishali Nagar", "Mansarovar")),
    "Lucknow": ("Uttar Pradesh", "226", ("Gomti Nagar", "Hazratganj", "Aliganj")),
    "Bhopal": ("Madhya Pradesh", "462", ("Arera Colony", "Kolar Road", "Shahpura")),
    "Bhubaneswar": ("Odisha", "751", ("Saheed Nagar", "Patia", "Nayapalli")),
    "Gurugram": ("Haryana", "122", ("DLF Phase 2", "Sushant Lok", "Sohna Road")),
    "Dehradun": ("Uttarakhand", "248", ("Rajpur Road", "Vasant Vihar", "Dalanwala")),
    "Patna": ("Bihar", "800", ("Boring Road", "Kankarbagh", "Rajendra Nagar")),
    "New Delhi": ("Delhi", "110", ("Vasant Kunj", "Dwarka Sector 10", "Saket")),
    "Guwahati": ("Assam", "781", ("Dispur", "Beltola", "Zoo Road")),
    "Panaji": ("Goa", "403", ("Altinho", "Miramar", "Caranzalem")),
}
_BUILDINGS: tuple[str, ...] = (
    "Sunrise Residency",
    "Green Meadows",
    "Lakeview Enclave",
    "Silver Oak Apartments",
    "Maple Heights",
)
_BUILDINGS += (
    "Lotus Towers",
    "Nandanam Apartments",
    "Amrutha Heights",
    "Palm Grove Residency",
    "Skyline Court",
)
_BANKS = (
    "Deccan Urban Co-operative Bank",
    "Sahyadri Commercial Bank",
    "Coromandel City Bank",
    "Indus Valley Bank",
)

_SELLER_WORDS = ("VENDOR", "SELLER", "TRANSFEROR")
_BUYER_WORDS = ("PURCHASER", "BUYER", "VENDEE", "TRANSFEREE")
_HONORIFICS = {
    "Male": ("Sri", "Shri", "Mr.", "Sri.", "Dr."),
    "Female": ("Smt.", "Mrs.", "Kum.", "Ms.", "Dr."),
}
_SQFT_PER = {"sq. ft.": 1.0, "sq.ft": 1.0, "square feet": 1.0, "sq. m.": 10.7639, "sq.mtrs": 10.7639}
_SQFT_PER |= {"sq. yds": 9.0, "guntas": 1089.0, "cents": 435.6}


@dataclass
class Style:
    font: str
    bold: str
    size: float
    seller_word: str
    buyer_word: str
    layout: str  # "prose" | "table" | "list"
    caps_names: bool
    date_fmt: str
    amount_fmt: str  # "rs" | "rs_nodot" | "inr" | "scale"
    amount_words: bool
    b_unit: str
    c_unit: str
    id_fmt: int
    headers: str  # "full" | "id_only" | "none"
    fees: str  # "table" | "sentence" | "image", or "none" (only when asked for: no fee table at all)
    cash: bool
    cash_question: bool
    covenants: int
    photo_page: bool
    estamp: bool
    office_label: bool


@dataclass
class Deed:
    seed: int
    pdf: bytes
    record: dict[str, Any]
    style: Style
    page_count: int = 0
    notes: list[str] = field(default_factory=list)


# --- values ----------------------------------------------------------------------------------------


def indian(n: float, decimals: bool = False) -> str:
    """10350000 -> '1,03,50,000' (Indian grouping)."""
    whole = str(round(n))
    head, tail = whole[:-3], whole[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    text = ",".join([*groups, tail]) if groups else tail
    return text + (".00" if decimals else "")


_ONES: tuple[str, ...] = (
    "",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
)
_ONES += ("Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen")
_TENS = ("", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety")


def _below_100(n: int) -> str:
    return _ONES[n] if n < 20 else (_TENS[n // 10] + (" " + _ONES[n % 10] if n % 10 else ""))


def in_words(n: int) -> str:
    parts = []
    for size, name in ((10_000_000, "Crore"), (100_000, "Lakh"), (1000, "Thousand"), (100, "Hundred")):
        if n >= size:
            parts.append(f"{in_words(n // size) if size == 10_000_000 else _below_100(n // size)} {name}")
            n %= size
    if n:
        parts.append(_below_100(n))
    return " ".join(parts)


def _money(rng: random.Random, value: float, style: Style, *, words: bool | None = None) -> str:
    words = style.amount_words if words is None else words
    fmt = style.amount_fmt
    if fmt == "scale" and value % 1000 == 0:
        big = value >= 10_000_000
        number = f"{value / (10_000_000 if big else 100_000):.4f}".rstrip("0").rstrip(".")
        text = f"Rs. {number} {'crore' if big else 'lakh'}"
    elif fmt == "inr":
        text = f"INR {indian(value, decimals=True)}"
    elif fmt == "rs_nodot":
        text = f"Rs {indian(value)}/-"
    else:
        text = f"Rs. {indian(value)}/-"
    if words:
        text += f" (Rupees {in_words(round(value))} only)"
    return text


def _date(d: dt.date, fmt: str) -> str:
    suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    month = _MONTHS[d.month - 1]
    return {
        "dd-mm-yyyy": f"{d:%d-%m-%Y}",
        "dd/mm/yyyy": f"{d:%d/%m/%Y}",
        "day_of": f"{d.day}{suffix} day of {month} {d.year}",
        "long": f"{d.day}{suffix} {month} {d.year}",
        "us": f"{month} {d.day}, {d.year}",
        "iso": d.isoformat(),
        "dd.mm.yyyy": f"{d:%d.%m.%Y}",
    }[fmt]


def _aadhaar(rng: random.Random) -> str:
    body = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return body + verhoeff_digit(body)


def _pan(rng: random.Random, surname: str) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head = "".join(rng.choice(letters) for _ in range(3))
    return f"{head}P{surname[0].upper()}{rng.randint(1, 9999):04d}{rng.choice(letters)}"


def _phone(rng: random.Random) -> str:
    return str(rng.choice("6789")) + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _pincode(rng: random.Random, prefix: str) -> str:
    return prefix + f"{rng.randint(1, 99):03d}"


def _address(rng: random.Random, city: str) -> str:
    locality = rng.choice(_CITIES[city][2])
    kind = rng.randrange(4)
    if kind == 0:
        n1, n2 = rng.randint(1, 18), rng.randint(1, 12)
        return (
            f"No. {rng.randint(1, 400)}, {n1}{_sfx(n1)} Cross, {n2}{_sfx(n2)} Main Road, {locality}, {city}"
        )
    if kind == 1:
        return f"Flat No. {rng.randint(101, 905)}, {rng.choice(_BUILDINGS)}, {locality}, {city}"
    if kind == 2:
        return f"H.No. {rng.randint(1, 20)}-{rng.randint(1, 9)}-{rng.randint(10, 99)}, {locality}, {city}"
    return f"Door No. {rng.randint(1, 90)}/{rng.randint(1, 30)}, Temple Street, {locality}, {city}"


def _sfx(n: int) -> str:
    return "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _person(rng: random.Random, used: set[str]) -> dict[str, Any]:
    while True:
        gender = rng.choice(("Male", "Female"))
        first = rng.choice(_MALE if gender == "Male" else _FEMALE)
        middle = rng.choice(_MIDDLE) if rng.random() < 0.25 else ""
        surname = rng.choice(_SURNAMES)
        name = " ".join(p for p in (first, middle, surname) if p)
        if name not in used:
            used.add(name)
            break
    city = rng.choice(list(_CITIES))
    state, prefix, _ = _CITIES[city]
    domain = rng.choice(("example.in", "example.com", "mail.example.net"))
    email = f"{first.lower()}.{surname.lower()}{rng.randint(10, 99)}@{domain}"
    return {
        "name": name,
        "gender": gender,
        "aadhaar_number": _aadhaar(rng),
        "pan_card_number": _pan(rng, surname),
        "address": _address(rng, city),
        "pincode": _pincode(rng, prefix),
        "state": state,
        "phone_number": _phone(rng),
        "secondary_phone_number": _phone(rng) if rng.random() < 0.5 else None,
        "email": email if rng.random() < 0.7 else None,
        "_relative": f"{rng.choice(_MALE)} {surname}",
        "_age": rng.randint(24, 78),
    }


def _style(rng: random.Random) -> Style:
    font, bold = rng.choice(_FONTS)
    return Style(
        font=font,
        bold=bold,
        size=rng.choice((9.0, 9.5, 10.0, 10.5, 11.0)),
        seller_word=rng.choice(_SELLER_WORDS),
        buyer_word=rng.choice(_BUYER_WORDS),
        layout=rng.choice(("prose", "prose", "table", "list")),
        caps_names=rng.random() < 0.6,
        date_fmt=rng.choice(("dd-mm-yyyy", "dd/mm/yyyy", "day_of", "long", "us", "iso", "dd.mm.yyyy")),
        amount_fmt=rng.choice(("rs", "rs", "rs_nodot", "inr", "scale")),
        amount_words=rng.random() < 0.6,
        b_unit=rng.choice(("sq. ft.", "sq.ft", "sq. m.", "sq. yds", "guntas", "cents")),
        c_unit=rng.choice(("sq. ft.", "square feet", "sq. m.", "sq.mtrs")),
        id_fmt=rng.randrange(5),
        headers=rng.choice(("full", "full", "id_only", "none")),
        fees=rng.choice(("table", "table", "sentence", "image")),
        cash=rng.random() < 0.35,
        cash_question=rng.random() < 0.6,
        covenants=rng.randint(2, 12),
        photo_page=rng.random() < 0.4,
        estamp=rng.random() < 0.7,
        office_label=rng.random() < 0.6,
    )


def _doc_id(rng: random.Random, fmt: int, code: str, year: int) -> str:
    fy = f"{year}-{(year + 1) % 100:02d}"
    n = rng.randint(100, 99999)
    return (
        f"{code}-1-{n:05d}/{fy}",
        f"{n}/{year}",
        f"{code}/{n:04d}/{fy}",
        f"1-{code}-{n:05d}-{year}",
        f"{code}{year}{n:06d}",
    )[fmt]


# --- layout ----------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, style: Style) -> None:
        self.doc = pymupdf.open()
        self.style = style
        self.left, self.right, self.top, self.bottom = 60.0, A4[0] - 60.0, 64.0, A4[1] - 64.0
        self.lead = style.size * 1.35
        self.page: Any = None
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=A4[0], height=A4[1])
        self.y = self.top

    def need(self, height: float) -> None:
        if self.y + height > self.bottom:
            self.new_page()

    def _wrap(self, text: str, width: float, font: str) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            trial = f"{current} {word}".strip()
            if (
                pymupdf.get_text_length(trial, fontname=font, fontsize=self.style.size) <= width
                or not current
            ):
                current = trial
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines

    def para(self, text: str, *, bold: bool = False, center: bool = False, after: float = 5.0) -> None:
        font = self.style.bold if bold else self.style.font
        for line in self._wrap(text, self.right - self.left, font):
            self.need(self.lead)
            x = self.left
            if center:
                x = (A4[0] - pymupdf.get_text_length(line, fontname=font, fontsize=self.style.size)) / 2
            self.page.insert_text(
                (x, self.y + self.style.size), line, fontname=font, fontsize=self.style.size
            )
            self.y += self.lead
        self.y += after

    def table(self, rows: list[list[str]], widths: list[float], *, ruled: bool = True) -> None:
        x0 = self.left
        for row in rows:
            cells = [self._wrap(c, w - 6, self.style.font) or [""] for c, w in zip(row, widths, strict=True)]
            height = max(len(c) for c in cells) * self.lead + 4
            self.need(height)
            x = x0
            for lines, width in zip(cells, widths, strict=True):
                for i, line in enumerate(lines):
                    pos = (x + 3, self.y + 2 + self.style.size + i * self.lead)
                    self.page.insert_text(pos, line, fontname=self.style.font, fontsize=self.style.size)
                if ruled:
                    self.page.draw_rect(pymupdf.Rect(x, self.y, x + width, self.y + height), width=0.5)
                x += width
            self.y += height
        self.y += 6

    def image_table(self, rows: list[list[str]], widths: list[float]) -> None:
        """A table rendered to a bitmap: no text layer, as fee tables pasted in by registration software."""
        scratch = pymupdf.open()
        page = scratch.new_page(width=sum(widths) + 4, height=len(rows) * (self.lead + 4) + 4)
        y = 2.0
        for row in rows:
            x = 2.0
            for cell, width in zip(row, widths, strict=True):
                page.insert_text(
                    (x + 3, y + 2 + self.style.size), cell, fontname="helv", fontsize=self.style.size
                )
                page.draw_rect(pymupdf.Rect(x, y, x + width, y + self.lead + 4), width=0.5)
                x += width
            y += self.lead + 4
        pixmap = page.get_pixmap(dpi=150, colorspace=pymupdf.csGRAY)
        height = page.rect.height
        self.need(height + 6)
        rect = pymupdf.Rect(self.left, self.y, self.left + page.rect.width, self.y + height)
        self.page.insert_image(rect, stream=pixmap.tobytes("png"))
        self.y += height + 8

    def finish(self, header: str | None, footer: str | None) -> bytes:
        total = self.doc.page_count
        for i in range(1, total + 1):
            page = self.doc[i - 1]
            size = self.style.size - 1
            if header:
                page.insert_text((self.right - 190, 40), header, fontname=self.style.font, fontsize=size)
            if footer:
                text = footer.format(i=i, n=total)
                page.insert_text((A4[0] / 2 - 30, A4[1] - 36), text, fontname=self.style.font, fontsize=size)
        return bytes(self.doc.tobytes())


# --- the deed --------------------------------------------------------------------------------------


def _printed_name(p: dict[str, Any], style: Style) -> str:
    return p["name"].upper() if style.caps_names else p["name"]


def _honorific(rng: random.Random, p: dict[str, Any]) -> tuple[str, bool]:
    """The honorific printed before a name, and whether it tells the gender."""
    if rng.random() < 0.2:
        return "", False
    h = rng.choice(_HONORIFICS[p["gender"]])
    return h, h != "Dr."


def _relation(rng: random.Random, p: dict[str, Any], style: Style) -> str:
    if p["gender"] == "Male":
        word = rng.choice(("S/o", "son of", "S/o."))
    else:
        word = rng.choice(("D/o", "W/o", "daughter of", "wife of"))
    return (
        f"{word} "
        f"{rng.choice(('Sri ', 'Shri ', 'Late ', ''))}"
        f"{p['_relative'].upper() if style.caps_names else p['_relative']}"
    )


def _aadhaar_text(rng: random.Random, a: str) -> str:
    return rng.choice((f"{a[:4]} {a[4:8]} {a[8:]}", a, f"{a[:4]}-{a[4:8]}-{a[8:]}"))


def _phone_text(rng: random.Random, p: str) -> str:
    return rng.choice((f"+91 {p[:5]} {p[5:]}", f"+91-{p}", f"0{p}", p, f"{p[:5]} {p[5:]}"))


def _residence(rng: random.Random, p: dict[str, Any]) -> str:
    form = rng.randrange(3)
    if form == 0:
        return f"{p['address']}, {p['state']} - {p['pincode']}"
    if form == 1:
        return f"{p['address']}, {p['state']} {p['pincode']}"
    return f"{p['address']} - {p['pincode']}, {p['state']}"


def _share_text(rng: random.Random, share: float) -> str:
    fractions = {50.0: ("1/2", "half"), 25.0: ("1/4", "one-fourth"), 100.0: ("entire", "entire")}
    if share in fractions and rng.random() < 0.5:
        frac, word = fractions[share]
        if rng.random() < 0.5 and share != 100.0:
            return f"Share in the Schedule Property: {frac} share"
        return f"holding an undivided {word} share in the Schedule Property"
    return f"Share in the Schedule Property: {share:g}%"


def _prose_person(
    rng: random.Random, i: int, n: int, p: dict[str, Any], style: Style, share: float | None
) -> str:
    hon, gendered = _honorific(rng, p)
    name = f"{hon} {_printed_name(p, style)}".strip()
    head = f"{i}. " if n > 1 or rng.random() < 0.5 else ""
    bits = [f"{head}{name}, aged about {p['_age']} years, {_relation(rng, p, style)}"]
    bits.append(f"residing at {_residence(rng, p)}")
    details = [
        (
            f"{rng.choice(('Aadhaar No.:', 'Aadhaar No.', 'Aadhar Card No.', 'UID No.:'))} "
            f"{_aadhaar_text(rng, p['aadhaar_number'])}"
        ),
        f"{rng.choice(('PAN:', 'PAN No.', 'PAN'))} {p['pan_card_number']}",
        f"{rng.choice(('Mobile:', 'Mob.', 'Phone:', 'Contact No.'))} {_phone_text(rng, p['phone_number'])}",
    ]
    if p["secondary_phone_number"]:
        label = rng.choice(("Alternate Mobile:", "Alt. Phone:", "Secondary Contact:"))
        details.append(f"{label} {_phone_text(rng, p['secondary_phone_number'])}")
    if p["email"]:
        details.append(f"{rng.choice(('E-mail:', 'Email ID:', 'Email'))} {p['email']}")
    text = ", ".join(bits) + ". " + ", ".join(details) + "."
    if share is not None:
        text += f" {_share_text(rng, share)}."
    del gendered
    return text


def _table_rows(rng: random.Random, p: dict[str, Any], style: Style, share: float | None) -> list[list[str]]:
    hon, gendered = _honorific(rng, p)
    colon = ":" if rng.random() < 0.5 else ""
    rel_label = "Husband's Name" if p["gender"] == "Female" and rng.random() < 0.5 else "Father's Name"
    rows = [[f"Name{colon}", f"{hon} {_printed_name(p, style)}".strip()]]
    if not gendered or rng.random() < 0.3:
        rows.append([f"Gender{colon}", p["gender"]])
    rows.append([f"{rel_label}{colon}", p["_relative"]])
    rows.append([f"Age{colon}", f"{p['_age']} years"])
    separate = rng.random() < 0.5
    address = p["address"] if separate else _residence(rng, p)
    rows.append([f"Address{colon}", address])
    if separate:
        rows += [[f"State{colon}", p["state"]], [f"PIN Code{colon}", p["pincode"]]]
    rows.append([f"Aadhaar No.{colon}", _aadhaar_text(rng, p["aadhaar_number"])])
    rows.append([f"PAN{colon}", p["pan_card_number"]])
    rows.append([f"Mobile{colon}", _phone_text(rng, p["phone_number"])])
    second = p["secondary_phone_number"]
    rows.append([f"Alternate Mobile{colon}", _phone_text(rng, second) if second else "-"])
    rows.append([f"E-mail{colon}", p["email"] or "-"])
    if share is not None:
        rows.append([f"Share{colon}", f"{share:g}%"])
    return rows


def _list_person(rng: random.Random, i: int, p: dict[str, Any], style: Style, share: float | None) -> str:
    hon, _ = _honorific(rng, p)
    parts = [
        f"{i}) {hon} {_printed_name(p, style)} ({_relation(rng, p, style)})".replace("  ", " "),
        f"age {p['_age']}",
        f"R/o {_residence(rng, p)}",
        f"Aadhaar: {_aadhaar_text(rng, p['aadhaar_number'])}",
        f"PAN: {p['pan_card_number']}",
        f"Ph: {_phone_text(rng, p['phone_number'])}",
    ]
    if p["secondary_phone_number"]:
        parts.append(f"Alt. Ph: {_phone_text(rng, p['secondary_phone_number'])}")
    if p["email"]:
        parts.append(f"Email: {p['email']}")
    if share is not None:
        parts.append(_share_text(rng, share))
    return "; ".join(parts) + "."


def _parties(
    rng: random.Random,
    w: _Writer,
    people: list[dict[str, Any]],
    role: str,
    plural: bool,
    style: Style,
    shares: list[float] | None,
    first: bool,
) -> None:
    word = role + ("S" if plural else "")
    hereinafter = (
        f'(hereinafter {rng.choice(("called", "referred to as"))} the "{word}", which expression '
        "shall, unless "
        "repugnant to the context, mean and include the heirs, legal representatives, executors, "
        f"administrators and assigns) of the {'FIRST' if first else 'SECOND'} PART"
    )
    if style.layout == "prose":
        for i, p in enumerate(people, start=1):
            share = shares[i - 1] if shares else None
            w.para(_prose_person(rng, i, len(people), p, style, share))
        w.para(hereinafter + (";" if first else "."))
        return
    if style.layout == "table":
        for i, p in enumerate(people, start=1):
            share = shares[i - 1] if shares else None
            heading = f"{role} {i}" if len(people) > 1 else f"DETAILS OF THE {role}"
            w.para(heading, bold=True, after=2)
            w.table(_table_rows(rng, p, style, share), [150.0, 300.0], ruled=rng.random() < 0.7)
        return
    w.para(f"{word}:", bold=True, after=2)
    for i, p in enumerate(people, start=1):
        share = shares[i - 1] if shares else None
        w.para(_list_person(rng, i, p, style, share))
    if rng.random() < 0.5:
        w.para(hereinafter + ".")


def _shares(rng: random.Random, n: int) -> list[float]:
    if n == 1:
        return [100.0]
    if n == 2:
        return rng.choice(([50.0, 50.0], [60.0, 40.0], [75.0, 25.0]))
    return rng.choice(([50.0, 25.0, 25.0], [40.0, 30.0, 30.0], [34.0, 33.0, 33.0]))


def deed(seed: int, *, fees: str | None = None) -> Deed:
    """Deed ``seed``; ``fees`` overrides how its fee table is printed ("none": the deed has none)."""
    rng = random.Random(seed)
    style = _style(rng)
    if fees is not None:
        style = replace(style, fees=fees)
    used: set[str] = set()
    sellers = [_person(rng, used) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    buyers = [_person(rng, used) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    shares = _shares(rng, len(sellers))
    print_shares = len(sellers) > 1 or rng.random() < 0.5

    city = rng.choice(list(_CITIES))
    state, prefix, localities = _CITIES[city]
    locality = rng.choice(localities)
    code = "".join(c for c in locality.upper() if c.isalpha())[:3]
    executed = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
    registered = executed + dt.timedelta(days=rng.choice((0, 0, 1, 3)))
    doc_id = _doc_id(rng, style.id_fmt, code, registered.year)
    old_ids = [
        _doc_id(rng, style.id_fmt, code, executed.year - rng.randint(3, 12)) for _ in range(rng.randint(1, 2))
    ]
    building = rng.choice(_BUILDINGS)
    consideration = float(rng.randint(25, 300) * 100_000 + rng.choice((0, 0, 50_000, 25_000)))
    guidance = float(round(consideration * rng.uniform(0.7, 1.15), -3))
    stamp = float(round(max(consideration, guidance) * rng.choice((0.05, 0.056, 0.06, 0.07)), -2))
    reg_fee = float(round(consideration * rng.choice((0.01, 0.02)), -2))
    c_sqft = float(rng.randint(55, 260) * 10 + rng.choice((0, 5)))
    b_sqft = round(c_sqft * rng.uniform(0.35, 0.5), 2)
    b_printed = round(b_sqft / _SQFT_PER[style.b_unit], 2 if style.b_unit not in ("guntas",) else 3)
    c_printed = round(c_sqft / _SQFT_PER[style.c_unit], 2)
    prop_address = _plot_address(rng, locality, city)
    prop_pin = _pincode(rng, prefix)
    office = rng.choice(
        (
            f"Sub-Registrar Office, {locality} ({city} Urban)",
            f"Office of the Sub-Registrar, {locality}, {city}",
            f"Sub-Registrar Office, {city} {rng.choice(('North', 'South', 'East', 'Central'))}",
        )
    )
    cash_amount = float(rng.choice((10_000, 15_000, 50_000, 100_000))) if style.cash else 0.0

    w = _Writer(style)
    s_word, b_word = style.seller_word, style.buyer_word
    s_pl, b_pl = len(sellers) > 1, len(buyers) > 1
    s_ref, b_ref = s_word + ("S" if s_pl else ""), b_word + ("S" if b_pl else "")
    if style.estamp:
        w.para("INDIA NON JUDICIAL", bold=True, center=True, after=1)
        w.para(f"Government of {state}", center=True, after=1)
        rows = [
            ["Certificate No.", f"IN-{code[:2]}{rng.randint(10**13, 10**14 - 1)}U"],
            ["Certificate Issued Date", f"{executed:%d-%b-%Y} 10:{rng.randint(10, 59)} AM"],
            ["Description of Document", "Article 20(1) Conveyance"],
            [
                "Consideration Price (Rs.)",
                f"{indian(consideration)} (Rupees {in_words(int(consideration))} only)",
            ],
            ["Stamp Duty Paid By", _printed_name(buyers[0], style)],
            ["Stamp Duty Amount (Rs.)", indian(stamp)],
        ]
        w.table(rows, [170.0, 300.0], ruled=False)
    w.para(rng.choice(("SALE DEED", "DEED OF ABSOLUTE SALE", "ABSOLUTE SALE DEED")), bold=True, center=True)
    when = _date(executed, style.date_fmt)
    opening = rng.choice(
        (
            f"This SALE DEED is made and executed on this the {when} at {city}, by and between:",
            f"THIS DEED OF SALE is made on {when} at {city} BETWEEN:",
            f"This Deed of Absolute Sale is executed at {city} on {when}, by and between",
        )
    )
    w.para(opening)
    _parties(rng, w, sellers, s_word, s_pl, style, shares if print_shares else None, True)
    w.para("AND", bold=True, center=True)
    _parties(rng, w, buyers, b_word, b_pl, style, None, False)

    old_date = _date(executed - dt.timedelta(days=rng.randint(900, 4000)), style.date_fmt)
    w.para(
        f"WHEREAS the Schedule 'A' land was developed by M/s {building.split()[0]} Builders, who "
        f'constructed a residential apartment building known as "{building.upper()}" thereon.'
    )
    w.para(
        f"WHEREAS the {s_ref} purchased the Schedule 'B' and 'C' properties under a Sale Deed "
        f"dated {old_date} registered as Document No. {old_ids[0]} in Book-I in the office of the "
        "Sub-Registrar."
    )
    if len(old_ids) > 1:
        w.para(f"WHEREAS the mother deed of the land is registered as Document No. {old_ids[1]}.")
    w.para(
        f"WHEREAS the {s_ref} agreed to sell and the {b_ref} agreed to purchase the Schedule 'B' "
        "and 'C' properties for a total sale consideration of "
        f"{_money(rng, consideration, style)}, free from all encumbrances."
    )
    w.para("NOW THIS DEED OF SALE WITNESSETH AS FOLLOWS:", bold=True)
    w.para(
        f"1. In consideration of the sum of {_money(rng, consideration, style)} paid by the "
        f"{b_ref} to the {s_ref} as detailed below, the receipt of which the {s_ref} hereby "
        "admits:"
    )
    _payments(rng, w, consideration, cash_amount, style)
    w.para(
        f"2. The {s_ref} hereby conveys, sells, transfers and assigns unto the {b_ref} the "
        "Schedule 'B' and 'C' properties absolutely and forever."
    )
    for k in range(style.covenants):
        w.para(_covenant(rng, k + 3, s_ref, b_ref))
    w.para(
        rng.choice(
            (
                (
                    f"{style.covenants + 3}. The guidance value of the Schedule 'C' property as "
                    f"notified by the Government is {_money(rng, guidance, style)}, and stamp duty "
                    "has been paid on the higher of the sale consideration and the guidance value."
                ),
                (
                    f"{style.covenants + 3}. The market value of the Schedule property as per the "
                    f"guidelines is {_money(rng, guidance, style)}."
                ),
            )
        )
    )
    land_sqft = rng.randint(80, 200) * 100
    w.para("SCHEDULE 'A' PROPERTY", bold=True, center=True)
    w.para(
        "All that piece and parcel of the residential converted land bearing Sy. No. "
        f"{rng.randint(10, 200)}/{rng.randint(1, 9)}, situated at {locality}, {city}, in all "
        f"measuring {indian(land_sqft)} sq. ft. ({land_sqft / 43560:.3f} acres), bounded on the "
        "East by road and West by private property."
    )
    w.para(
        rng.choice(("SCHEDULE 'B' PROPERTY", "SCHEDULE - B", "'B' SCHEDULE PROPERTY")), bold=True, center=True
    )
    w.para(
        f"{b_printed:g} {style.b_unit} of undivided share, right, title and interest in the "
        "Schedule 'A' land."
    )
    w.para(
        rng.choice(("SCHEDULE 'C' PROPERTY", "SCHEDULE - C", "'C' SCHEDULE PROPERTY")), bold=True, center=True
    )
    floor = rng.choice(("First", "Second", "Third", "Fourth"))
    flat = f"{rng.randint(1, 4)}{rng.randint(0, 1)}{rng.randint(1, 9)}"
    w.para(
        rng.choice(
            (
                (
                    f"A residential apartment bearing Flat No. {flat} on the {floor} Floor of the "
                    f'building known as "{building.upper()}", situated at {prop_address}, {state} - '
                    f"{prop_pin}, having a super built-up area of {c_printed:,g} {style.c_unit} "
                    "together with one covered car parking space."
                ),
                (
                    f'Apartment No. {flat} in the apartment complex named "{building}", located at '
                    f"{prop_address}, {state} {prop_pin}, measuring a super built-up area of "
                    f"{c_printed:,g} {style.c_unit}, with a car parking space."
                ),
            )
        )
    )
    w.para(
        "IN WITNESS WHEREOF the parties have signed this deed on the day, month and year first above written."
    )
    w.para("WITNESSES", bold=True)
    for n in (1, 2):
        w.para(f"{n}. {rng.choice(_MALE)} {rng.choice(_SURNAMES)}, {_address(rng, city)}", after=2)
    w.para(
        rng.choice(("ENDORSEMENT OF REGISTRATION", "CERTIFICATE OF REGISTRATION", "REGISTRATION DETAILS")),
        bold=True,
    )
    w.para(
        f"Presented in the office of the Sub-Registrar on {_date(registered, style.date_fmt)} and "
        "admitted by the executants." + (" Fees paid:" if style.fees != "none" else "")
    )
    fee_rows = [
        ["Sl. No.", "Description", "Amount (Rs.)"],
        ["1", "Stamp duty", indian(stamp, True)],
        ["2", "Registration fee", indian(reg_fee, True)],
        ["3", "Scanning fee", "500.00"],
        ["", "Total", indian(stamp + reg_fee + 500, True)],
    ]
    if style.fees == "table":
        w.table(fee_rows, [50.0, 200.0, 120.0])
    elif style.fees == "image":
        w.image_table(fee_rows, [50.0, 200.0, 120.0])
    elif style.fees == "sentence":
        w.para(
            f"Stamp duty of {_money(rng, stamp, style, words=False)} and registration fee of "
            f"{_money(rng, reg_fee, style, words=False)} have been paid."
        )
    w.para(f"Registered as Document No. {doc_id} in Book-I on {_date(registered, style.date_fmt)}.")
    if style.office_label:
        w.para(f"Registration Office: {office}")
    else:
        office = (
            office if office.startswith("Office of") else f"Office of the Sub-Registrar, {locality}, {city}"
        )
        w.para(f"Registered in the {office}.")
    w.para("(Sd/-) Sub-Registrar")
    if style.photo_page:
        w.new_page()
        w.para("PHOTOGRAPHS AND THUMB IMPRESSIONS OF THE EXECUTANTS AND CLAIMANTS", bold=True)
        for p in sellers + buyers:
            w.para(f"Name: {_printed_name(p, style)}   Signature: ______________", after=24)
    header = {"full": f"Document No. {doc_id}", "id_only": f"Regn. No. {doc_id}", "none": None}[style.headers]
    footer = rng.choice(("Sheet {i} of {n}", "Page {i} of {n}")) if style.headers != "none" else None
    page_count = w.doc.page_count
    pdf = w.finish(header, footer)

    def party(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if not k.startswith("_")}

    record = {
        "document_id": doc_id,
        "transaction_date": executed.isoformat(),
        "registration_office": office,
        "property": {
            "schedule_b_area": round(b_printed * _SQFT_PER[style.b_unit], 2),
            "schedule_c_property_name": building,
            "schedule_c_property_address": prop_address,
            "schedule_c_property_area": round(c_printed * _SQFT_PER[style.c_unit], 2),
            "paid_in_cash_mode": "Yes" if style.cash else "No",
            "pincode": prop_pin,
            "state": state,
            "sale_consideration": consideration,
            # With the fee table as an image (or none) and no e-stamp box, no text gives the duty.
            "stamp_duty_fee": None if style.fees in ("image", "none") and not style.estamp else stamp,
            "registration_fee": None if style.fees in ("image", "none") else reg_fee,
            "guidance_value": guidance,
        },
        "buyers": [party(p) for p in buyers],
        "sellers": [party(p) | {"property_share": s} for p, s in zip(sellers, shares, strict=True)],
    }
    return Deed(seed=seed, pdf=pdf, record=record, style=style, page_count=page_count)


def make_deed(seed: int) -> tuple[bytes, dict[str, Any]]:
    """The PDF of deed ``seed`` and the record an extractor must read from it."""
    d = deed(seed)
    return d.pdf, d.record


def _plot_address(rng: random.Random, locality: str, city: str) -> str:
    n1 = rng.randint(1, 15)
    return f"No. {rng.randint(1, 120)}, {n1}{_sfx(n1)} Cross, {locality}, {city}"


def _payments(rng: random.Random, w: _Writer, total: float, cash: float, style: Style) -> None:
    rest = total - cash
    rows = [["Sl.", "Mode", "Reference", "Bank", "Amount (Rs.)"]]
    if cash:
        rows.append([str(len(rows)), "Cash", "Token advance", "-", indian(cash, True)])
    rows.append(
        [
            str(len(rows)),
            rng.choice(("RTGS", "NEFT", "Demand Draft")),
            f"UTR {rng.randint(10**11, 10**12 - 1)}",
            rng.choice(_BANKS),
            indian(rest, True),
        ]
    )
    rows.append(["", "Total", "", "", indian(total, True)])
    if rng.random() < 0.7:
        w.table(rows, [30.0, 80.0, 140.0, 140.0, 90.0])
    elif cash:
        w.para(
            f"Out of the above, {_money(rng, cash, style, words=False)} was paid in cash and the "
            "balance by bank transfer."
        )
    else:
        w.para(
            "The entire consideration has been paid through banking channels and no amount has "
            "been paid in cash."
        )
    if style.cash_question:
        w.para(f"Whether any part of the sale consideration is paid in cash: {'Yes' if cash else 'No'}.")


def _covenant(rng: random.Random, n: int, s_ref: str, b_ref: str) -> str:
    return rng.choice(
        (
            (
                f"{n}. The {s_ref} assures the {b_ref} that the Schedule property is free from all "
                "encumbrances, charges, liens, mortgages and attachments of any nature whatsoever."
            ),
            (
                f"{n}. All expenses towards stamp duty, registration fee and incidental charges for "
                f"this deed have been borne by the {b_ref}."
            ),
            (
                f"{n}. The {s_ref} has this day delivered vacant possession of the Schedule 'C' "
                f"property to the {b_ref}, together with all original title documents."
            ),
            (
                f"{n}. The {b_ref} shall abide by the rules and bye-laws of the apartment owners' "
                "association and shall pay the proportionate maintenance charges."
            ),
            (
                f"{n}. The {s_ref} shall indemnify the {b_ref} against any loss arising from any "
                "defect in title."
            ),
            (
                f"{n}. The {b_ref} shall be entitled to get the khata, electricity and water "
                f"connections transferred to the name of the {b_ref}."
            ),
        )
    )
