"""`paperlane process` as a user runs it: a subprocess, files in, the contract's JSON out."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.coupongen import coupon


def _paperlane(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperlane.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_profile_options_reach_the_profile(tmp_path: Path) -> None:
    pdf = tmp_path / "coupon.pdf"
    pdf.write_bytes(coupon(1).pdf)
    args = ["process", str(pdf), "--profile", "football_odds", "--quiet"]
    usual = _paperlane(*args)
    wide = _paperlane(*args, "--option", "overround_max=1.6", "--option", "overround_min=0.9")
    assert usual.returncode == wide.returncode == 0, wide.stderr[-2000:]
    [plain] = json.loads(usual.stdout)["documents"]
    [lenient] = json.loads(wide.stdout)["documents"]
    assert plain["status"] == lenient["status"] == "completed"
    assert plain["job_id"] != lenient["job_id"]
    assert len(plain["games"]) == len(lenient["games"]) > 0
    usual_types = Counter(a["type"] for a in plain["anomalies"])
    assert usual_types["margin_high"] > 0
    assert "margin_high" not in {a["type"] for a in lenient["anomalies"]}


def test_a_bad_option_is_a_usage_error(tmp_path: Path) -> None:
    pdf = tmp_path / "coupon.pdf"
    pdf.write_bytes(coupon(2).pdf)
    for option, says in [
        ("overround_max", "is not NAME=VALUE"),
        ("overround_max=0.5", "overround_max: Input should be greater than or equal to 1"),
        ("colour=red", "colour: Extra inputs are not permitted"),
    ]:
        done = _paperlane("process", str(pdf), "--profile", "football_odds", "--option", option, timeout=60)
        assert done.returncode == 2 and says in done.stderr, done.stderr
