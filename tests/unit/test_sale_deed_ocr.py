"""The sale_deed profile on OCR'd text: seeded OCR-like noise over generated deeds, identity numbers as
OCR misreads them, and one deed scanned to images and read by the project's Tesseract OCR."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import pymupdf
import pytest

from paperlane.ocr.engine import ocr_page
from paperlane.pages import Page
from paperlane.pdf.text import extract_pages
from paperlane.pii import verhoeff_digit
from paperlane.profiles.sale_deed import SaleDeedProfile
from paperlane.profiles.sale_deed.identity import normalize_aadhaar, normalize_doubled_pan, normalize_pan
from paperlane.profiles.sale_deed.numbers import figure_value
from paperlane.profiles.sale_deed.parties import extract_parties
from paperlane.profiles.sale_deed.property import schedules
from paperlane.profiles.sale_deed.text import repair
from tests.deedcompare import field_errors
from tests.deedgen import Deed, deed
from tests.ocrnoise import noisy_pages

SEEDS = range(30)


def _noisy(generated: Deed) -> list[Page]:
    """A generated deed as its text layer reads, then with OCR noise (seeded by the deed's seed)."""
    pdf = generated.pdf
    pages = extract_pages(pdf, 1, pymupdf.open(stream=pdf, filetype="pdf").page_count)
    texts = noisy_pages([p.text for p in pages], 1000 + generated.seed)
    return [
        p.model_copy(update={"text": t, "source": "ocr", "confidence": 85.0})
        for p, t in zip(pages, texts, strict=True)
    ]


def test_field_accuracy_on_noisy_text() -> None:
    total, wrong = 0, Counter[str]()
    for generated in (deed(seed) for seed in SEEDS):
        record = SaleDeedProfile().extract(_noisy(generated)).output["record"]
        n, errors = field_errors(record, generated.record)
        total += n
        wrong.update(re.sub(r"\[\d+\]", "[]", e) for e in errors)
    accuracy = 1 - sum(wrong.values()) / total
    print(f"sale_deed field accuracy over {len(SEEDS)} OCR-noised deeds: {accuracy:.4f} ({total} fields)")
    print("weakest fields:", wrong.most_common(8))
    assert accuracy >= 0.90


# --- identity numbers as OCR reads them -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "pan"),
    [
        ("BQXPG0379P", "BQXPG0379P"),
        ("BQXPGO379P", "BQXPG0379P"),  # O for 0 among the digits
        ("BQXPG03I9P", "BQXPG0319P"),  # I for 1
        ("BQXPGOS7B1", None),  # four misread characters: not a PAN read badly but something else
        ("8QXPG0379P", "BQXPG0379P"),  # 8 for B among the letters
        ("5QXPG0379P", "SQXPG0379P"),
        ("BQXPG 0379P", "BQXPG0379P"),
        ("REGISTERED", None),
        ("BQXPG037", None),
    ],
)
def test_pan_misreads_are_put_back_by_position(raw: str, pan: str | None) -> None:
    assert normalize_pan(raw) == pan


def test_pan_needs_a_holder_type_letter() -> None:
    assert normalize_pan("BQXZG0379P") is None  # 4th letter Z is no holder type


def test_pan_read_with_a_doubled_glyph() -> None:
    # Tesseract read the zero of "YTXPM0750I" as "O0" on a 200 dpi scan.
    assert normalize_doubled_pan("YTXPMO0750l") == "YTXPM0750I"
    assert normalize_doubled_pan("YTXPMO075OI") == "YTXPM0750I"
    assert normalize_doubled_pan("YTXPM0750I") is None  # ten characters: not this case


def _aadhaar(body: str) -> str:
    return body + verhoeff_digit(body)


def test_aadhaar_spaced_and_misread_is_verified() -> None:
    number = _aadhaar("28842879711")
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    assert normalize_aadhaar(spaced) == (number, True)
    assert normalize_aadhaar(f"{number[:5]} {number[5:]}") == (number, True)
    misread = number.replace("1", "I", 1).replace("0", "O")
    assert normalize_aadhaar(misread) == (number, True)
    assert normalize_aadhaar(number.replace("1", "l", 1)) == (number, True)


def test_aadhaar_failing_verhoeff_is_kept_as_read_and_flagged() -> None:
    number = _aadhaar("28842879711")
    bad = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert normalize_aadhaar(bad) == (bad, False)
    read = normalize_aadhaar(bad[:-2] + "O" + bad[-1])
    assert read is not None and not read.verified and read.value == bad[:-2] + "O" + bad[-1]
    assert normalize_aadhaar("12345") is None
    assert normalize_aadhaar("ABCDEFGHIJKL") is None


def test_misread_identity_numbers_in_a_party() -> None:
    number = _aadhaar("52397410286")
    misread = f"{number[:4]} {number[4:8]} {number[8:]}".replace("0", "O")
    text = (
        "by and between: VENDOR 1 Name: Smt. KAV YA RAO, Aadhaar No.: "
        f"{misread} PAN: BQXPGO379P Mobile: 9876543210. AND PURCHASER: Sri Arjun Menon, "
        f"Aadhaar {_aadhaar('73512098462')} PAN CDEPM1234K. WHEREAS"
    )
    buyers, sellers = extract_parties(repair(text))
    assert sellers[0].aadhaar_number == number and sellers[0].pan_card_number == "BQXPG0379P"
    assert buyers[0].name == "Arjun Menon" and buyers[0].pan_card_number == "CDEPM1234K"


