"""How a chunk's pages are stored between stages: page texts and word boxes in separate S3 objects.

Word boxes are most of the bytes (a dense page has hundreds), and profiles that read only text
(generic) should not pay to parse them. Words are stored as compact rows, not objects: that cut
serialising a 117-page book from ~0.45 s to a few tens of ms. A row is the Word tuple itself:
(text, x0, y0, x1, y1, block, line, confidence).
"""

from __future__ import annotations

from typing import Any

from paperlane.errors import NotFound
from paperlane.pages import Page, Word
from paperlane.pipeline.manifest import Manifest
from paperlane.storage import documents as keys
from paperlane.storage.documents import DocumentStore


def write(store: DocumentStore, job_id: str, chunk: int, pages: list[Page]) -> None:
    meta = [
        p.model_dump(mode="json", exclude={"words"}, exclude_defaults=True) | {"page": p.page} for p in pages
    ]
    store.put_json(keys.chunk_key(job_id, chunk), meta)
    store.put_json(keys.words_key(job_id, chunk), {str(p.page): p.words for p in pages})


def write_ocr(store: DocumentStore, job_id: str, page: Page) -> None:
    """An OCR'd page (or one OCR could not read, with ``ocr_error``), which replaces the text-layer page."""
    meta = page.model_dump(mode="json", exclude={"words"}, exclude_defaults=True) | {"page": page.page}
    store.put_json(keys.ocr_key(job_id, page.page), {"page": meta, "words": page.words})


def read_ocr(store: DocumentStore, job_id: str, page: int, *, words: bool) -> Page | None:
    try:
        stored = store.get_json(keys.ocr_key(job_id, page))
    except NotFound:
        return None
    rows = stored["words"] if words else []
    return Page.model_validate({**stored["page"], "words": [Word(*row) for row in rows]})


def read_meta(store: DocumentStore, manifest: Manifest, page: int) -> Page:
    """One page's text-layer record (no words): its size and flags."""
    chunk = next(c for c in manifest.chunks if c.first_page <= page <= c.last_page)
    meta = store.get_json(keys.chunk_key(manifest.job_id, chunk.index))
    return Page.model_validate(next(item for item in meta if item["page"] == page))


def read(store: DocumentStore, manifest: Manifest, *, words: bool) -> list[Page]:
    """Every page of the document in order, OCR results in place of the pages that needed them;
    with their word boxes only when asked."""
    pages: list[Page] = []
    for chunk in manifest.chunks:
        meta = store.get_json(keys.chunk_key(manifest.job_id, chunk.index))
        rows: dict[str, list[list[Any]]] = (
            store.get_json(keys.words_key(manifest.job_id, chunk.index)) if words else {}
        )
        for item in meta:
            page_words = [Word(*row) for row in rows.get(str(item["page"]), [])]
            page = Page.model_validate({**item, "words": page_words})
            if page.needs_ocr:
                page = read_ocr(store, manifest.job_id, page.page, words=words) or page
            pages.append(page)
    return pages
