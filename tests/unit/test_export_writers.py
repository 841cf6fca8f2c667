"""The workbooks, CSV and NDJSON, read back with openpyxl, csv and json."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from paperlane.export import csvjson, synthetic, xlsx
from paperlane.export.football import FootballLayout
from paperlane.export.generic import GenericLayout
from paperlane.export.layout import Document, JobInfo, Layout
from paperlane.export.sale_deed import SALE_DEEDS, SaleDeedLayout

DEED_COLUMNS = [
    "SL_NO", "USER_TYPE", "Document_ID", "Schedule_B_Area_sqft", "Schedule_C_Area_sqft",
    "Schedule_C_Address_Name", "Property_Pincode", "Property_State", "Sale_Consideration",
    "Stamp_Duty_Fee", "Registration_Fee", "Guidance_Value", "Cash_Payment", "Transaction_Date",
    "Registration_Office", "Name", "Gender", "Aadhaar", "PAN", "Address", "Pincode", "State", "Phone",
    "Secondary_Phone", "Email", "Property_Share",
]  # fmt: skip


def _doc(n: int, **records: list[dict[str, Any]]) -> Document:
    return Document(JobInfo(f"{n:032x}", f"file_{n}.pdf", "2025-01-01T00:00:00.000Z"), dict(records))


def _workbook(layout: Layout, docs: list[Document], tmp_path: Path) -> Any:
    out = tmp_path / "out.xlsx"
    xlsx.write_xlsx(layout, layout.rows(docs), out)
    return load_workbook(out)


def _rows(ws: Worksheet) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.fixture
def deeds() -> list[Document]:
    rng = random.Random(7)
    first = synthetic.deed(rng, sellers=2, buyers=1)
    first["sellers"][0]["name"] = '=HYPERLINK("http://evil")'
    first["buyers"][0]["address"] = "@cmd|' /C calc'!A0"
    return [_doc(1, deed=[first]), _doc(2, deed=[synthetic.deed(rng, sellers=1, buyers=2)])]


def test_sale_deed_columns_and_one_row_per_party(deeds: list[Document], tmp_path: Path) -> None:
    wb = _workbook(SaleDeedLayout(), deeds, tmp_path)
    assert wb.sheetnames == ["Sale_Deeds"]
    rows = _rows(wb["Sale_Deeds"])
    assert rows[0] == DEED_COLUMNS == SALE_DEEDS.names
    body = rows[1:]
    assert [(r[0], r[1]) for r in body] == [(1, "S"), (1, "S"), (1, "B"), (2, "S"), (2, "B"), (2, "B")]
    record = deeds[0].records["deed"][0]
    seller = dict(zip(DEED_COLUMNS, body[1], strict=True))
    prop = record["property"]
    assert seller["Document_ID"] == record["document_id"]
    assert seller["Schedule_C_Address_Name"] == (
        f"{prop['schedule_c_property_name']}, {prop['schedule_c_property_address']}"
    )
    assert seller["Sale_Consideration"] == prop["sale_consideration"]
    assert seller["Transaction_Date"] == dt.datetime.fromisoformat(record["transaction_date"])
    assert seller["Aadhaar"] == record["sellers"][1]["aadhaar_number"]
    assert seller["Property_Share"] == record["sellers"][1]["property_share"]
    buyer = dict(zip(DEED_COLUMNS, body[2], strict=True))
    assert buyer["Property_Share"] is None and buyer["Email"] == record["buyers"][0]["email"]


def test_sale_deed_cell_types_and_formula_neutralisation(deeds: list[Document], tmp_path: Path) -> None:
    ws = _workbook(SaleDeedLayout(), deeds, tmp_path)["Sale_Deeds"]
    col = {name: i + 1 for i, name in enumerate(DEED_COLUMNS)}
    row = 2
    assert ws.cell(row, col["Sale_Consideration"]).data_type == "n"
    assert ws.cell(row, col["Schedule_B_Area_sqft"]).data_type == "n"
    date = ws.cell(row, col["Transaction_Date"])
    assert date.is_date and date.number_format == "yyyy-mm-dd"
    # Identifiers stay text: no lost leading zeros, no 2.88E+11.
    for name in ("Aadhaar", "Phone", "Pincode", "Property_Pincode"):
        assert ws.cell(row, col[name]).data_type == "s", name
    name = ws.cell(row, col["Name"])
    assert name.data_type == "s" and name.value == '\'=HYPERLINK("http://evil")'
    assert ws.cell(4, col["Address"]).value == "'@cmd|' /C calc'!A0"
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_sale_deed_styles(deeds: list[Document], tmp_path: Path) -> None:
    ws = _workbook(SaleDeedLayout(), deeds, tmp_path)["Sale_Deeds"]
    for cell in ws[1]:
        assert cell.font.b and cell.font.color.rgb.endswith(xlsx.HEADER_FONT)
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(xlsx.HEADER_FILL)
        assert cell.alignment.horizontal == "center" and cell.border.left.style == "thin"
    for cell in ws[3]:
        assert cell.alignment.wrap_text and cell.border.bottom.style == "thin" and not cell.font.b
    assert ws.row_dimensions[1].height == xlsx.HEADER_HEIGHT
    assert all(ws.row_dimensions[r].height == xlsx.ROW_HEIGHT for r in range(2, ws.max_row + 1))
    assert ws.freeze_panes == "A2"
    widths = {c: ws.column_dimensions[c].width for c in ("A", "F", "Y")}
    assert widths["A"] == max(xlsx.MIN_WIDTH, len("SL_NO") + 2)
    assert widths["F"] > widths["A"] and widths["F"] <= 60
    assert widths["Y"] >= max(len(str(c.value)) for c in ws["Y"][1:])


def test_widths_come_from_a_bounded_sample() -> None:
    rows = ([f"x{i}" * (i + 1), "a"] for i in range(1000))
    spec = SALE_DEEDS
    widths = xlsx.column_widths(spec, (r for r, _ in zip(rows, range(xlsx.SAMPLE_ROWS), strict=False)))
    assert widths[0] == spec.columns[0].max_width  # clamped
    assert widths[1] == len("USER_TYPE") + 2


def _football_docs() -> list[Document]:
    rng = random.Random(3)
    games = [synthetic.game(rng, page=1), synthetic.game(rng, page=2), synthetic.game(rng, page=2)]
    games[1]["additional_markets"] = []
    anomalies: list[dict[str, Any]] = [
        {"game": 2, "type": "odds_margin", "message": "Implied margin 31%", "severity": "warning"},
        {"game": f"{games[2]['home_team']} v {games[2]['away_team']}", "type": "duplicate", "message": "m"},
    ]
    return [_doc(1, game=games, anomaly=anomalies), _doc(2, game=[synthetic.game(rng)])]


def test_football_games_anomalies_and_highlights(tmp_path: Path) -> None:
    docs = _football_docs()
    wb = _workbook(FootballLayout(), docs, tmp_path)
    assert wb.sheetnames == ["Games", "Anomalies"]
    games = wb["Games"]
    header = [c.value for c in games[1]]
    assert header[:7] == ["League", "Date", "Time", "Home_Team", "Away_Team", "Home_Printed", "Away_Printed"]
    assert header[7:17] == ["1", "X", "2", "1X", "12", "X2", "Under2.5", "Over2.5", "BTTS_Yes", "BTTS_No"]
    assert header[17:] == ["Source_Page", "File", "Job_ID"]
    assert games.max_row == 5 and games.freeze_panes == "A2" and games.auto_filter.ref == "A1:T5"
    first = games[2]
    source = docs[0].records["game"][0]
    assert first[1].is_date and first[1].value == dt.datetime.fromisoformat(source["date"])
    assert isinstance(first[2].value, dt.time) and first[2].number_format == "hh:mm"
    assert first[7].value == source["main_market"]["odds"]["1"] and first[7].data_type == "n"
    assert first[13].value is None  # no Under/Over market printed
    assert games[3][10].value is None  # game 2 has no DC market
    assert [c.value for c in first[17:]] == [1, "file_1.pdf", docs[0].job.job_id]
    marked = [r for r in range(2, 6) if games.cell(r, 1).fill.fill_type == "solid"]
    assert marked == [3, 4]
    assert games.cell(3, 1).fill.fgColor.rgb.endswith(xlsx.MARK_FILL)
    anomalies = _rows(wb["Anomalies"])
    assert anomalies[0] == ["Job_ID", "Game", "Type", "Message", "Severity"]
    g2 = docs[0].records["game"][1]
    assert anomalies[1] == [
        docs[0].job.job_id,
        f"{g2['home_team']} v {g2['away_team']}",
        "odds_margin",
        "Implied margin 31%",
        "warning",
    ]
    assert len(anomalies) == 3


def test_football_without_anomalies_keeps_an_empty_anomalies_sheet(tmp_path: Path) -> None:
    wb = _workbook(FootballLayout(), [_football_docs()[1]], tmp_path)
    assert _rows(wb["Anomalies"]) == [["Job_ID", "Game", "Type", "Message", "Severity"]]


def test_generic_pages_key_values_and_tables(tmp_path: Path) -> None:
    rng = random.Random(5)
    pages = [
        synthetic.page(rng, 1),
        {**synthetic.page(rng, 2), "key_values": {"Invoice": "=A1", "Total": 12}},
    ]
    table = {"page": 2, "header": ["Item", "Amount"], "rows": [["Pens", 12.5], ["Ink", 3]]}
    docs = [_doc(1, page=pages, table=[table]), _doc(2, page=[synthetic.page(rng, 1)])]
    wb = _workbook(GenericLayout(), docs, tmp_path)
    assert wb.sheetnames == ["Pages", "Key_Values", "Table_1"]
    assert [c.value for c in wb["Pages"][1]] == [
        "File",
        "Job_ID",
        "Page",
        "Source",
        "Needs_OCR",
        "Word_Count",
        "Confidence",
        "Text",
    ]
    assert wb["Pages"].max_row == 4
    assert _rows(wb["Key_Values"])[1:] == [
        ["file_1.pdf", docs[0].job.job_id, 2, "Invoice", "'=A1"],
        ["file_1.pdf", docs[0].job.job_id, 2, "Total", 12],
    ]
    assert _rows(wb["Table_1"]) == [
        ["File", "Job_ID", "Page", "Item", "Amount"],
        ["file_1.pdf", docs[0].job.job_id, 2, "Pens", 12.5],
        ["file_1.pdf", docs[0].job.job_id, 2, "Ink", 3],
    ]


def test_generic_without_extras_is_just_pages(tmp_path: Path) -> None:
    wb = _workbook(GenericLayout(), [_doc(1, page=[synthetic.page(random.Random(1), 1)])], tmp_path)
    assert wb.sheetnames == ["Pages"]


def test_csv_is_the_main_sheet_with_safe_text(deeds: list[Document]) -> None:
    layout = SaleDeedLayout()
    text = "".join(csvjson.csv_chunks(layout, layout.rows(deeds)))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == DEED_COLUMNS and len(rows) == 7
    assert rows[1][DEED_COLUMNS.index("Name")] == '\'=HYPERLINK("http://evil")'
    assert rows[1][DEED_COLUMNS.index("Transaction_Date")] == deeds[0].records["deed"][0]["transaction_date"]
    assert rows[3][DEED_COLUMNS.index("Property_Share")] == ""


def test_ndjson_is_one_object_per_row_with_json_types() -> None:
    layout = FootballLayout()
    lines = "".join(csvjson.ndjson_chunks(layout, layout.rows(_football_docs()))).splitlines()
    assert len(lines) == 4  # games only: anomalies are a workbook sheet
    first = json.loads(lines[0])
    assert list(first)[:3] == ["League", "Date", "Time"]
    assert isinstance(first["1"], float) and len(first["Time"]) == 5 and first["Under2.5"] is None


def test_streaming_many_rows_keeps_row_heights_without_holding_them(tmp_path: Path) -> None:
    rng = random.Random(11)
    docs = (_doc(i, deed=[synthetic.deed(rng)]) for i in range(400))
    layout = SaleDeedLayout()
    counts = xlsx.write_xlsx(layout, layout.rows(docs), tmp_path / "big.xlsx")
    assert counts == {"Sale_Deeds": 1200}
    ws = load_workbook(tmp_path / "big.xlsx")["Sale_Deeds"]
    assert ws.max_row == 1201
    assert ws.row_dimensions[1201].height == xlsx.ROW_HEIGHT
