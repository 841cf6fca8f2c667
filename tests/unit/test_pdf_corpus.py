"""Every real-world PDF in ../shared/corpus/real gets, at the library level, what MANIFEST.tsv expects.

inspect_pdf then extract_pages, as the pipeline's prepare and text stages call them: failures carry
the right code, scans are flagged for OCR, text files yield text in quantity, encrypted files need
their password.
"""

from __future__ import annotations

import statistics

import pytest

from paperlane.errors import DocumentError, EmptyFile, NotPdf, PdfCorrupt, PdfEncrypted
from paperlane.pages import Page
from paperlane.pdf.inspect import PdfInfo, PdfLimits, inspect_pdf
from paperlane.pdf.text import extract_pages
from tests.shared_assets import corpus_dir, corpus_manifest, over_corpus

LIMITS = PdfLimits(max_bytes=50_000_000, max_pages=1_000)

# The code each file that must fail gets, from its description: a header with nothing behind it is
# a damaged PDF; plain text named .pdf is not a PDF; zero bytes is empty.
FAILS: dict[str, type[DocumentError]] = {
    "invalid.pdf": PdfCorrupt,
    "corrupted.pdf": NotPdf,
    "empty.pdf": EmptyFile,
}
# MuPDF repairs this one to zero pages; pdfminer reads it (RESEARCH.md, "Bad input").
PDFMINER = {"unreadablemetadata.pdf"}
# Text-rich categories: most pages carry plenty of text.
TEXT_CATEGORIES = {"text", "table", "multipage"}


ROWS = corpus_manifest()
pytestmark = pytest.mark.shared_corpus


def _password(row: dict[str, str]) -> str | None:
    return row["password"].split(" ")[0] or None  # "userpass (owner: ownerpass)" -> "userpass"


def _read(row: dict[str, str]) -> tuple[PdfInfo, list[Page]]:
    data = (corpus_dir() / row["file"]).read_bytes()
    password = _password(row)
    info, copy = inspect_pdf(data, limits=LIMITS, password=password)
    # Later stages read the normalised copy when there is one, and need no password for it.
    source, password = (copy, None) if copy is not None else (data, password)
    return info, extract_pages(source, 1, info.page_count, password=password, backend=info.backend)


def test_every_file_that_must_fail_has_a_code() -> None:
    corpus_dir()  # skips when absent
    assert {r["file"] for r in ROWS if r["expected"].startswith("fail")} == set(FAILS)


@over_corpus(ROWS)
def test_each_file_gets_the_outcome_its_manifest_expects(row: dict[str, str]) -> None:
    name = row["file"]
    if name in FAILS:
        with pytest.raises(FAILS[name]) as err:
            inspect_pdf((corpus_dir() / name).read_bytes(), limits=LIMITS)
        assert err.value.code == FAILS[name].code
        return

    info, pages = _read(row)
    assert info.backend == ("pdfminer" if name in PDFMINER else "pymupdf")
    assert len(pages) == info.page_count >= 1
    assert [p.page for p in pages] == list(range(1, len(pages) + 1))
    if row["category"] != "malformed":  # a repair may find fewer pages than other readers do
        assert info.page_count == int(row["pages"])
    for page in pages:
        assert len(page.words) == len(page.text.split()), "text is built from the words"
        assert page.width > 0 and page.height > 0

    if row["embedded_text"] == "no":
        assert all(p.needs_ocr and p.source == "none" and p.ocr_reason == "no_text" for p in pages)
        return
    assert not any(p.ocr_reason == "garbage" for p in pages)
    if row["category"] in TEXT_CATEGORIES:
        with_text = [p for p in pages if p.source == "text"]
        assert len(with_text) >= 0.9 * len(pages)
        assert statistics.mean(len(p.text) for p in pages) > 500
    else:
        assert all(p.source == "text" and not p.needs_ocr for p in pages)


@over_corpus([r for r in ROWS if r["category"] == "encrypted"])
def test_encrypted_files_need_their_password(row: dict[str, str]) -> None:
    data = (corpus_dir() / row["file"]).read_bytes()
    with pytest.raises(PdfEncrypted) as missing:
        inspect_pdf(data, limits=LIMITS)
    assert missing.value.details == {"password_given": False}
    with pytest.raises(PdfEncrypted) as wrong:
        inspect_pdf(data, limits=LIMITS, password="not-the-password")
    assert wrong.value.details == {"password_given": True}
    info, copy = inspect_pdf(data, limits=LIMITS, password=_password(row))
    assert info.encrypted and copy is not None


def test_the_three_column_federal_register_reads_column_by_column() -> None:
    data = (corpus_dir() / "federal-register-2020-17221.pdf").read_bytes()
    [page] = extract_pages(data, 2, 2)
    markers = [
        "Federal Register / Vol. 85",  # running header
        "Hatta International Airport",  # column 1
        "1 Preliminary KNKT",  # column 1, footnotes
        "altitude disagree alert",  # column 2
        "and the Ethiopian Civil Aviation",  # column 3
        "VerDate",  # footer
    ]
    positions = [page.text.find(marker) for marker in markers]
    assert -1 not in positions and positions == sorted(positions)


def test_all_117_pages_of_the_stress_book_are_text() -> None:
    data = (corpus_dir() / "GeoTopo-komprimiert.pdf").read_bytes()
    pages = extract_pages(data, 1, 117)
    assert len(pages) == 117
    assert all(p.source == "text" for p in pages)
    assert "Topologie" in pages[10].text
