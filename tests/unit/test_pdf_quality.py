"""When is a text layer good enough, and when must the page be OCRed instead?"""

# Real text in many scripts, with typographic dashes and quotes, is the point of these tests.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from paperlane.pdf.quality import (
    MAX_BAD_SHARE,
    is_garbage,
    meaningful_chars,
    ocr_reason,
    text_quality,
)

GOOD = "The quick brown fox jumps over the lazy dog. Invoice 2024-117, total 1,234.50 EUR."


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        "Müller & Söhne GmbH – Straße 5, 80331 München. Übergröße: Äpfel zu 3,50 €.",
        "Crème brûlée à la française, déjà vu, naïve façade, cœur",
        "Nossa declaração: ÇÃO, NÃO, São Paulo, ação",
        "北京市朝阳区建国路 88 号 2021 年 3 月 31 日",
        "Пример текста на русском языке с цифрами 123",
        "• First point\n• Second point\n\uf0b7 third point with a symbol-font bullet",
        "∀x ∈ ℝ: x² ≥ 0 ⇔ π−1(U) ⊆ X",
    ],
)
def test_real_text_in_any_language_is_not_garbage(text: str) -> None:
    assert not is_garbage(text)
    assert ocr_reason(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "\ufffd" * 40,
        "Tot\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd \ufffd\ufffd \ufffd\ufffd\ufffd\ufffd",
        "(cid:12)(cid:34)(cid:56) (cid:7)(cid:8)(cid:9)(cid:10) total",
        "\ue001\ue002\ue003\ue004 \ue005\ue006\ue007 ab",
        "Hello\x01\x02\x03\x04\x05\x06\x07\x08 world",
        "Ã©tÃ© trÃ¨s Ã©lÃ©gant Ã  Ã©crire",
    ],
    ids=["replacement", "mostly-replacement", "cid", "private-use", "control", "mojibake"],
)
def test_unreadable_text_layers_are_garbage(text: str) -> None:
    assert is_garbage(text)
    assert ocr_reason(text) == "garbage"


def test_quality_is_the_share_of_readable_characters() -> None:
    assert text_quality(GOOD) == 1.0
    assert text_quality("abcd\ufffd\ufffd\ufffd\ufffd") == pytest.approx(0.5)
    assert text_quality("") == 1.0, "missing text is not bad text"
    assert text_quality("   \n\t ") == 1.0


def test_the_garbage_threshold_sits_at_the_named_share() -> None:
    letters = "a" * 100
    just_under = letters + "\ufffd" * int(100 * MAX_BAD_SHARE)  # 20 bad in 120: 1/6
    over = letters + "\ufffd" * 30  # 30 bad in 130
    assert not is_garbage(just_under)
    assert is_garbage(over)


def test_a_few_stray_replacement_characters_do_not_condemn_a_page() -> None:
    page = GOOD * 5 + " \ufffd \ufffd \ufffd"
    assert not is_garbage(page)


def test_mojibake_needs_to_decode_back_to_text() -> None:
    # "Ü•" looks like the start of mojibake but decodes to Syriac: symbol-font junk, not mis-decoding.
    assert text_quality("Ü• DB2 for i Center of Excellence") == 1.0
    assert text_quality("donâ€™t") < 1.0


def test_meaningful_chars_count_letters_and_digits_only() -> None:
    assert meaningful_chars("2021\n3\n31\n") == 7
    assert meaningful_chars("• — … ‘’ ■ ") == 0
    assert meaningful_chars("(cid:12)(cid:345)") == 0, "cid markers are not letters"
    assert meaningful_chars("日本語") == 3


@pytest.mark.parametrize("text", ["", "  \n ", "•", "12", ". . . — ■", "\u00a0\u00a0"])
def test_pages_without_letters_or_digits_have_no_text(text: str) -> None:
    assert ocr_reason(text) == "no_text"


def test_sparse_text_on_an_image_covered_page_is_a_scan() -> None:
    stamp = "2021\n3\n31"  # a date typed onto a scanned form (corpus malformed-from-issue-932.pdf)
    assert ocr_reason(stamp, image_coverage=0.98) == "no_text"
    assert ocr_reason(stamp, image_coverage=0.1) is None, "a short text page without images is text"
    assert ocr_reason(GOOD, image_coverage=1.0) is None, "an OCRed scan with a text layer is text"


def test_image_coverage_is_only_measured_for_sparse_pages() -> None:
    calls: list[int] = []

    def coverage() -> float:
        calls.append(1)
        return 1.0

    assert ocr_reason(GOOD, image_coverage=coverage) is None
    assert calls == []
    assert ocr_reason("Scanned by X", image_coverage=coverage) == "no_text"
    assert calls == [1]
