"""Admission control for uploaded PDFs: is this a PDF we can read, and within our limits?

``inspect_pdf`` runs once per upload, before any page work. It turns every way a file can be bad into
a domain error whose message tells the person what to do, and hands later stages a copy they can
read without a password or a second repair.

PyMuPDF is imported lazily (API Lambdas import the models here and must not pay for MuPDF), and every
PyMuPDF call in this package runs under one process-wide lock: PyMuPDF does not support threads, even
on separate documents. Its calls hold the GIL anyway (two threads extracting text take as long as
one doing both), so the lock costs no parallelism.
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

from paperlane.errors import EmptyFile, NotPdf, PdfCorrupt, PdfEncrypted, TooLarge, TooManyPages
from paperlane.pdf.quality import MIN_MEANINGFUL_CHARS, meaningful_chars

Backend = Literal["pymupdf", "pdfminer"]

# Real files sometimes carry a few bytes of junk (mail headers, a BOM) before the header; readers
# accept that, and so do we, up to the same distance Acrobat tolerates.
HEADER_WINDOW = 1024

_MUPDF_LOCK = threading.RLock()


class PdfLimits(BaseModel):
    max_bytes: int
    max_pages: int


class PdfInfo(BaseModel):
    page_count: int
    encrypted: bool  # the original was encrypted (with a user or only an owner password)
    # MuPDF had to rebuild the file's structure to open it (always so when backend is "pdfminer").
    repaired: bool
    backend: Backend  # which library later stages must use to read the pages
    sha256: str  # of the original bytes


@functools.cache
def _load_pymupdf() -> Any:
    import pymupdf  # heavy: only the pipeline stages need it

    module: Any = pymupdf  # its partial annotations would leak untyped calls into strict mypy
    # MuPDF prints every repair step of a damaged file to stderr; we report outcomes, not chatter.
    module.TOOLS.mupdf_display_errors(False)
    return module


@contextmanager
def pymupdf_session() -> Iterator[Any]:
    """Yield the ``pymupdf`` module while holding the process-wide MuPDF lock.

    Every use of PyMuPDF in this package goes through here. On exit the warnings MuPDF collected are
    dropped: PyMuPDF keeps them in a module-level list that otherwise grows for the life of a worker.
    """
    with _MUPDF_LOCK:
        pymupdf = _load_pymupdf()
        try:
            yield pymupdf
        finally:
            pymupdf.TOOLS.reset_mupdf_warnings()


def mupdf_errors(pymupdf: Any) -> tuple[type[Exception], ...]:
    """What PyMuPDF raises on a damaged file: FileDataError (a RuntimeError) or a raw MuPDF error."""
    return (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase)


class OpenedPdf(NamedTuple):
    doc: Any  # pymupdf.Document, unlocked
    encrypted: bool  # with a user or only an owner password
    needed_password: bool  # a user password had to be given to open it


def open_document(pymupdf: Any, data: bytes, password: str | None) -> OpenedPdf:
    """Open ``data`` with PyMuPDF and unlock it.

    Call inside ``pymupdf_session``. Raises PdfCorrupt when MuPDF cannot open it at all and
    PdfEncrypted when it needs a user password that was not given or is wrong. An owner password alone
    (restrictions on printing or copying) does not stop reading and is not an error.
    """
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except mupdf_errors(pymupdf) as exc:
        raise PdfCorrupt(_CORRUPT_MESSAGE, details={"reason": str(exc)}) from exc
    # Read needs_pass once, before authenticating: MuPDF answers it by trying the empty password,
    # which replaces the key that authenticate() set, so a later save writes undecryptable streams.
    if doc.needs_pass:
        if password is None or not doc.authenticate(password):
            doc.close()  # here, under the lock, rather than whenever the traceback is freed
            raise encrypted_error(password_given=password is not None)
        return OpenedPdf(doc, encrypted=True, needed_password=True)
    # Unlocked documents report their encryption in the metadata; needs_pass only covers user passwords.
    metadata = doc.metadata or {}
    return OpenedPdf(doc, encrypted=metadata.get("encryption") is not None, needed_password=False)


def encrypted_error(*, password_given: bool) -> PdfEncrypted:
    if password_given:
        message = (
            "The password given does not open this PDF. Check it (it must be the password that opens "
            "the document, not only the one for editing) and try again, or upload a copy saved "
            "without a password."
        )
    else:
        message = (
            "The PDF is protected by a password. Send the password that opens the document along "
            "with it, or upload a copy saved without a password."
        )
    return PdfEncrypted(message, details={"password_given": password_given})


_CORRUPT_MESSAGE = (
    "The PDF is damaged and no page could be read from it. Open it in the application that made it "
    "and export or save it as PDF again, then upload the new file."
)


def inspect_pdf(
    data: bytes, *, limits: PdfLimits, password: str | None = None
) -> tuple[PdfInfo, bytes | None]:
    """Validate an uploaded file; return what later stages need to know and, if needed, a copy to read.

    The copy (decrypted, with MuPDF's repairs written out) is returned when the original needed a
    password or a repair; otherwise None and later stages read the original.
    """
    size = len(data)
    if size == 0:
        raise EmptyFile("The file is empty (0 bytes). Upload it again; the upload may have been cut off.")
    if size > limits.max_bytes:
        raise TooLarge(
            f"The file is {_mb(size)}, over the limit of {_mb(limits.max_bytes)}. Split the PDF into "
            "smaller files, or compress its images, and upload them separately.",
            details={"bytes": size, "max_bytes": limits.max_bytes},
        )
    if data.isspace():
        raise EmptyFile("The file holds only blank space, no document. Upload the PDF itself again.")
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        raise NotPdf(
            "The file is not a PDF (it has no PDF header). Save or export the document as PDF and "
            "upload that file.",
        )
    sha256 = hashlib.sha256(data).hexdigest()

    with pymupdf_session() as pymupdf:
        try:
            doc, encrypted, needed_password = open_document(pymupdf, data, password)
        except PdfCorrupt:
            doc, encrypted, needed_password = None, False, False
        # Close inside the lock: freeing a document is a MuPDF call like any other.
        try:
            if doc is not None and _keep_present_pages(doc) > 0:
                _check_pages(doc.page_count, limits)
                copy = None
                if needed_password or doc.is_repaired:
                    # garbage=1 drops the objects the repair orphaned; no recompression, which is slow.
                    copy = doc.tobytes(garbage=1, encryption=pymupdf.PDF_ENCRYPT_NONE)
                info = PdfInfo(
                    page_count=doc.page_count,
                    encrypted=encrypted,
                    repaired=bool(doc.is_repaired),
                    backend="pymupdf",
                    sha256=sha256,
                )
                return info, copy
        except mupdf_errors(pymupdf) as exc:
            raise PdfCorrupt(_CORRUPT_MESSAGE, details={"reason": str(exc)}) from exc
        finally:
            if doc is not None:
                doc.close()

    # MuPDF could not open the file or repaired it to zero pages. pdfminer parses more leniently (see
    # corpus/real/unreadablemetadata.pdf); then later stages read the original with pdfminer.
    page_count, encrypted = _pdfminer_readable_pages(data, password)
    if page_count == 0:
        raise PdfCorrupt(_CORRUPT_MESSAGE, details={"mupdf_opened": doc is not None})
    _check_pages(page_count, limits)
    info = PdfInfo(
        page_count=page_count, encrypted=encrypted, repaired=True, backend="pdfminer", sha256=sha256
    )
    return info, None


def _keep_present_pages(doc: Any) -> int:
    """Drop the pages a repair invented; return how many pages are left.

    A truncated file's page tree still lists the pages that were cut off. MuPDF shows them as empty
    pages, but saving the repaired document writes ``null`` into the page tree, which no reader can
    load. Only repaired documents are checked: intact ones never point at missing objects.
    """
    if not doc.is_repaired:
        return int(doc.page_count)
    length = doc.xref_length()
    present = [
        number
        for number in range(doc.page_count)
        if 0 < (xref := doc.page_xref(number)) < length and doc.xref_object(xref) != "null"
    ]
    if 0 < len(present) < doc.page_count:
        doc.select(present)
    return len(present)


def _check_pages(page_count: int, limits: PdfLimits) -> None:
    if page_count > limits.max_pages:
        raise TooManyPages(
            f"The PDF has {page_count} pages, over the limit of {limits.max_pages}. Split it into "
            f"parts of at most {limits.max_pages} pages and upload them separately.",
            details={"page_count": page_count, "max_pages": limits.max_pages},
        )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _pdfminer_readable_pages(data: bytes, password: str | None) -> tuple[int, bool]:
    """pdfminer's page count (0 unless some page has text) and whether the file is encrypted.

    Only the first page with text is interpreted, and without layout analysis, to keep this cheap.
    """
    # Imported here: the fallback is rare and pdfminer takes a while to import.
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer, LTItem
    from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    def chars(item: LTItem) -> Iterator[str]:
        if isinstance(item, LTChar):
            yield item.get_text()
        elif isinstance(item, LTContainer):
            for child in item:
                yield from chars(child)

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)), password or "")
        pages = list(PDFPage.create_pages(document))
        manager = PDFResourceManager()
        device = PDFPageAggregator(manager, laparams=None)
        interpreter = PDFPageInterpreter(manager, device)
        for page in pages:
            interpreter.process_page(page)
            if meaningful_chars("".join(chars(device.get_result()))) >= MIN_MEANINGFUL_CHARS:
                return len(pages), document.encryption is not None
    except PDFPasswordIncorrect as exc:
        raise encrypted_error(password_given=password is not None) from exc
    except Exception:  # noqa: BLE001 - pdfminer raises anything (KeyError, TypeError...) on broken files
        return 0, False
    return 0, False
