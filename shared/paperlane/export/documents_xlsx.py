"""`paperlane process --format xlsx`: the run's documents and their pages as a workbook.

Text cells are written as strings and formula-like leading characters are neutralised, so a PDF's
text can never become a spreadsheet formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paperlane.export.cells import safe_cell

__all__ = ["safe_cell", "write_documents_workbook"]


def write_documents_workbook(documents: list[dict[str, Any]], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)

    def header(ws: Any, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            cells.append(cell)
        ws.append(cells)
        ws.freeze_panes = "A2"

    docs = wb.create_sheet("Documents")
    header(docs, ["file", "job_id", "status", "profile", "pages", "error_code", "error_message"])
    pages = wb.create_sheet("Pages")
    header(pages, ["file", "page", "source", "needs_ocr", "word_count", "text"])
    for doc in documents:
        error = doc.get("error") or {}
        doc_pages = doc.get("pages") or []
        docs.append(
            [
                safe_cell(doc["file"]),
                doc["job_id"],
                doc["status"],
                doc["profile"],
                len(doc_pages) if doc_pages else None,
                error.get("code"),
                safe_cell(error.get("message")),
            ]
        )
        for page in doc_pages:
            pages.append(
                [
                    safe_cell(doc["file"]),
                    page["page"],
                    page["source"],
                    page["needs_ocr"],
                    page["word_count"],
                    safe_cell(page["text"]),
                ]
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
