"""inspect_pdf: every way an upload can be bad becomes a clear error; good files get a readable copy."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor

import pymupdf
import pytest

from paperlane.errors import (
    EmptyFile,
    NotPdf,
    PaperlaneError,
    PdfCorrupt,
    PdfEncrypted,
    TooLarge,
    TooManyPages,
)
from paperlane.pdf.inspect import PdfLimits, inspect_pdf
from paperlane.pdf.text import extract_pages
from tests.pdfgen import encrypted_pdf, image_only_pdf, owner_only_pdf, text_pdf, truncated

LIMITS = PdfLimits(max_bytes=5_000_000, max_pages=50)
PAGES = [f"Page {n} of the quarterly report\nRevenue grew by {n} percent." for n in range(1, 4)]


def test_a_good_pdf_needs_no_copy() -> None:
    data = text_pdf(PAGES)
    info, copy = inspect_pdf(data, limits=LIMITS)
    assert copy is None
    assert info.page_count == 3
    assert (info.encrypted, info.repaired, info.backend) == (False, False, "pymupdf")
    assert info.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t  "], ids=["zero-bytes", "whitespace"])
def test_empty_files_are_empty(data: bytes) -> None:
    with pytest.raises(EmptyFile) as err:
        inspect_pdf(data, limits=LIMITS)
    assert err.value.code == "EMPTY_FILE"
    assert "upload" in err.value.message.lower()


def test_too_large_is_checked_before_parsing() -> None:
    # Over the limit and not even a PDF: the size is what the person must fix first.
    data = b"x" * 2_000
    with pytest.raises(TooLarge) as err:
        inspect_pdf(data, limits=PdfLimits(max_bytes=1_000, max_pages=5))
    assert err.value.code == "TOO_LARGE"
    assert err.value.details == {"bytes": 2_000, "max_bytes": 1_000}
    assert "split" in err.value.message.lower()


def test_a_file_at_the_size_limit_is_accepted() -> None:
    data = text_pdf(PAGES)
    info, _ = inspect_pdf(data, limits=PdfLimits(max_bytes=len(data), max_pages=5))
    assert info.page_count == 3


@pytest.mark.parametrize(
    "data",
    [
        b"This is not a valid PDF file at all.",
        b"PK\x03\x04" + b"\x00" * 200,  # a zip (docx, xlsx)
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,
        b"x" * 1024 + b"%PDF-1.7\n",  # a header too far in to be one
    ],
    ids=["plain-text", "zip", "png", "header-after-1024-bytes"],
)
def test_files_without_a_pdf_header_are_not_pdfs(data: bytes) -> None:
    with pytest.raises(NotPdf) as err:
        inspect_pdf(data, limits=LIMITS)
    assert err.value.code == "NOT_PDF"
    assert "export" in err.value.message.lower()


def test_junk_before_the_header_is_tolerated() -> None:
    data = b"From: scanner@example.com\r\nContent-Type: application/pdf\r\n\r\n" + text_pdf(PAGES)
    info, copy = inspect_pdf(data, limits=LIMITS)
    assert info.page_count == 3
    pages = extract_pages(copy or data, 1, 3)
    assert "Revenue grew by 2 percent." in pages[1].text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n",
        b"%PDF-1.3\nThis is not a valid PDF file\n%%EOF\n",
        b"%PDF-1.4\n" + bytes(range(256)) * 8,
    ],
    ids=["header-only", "header-and-eof", "header-and-binary-noise"],
)
def test_a_header_with_nothing_readable_behind_it_is_corrupt(data: bytes) -> None:
    with pytest.raises(PdfCorrupt) as err:
        inspect_pdf(data, limits=LIMITS)
    assert err.value.code == "PDF_CORRUPT"
    assert "save it as pdf again" in err.value.message.lower()


def test_a_truncated_pdf_is_repaired_into_a_copy_whose_every_page_reads() -> None:
    data = truncated(text_pdf(PAGES), 0.5)
    info, copy = inspect_pdf(data, limits=LIMITS)
    assert info.repaired is True
    assert copy is not None
    # The cut lost the last page: the page tree still lists it, but it is not reported.
    assert 1 <= info.page_count < len(PAGES)
    # Later stages read the copy as an intact file: no second repair, every listed page loads.
    again, second_copy = inspect_pdf(copy, limits=LIMITS)
    assert (again.repaired, again.page_count, second_copy) == (False, info.page_count, None)
    pages = extract_pages(copy, 1, info.page_count)
    assert "quarterly report" in pages[0].text


def test_a_pdf_cut_right_after_its_header_is_corrupt() -> None:
    with pytest.raises(PdfCorrupt):
        inspect_pdf(truncated(text_pdf(PAGES), 0.02), limits=LIMITS)


def test_encrypted_without_a_password_says_a_password_is_needed() -> None:
    data = encrypted_pdf("open-sesame", "owner-secret", pages=PAGES)
    with pytest.raises(PdfEncrypted) as err:
        inspect_pdf(data, limits=LIMITS)
    assert err.value.code == "PDF_ENCRYPTED"
    assert err.value.details == {"password_given": False}
    assert "password" in err.value.message.lower()


def test_encrypted_with_a_wrong_password_says_the_password_is_wrong() -> None:
    data = encrypted_pdf("open-sesame", "owner-secret", pages=PAGES)
    with pytest.raises(PdfEncrypted) as err:
        inspect_pdf(data, limits=LIMITS, password="open-sesame!")
    assert err.value.details == {"password_given": True}
    assert "does not open" in err.value.message


def test_encrypted_with_the_password_yields_a_decrypted_copy() -> None:
    data = encrypted_pdf("open-sesame", "owner-secret", pages=PAGES)
    info, copy = inspect_pdf(data, limits=LIMITS, password="open-sesame")
    assert (info.encrypted, info.page_count, info.backend) == (True, 3, "pymupdf")
    assert info.sha256 == hashlib.sha256(data).hexdigest(), "the hash is of the original upload"
    assert copy is not None
    reopened = pymupdf.open(stream=copy, filetype="pdf")
    metadata = reopened.metadata or {}
    assert not reopened.needs_pass and metadata["encryption"] is None
    # Later stages read the copy without the password and get the text.
    assert "Revenue grew by 3 percent." in extract_pages(copy, 3, 3)[0].text


def test_the_owner_password_also_opens_an_encrypted_pdf() -> None:
    data = encrypted_pdf("open-sesame", "owner-secret", pages=PAGES)
    _, copy = inspect_pdf(data, limits=LIMITS, password="owner-secret")
    assert copy is not None
    assert "quarterly report" in extract_pages(copy, 1, 1)[0].text


def test_an_owner_password_alone_is_not_an_error() -> None:
    data = owner_only_pdf("owner-secret", pages=PAGES)
    info, copy = inspect_pdf(data, limits=LIMITS)
    assert info.encrypted is True
    assert copy is None, "it opens without a password: later stages read the original"
    assert "quarterly report" in extract_pages(data, 1, 1)[0].text
    # A password given for a file that does not need one is ignored, even a wrong one.
    assert inspect_pdf(data, limits=LIMITS, password="whatever")[0].page_count == 3


def test_too_many_pages() -> None:
    data = text_pdf([""] * 6)
    with pytest.raises(TooManyPages) as err:
        inspect_pdf(data, limits=PdfLimits(max_bytes=5_000_000, max_pages=5))
    assert err.value.code == "TOO_MANY_PAGES"
    assert err.value.details == {"page_count": 6, "max_pages": 5}
    assert "6 pages" in err.value.message and "5" in err.value.message
    assert inspect_pdf(data, limits=PdfLimits(max_bytes=5_000_000, max_pages=6))[0].page_count == 6


def test_a_scan_is_a_valid_pdf() -> None:
    info, copy = inspect_pdf(image_only_pdf("SCANNED LETTER"), limits=LIMITS)
    assert (info.page_count, copy) == (1, None)


def test_messages_say_what_to_do() -> None:
    cases = [
        (b"", LIMITS, None),
        (b"x" * 100, PdfLimits(max_bytes=10, max_pages=1), None),
        (b"hello", LIMITS, None),
        (b"%PDF-1.7\n", LIMITS, None),
        (encrypted_pdf("a", "b"), LIMITS, None),
        (encrypted_pdf("a", "b"), LIMITS, "c"),
        (text_pdf(["", ""]), PdfLimits(max_bytes=10**6, max_pages=1), None),
    ]
    for data, limits, password in cases:
        with pytest.raises(PaperlaneError) as err:
            inspect_pdf(data, limits=limits, password=password)
        message = err.value.message
        assert any(verb in message for verb in ("Upload", "upload", "Send", "Check", "Split", "Save")), (
            message
        )


def test_inspect_and_extract_are_safe_from_several_threads() -> None:
    files: list[tuple[bytes, str | None]] = [
        (text_pdf([f"Thread file {n} page {p}" for p in range(n % 4 + 1)]), None) for n in range(8)
    ]
    files += [(encrypted_pdf("pw", "owner", pages=[f"Locked {n}"] * 2), "pw") for n in range(4)]
    files += [(truncated(text_pdf(PAGES)), None), (image_only_pdf("SCAN"), None), (b"%PDF-1.7\n", None)]

    def run(case: tuple[bytes, str | None]) -> list[str] | str:
        data, password = case
        try:
            info, copy = inspect_pdf(data, limits=LIMITS, password=password)
        except PdfCorrupt as exc:
            return exc.code
        return [page.text for page in extract_pages(copy or data, 1, info.page_count)]

    alone = [run(case) for case in files]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(run, files * 4))
    assert together == alone * 4
    assert alone[0] == ["Thread file 0 page 0"] and alone[-1] == "PDF_CORRUPT"
