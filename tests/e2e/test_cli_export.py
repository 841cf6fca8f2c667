"""`paperlane process --format xlsx` and `paperlane export` as a user runs them: a subprocess, PDFs in,
files out, opened with openpyxl and csv.

The documents are generated (tests/deedgen.py, tests/coupongen.py), so the tests need no ../shared; the
sample deeds are exported too when ../shared is beside the checkout.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from paperlane.local.stack import free_port
from tests.coupongen import coupon
from tests.deedgen import make_deed
from tests.e2e.conftest import Server
from tests.shared_assets import SHARED, missing_reason
from tests.structgen import document, score_pairs

# Written out, not imported from the layout: the order users know is the contract.
SALE_DEED_HEADERS = [
    "SL_NO", "USER_TYPE", "Document_ID", "Schedule_B_Area_sqft", "Schedule_C_Area_sqft",
    "Schedule_C_Address_Name", "Property_Pincode", "Property_State", "Sale_Consideration",
    "Stamp_Duty_Fee", "Registration_Fee", "Guidance_Value", "Cash_Payment", "Transaction_Date",
    "Registration_Office", "Name", "Gender", "Aadhaar", "PAN", "Address", "Pincode", "State", "Phone",
    "Secondary_Phone", "Email", "Property_Share",
]  # fmt: skip
GAMES_HEADERS = [
    "League", "Date", "Time", "Home_Team", "Away_Team", "Home_Printed", "Away_Printed", "1", "X", "2",
    "1X", "12", "X2", "Under2.5", "Over2.5", "BTTS_Yes", "BTTS_No", "Source_Page", "File", "Job_ID",
]  # fmt: skip


def paperlane(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paperlane.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=cwd,
    )


def sheet_rows(path: Path, name: str) -> list[list[Any]]:
    return [list(r) for r in load_workbook(path)[name].iter_rows(values_only=True)]


def _iso(value: Any) -> str:
    assert isinstance(value, dt.datetime), value
    return value.date().isoformat()


def _hhmm(value: Any) -> str:
    assert isinstance(value, dt.time), value
    return value.strftime("%H:%M")


def _write_deed(folder: Path, seed: int) -> tuple[Path, dict[str, Any]]:
    pdf, record = make_deed(seed)
    path = folder / f"deed_{seed}.pdf"
    path.write_bytes(pdf)
    return path, record


def _party_names(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(USER_TYPE, name) in the workbook's order: sellers, then buyers."""
    return [("S", p["name"]) for p in record["sellers"]] + [("B", p["name"]) for p in record["buyers"]]


