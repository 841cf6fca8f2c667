"""OCR-like noise for page text, seeded, to test extractors on what Tesseract makes of a scanned deed.

Scans lose the text layer's line structure and add character errors. This reproduces the common
ones: lines re-wrapped at another width or joined (a whole page on one line, at worst), words split
with a hyphen at a line end, doubled or missing spaces, O/0, l/1, I/1, S/5 confusions inside words,
"," read as "." in amounts, "Rs." without its dot, labels in another case, a scanner's header on every
page. Identity numbers are mostly kept: an Aadhaar number may be regrouped or have a digit read as a
letter, a PAN one letter read as a digit or the reverse, as happens on real scans.

``scanned_pdf`` makes the scan itself, for tests that run the real OCR: each page rendered to a grey
image, turned a degree or so, blurred, on greyish grainy paper with specks, and stored without a text
layer.
"""

from __future__ import annotations

import random
import re
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
import pymupdf

# Letter -> digit misreads inside words, and their reverse inside numbers.
_IN_WORDS = {"O": "0", "o": "0", "l": "1", "I": "1", "S": "5"}
_PAN_DIGIT_AS_LETTER = {"0": "O", "1": "I", "5": "S", "8": "B"}
_PAN_LETTER_AS_DIGIT = {"O": "0", "I": "1", "S": "5", "B": "8"}
_LABEL_WORDS = re.compile(
    r"\b(?:vendors?|sellers?|transferors?|purchasers?|buyers?|vendees?|transferees?|name|address|gender"
    r"|age|aadhaar|mobile|e-mail|email|schedule|property|between|whereas|registration|document|share)\b",
    re.I,
)
_AADHAAR = re.compile(r"(?<![\d\w])[2-9]\d{3}[ \-]?\d{4}[ \-]?\d{4}(?![\d\w])")
_PAN = re.compile(r"\b[A-Z]{5}\d{4}[A-Z]\b")
# Indian amounts with at least two separators: 1,03,50,000 or 6,01,200.00.
_AMOUNT = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{2,3}){1,}(?:\.\d{2})?(?![\d,])")
_HEADERS = ("SCANNED COPY", "Certified Copy", "Book-I Copy", "OFFICE COPY")


def _confuse_word(word: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(word) if c in _IN_WORDS]
    if not spots:
        return word
    i = rng.choice(spots)
    return word[:i] + _IN_WORDS[word[i]] + word[i + 1 :]


def _aadhaar(match: re.Match[str], rng: random.Random) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    roll = rng.random()
    if roll < 0.25:
        text = f"{digits[:4]} {digits[4:8]} {digits[8:]}"
    elif roll < 0.35:
        cut = rng.randint(2, 10)
        text = f"{digits[:cut]} {digits[cut:]}"
    else:
        text = match.group(0)
    if rng.random() < 0.15:
        spots = [i for i, c in enumerate(text) if c in "01"]
        if spots:
            i = rng.choice(spots)
            text = text[:i] + ("O" if text[i] == "0" else rng.choice("Il")) + text[i + 1 :]
    return text


def _pan(match: re.Match[str], rng: random.Random) -> str:
    pan = match.group(0)
    if rng.random() >= 0.3:
        return pan
    spots = [
        i
        for i, c in enumerate(pan)
        if (5 <= i <= 8 and c in _PAN_DIGIT_AS_LETTER) or (i not in range(5, 9) and c in _PAN_LETTER_AS_DIGIT)
    ]
    if not spots:
        return pan
    i = rng.choice(spots)
    swap = _PAN_DIGIT_AS_LETTER if 5 <= i <= 8 else _PAN_LETTER_AS_DIGIT
    return pan[:i] + swap[pan[i]] + pan[i + 1 :]


def _amount(match: re.Match[str], rng: random.Random) -> str:
    text = match.group(0)
    if text.count(",") + text.count(".") < 2 or rng.random() >= 0.25:
        return text
    seps = [i for i, c in enumerate(text) if c in ",."]
    i = rng.choice(seps)
    return text[:i] + ("." if text[i] == "," else ",") + text[i + 1 :]


def _recase(match: re.Match[str], rng: random.Random) -> str:
    word = match.group(0)
    if rng.random() >= 0.3:
        return word
    return rng.choice((word.upper(), word.lower(), word.capitalize()))


