"""Invented records in the profiles' shapes, for tests and the export benchmark (no real data)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

_FIRST = ("Anitha", "Nitin", "Nandini", "Ravi", "Lakshmi", "Arjun", "Meera", "Suresh", "Kavya", "Imran")
_LAST = ("Menon", "Gupta", "Gowda", "Rao", "Iyer", "Shetty", "Khan", "Nair", "Reddy", "Patil")
_AREAS = ("JP Nagar 6th Phase", "Jayanagar", "Basavanagudi", "Adyar", "Whitefield", "Indiranagar")
_BUILDINGS = ("Sunrise Residency", "Lake View Apartments", "Green Meadows", "Palm Grove")
_TEAMS = ("Arsenal", "Burnley", "Leeds United", "Fulham", "Manchester United", "Brentford", "Everton")


def party(rng: random.Random, *, seller: bool, share: float = 100.0) -> dict[str, Any]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    record: dict[str, Any] = {
        "name": f"{first} {last}",
        "gender": rng.choice(("Male", "Female")),
        "aadhaar_number": "".join(rng.choice("0123456789") for _ in range(12)),
        "pan_card_number": "".join(rng.choice("ABCDEFGHJK") for _ in range(3)) + "P" + last[0] + "1234X",
        "address": f"No. {rng.randint(1, 999)}, {rng.randint(1, 20)}th Cross, {rng.choice(_AREAS)}",
        "pincode": str(rng.randint(560001, 560100)),
        "state": "Karnataka",
        "phone_number": str(rng.randint(6_000_000_000, 9_999_999_999)),
        "secondary_phone_number": rng.choice((None, str(rng.randint(6_000_000_000, 9_999_999_999)))),
        "email": f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@example.com",
    }
    if seller:
        record["property_share"] = share
    return record


def deed(rng: random.Random, *, sellers: int = 1, buyers: int = 2) -> dict[str, Any]:
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
    consideration = float(rng.randint(20, 200) * 100_000)
    return {
        "document_id": f"JAY-1-{rng.randint(1000, 99999):05d}/2024-25",
        "transaction_date": day.isoformat(),
        "registration_office": "Sub-Registrar Office, Jayanagar (Bengaluru Urban)",
        "property": {
            "schedule_b_area": round(rng.uniform(200, 900), 2),
            "schedule_c_property_name": rng.choice(_BUILDINGS),
            "schedule_c_property_address": f"No. {rng.randint(1, 99)}, 5th Cross, {rng.choice(_AREAS)}",
            "schedule_c_property_area": float(rng.randint(600, 2400)),
            "paid_in_cash_mode": rng.choice(("Yes", "No")),
            "pincode": "560007",
            "state": "Karnataka",
            "sale_consideration": consideration,
            "stamp_duty_fee": round(consideration * 0.056, 2),
            "registration_fee": round(consideration * 0.01, 2),
            "guidance_value": round(consideration * 0.8, 2),
        },
        "sellers": [party(rng, seller=True, share=round(100.0 / sellers, 2)) for _ in range(sellers)],
        "buyers": [party(rng, seller=False) for _ in range(buyers)],
    }


def game(rng: random.Random, page: int = 1) -> dict[str, Any]:
    home, away = rng.sample(_TEAMS, 2)
    odds = [round(rng.uniform(1.1, 9.0), 2) for _ in range(7)]
    return {
        "league": "Premier League",
        "date": (dt.date(2026, 11, 21) + dt.timedelta(days=rng.randint(0, 7))).isoformat(),
        "time": rng.choice(("12:30", "15:00", "17:30", "20:00")),
        "home_team": home,
        "away_team": away,
        "home_printed": home[:8],
        "away_printed": away[:8],
        "main_market": {"market_type": "1X2", "odds": {"1": odds[0], "X": odds[1], "2": odds[2]}},
        "additional_markets": [
            {"market_type": "DC", "odds": {"1X": odds[3], "12": odds[4], "X2": odds[5]}},
            {"market_type": "BTTS", "odds": {"Yes": odds[6], "No": round(odds[6] / 1.5, 2)}},
        ],
        "page": page,
    }


def page(rng: random.Random, number: int) -> dict[str, Any]:
    words = [
        rng.choice(("invoice", "total", "amount", "tax", "date", "paid")) for _ in range(rng.randint(5, 40))
    ]
    return {
        "page": number,
        "text": " ".join(words),
        "source": "text",
        "needs_ocr": False,
        "word_count": len(words),
    }
