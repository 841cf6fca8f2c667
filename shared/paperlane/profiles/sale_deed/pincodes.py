"""Indian states and union territories, their spellings, and PIN code prefixes.

A PIN's first two or three digits name its postal circle, which is a state for most of the country.
Where a prefix spans a border (Chandigarh and Mohali share 160, Puducherry's enclaves sit in Tamil
Nadu, Kerala and Andhra Pradesh PINs), the table lists every plausible state: a check should warn
only when the state cannot be right. Longest prefix wins.
"""

from __future__ import annotations

import re

STATES: tuple[str, ...] = (
    "Andhra Pradesh", "Arunachal Pradesh", "Assam", "Bihar", "Chhattisgarh", "Goa", "Gujarat", "Haryana",
    "Himachal Pradesh", "Jharkhand", "Karnataka", "Kerala", "Madhya Pradesh", "Maharashtra", "Manipur",
    "Meghalaya", "Mizoram", "Nagaland", "Odisha", "Punjab", "Rajasthan", "Sikkim", "Tamil Nadu",
    "Telangana", "Tripura", "Uttar Pradesh", "Uttarakhand", "West Bengal",
    "Andaman and Nicobar Islands", "Chandigarh", "Dadra and Nagar Haveli and Daman and Diu", "Delhi",
    "Jammu and Kashmir", "Ladakh", "Lakshadweep", "Puducherry",
)  # fmt: skip

# Other spellings seen in deeds, lower case -> canonical name.
ALIASES: dict[str, str] = {
    "orissa": "Odisha",
    "pondicherry": "Puducherry",
    "uttaranchal": "Uttarakhand",
    "nct of delhi": "Delhi",
    "national capital territory of delhi": "Delhi",
    "jammu & kashmir": "Jammu and Kashmir",
    "andaman & nicobar islands": "Andaman and Nicobar Islands",
    "tamilnadu": "Tamil Nadu",
    "chattisgarh": "Chhattisgarh",
    "telengana": "Telangana",
}

_ALL_NAMES = {s.lower(): s for s in STATES} | ALIASES
# Longest names first, so "West Bengal" is not read as a shorter name; "Delhi" alone still matches.
STATE_RE = re.compile(
    r"\b("
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(_ALL_NAMES, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)

_UP, _UK, _BR, _JH = "Uttar Pradesh", "Uttarakhand", "Bihar", "Jharkhand"
_PREFIXES: dict[str, tuple[str, ...]] = {
    "11": ("Delhi",),
    "12": ("Haryana",), "13": ("Haryana",),
    "14": ("Punjab",), "15": ("Punjab",), "16": ("Punjab",),
    "160": ("Chandigarh", "Punjab", "Haryana"),
    "17": ("Himachal Pradesh",),
    "18": ("Jammu and Kashmir",), "19": ("Jammu and Kashmir",), "194": ("Ladakh", "Jammu and Kashmir"),
    "20": (_UP,), "21": (_UP,), "22": (_UP,), "23": (_UP,), "24": (_UP,), "25": (_UP,), "26": (_UP,),
    "27": (_UP,), "28": (_UP,),
    "244": (_UP, _UK), "246": (_UK, _UP), "247": (_UP, _UK), "248": (_UK,), "249": (_UK,),
    "262": (_UP, _UK), "263": (_UK,),
    "30": ("Rajasthan",), "31": ("Rajasthan",), "32": ("Rajasthan",), "33": ("Rajasthan",),
    "34": ("Rajasthan",),
    "36": ("Gujarat",), "37": ("Gujarat",), "38": ("Gujarat",), "39": ("Gujarat",),
    "396": ("Gujarat", "Dadra and Nagar Haveli and Daman and Diu"),
    "362": ("Gujarat", "Dadra and Nagar Haveli and Daman and Diu"),
    "40": ("Maharashtra",), "41": ("Maharashtra",), "42": ("Maharashtra",), "43": ("Maharashtra",),
    "44": ("Maharashtra",), "403": ("Goa",),
    "45": ("Madhya Pradesh",), "46": ("Madhya Pradesh",), "47": ("Madhya Pradesh",),
    "48": ("Madhya Pradesh",), "49": ("Chhattisgarh",),
    "50": ("Telangana",), "51": ("Andhra Pradesh",), "52": ("Andhra Pradesh",),
    "53": ("Andhra Pradesh",), "533": ("Andhra Pradesh", "Puducherry"),
    "56": ("Karnataka",), "57": ("Karnataka",), "58": ("Karnataka",), "59": ("Karnataka",),
    "60": ("Tamil Nadu",), "61": ("Tamil Nadu",), "62": ("Tamil Nadu",), "63": ("Tamil Nadu",),
    "64": ("Tamil Nadu",), "605": ("Puducherry", "Tamil Nadu"), "609": ("Tamil Nadu", "Puducherry"),
    "67": ("Kerala",), "68": ("Kerala",), "69": ("Kerala",), "673": ("Kerala", "Puducherry"),
    "682": ("Kerala", "Lakshadweep"),
    "70": ("West Bengal",), "71": ("West Bengal",), "72": ("West Bengal",), "73": ("West Bengal",),
    "74": ("West Bengal",), "737": ("Sikkim",), "744": ("Andaman and Nicobar Islands",),
    "75": ("Odisha",), "76": ("Odisha",), "77": ("Odisha",),
    "78": ("Assam",), "790": ("Arunachal Pradesh",), "791": ("Arunachal Pradesh",),
    "792": ("Arunachal Pradesh",), "793": ("Meghalaya",), "794": ("Meghalaya",), "795": ("Manipur",),
    "796": ("Mizoram",), "797": ("Nagaland",), "798": ("Nagaland",), "799": ("Tripura",),
    "80": (_BR,), "81": (_BR,), "82": (_BR,), "83": (_JH,), "84": (_BR,), "85": (_BR,),
    "813": (_BR, _JH), "814": (_JH,), "815": (_JH,), "816": (_JH,), "822": (_JH,),
    "825": (_JH,), "826": (_JH,), "827": (_JH,), "828": (_JH,), "829": (_JH,),
}  # fmt: skip


def canonical_state(text: str) -> str | None:
    """The canonical name of a state spelled in ``text`` (exactly one name, any case)."""
    return _ALL_NAMES.get(re.sub(r"\s+", " ", text.strip().lower()))


def find_states(text: str) -> list[tuple[str, int, int]]:
    """Every state name in ``text`` as (canonical name, start, end)."""
    out = []
    for match in STATE_RE.finditer(text):
        name = canonical_state(match.group(1))
        if name:
            out.append((name, match.start(), match.end()))
    return out


def states_for_pincode(pincode: str) -> tuple[str, ...]:
    """The states a PIN code can belong to (empty when the prefix is unknown or the PIN malformed)."""
    if not re.fullmatch(r"[1-9]\d{5}", pincode):
        return ()
    for length in (3, 2):
        states = _PREFIXES.get(pincode[:length])
        if states:
            return states
    return ()


def state_for_pincode(pincode: str) -> str | None:
    """The most likely state for a PIN code (the first listed for its prefix)."""
    states = states_for_pincode(pincode)
    return states[0] if states else None
