"""Money fields found by their labels: consideration, guidance value, stamp duty, registration fee.

A label's amount is the first figure after it within the same sentence, before another money label:
"total sale consideration of Rs. 1,03,50,000/-", "Stamp Duty Amount (Rs.): 5,79,600",
"Registration fee | 1,03,500.00". Dates are masked first so "14-03-2025" is never read as money.
"""

from __future__ import annotations

import re
from collections import Counter

from paperlane.profiles.sale_deed.numbers import (
    AMOUNT_RE,
    DATE_RE,
    Amount,
    figure_value,
    find_amounts,
    words_after,
)

CONSIDERATION = (
    r"(?:total\s+)?(?:sale\s+)?consideration(?:\s+(?:amount|price|value))?"
    r"|(?:total\s+)?sale\s+(?:price|amount)"
)
GUIDANCE = r"guidance\s+value|market\s+value|government\s+value|circle\s+rate|fair\s+value"
STAMP_DUTY = r"stamp\s+duty"
REGISTRATION_FEE = r"registration\s+(?:fees?|charges)"
_OTHER = r"scanning\s+fees?|total|cess|surcharge|transfer\s+duty|user\s+charges|copying\s+fees?"
_ALL = [CONSIDERATION, GUIDANCE, STAMP_DUTY, REGISTRATION_FEE, _OTHER]
# A sentence ends at a full stop before a capital, except after abbreviations that take one.
_SENTENCE_END = re.compile(r"(?<!\bRs)(?<!\bNo)(?<!\bSl)(?<!\bSy)(?<!\bDr)(?<!\bSt)\.\s+(?=[A-Z]|\d+\.\s)")
_WINDOW = 140
_PLAIN_GAP = re.compile(r"^[\s:\-=()]*(?:\(?\s*(?:in\s+)?(?:Rs\.?|₹|INR)\s*\)?)?[\s:\-=()]*$", re.I)


def mask_dates(text: str) -> str:
    return DATE_RE.sub(lambda m: " " * len(m.group(0)), text)


def labeled_amounts(text: str, label: str) -> list[tuple[Amount, int]]:
    """(amount, label start) for every occurrence of ``label`` followed by an amount."""
    others = "|".join(f"(?:{p})" for p in _ALL if p != label)
    out: list[tuple[Amount, int]] = []
    for match in re.finditer(rf"\b(?:{label})\b", text, re.I):
        window = text[match.end() : match.end() + _WINDOW]
        stop = _SENTENCE_END.search(window)
        window = window[: stop.start() if stop else len(window)]
        other = re.search(rf"\b(?:{others})\b", window, re.I)
        window = window[: other.start() if other else len(window)]
        amounts = find_amounts(window)
        if amounts:
            amount = amounts[0]
            out.append(
                (
                    Amount(
                        amount.value,
                        match.end() + amount.start,
                        match.end() + amount.end,
                        amount.has_currency,
                    ),
                    match.start(),
                )
            )
            continue
        plain = AMOUNT_RE.search(window)
        if plain and _PLAIN_GAP.match(window[: plain.start()]) and len(plain.group("fig")) >= 3:
            value = figure_value(plain.group("fig")) or 0.0
            out.append(
                (Amount(value, match.end() + plain.start(), match.end() + plain.end(), False), match.start())
            )
    return out


def most_common(values: list[float]) -> float | None:
    """The value printed most often (ties: the first printed)."""
    if not values:
        return None
    counts = Counter(round(v, 2) for v in values)
    best = max(counts.values())
    return next(v for v in values if counts[round(v, 2)] == best)


def amount_for(text: str, label: str, *, prefer_after: int | None = None) -> float | None:
    """The amount a label gives: the most frequent, or the first after ``prefer_after`` (a fee table)."""
    found = labeled_amounts(text, label)
    if prefer_after is not None:
        late = [a.value for a, pos in found if pos >= prefer_after]
        if late:
            return late[0]
    return most_common([a.value for a, _ in found])


def words_mismatches(text: str) -> list[tuple[float, int]]:
    """Figures whose restatement in words ("Rs. 5,000/- (Rupees Five Thousand only)") disagrees."""
    out = []
    for amount in find_amounts(text):
        if not amount.has_currency and "," not in text[amount.start : amount.end]:
            continue
        words = words_after(text, amount.end)
        if words is not None and abs(words - amount.value) >= 1.0:
            out.append((amount.value, words))
    return out
