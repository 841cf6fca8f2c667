"""OCR stage seconds per page and pages per CPU-second, against raw Tesseract on the same images, and
what a page costs on Lambda next to Textract; all measured in one run.

    uv run python bench/ocr.py [--no-rapidocr]

Pages: a dense text page and a sparse letter rendered to 200 dpi scans (no text layer), a ruled table
scan, and ../shared/samples/football/coupon_grid_01_scan.pdf when present. The stage is
``paperlane.ocr.ocr_page`` (render at 300 dpi, deskew, clean up, orientation and table passes when
needed, Tesseract); the baseline is pytesseract's ``image_to_data`` with default settings on the stage's
own 300 dpi render, single-threaded like the stage (OMP_THREAD_LIMIT=1; with Tesseract's default two
OpenMP threads it is several times slower on 2 cores, which would flatter the ratio).

CPU time includes child processes (Tesseract runs as one). The Lambda figure prices that CPU time as
billed duration at the OCR function's 2048 MB on arm64 (the stage is single-threaded and 2048 MB buys
more than one vCPU), plus the request charge; prices are RESEARCH.md's us-east-1 list prices.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCANNED_SAMPLE = ROOT.parent / "shared" / "samples" / "football" / "coupon_grid_01_scan.pdf"

LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_REQUEST = 0.20 / 1_000_000
OCR_MEMORY_GB = 2048 / 1024
TEXTRACT_PER_1000 = 1.50


def _scan(draw: Callable[[Any], None], dpi: int = 200) -> bytes:
    """An A4 page drawn by ``draw``, rasterised to ``dpi`` and stored as an image-only PDF."""
    import pymupdf

    source = pymupdf.open()
    page = source.new_page(width=595, height=842)
    draw(page)
    pixmap = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    doc = pymupdf.open()
    doc.new_page(width=595, height=842).insert_image(
        pymupdf.Rect(0, 0, 595, 842), stream=pixmap.tobytes("png")
    )
    return bytes(doc.tobytes())


def pages() -> dict[str, bytes]:
    import pymupdf

    para = "The quick brown fox jumps over the lazy dog while the harbour office counts 4,821 crates. "

    def dense(page: Any) -> None:
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), (para * 6 + "\n") * 9, fontsize=9)

    def sparse(page: Any) -> None:
        page.insert_text(
            (72, 120), "Invoice 2024-117\nDelivered to the harbour office\nTotal due: 1,250.00", fontsize=14
        )

    def table(page: Any) -> None:
        for row in range(16):
            y = 100 + row * 24
            if row % 2:
                page.draw_rect(pymupdf.Rect(60, y, 535, y + 24), color=None, fill=(0.85, 0.85, 0.85))
            page.draw_line((60, y), (535, y))
            for col, text in enumerate([f"Item {row}", f"{row * 37 % 100}.50", f"{row * 3}", "Paid"]):
                page.insert_text((66 + col * 118, y + 16), text, fontsize=11)
        for col in range(5):
            page.draw_line((60 + col * 118.75, 100), (60 + col * 118.75, 484))

    found = {"dense text": _scan(dense), "sparse letter": _scan(sparse), "ruled table": _scan(table)}
    if SCANNED_SAMPLE.exists():
        found["coupon scan"] = SCANNED_SAMPLE.read_bytes()
    return found


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Tesseract)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float, float]:
    """``fn(*args, **kwargs)``, its wall seconds and CPU seconds."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-rapidocr", action="store_true", help="skip the RapidOCR engine (slow)")
    args = parser.parse_args()

    import pymupdf
    import pytesseract  # type: ignore[import-untyped]  # ships no type information

    from paperlane.ocr import ocr_page, rapid
    from paperlane.ocr.render import render_page

    os.environ["OMP_THREAD_LIMIT"] = "1"  # the baseline's Tesseract too (the stage sets it itself)
    engines = ["tesseract"] + ([] if args.no_rapidocr or not rapid.available() else ["rapidocr"])
    if "rapidocr" in engines:  # load its models outside the timings, as a warm Lambda would have them
        ocr_page(pages()["sparse letter"], 1, width=595, height=842, dpi=150, engine="rapidocr")

    rows: dict[str, list[tuple[float, float]]] = {name: [] for name in ["baseline", *engines]}
    print(f"{'page':<14} {'engine':<10} {'s/page':>7} {'CPU s':>6} {'words':>6} {'conf':>5}")
    for name, data in pages().items():
        rect = pymupdf.open(stream=data, filetype="pdf")[0].rect
        image = render_page(data, 1, dpi=300)
        raw, wall, cpu = timed(pytesseract.image_to_data, image)
        rows["baseline"].append((wall, cpu))
        words = sum(1 for line in raw.splitlines()[1:] if line.split("\t")[-1].strip())
        print(f"{name:<14} {'raw tess.':<10} {wall:7.2f} {cpu:6.2f} {words:6d}")
        for engine in engines:
            result, wall, cpu = timed(ocr_page, data, 1, width=rect.width, height=rect.height, engine=engine)
            rows[engine].append((wall, cpu))
            conf = f"{result.mean_confidence:5.1f}" if result.mean_confidence is not None else "    -"
            print(f"{name:<14} {engine:<10} {wall:7.2f} {cpu:6.2f} {len(result.page.words):6d} {conf}")

    print()
    print(f"{'':<10} {'s/page':>7} {'pages/CPU-s':>12} {'vs raw':>7} {'Lambda $/1k pages':>18}")
    base_rate = len(rows["baseline"]) / sum(c for _, c in rows["baseline"])
    for name, samples in rows.items():
        per_page = statistics.mean(w for w, _ in samples)
        cpu_per_page = statistics.mean(c for _, c in samples)
        rate = 1 / cpu_per_page
        cost = 1000 * (cpu_per_page * OCR_MEMORY_GB * LAMBDA_ARM_GB_SECOND + LAMBDA_REQUEST)
        print(f"{name:<10} {per_page:7.2f} {rate:12.3f} {rate / base_rate:7.2f} {cost:18.3f}")
    print(f"Textract DetectDocumentText: ${TEXTRACT_PER_1000:.2f} per 1,000 pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
