"""The generic profile's key-value and table extraction: CPU per page against text extraction.

    uv run python bench/generic.py

For each document (the corpus's tabular and text files when ../shared is beside the checkout, and
20 generated documents from tests/structgen.py), it times, in CPU seconds on one core:

- text extraction (paperlane.pdf.text.extract_pages: PyMuPDF words, reading order, OCR flags);
- what the generic profile adds: loading the word boxes back from their JSON (as finalize does) and
  finding pairs and tables (paperlane.profiles.structure.analyse).

Target: the addition stays small, well under text extraction's own cost per page (ratio < 1).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
FILES = (
    "mls-salaries-2016.pdf",
    "ca-warn-report.pdf",
    "budget.pdf",
    "eu-004.pdf",
    "Publication_of_award_of_Bids_for_Transport_Sector__August_2016.pdf",
    "federal-register-2020-17221.pdf",
    "GeoTopo-komprimiert.pdf",
)
RATIO_TARGET = 1.0


def _measure(name: str, data: bytes) -> tuple[int, float, float]:
    import pymupdf

    from paperlane.pages import Word
    from paperlane.pdf.text import extract_pages
    from paperlane.profiles.structure import analyse

    count = pymupdf.open(stream=data).page_count
    start = time.process_time()
    pages = extract_pages(data, 1, count)
    text = time.process_time() - start
    stored = json.dumps({str(p.page): [list(w) for w in p.words] for p in pages})
    start = time.process_time()
    rows = json.loads(stored)
    for page in pages:
        analyse([Word(*r) for r in rows[str(page.page)]])
    extra = time.process_time() - start
    return count, text, extra


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from tests.structgen import document

    docs = [(f.split(".pdf")[0][:32], (CORPUS / f).read_bytes()) for f in FILES if (CORPUS / f).is_file()]
    docs += [(f"generated #{seed}", document(seed).pdf) for seed in range(20)]
    print("generic profile: pairs and tables from word boxes, CPU ms per page (one core)")
    total_pages, total_text, total_extra = 0, 0.0, 0.0
    for name, data in docs:
        pages, text, extra = _measure(name, data)
        total_pages, total_text, total_extra = total_pages + pages, total_text + text, total_extra + extra
        if not name.startswith("generated"):
            print(
                f"  {name:<34} {pages:4} pages  text {1000 * text / pages:5.2f}  "
                f"+ structure {1000 * extra / pages:5.2f}"
            )
    ratio = total_extra / total_text
    print(
        f"  all ({len(docs)} documents, {total_pages} pages): "
        f"text {1000 * total_text / total_pages:.2f} ms/page, "
        f"structure +{1000 * total_extra / total_pages:.2f} ms/page"
    )
    ok = ratio < RATIO_TARGET
    print(f"  ratio structure/text: {ratio:.2f} (target < {RATIO_TARGET}) {'ok' if ok else 'ABOVE TARGET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
