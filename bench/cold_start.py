"""Import time of each API function's handler module (the cold-start cost we control), against
importing FastAPI + pydantic + boto3 alone (the floor every API function pays), in one run.

    uv run python bench/cold_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.unit.test_cold_start import API_FUNCTIONS, PROBE  # noqa: E402

BASELINE = (
    "import time; s = time.perf_counter(); import fastapi, pydantic, boto3; print(time.perf_counter() - s)"
)


def _seconds(args: list[str]) -> float:
    out = (
        subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PATH": "", "AWS_DEFAULT_REGION": "us-east-1"},
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return float(json.loads(out)["seconds"]) if out.startswith("{") else float(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    floor = statistics.median(_seconds(["-c", BASELINE]) for _ in range(args.runs))
    print(f"fastapi + pydantic + boto3 : {floor:6.3f} s (median of {args.runs})")
    for name in API_FUNCTIONS:
        app = str(ROOT / "functions" / name / "app.py")
        took = statistics.median(_seconds(["-c", PROBE, app]) for _ in range(args.runs))
        print(f"functions/{name:14s}: {took:6.3f} s  ratio to the floor {took / floor:5.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
