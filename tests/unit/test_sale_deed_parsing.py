"""Amounts, areas, dates, shares and the validators of the sale_deed profile, one notation at a time."""

from __future__ import annotations

import datetime as dt

import pytest

from paperlane.pii import verhoeff_check, verhoeff_digit
from paperlane.profiles.sale_deed.money import labeled_amounts, words_mismatches
from paperlane.profiles.sale_deed.numbers import (
    find_amounts,
    parse_amount,
    parse_area,
    parse_date,
    words_to_number,
)
from paperlane.profiles.sale_deed.parties import parse_share, strip_state_and_pin
from paperlane.profiles.sale_deed.pincodes import state_for_pincode, states_for_pincode
from paperlane.profiles.sale_deed.validators import (
    aadhaar_issues,
    normalize_phone,
    pan_issues,
    pincode_issues,
    stamp_duty_issues,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Rs. 50,00,000/-", 5_000_000.0),
        ("Rs 1,03,50,000/- (Rupees One Crore Three Lakh Fifty Thousand only)", 10_350_000.0),
        ("\u20b9 72,50,000", 7_250_000.0),
        ("INR 10,350,000.00", 10_350_000.0),
        ("a price of Rs. 1.2 crore", 12_000_000.0),
        ("Rs. 72.5 lakhs", 7_250_000.0),
        ("Rupees Fifty Lakh only", 5_000_000.0),
        ("Rupees Twenty-Five Thousand Five Hundred and Ten only", 25_510.0),
    ],
)
def test_amounts_in_indian_notations(text: str, value: float) -> None:
    assert parse_amount(text) == pytest.approx(value)


def test_serial_numbers_years_and_dates_are_not_amounts() -> None:
    assert find_amounts("11. The deed of 2025 and clause 3") == []


def test_amount_in_words() -> None:
    assert words_to_number("One Crore Three Lakh Fifty Thousand") == 10_350_000
    assert words_to_number("Seventy Two Lakh Fifty Thousand only") == 7_250_000
    assert words_to_number("Nine Hundred Ninety Nine") == 999
    assert words_to_number("Sunrise Residency") is None


def test_figures_are_cross_checked_against_their_words() -> None:
    assert words_mismatches("Rs. 72,50,000/- (Rupees Seventy Two Lakh Fifty Thousand only)") == []
    assert words_mismatches("Rs. 72,50,000/- (Rupees Seventy Lakh only)") == [(7_250_000.0, 7_000_000)]


def test_a_label_takes_the_amount_of_its_own_sentence() -> None:
    text = (
        "All expenses towards stamp duty, registration fee and charges are borne by the BUYER.\n"
        "4. The guidance value is Rs. 59,98,000/-.\nRegistration fee\n1,45,000.00\n"
    )
    found = [a.value for a, _ in labeled_amounts(text, r"registration\s+(?:fees?|charges)")]
    assert found == [145_000.0]


@pytest.mark.parametrize(
    ("text", "sqft"),
    [
        ("460.25 sq. ft. of undivided share", 460.25),
        ("1,035 sq.ft", 1035.0),
        ("96.15 sq. m.", 1034.95),
        ("100 sq. yds", 900.0),
        ("0.42 guntas", 457.38),
        ("1.5 cents", 653.4),
        ("2 acres", 87120.0),
        ("1200 square feet", 1200.0),
    ],
)
def test_areas_convert_to_square_feet(text: str, sqft: float) -> None:
    assert parse_area(text) == pytest.approx(sqft, abs=0.01)


@pytest.mark.parametrize(
    "text",
    [
        "14-03-2025",
        "14/03/2025",
        "14.03.2025",
        "14th March 2025",
        "the 14th day of March 2025",
        "March 14, 2025",
        "2025-03-14",
        "14-Mar-2025",
        "this fourteenth day of March, 2025",
    ],
)
def test_dates_in_every_notation(text: str) -> None:
    assert parse_date(text) == dt.date(2025, 3, 14)


def test_impossible_dates_are_rejected() -> None:
    assert parse_date("31-02-2025") is None


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("Share in the Schedule Property: 50% (Fifty per cent)", 50.0),
        ("having 1/2 share in the property", 50.0),
        ("holding an undivided half share", 50.0),
        ("Share: 33.33 per cent", 33.33),
        ("an undivided one-third share", 33.33),
        ("no share mentioned", None),
    ],
)
def test_seller_shares(text: str, share: float | None) -> None:
    assert parse_share(text) == share