def _characters(text: str, rng: random.Random, rate: float) -> str:
    """Character-level misreads; identity numbers and amounts first, so word confusions skip them."""
    text = _AADHAAR.sub(lambda m: _aadhaar(m, rng), text)
    text = _PAN.sub(lambda m: _pan(m, rng), text)
    text = _AMOUNT.sub(lambda m: _amount(m, rng), text)
    text = _LABEL_WORDS.sub(lambda m: _recase(m, rng), text)
    text = re.sub(r"\bRs\.", lambda m: "Rs" if rng.random() < 0.3 else m.group(0), text)
    # Only purely alphabetic words: a digit read into a number is a different, rarer error.
    text = re.sub(
        r"\b[A-Za-z]{3,}\b",
        lambda m: _confuse_word(m.group(0), rng) if rng.random() < rate else m.group(0),
        text,
    )
    # Tesseract drops the space after a colon or comma now and then, and doubles others.
    text = re.sub(r"([:,]) ", lambda m: m.group(1) if rng.random() < 0.08 else m.group(0), text)
    return re.sub(r"(?<=\S) (?=\S)", lambda m: "  " if rng.random() < 0.05 else " ", text)


def _wrap(words: list[str], width: int, rng: random.Random) -> list[str]:
    """Words as lines of at most ``width`` characters; long words at a line end are sometimes split."""
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            room = width - len(line) - 2
            if (
                word.isalpha()
                and len(word) >= 8
                and room >= 3
                and len(word) - room >= 3
                and rng.random() < 0.5
            ):
                lines.append(f"{line} {word[:room]}-")
                line = word[room:]
                continue
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _layout(text: str, rng: random.Random) -> str:
    """Line structure as OCR may return it: kept, re-wrapped, lines joined, or one line per page."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    mode = rng.choice(("keep", "rewrap", "rewrap", "join", "flat"))
    if mode == "keep":
        return "\n\n".join(blocks)
    if mode == "flat":
        return " ".join(" ".join(b.split()) for b in blocks)
    out: list[str] = []
    width = rng.randint(45, 120)
    for i, block in enumerate(blocks):
        words = block.split()
        # A label and its value, printed in two cells, often come out as one line; a running header
        # or footer stays apart, far from the text as it is.
        inner = 1 < i < len(blocks) - 1
        if inner and len(words) <= 6 and rng.random() < 0.4:
            out[-1] += " " + " ".join(words)
            continue
        out.append(" ".join(words) if mode == "join" else "\n".join(_wrap(words, width, rng)))
    return "\n\n".join(out)


def noisy_text(text: str, rng: random.Random, *, rate: float = 0.03) -> str:
    """One page's text with OCR artefacts; ``rate``: the share of words with a misread character."""
    return _layout(_characters(text, rng, rate), rng)


def noisy_pages(texts: list[str], seed: int, *, rate: float = 0.03) -> list[str]:
    """Every page of a document with its own noise and, on some documents, a scanner's header."""
    rng = random.Random(seed)
    header = rng.choice(_HEADERS) if rng.random() < 0.5 else None
    out = []
    for number, text in enumerate(texts, start=1):
        page = noisy_text(text, rng, rate=rate)
        if header:
            page = f"{rng.choice((header, header.upper(), header.lower()))} - Page {number}\n\n{page}"
        out.append(page)
    return out


def scanned_pdf(pdf: bytes, rng: random.Random, *, dpi: int = 300) -> bytes:
    """``pdf`` as a scanner would give it back: every page one grey image at ``dpi``, no text layer.

    Ink 85-100% black, the page turned 0.5-1.5 degrees either way, a Gaussian blur of 0.5-0.9 px,
    paper at 90-97% white with Gaussian grain (sigma 6-12 grey levels) and a speck on one pixel in
    2,000.
    """
    source = pymupdf.open(stream=pdf, filetype="pdf")
    scan = pymupdf.open()
    for page in (source[i] for i in range(source.page_count)):
        pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        samples = np.frombuffer(pixmap.samples, np.uint8).reshape(pixmap.height, pixmap.width)
        image: npt.NDArray[Any] = samples.astype(np.float32)
        image = 255 - (255 - image) * rng.uniform(0.85, 1.0)
        height, width = image.shape
        angle = rng.choice((-1, 1)) * rng.uniform(0.5, 1.5)
        turn = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
        image = cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 0.9))
        image = image * rng.uniform(0.9, 0.97)
        grain = np.random.default_rng(rng.randrange(1 << 30))
        image = image + grain.normal(0, rng.uniform(6, 12), image.shape)
        image[grain.random(image.shape) < 0.0005] = 60
        png = cv2.imencode(".png", np.clip(image, 0, 255).astype(np.uint8))[1].tobytes()
        target = scan.new_page(width=page.rect.width, height=page.rect.height)
        target.insert_image(target.rect, stream=png)
    return bytes(scan.tobytes())
