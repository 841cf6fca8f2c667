"""OCR stage seconds per page and pages per CPU-second, against raw Tesseract on the same images, and
what a page costs on Lambda next to Textract; then the stage's throughput on the corpus scans against
the tesseract command; all measured in one run.

    uv run python bench/ocr.py [--no-rapidocr] [--no-throughput] [--default-threads-baseline]

Pages: a dense text page and a sparse letter rendered to 200 dpi scans (no text layer), a ruled table
scan, and ../shared/samples/football/coupon_grid_01_scan.pdf when present. The stage is
``paperlane.ocr.ocr_page`` (render at 300 dpi, deskew, clean up, orientation and table passes when
needed, Tesseract); the baseline is pytesseract's ``image_to_data`` with default settings on the stage's
own 300 dpi render, single-threaded like the stage (OMP_THREAD_LIMIT=1; with Tesseract's default two
OpenMP threads it is several times slower on 2 cores, which would flatter the ratio).

CPU time includes child processes (Tesseract runs as one). The Lambda figure prices that CPU time as
billed duration at the OCR function's 2048 MB on arm64 (the stage is single-threaded and 2048 MB buys
more than one vCPU), plus the request charge; prices are RESEARCH.md's us-east-1 list prices.

Throughput: every page of the corpus's scanned files (../shared/corpus/real, MANIFEST.tsv category
"scanned"; without ../shared, generated scans), OCR'd as the pipeline does it: ``ocr_page`` with the
OCR stage's defaults (300 dpi, eng), pages spread over one spawned worker process per core as the local
stack's worker pool and the state machine's Map run them, each single-threaded. Against it, the same
pages rendered by the same code at the same dpi to PNG files beforehand (outside the timing), read one
at a time by one ``tesseract page.png stdout --dpi 300 -l eng tsv`` process after the other, with
OMP_THREAD_LIMIT=1 (``--default-threads-baseline`` also times it with Tesseract's own thread count).
The figure is pages per second of wall time, and the ratio stage/command.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCANNED_SAMPLE = ROOT.parent / "shared" / "samples" / "football" / "coupon_grid_01_scan.pdf"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
OCR_DPI = 300  # the OCR stage's default (OCR_DPI)
OCR_LANGUAGES = "eng"  # and its OCR_LANGUAGES

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


# --- Throughput on the corpus scans ----------------------------------------------------------------


class ScanPage:
    """One page to OCR: the (repaired, when it had to be) file, the page number and its shown size."""

    def __init__(self, name: str, data: bytes, page: int, width: float, height: float) -> None:
        self.name, self.data, self.page, self.width, self.height = name, data, page, width, height


def corpus_scan_pages() -> tuple[str, list[ScanPage]]:
    """Every page of the corpus's scanned files, sized as the text stage sizes them; or, without
    ../shared, the generated scans above, twice over."""
    from paperlane.pdf.inspect import PdfLimits, inspect_pdf
    from paperlane.pdf.text import extract_pages

    manifest = CORPUS / "MANIFEST.tsv"
    found: list[ScanPage] = []
    if manifest.is_file():
        with manifest.open(encoding="utf-8") as fh:
            rows = [row for row in csv.DictReader(fh, delimiter="\t") if row["category"] == "scanned"]
        for row in rows:
            data = (CORPUS / row["file"]).read_bytes()
            info, copy = inspect_pdf(data, limits=PdfLimits(max_bytes=50_000_000, max_pages=1_000))
            source = copy if copy is not None else data  # repaired files are read from the copy
            for page in extract_pages(source, 1, info.page_count, backend=info.backend):
                found.append(ScanPage(row["file"], source, page.page, page.width, page.height))
        return f"{len(rows)} scanned corpus files", found
    import pymupdf

    for name, data in [*pages().items(), *pages().items()]:
        if name == "coupon scan":
            continue
        rect = pymupdf.open(stream=data, filetype="pdf")[0].rect
        found.append(ScanPage(name, data, 1, rect.width, rect.height))
    return "generated scans (../shared is absent)", found


def _warm(_: int) -> int:
    import paperlane.ocr  # noqa: F401  # OpenCV, PyMuPDF, pytesseract: loaded once, as a warm Lambda has them

    time.sleep(0.5)  # long enough for every worker to take one
    return os.getpid()


def _stage_page(page: ScanPage) -> tuple[int, float]:
    """One page through the OCR stage's code in a worker: its word count and CPU seconds."""
    from paperlane.ocr import ocr_page

    cpu = cpu_seconds()
    result = ocr_page(
        page.data, page.page, width=page.width, height=page.height, languages=OCR_LANGUAGES, dpi=OCR_DPI
    )
    return len(result.page.words), cpu_seconds() - cpu


