"""PDFs built in tests with PyMuPDF: text pages, scans, columns, encrypted and broken files.

Every builder returns the file's bytes, so tests feed them straight to the code under test.
"""

from __future__ import annotations

from collections.abc import Sequence

import pymupdf

# Not in PyMuPDF's type hints, but part of its API.
_AES_256: int = getattr(pymupdf, "PDF_ENCRYPT_AES_256")  # noqa: B009
_PERM_PRINT: int = getattr(pymupdf, "PDF_PERM_PRINT")  # noqa: B009

A4 = (595.0, 842.0)
MARGIN = 72.0


def text_pdf(pages: Sequence[str], *, fontsize: float = 11) -> bytes:
    """One A4 page per string, written from the top-left margin; "\\n" starts a new line.

    Lines are not wrapped: keep them under about 80 characters at the default size. An empty string
    makes a blank page.
    """
    doc = pymupdf.open()
    for text in pages:
        page = doc.new_page(width=A4[0], height=A4[1])
        if text:
            page.insert_text((MARGIN, MARGIN), text, fontsize=fontsize)
    return doc.tobytes()


def image_only_pdf(text: str, *, dpi: int = 150, overlay: str | None = None) -> bytes:
    """A one-page scan: ``text`` rendered to a bitmap that fills the page, and no text layer.

    ``overlay`` adds a few words of real text on top of the image, like the date typed onto a
    scanned form or a scanner's stamp.
    """
    source = pymupdf.open()
    page = source.new_page(width=A4[0], height=A4[1])
    page.insert_text((MARGIN, MARGIN * 2), text, fontsize=24)
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)

    doc = pymupdf.open()
    scan = doc.new_page(width=A4[0], height=A4[1])
    scan.insert_image(scan.rect, stream=pixmap.tobytes("png"))  # PNG: a raw pixmap is megabytes
    if overlay:
        scan.insert_text((A4[0] - 200, A4[1] - MARGIN), overlay, fontsize=10)
    return doc.tobytes()


def encrypted_pdf(user_pw: str, owner_pw: str, pages: Sequence[str] = ("Confidential",)) -> bytes:
    """``text_pdf(pages)`` encrypted with AES-256: ``user_pw`` opens it, ``owner_pw`` unlocks editing."""
    doc = pymupdf.open(stream=text_pdf(pages), filetype="pdf")
    return doc.tobytes(encryption=_AES_256, user_pw=user_pw, owner_pw=owner_pw)


def owner_only_pdf(owner_pw: str, pages: Sequence[str] = ("Restricted",)) -> bytes:
    """Encrypted with an owner password only: anyone can open and read it; printing only is allowed."""
    doc = pymupdf.open(stream=text_pdf(pages), filetype="pdf")
    return doc.tobytes(
        encryption=_AES_256,
        owner_pw=owner_pw,
        permissions=_PERM_PRINT,
    )


def columns_pdf(
    columns: Sequence[Sequence[str]], *, header: str | None = None, paragraph_gap: float = 14
) -> bytes:
    """One page of side-by-side columns, each a list of paragraphs ("\\n" between lines).

    Paragraphs start at the same height in every column when their line counts match, so the gaps
    between them line up across the columns: the layout that slices naive XY-cuts into rows.
    """
    doc = pymupdf.open()
    page = doc.new_page(width=A4[0], height=A4[1])
    top = MARGIN
    if header:
        page.insert_text((MARGIN, top), header, fontsize=14)
        top += 40
    width = (A4[0] - 2 * MARGIN) / len(columns)
    for index, paragraphs in enumerate(columns):
        y = top
        for paragraph in paragraphs:
            page.insert_text((MARGIN + index * width, y), paragraph, fontsize=9)
            y += 11 * (paragraph.count("\n") + 1) + paragraph_gap
    return doc.tobytes()


def rotated_pdf(text: str, rotation: int) -> bytes:
    """A landscape-shaped page (600 x 400 unrotated) with ``text`` near its top-left, shown rotated."""
    doc = pymupdf.open()
    page = doc.new_page(width=600, height=400)
    page.insert_text((MARGIN, MARGIN), text, fontsize=12)
    page.set_rotation(rotation)
    return doc.tobytes()


def undecodable_text_pdf(text: str) -> bytes:
    """A page whose text layer cannot be decoded, as with fonts subset without a ToUnicode map.

    The font maps every code to a made-up glyph name, so MuPDF extracts U+FFFD for each character.
    """
    doc = pymupdf.open(stream=text_pdf([text]), filetype="pdf")
    names = " ".join(f"/x{code}q" for code in range(32, 127))
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "Type")[1] == "/Font":
            doc.xref_set_key(xref, "Encoding", f"<</Type/Encoding/Differences[32 {names}]>>")
    return doc.tobytes()


def truncated(data: bytes, fraction: float = 0.5) -> bytes:
    """The first ``fraction`` of a file, as a broken download or upload leaves it."""
    return data[: int(len(data) * fraction)]