def test_state_and_pin_are_removed_from_an_address() -> None:
    expected = "No. 5, 2nd Cross, Jayanagar, Bengaluru"
    assert strip_state_and_pin("No. 5, 2nd Cross, Jayanagar, Bengaluru, Karnataka - 560011.") == expected
    assert strip_state_and_pin("No. 5, 2nd Cross, Jayanagar, Bengaluru - 560011, Karnataka") == expected
    # "New Delhi" is the city of a Delhi address, not a state to strip.
    assert strip_state_and_pin("Saket, New Delhi, Delhi 110017") == "Saket, New Delhi"


# --- validators -----------------------------------------------------------------------------------


def test_verhoeff_on_published_check_digits() -> None:
    # The worked examples of the Verhoeff scheme: 236 -> 3, 12345 -> 1, 75872 -> 2.
    assert [verhoeff_digit(n) for n in ("236", "12345", "75872")] == ["3", "1", "2"]
    assert verhoeff_check("2363") and verhoeff_check("123451") and verhoeff_check("758722")


def test_verhoeff_catches_every_single_digit_error_and_adjacent_swap() -> None:
    valid = "28842879711" + verhoeff_digit("28842879711")
    assert verhoeff_check(valid)
    for i in range(len(valid)):
        for d in "0123456789":
            if d != valid[i]:
                assert not verhoeff_check(valid[:i] + d + valid[i + 1 :])
    for i in range(len(valid) - 1):
        if valid[i] != valid[i + 1]:
            assert not verhoeff_check(valid[:i] + valid[i + 1] + valid[i] + valid[i + 2 :])


def test_aadhaar_issues() -> None:
    good = "28842879711" + verhoeff_digit("28842879711")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert aadhaar_issues("x", good) == []
    assert [i.code for i in aadhaar_issues("x", bad)] == ["AADHAAR_CHECKSUM"]
    assert [i.code for i in aadhaar_issues("x", "12345678901")] == ["AADHAAR_FORMAT"]
    start_one = "1" + good[1:]
    assert [i.code for i in aadhaar_issues("x", start_one)] == ["AADHAAR_FORMAT"]


def test_pan_issues() -> None:
    assert pan_issues("x", "BQXPG0379P") == []
    assert [i.code for i in pan_issues("x", "BQXPG0379")] == ["PAN_FORMAT"]
    assert [i.code for i in pan_issues("x", "BQXP10379P")] == ["PAN_FORMAT"]
    company = pan_issues("x", "AAACR5055K")
    assert [(i.code, i.severity) for i in company] == [("PAN_NOT_INDIVIDUAL", "warning")]
    # Messages never repeat the number: results and logs must not carry PII.
    assert all("AAACR5055K" not in i.message for i in company)


@pytest.mark.parametrize(
    ("text", "phone"),
    [("+91 95411 09000", "9541109000"), ("09541109000", "9541109000"), ("+91-9541109000", "9541109000")],
)
def test_phones_lose_country_code_and_trunk_zero(text: str, phone: str) -> None:
    assert normalize_phone(text) == phone


def test_landlines_and_short_numbers_are_not_mobiles() -> None:
    assert normalize_phone("2345 6789") is None
    assert normalize_phone("5123456789") is None
    assert normalize_phone("95411") is None


@pytest.mark.parametrize(
    ("pincode", "state"),
    [
        ("560007", "Karnataka"),
        ("600001", "Tamil Nadu"),
        ("530027", "Andhra Pradesh"),
        ("500081", "Telangana"),
        ("403001", "Goa"),
        ("110017", "Delhi"),
        ("248001", "Uttarakhand"),
        ("834001", "Jharkhand"),
        ("737101", "Sikkim"),
        ("744101", "Andaman and Nicobar Islands"),
        ("795001", "Manipur"),
    ],
)
def test_pincode_prefixes(pincode: str, state: str) -> None:
    assert state_for_pincode(pincode) == state


def test_pincode_state_mismatch_is_a_warning_and_border_prefixes_allow_both() -> None:
    assert pincode_issues("p", "560007", "Karnataka") == []
    issues = pincode_issues("p", "560007", "Kerala")
    assert [(i.code, i.severity) for i in issues] == [("PINCODE_STATE_MISMATCH", "warning")]
    assert {"Chandigarh", "Punjab"} <= set(states_for_pincode("160062"))
    assert pincode_issues("p", "160062", "Punjab") == []
    assert [i.code for i in pincode_issues("p", "06001", None)] == ["PINCODE_FORMAT"]


def test_stamp_duty_rate_is_checked_against_the_higher_base() -> None:
    prop = {"sale_consideration": 7_250_000.0, "guidance_value": 5_998_000.0, "stamp_duty_fee": 507_500.0}
    assert stamp_duty_issues(prop) == []
    assert [i.code for i in stamp_duty_issues(prop | {"stamp_duty_fee": 5_075.0})] == ["STAMP_DUTY_RATE"]
