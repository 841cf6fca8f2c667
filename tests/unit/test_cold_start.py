"""API handlers must never pull in PDF, OCR or vision libraries at import time (cold starts).

How long the imports take is measured in bench/cold_start.py, not here: timings in tests fail on a
busy shared machine and pass on a regression that happens to run on a quiet one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pymupdf", "fitz", "pdfminer", "onnxruntime", "pytesseract", "openpyxl", "cv2", "moto")
API_FUNCTIONS = ("upload", "status", "auth", "authorizer", "intake", "record_failure")

PROBE = """
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
        [sys.executable, "-c", PROBE, str(ROOT / "functions" / function / "app.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"PATH": "", "AWS_DEFAULT_REGION": "us-east-1"},
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = set(report["modules"]) & set(HEAVY)
    assert not loaded, f"functions/{function} imports {sorted(loaded)} at import time"
