"""The sale_deed profile over the sample deeds and over generated deeds of many layouts.

Fields are compared by the rule in samples/README.md ("How outputs are compared", tests.deedcompare).
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pymupdf
import pytest

from paperlane import profiles
from paperlane.pages import Page
from paperlane.pdf.text import extract_pages
from paperlane.pii import verhoeff_digit
from paperlane.profiles.sale_deed import SaleDeedProfile
from tests.deedcompare import field_errors, norm
from tests.deedgen import Deed, deed
from tests.shared_assets import samples_dir

SEEDS = range(40)


def _pages(pdf: bytes) -> list[Page]:
    return extract_pages(pdf, 1, pymupdf.open(stream=pdf, filetype="pdf").page_count)


# --- the samples --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["deed_01", "deed_02"])
def test_samples_match_expected_fields(name: str) -> None:
    folder = samples_dir() / "deeds"
    expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))["record"]
    result = SaleDeedProfile().extract(_pages((folder / f"{name}.pdf").read_bytes()))
    record = result.output["record"]
    image_fee_table = name == "deed_02"
    if image_fee_table:
        # The fee table is an embedded image: no text gives the fee, so vision must read it.
        assert record["property"]["registration_fee"] is None
        assert "property.registration_fee" in result.output["needs_vision"]
        expected["property"]["registration_fee"] = None
    else:
        assert result.output["needs_vision"] == []
    _, wrong = field_errors(record, expected)
    assert wrong == []
    # The contract shape exactly: no extra keys inside the record.
    assert set(record) == set(expected)
    assert set(record["property"]) == set(expected["property"])
    assert [set(p) for p in record["sellers"]] == [set(p) for p in expected["sellers"]]
    assert [set(p) for p in record["buyers"]] == [set(p) for p in expected["buyers"]]


# --- the registration fee: needs_vision only when a picture holds the fee table -------------------------


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_a_fee_table_printed_as_a_picture_needs_vision(seed: int) -> None:
    generated = deed(seed, fees="image")
    output = SaleDeedProfile().extract(_pages(generated.pdf)).output
    assert output["record"]["property"]["registration_fee"] is None
    assert "property.registration_fee" in output["needs_vision"]
    assert "FEE_NOT_FOUND" not in {i["code"] for i in output["validation_errors"]}


def test_a_fee_table_picture_pushed_over_a_page_break_still_needs_vision() -> None:
    # Seed 5 prints "Fees paid:" at the foot of page 2 and the picture at the top of page 3.
    pages = _pages(deed(5, fees="image").pdf)
    [(page, box)] = [(p, b) for p in pages for b in p.images]
    assert not [w for w in page.words if 0.1 * page.height < w.y1 <= box[1]], "nothing above the picture"
    output = SaleDeedProfile().extract(pages).output
    assert "property.registration_fee" in output["needs_vision"]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_a_deed_without_a_fee_table_lists_the_fee_as_not_found_not_needs_vision(seed: int) -> None:
    generated = deed(seed, fees="none")
    output = SaleDeedProfile().extract(_pages(generated.pdf)).output
    assert generated.record["property"]["registration_fee"] is None
    assert output["record"]["property"]["registration_fee"] is None
    assert output["needs_vision"] == []
    not_found = {i["field"] for i in output["validation_errors"] if i["code"] == "FEE_NOT_FOUND"}
    assert "property.registration_fee" in not_found
    assert ("property.stamp_duty_fee" in not_found) == (
        generated.record["property"]["stamp_duty_fee"] is None
    )


def test_a_picture_away_from_any_fee_wording_is_not_a_fee_table() -> None:
    generated = deed(0, fees="none")
    doc = pymupdf.open(stream=generated.pdf, filetype="pdf")
    # A page with the site plan of the property, as a picture, before the last page.
    page = doc.new_page(pno=doc.page_count - 1, width=595, height=842)
    page.insert_text((60, 110), "SITE PLAN OF THE SCHEDULE 'C' PROPERTY", fontname="hebo", fontsize=11)
    plan = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 300, 200), False)
    plan.clear_with(180)
    page.insert_image(pymupdf.Rect(60, 130, 510, 430), pixmap=plan)
    page.insert_text((60, 450), "Not to scale. Boundaries as in Schedule 'A'.", fontname="helv", fontsize=10)
    pages = _pages(bytes(doc.tobytes()))
    assert [p.page for p in pages if p.images] == [len(pages) - 1]
    output = SaleDeedProfile().extract(pages).output
    assert output["needs_vision"] == []
    assert "property.registration_fee" in {i["field"] for i in output["validation_errors"]}


def test_profile_is_registered_and_fills_the_records_table() -> None:
    profile = profiles.get("sale_deed")
    generated = deed(0)
    result = profile.extract(_pages(generated.pdf))
    (row,) = result.records["deed"]
    assert row["document_id"] == generated.record["document_id"]
    assert {"validation_errors", "needs_vision"} <= set(row)
    assert result.summary["buyers"] == len(generated.record["buyers"])
    fields = result.output["fields"]
    assert fields["document_id"]["source"] == "rules" and fields["document_id"]["confidence"] > 0.5


# --- generated deeds ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def deeds() -> list[Deed]:
    return [deed(seed) for seed in SEEDS]


def test_generator_draws_the_variants_that_matter(deeds: list[Deed]) -> None:
    styles = [d.style for d in deeds]
    assert {s.layout for s in styles} == {"prose", "table", "list"}
    assert len({s.seller_word for s in styles}) >= 3 and len({s.buyer_word for s in styles}) >= 3
    assert {s.fees for s in styles} == {"table", "sentence", "image"}
    assert any(s.cash for s in styles) and any(not s.cash for s in styles)
    assert len({s.date_fmt for s in styles}) >= 6 and len({s.amount_fmt for s in styles}) >= 4
    assert len({s.b_unit for s in styles}) >= 5 and len({s.c_unit for s in styles}) >= 3
    assert {s.headers for s in styles} == {"full", "id_only", "none"}
    assert {len(d.record["sellers"]) for d in deeds} == {1, 2, 3}
    assert {len(d.record["buyers"]) for d in deeds} == {1, 2, 3}
    assert {pymupdf.open(stream=d.pdf, filetype="pdf").page_count for d in deeds} >= {2, 3, 4}
    for d in deeds:
        for person in d.record["buyers"] + d.record["sellers"]:
            aadhaar = person["aadhaar_number"]
            assert aadhaar[0] not in "01" and verhoeff_digit(aadhaar[:-1]) == aadhaar[-1]


def test_field_accuracy_on_generated_deeds(deeds: list[Deed]) -> None:
    total, wrong = 0, Counter[str]()
    for d in deeds:
        record = SaleDeedProfile().extract(_pages(d.pdf)).output["record"]
        n, errors = field_errors(record, d.record)
        total += n
        wrong.update(re.sub(r"\[\d+\]", "[]", e) for e in errors)
    accuracy = 1 - sum(wrong.values()) / total
    print(f"sale_deed field accuracy over {len(deeds)} generated deeds: {accuracy:.4f} ({total} fields)")
    print("weakest fields:", wrong.most_common(8))
    assert accuracy >= 0.95


def test_cited_earlier_deeds_are_not_this_deeds_number(deeds: list[Deed]) -> None:
    for d in deeds:
        record = SaleDeedProfile().extract(_pages(d.pdf)).output["record"]
        assert record["document_id"] == d.record["document_id"], d.seed


# --- validation ----------------------------------------------------------------------------------------


def _tampered(pdf: bytes, old: str, new: str) -> bytes:
    """The PDF with one string of its text layer replaced (redacted and written again in place)."""
    doc = pymupdf.open(stream=pdf, filetype="pdf")
    hits = 0
    for page in (doc[i] for i in range(doc.page_count)):
        for rect in page.search_for(old):
            page.add_redact_annot(rect)
            page.apply_redactions()
            page.insert_text((rect.x0, rect.y1 - 2), new, fontname="helv", fontsize=8)
            hits += 1
    assert hits, old
    return bytes(doc.tobytes())


def test_bad_aadhaar_checksum_and_bad_pan_are_reported() -> None:
    generated = next(d for d in (deed(s) for s in SEEDS) if d.style.layout == "table")
    buyer = generated.record["buyers"][0]
    aadhaar, pan = buyer["aadhaar_number"], buyer["pan_card_number"]
    bad_aadhaar = aadhaar[:-1] + str((int(aadhaar[-1]) + 1) % 10)
    bad_pan = pan[:5] + "12X4" + pan[-1]
    doc = pymupdf.open(stream=generated.pdf, filetype="pdf")
    printed = next(
        text
        for text in (
            aadhaar,
            f"{aadhaar[:4]} {aadhaar[4:8]} {aadhaar[8:]}",
            f"{aadhaar[:4]}-{aadhaar[4:8]}-{aadhaar[8:]}",
        )
        if any(doc[i].search_for(text) for i in range(doc.page_count))
    )
    pdf = _tampered(generated.pdf, printed, bad_aadhaar)
    pdf = _tampered(pdf, pan, bad_pan)
    output = SaleDeedProfile().extract(_pages(pdf)).output
    buyers = output["record"]["buyers"]
    index = next(i for i, p in enumerate(buyers) if norm(p["name"]) == norm(buyer["name"]))
    codes = {(e["field"], e["code"]) for e in output["validation_errors"]}
    assert (f"buyers[{index}].aadhaar_number", "AADHAAR_CHECKSUM") in codes
    assert (f"buyers[{index}].pan_card_number", "PAN_FORMAT") in codes
    assert output["fields"][f"buyers[{index}].aadhaar_number"]["confidence"] < 0.9


def test_clean_generated_deed_has_no_identity_errors(deeds: list[Deed]) -> None:
    output = SaleDeedProfile().extract(_pages(deeds[0].pdf)).output
    identity = [e for e in output["validation_errors"] if e["code"].startswith(("AADHAAR", "PAN", "PHONE"))]
    assert identity == []
