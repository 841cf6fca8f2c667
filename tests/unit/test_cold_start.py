"""API handlers must import fast and never pull in PDF, OCR or vision libraries (cold starts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pymupdf", "fitz", "pdfminer", "onnxruntime", "pytesseract", "openpyxl", "cv2", "moto")
API_FUNCTIONS = ("upload", "status", "auth", "authorizer", "intake", "record_failure")
# Generous: shared CI machines are noisy. A regression that imports PyMuPDF or moto blows well past it.
IMPORT_BUDGET_SECONDS = 3.0

_PROBE = """
import importlib.util, json, sys, time
start = time.perf_counter()
spec = importlib.util.spec_from_file_location("fn_app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "modules": sorted(m.split(".")[0] for m in sys.modules)}))
"""


@pytest.mark.parametrize("function", API_FUNCTIONS)
def test_handler_import_is_light(function: str) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(ROOT / "functions" / function / "app.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PATH": "", "AWS_DEFAULT_REGION": "us-east-1"},
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = set(report["modules"]) & set(HEAVY)
    assert not loaded, f"functions/{function} imports {sorted(loaded)} at import time"
    assert report["seconds"] < IMPORT_BUDGET_SECONDS, f"import took {report['seconds']:.2f}s"