def test_process_writes_the_sale_deed_workbook_one_row_per_party(tmp_path: Path) -> None:
    pdf, generated = _write_deed(tmp_path, 3)
    out = tmp_path / "deeds.xlsx"
    done = paperlane(
        "process", str(pdf), "--profile", "sale_deed", "--format", "xlsx", "--out", str(out), "--quiet"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"Wrote {out} (1 documents, sale_deed workbook)" in done.stderr
    as_json = paperlane("process", str(pdf), "--profile", "sale_deed", "--quiet")
    [document] = json.loads(as_json.stdout)["documents"]
    record = document["record"]

    wb = load_workbook(out)
    assert wb.sheetnames == ["Sale_Deeds"]
    ws = wb["Sale_Deeds"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == SALE_DEED_HEADERS
    body = [dict(zip(SALE_DEED_HEADERS, r, strict=True)) for r in rows[1:]]
    # One row per party, sellers first; the generator's parties, as extracted.
    assert len(body) == len(generated["sellers"]) + len(generated["buyers"])
    assert [(r["USER_TYPE"], r["Name"]) for r in body] == _party_names(record)
    assert {r["Document_ID"] for r in body} == {generated["document_id"]}
    assert {r["SL_NO"] for r in body} == {1}
    first = body[0]
    assert isinstance(first["Transaction_Date"], dt.datetime)
    assert first["Transaction_Date"].date().isoformat() == record["transaction_date"]
    assert first["Sale_Consideration"] == record["property"]["sale_consideration"]
    assert isinstance(first["Sale_Consideration"], int | float)
    # Identity numbers stay text (Excel would round a 12-digit Aadhaar shown as a number).
    assert all(isinstance(r["Aadhaar"], str) and len(r["Aadhaar"]) == 12 for r in body)
    assert [r["Property_Share"] is None for r in body] == [t == "B" for t, _ in _party_names(record)]
    header = ws["A1"]
    assert header.font.b and header.font.color.rgb.endswith("FFFFFF") and header.fill.fill_type == "solid"
    assert ws.row_dimensions[1].height == 25 and ws["C2"].border.left.style == "thin"


def test_process_writes_the_football_games_sheet(tmp_path: Path) -> None:
    generated = coupon(5)
    pdf = tmp_path / "coupon.pdf"
    pdf.write_bytes(generated.pdf)
    out = tmp_path / "odds.xlsx"
    args = [
        "process",
        str(pdf),
        "--profile",
        "football_odds",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--quiet",
    ]
    done = paperlane(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    wb = load_workbook(out)
    assert wb.sheetnames == ["Games", "Anomalies"]
    games = wb["Games"]
    assert games.freeze_panes == "A2" and games.auto_filter.ref
    rows = [dict(zip(GAMES_HEADERS, r, strict=True)) for r in games.iter_rows(min_row=2, values_only=True)]
    assert [c.value for c in games[1]] == GAMES_HEADERS
    wanted = {(g["home_printed"], g["away_printed"], g["date"], g["time"]) for g in generated.games}
    found = {(r["Home_Printed"], r["Away_Printed"], _iso(r["Date"]), _hhmm(r["Time"])) for r in rows}
    assert len(found & wanted) >= 0.9 * len(wanted), (len(found & wanted), len(wanted))
    assert len(rows) <= len(wanted) + 1
    assert all(isinstance(r["1"], float) and isinstance(r["Date"], dt.datetime) for r in rows)
    assert all(isinstance(r["Time"], dt.time) for r in rows)
    assert {r["File"] for r in rows} == {"coupon.pdf"}


def test_export_files_writes_csv_and_ndjson_with_the_api_columns(tmp_path: Path) -> None:
    first, one = _write_deed(tmp_path, 11)
    second, two = _write_deed(tmp_path, 12)
    out = tmp_path / "deeds.csv"
    done = paperlane(
        "export", str(first), str(second), "--profile", "sale_deed", "--format", "csv", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr[-2000:]
    n1, n2 = (len(r["sellers"]) + len(r["buyers"]) for r in (one, two))
    assert f"Wrote {out} ({n1 + n2} rows)" in done.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == SALE_DEED_HEADERS
    body = [dict(zip(SALE_DEED_HEADERS, r, strict=True)) for r in rows[1:]]
    assert [r["Document_ID"] for r in body] == [one["document_id"]] * n1 + [two["document_id"]] * n2
    assert [r["SL_NO"] for r in body] == ["1"] * n1 + ["2"] * n2
    assert [r["USER_TYPE"] for r in body[:n1]] == [t for t, _ in _party_names(one)]

    window = paperlane(
        "export", str(first), str(second), "--profile", "sale_deed", "--format", "json", "--start-index", "1",
        "--out", str(tmp_path / "second.ndjson"),
    )  # fmt: skip
    assert window.returncode == 0, window.stderr[-2000:]
    lines = [json.loads(line) for line in (tmp_path / "second.ndjson").read_text().splitlines()]
    assert [line["Document_ID"] for line in lines] == [two["document_id"]] * n2
    assert list(lines[0]) == SALE_DEED_HEADERS
    assert lines[0]["Sale_Consideration"] == two["property"]["sale_consideration"]


def test_export_files_reports_nothing_to_export_and_bad_filters(tmp_path: Path) -> None:
    pdf, _ = _write_deed(tmp_path, 13)
    empty = paperlane(
        "export", str(pdf), "--profile", "sale_deed", "--start-index", "5", "--out", str(tmp_path / "x.xlsx")
    )
    assert empty.returncode == 1 and "No sale_deed documents" in empty.stderr, empty.stderr[-2000:]
    assert not (tmp_path / "x.xlsx").exists()
    bad = paperlane("export", str(pdf), "--profile", "sale_deed", "--start-date", "2025-13-01", timeout=60)
    assert bad.returncode == 2 and "--start-date: Input should be a valid date" in bad.stderr, bad.stderr[
        -2000:
    ]


def _sample_deeds() -> list[Path]:
    folder = SHARED / "samples" / "deeds"
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


@pytest.mark.shared_corpus
@pytest.mark.skipif(not _sample_deeds(), reason=missing_reason("samples"))
def test_process_exports_the_sample_deeds(tmp_path: Path) -> None:
    samples = _sample_deeds()
    out = tmp_path / "samples.xlsx"
    done = paperlane(
        "process",
        *map(str, samples),
        "--profile",
        "sale_deed",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = sheet_rows(out, "Sale_Deeds")
    assert rows[0] == SALE_DEED_HEADERS
    body = [dict(zip(SALE_DEED_HEADERS, r, strict=True)) for r in rows[1:]]
    for sl_no, sample in enumerate(samples, start=1):
        expected = json.loads(sample.with_suffix(".expected.json").read_text())["record"]
        mine = [r for r in body if r["Document_ID"] == expected["document_id"]]
        assert [(r["USER_TYPE"], r["Name"]) for r in mine] == _party_names(expected), sample.name
        assert {r["SL_NO"] for r in mine} == {sl_no}
    assert len(body) == sum(
        len(r["sellers"]) + len(r["buyers"])
        for r in (json.loads(s.with_suffix(".expected.json").read_text())["record"] for s in samples)
    )


# ------------------------------------------------------------------- from a running `paperlane serve`


def _wait_completed(client: httpx.Client, job_ids: list[str], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    pending = set(job_ids)
    while pending and time.monotonic() < deadline:
        for job_id in sorted(pending):
            status = client.get(f"/api/v1/process/status/{job_id}").json()["status"]
            assert status not in ("failed", "cancelled"), status
            if status == "completed":
                pending.discard(job_id)
        time.sleep(0.2)
    assert not pending, f"still processing: {pending}"


@pytest.mark.e2e
def test_export_downloads_what_the_running_serve_holds(server: Server, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    deeds = [make_deed(seed) for seed in (21, 22)]
    name = f"Deeds {tag}/March"
    with server.client() as client:
        r = client.post(
            "/api/v1/upload",
            data={"profile": "sale_deed", "batch_name": name},
            files=[("file", (f"deed_{i}.pdf", pdf, "application/pdf")) for i, (pdf, _) in enumerate(deeds)],
        )
        assert r.status_code == 201, r.text
        batch_id = r.json()["batch_id"]
        _wait_completed(client, r.json()["job_ids"])
    env = {**os.environ, "PAPERLANE_TOKEN": server.admin_token}
    parties = [len(rec["sellers"]) + len(rec["buyers"]) for _, rec in deeds]

    # By batch name, to the server's filename (the name made safe for a file system) in the cwd.
    done = paperlane("export", "--api", server.base, "--batch-names", name, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    out = tmp_path / f"Deeds_{tag}_March.xlsx"
    assert f"Wrote {out.name} ({sum(parties)} rows)" in done.stderr
    rows = sheet_rows(out, "Sale_Deeds")
    assert rows[0] == SALE_DEED_HEADERS
    assert sorted({r[2] for r in rows[1:]}) == sorted(rec["document_id"] for _, rec in deeds)
    assert [r[0] for r in rows[1:]] == [1] * parties[0] + [2] * parties[1]

    # By batch id as CSV, the second document only (a slice of the creation order).
    csv_out = tmp_path / "second.csv"
    args = ["--batch-ids", batch_id, "--format", "csv", "--start-index", "1", "--out", str(csv_out)]
    done = paperlane("export", "--api", server.base, *args, env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    with csv_out.open(newline="", encoding="utf-8") as fh:
        body = list(csv.DictReader(fh))
    assert len(body) == parties[1] and list(body[0]) == SALE_DEED_HEADERS
    assert {r["SL_NO"] for r in body} == {"1"}

    # A date range as NDJSON holds at least this batch (today, UTC).
    today = dt.datetime.now(dt.UTC).date().isoformat()
    nd = tmp_path / "today.ndjson"
    args = ["--profile", "sale_deed", "--format", "json", "--start-date", today, "--end-date", today]
    done = paperlane("export", "--api", server.base, *args, "--out", str(nd), env=env, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    ids = {json.loads(line)["Document_ID"] for line in nd.read_text().splitlines()}
    assert {rec["document_id"] for _, rec in deeds} <= ids


@pytest.mark.e2e
def test_export_from_the_api_says_what_went_wrong(server: Server, tmp_path: Path) -> None:
    env = {**os.environ, "PAPERLANE_TOKEN": server.admin_token}
    missing = paperlane(
        "export", "--api", server.base, "--batch-names", f"none {uuid.uuid4().hex}", env=env, cwd=tmp_path
    )
    assert missing.returncode == 1 and "NOT_FOUND: No batch named" in missing.stderr, missing.stderr
    assert list(tmp_path.iterdir()) == []
    mixed = paperlane(
        "export", "--api", server.base, "--profile", "sale_deed", "--start-date", "2025-03-01", env=env
    )
    assert mixed.returncode == 2 and "needs both start_date and end_date" in mixed.stderr, mixed.stderr
    anonymous = {k: v for k, v in env.items() if k not in ("PAPERLANE_TOKEN", "PAPERLANE_API_KEY")}
    refused = paperlane("export", "--api", server.base, "--profile", "sale_deed", env=anonymous)
    assert refused.returncode != 0 and "PAPERLANE_TOKEN" in refused.stderr
    closed = paperlane(
        "export", "--api", f"http://127.0.0.1:{free_port()}", "--profile", "sale_deed", env=env
    )
    assert closed.returncode == 1 and "Is `paperlane serve` running?" in closed.stderr


def test_process_writes_key_values_and_tables_of_a_generic_document(tmp_path: Path) -> None:
    doc = next(
        d for d in map(document, range(50)) if len(d.pages) == 1 and d.pages[0].tables and d.pages[0].pairs
    )
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(doc.pdf)
    out = tmp_path / "report.xlsx"
    done = paperlane("process", str(pdf), "--format", "xlsx", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    wb = load_workbook(out)
    tables = [name for name in wb.sheetnames if name.startswith("Table_")]
    assert wb.sheetnames[:2] == ["Pages", "Key_Values"] and len(tables) == len(doc.pages[0].tables)
    pairs = [r[3:5] for r in wb["Key_Values"].iter_rows(min_row=2, values_only=True)]
    assert score_pairs([(str(k), str(v)) for k, v in pairs], doc.pages[0].pairs).recall >= 0.9
    first = [list(r) for r in wb[tables[0]].iter_rows(values_only=True)]
    want = doc.pages[0].tables[0]
    assert first[0][:3] == ["File", "Job_ID", "Page"]
    # Header cells name the columns; the body rows follow with their cells as text or numbers.
    body = [[str(v) for v in r[3:]] for r in first[1:]]
    assert len(body) == len(want) - (1 if first[0][3:] == want[0] else 0)
    assert body[-1] == want[-1]