def stage_throughput(scan_pages: list[ScanPage], workers: int) -> tuple[float, float, int]:
    """Wall seconds for all pages on ``workers`` spawned processes, their CPU seconds, words read."""
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")  # as paperlane.local.workers
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        list(pool.map(_warm, range(workers)))
        started = time.perf_counter()
        results = list(pool.map(_stage_page, scan_pages, chunksize=1))
        wall = time.perf_counter() - started
    return wall, sum(c for _, c in results), sum(n for n, _ in results)


def cli_throughput(images: list[Path], *, single_thread: bool) -> tuple[float, float, int]:
    """Wall and CPU seconds for one ``tesseract`` process per image, one after the other; words read."""
    env = dict(os.environ)
    if single_thread:
        env["OMP_THREAD_LIMIT"] = "1"
    else:
        env.pop("OMP_THREAD_LIMIT", None)
    words = 0
    cpu = cpu_seconds()
    started = time.perf_counter()
    for image in images:
        command = ["tesseract", str(image), "stdout", "--dpi", str(OCR_DPI), "-l", OCR_LANGUAGES, "tsv"]
        out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
        words += sum(1 for line in out.splitlines()[1:] if line.split("\t")[-1].strip())
    return time.perf_counter() - started, cpu_seconds() - cpu, words


def throughput(*, default_threads: bool) -> None:
    import cv2

    from paperlane.ocr.render import render_page

    if shutil.which("tesseract") is None:
        print("throughput: skipped, the tesseract command is not installed")
        return
    source, scan_pages = corpus_scan_pages()
    workers = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as folder:
        images = []
        for i, page in enumerate(scan_pages):
            path = Path(folder) / f"page{i:03d}.png"
            cv2.imwrite(str(path), render_page(page.data, page.page, dpi=OCR_DPI))
            images.append(path)
        runs = [("tesseract CLI, OMP_THREAD_LIMIT=1", *cli_throughput(images, single_thread=True))]
        if default_threads:
            runs.append(("tesseract CLI, default threads", *cli_throughput(images, single_thread=False)))
    stage = stage_throughput(scan_pages, workers)

    n = len(scan_pages)
    print()
    print(f"Throughput: {n} pages of {source}, {OCR_DPI} dpi, {OCR_LANGUAGES}, {workers} cores")
    print(f"{'':<36} {'wall s':>7} {'pages/s':>8} {'CPU s/page':>11} {'words':>7}")
    print(
        f"{'stage, ' + str(workers) + ' worker processes':<36} {stage[0]:7.1f} {n / stage[0]:8.3f} "
        f"{stage[1] / n:11.2f} {stage[2]:7d}"
    )
    for name, wall, cpu, words in runs:
        print(f"{name:<36} {wall:7.1f} {n / wall:8.3f} {cpu / n:11.2f} {words:7d}")
    for name, wall, _, _ in runs:
        print(f"stage / {name}: {wall / stage[0]:.2f}x pages/s")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-rapidocr", action="store_true", help="skip the RapidOCR engine (slow)")
    parser.add_argument("--no-throughput", action="store_true", help="skip the corpus throughput run")
    parser.add_argument(
        "--default-threads-baseline",
        action="store_true",
        help="also time the tesseract command with its default OpenMP threads",
    )
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
    if not args.no_throughput:
        throughput(default_threads=args.default_threads_baseline)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
