"""`make bench`: every benchmark, each printing ratios against a baseline measured in the same run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["pipeline.py", "cold_start.py", "export.py", "football.py", "generic.py", "ocr.py"]


def main() -> int:
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / name)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