def test_table_read_by_ocr_with_headings_and_labels_inline() -> None:
    number = _aadhaar("37715162046")
    text = (
        "by and between: DETAILS OF THE TRANSFEROR Name: Smt. Anitha Pillai Age: 68 years "
        "Address: H.No. 14-5-63, MVP Colony, Visakhapatnam - 530065, Andhra Pradesh "
        f"Aadhaar No.: {_aadhaar('60479666972')} PAN: LDBPP2228P Mobile: 09958969350 E-mail: - AND BUYER 1 "
        "Name Mr. Santosh Naidu Father's Name Manoj Naidu Age 48 years Address No. 301, 13th Cross, "
        f"Kochi State Kerala PIN Code 682043 Aadhaar No. {number} PAN YNDPN0725T Mobile 08830401198 "
        "WHEREAS"
    )
    buyers, sellers = extract_parties(text)
    assert [s.name for s in sellers] == ["Anitha Pillai"]
    (buyer,) = buyers
    assert (buyer.name, buyer.gender, buyer.aadhaar_number) == ("Santosh Naidu", "Male", number)
    assert (buyer.address, buyer.state, buyer.pincode) == ("No. 301, 13th Cross, Kochi", "Kerala", "682043")


# --- text repairs -------------------------------------------------------------------------------------


def test_repair_undoes_word_misreads_splits_and_spacing() -> None:
    assert repair("VEND0R  1 Name:Pi1lai,Bengaluru K0lkata 5CHEDULE") == (
        "VENDOR 1 Name:Pillai, Bengaluru Kolkata SCHEDULE"
    )
    assert repair("Pil-\nlai and Sub-\nRegistrar") == "Pillai and Sub-\nRegistrar"
    # Codes, ordinals and e-mail user names keep their digits.
    assert (
        repair("BQXPG0379P KOT2015 11th 1st rao15@examp1e.in")
        == "BQXPG0379P KOT2015 11th 1st rao15@example.in"
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,03,50,000", 10_350_000.0),
        ("1,03.50,000", 10_350_000.0),
        ("6,01,200.00", 601_200.0),
        ("6.01,200,00", 601_200.0),
        ("500.00", 500.0),
        ("1.1932", 1.1932),
    ],
)
def test_figures_with_misread_separators(text: str, value: float) -> None:
    assert figure_value(text) == pytest.approx(value)


def test_schedule_headings_run_into_the_text() -> None:
    text = (
        "the Schedule 'B' and 'C' properties. SCHEDULE 'B' PROPERTY 450 sq. ft. of undivided share in "
        "the Schedule 'A' land. 'C' SCHEDULE property Flat No. 101, measuring 1,035 sq. ft. IN WITNESS"
    )
    found = schedules(text)
    assert found["B"].strip().startswith("450 sq. ft.") and "'C' SCHEDULE" not in found["B"]
    assert found["C"].strip().startswith("Flat No. 101")


# --- a scanned deed through the real OCR -----------------------------------------------------------------

OCR_PAGES = 2


def _image_only(pdf: bytes, pages: int, dpi: int = 200) -> bytes:
    """The first ``pages`` pages of ``pdf`` as a scan would be: each page one image, no text layer."""
    source = pymupdf.open(stream=pdf, filetype="pdf")
    scan = pymupdf.open()
    for page in (source[i] for i in range(min(pages, source.page_count))):
        pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        target = scan.new_page(width=page.rect.width, height=page.rect.height)
        target.insert_image(target.rect, stream=pixmap.tobytes("png"))
    return bytes(scan.tobytes())


@pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="Tesseract is not installed (apt-get install tesseract-ocr)"
)
def test_scanned_deed_parties_read_through_ocr() -> None:
    # Only two pages are read (about 4 CPU-s each): a deed in prose with at most three parties has them
    # all there. The first such seed is taken, whatever its fonts.
    generated = next(
        d
        for d in (deed(s) for s in range(20))
        if d.style.layout == "prose" and len(d.record["sellers"]) + len(d.record["buyers"]) <= 3
    )
    scan = _image_only(generated.pdf, OCR_PAGES)
    document = pymupdf.open(stream=scan, filetype="pdf")
    pages = [
        ocr_page(scan, i + 1, width=document[i].rect.width, height=document[i].rect.height, dpi=200).page
        for i in range(document.page_count)
    ]
    record = SaleDeedProfile().extract(pages).output["record"]
    for role in ("sellers", "buyers"):
        expected = generated.record[role][0]
        got = next(
            (p for p in record[role] if (p["name"] or "").casefold() == expected["name"].casefold()), None
        )
        assert got is not None, f"{role}[0] not found by name"
        assert got["pan_card_number"] == expected["pan_card_number"], role
        assert got["aadhaar_number"] == expected["aadhaar_number"], role
