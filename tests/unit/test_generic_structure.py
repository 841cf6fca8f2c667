"""The generic profile's key-value pairs and tables, from word boxes (paperlane.profiles.structure).

Accuracy is measured on generated documents (tests/structgen.py: forms, tables and prose in many
styles) by the rules in structgen's scoring; the corpus's tabular files must give sensible tables.
"""

from __future__ import annotations

from typing import Any

import pymupdf
import pytest

from paperlane.pages import Word
from paperlane.pdf.text import extract_pages
from paperlane.profiles.generic import GenericProfile
from paperlane.profiles.structure import analyse
from tests.pdfgen import columns_pdf, text_pdf
from tests.shared_assets import corpus_dir
from tests.structgen import Score, document, score_pairs, score_tables

TARGET = 0.9


def _grids(words: list[Word]) -> list[list[list[str]]]:
    return [([t.header] if t.header else []) + t.rows for t in analyse(words).tables]


def test_pairs_and_table_cells_are_found_in_generated_documents() -> None:
    pairs, cells = Score(), Score()
    for seed in range(60):
        doc = document(seed)
        pages = extract_pages(doc.pdf, 1, len(doc.pages))
        for page, truth in zip(pages, doc.pages, strict=True):
            found = analyse(page.words)
            pairs.add(score_pairs(found.key_values, truth.pairs))
            cells.add(score_tables(_grids(page.words), truth.tables))
    summary = (
        f"pairs recall {pairs.recall:.3f} precision {pairs.precision:.3f} of {pairs.expected}; "
        f"cells recall {cells.recall:.3f} precision {cells.precision:.3f} of {cells.expected}"
    )
    assert pairs.expected > 300 and cells.expected > 5000, summary
    assert min(pairs.recall, pairs.precision, cells.recall, cells.precision) >= TARGET, summary


def _words(rows: list[list[tuple[str, float]]], *, top: float = 100, pitch: float = 14) -> list[Word]:
    """Words at (text, x) on lines ``pitch`` apart, 10 pt type: 5.5 pt per character."""
    out: list[Word] = []
    for i, row in enumerate(rows):
        y = top + i * pitch
        for text, x in row:
            out.append(Word(text, x, y, x + 5.5 * len(text), y + 11))
    return out


def _cells(*texts: str, at: tuple[float, ...]) -> list[tuple[str, float]]:
    """Cells of several words, placed word by word with normal spaces."""
    placed: list[tuple[str, float]] = []
    for text, x in zip(texts, at, strict=True):
        for word in text.split():
            placed.append((word, x))
            x += 5.5 * len(word) + 3
    return placed


def test_a_header_over_two_lines_and_currency_signs_in_their_own_column() -> None:
    at = (60.0, 160.0, 260.0, 300.0)
    header = [
        [("Roster", 160.0), ("2016", 300.0)],
        _cells("Club", "Player", "Base salary", at=(60.0, 160.0, 300.0)),
    ]
    body = [
        _cells(club, name, "$", amount, at=at)
        for club, name, amount in (("ATL", "Burgos", "62,508.00"), ("CHI", "Accam", "700,000.00"))
    ]
    body.append(_cells("CHI", "Alvarez", "$", "115,000.00", at=at))
    [table] = analyse(_words([*header, *body])).tables
    assert table.header == ["Club", "Roster Player", "2016 Base salary"]
    assert table.rows == [
        ["ATL", "Burgos", "$ 62,508.00"],
        ["CHI", "Accam", "$ 700,000.00"],
        ["CHI", "Alvarez", "$ 115,000.00"],
    ]


def test_label_value_columns_and_separators_are_pairs() -> None:
    lines = [
        _cells("Invoice number:", "INV-2024-0012", at=(60.0, 200.0)),
        _cells("Customer:", "Anna Keller", at=(60.0, 200.0)),
        _cells("Due date:", "14 Mar 2025", at=(60.0, 200.0)),
        _cells("Total = 1,200.00", at=(60.0,)),
        _cells("Branch ........ Lyon", at=(60.0,)),
        _cells("Date: 2024-01-05", "Ref: KX-12", at=(60.0, 300.0)),
    ]
    pairs = analyse(_words(lines, pitch=18)).key_values
    assert pairs == [
        ("Invoice number", "INV-2024-0012"),
        ("Customer", "Anna Keller"),
        ("Due date", "14 Mar 2025"),
        ("Total", "1,200.00"),
        ("Branch", "Lyon"),
        ("Date", "2024-01-05"),
        ("Ref", "KX-12"),
    ]


def test_prose_and_text_columns_give_neither_pairs_nor_tables() -> None:
    paragraph = (
        "The committee met twice during the year and reviewed the accounts in detail\n"
        "before approving them. The reason was simple: the auditors had asked for more\n"
        "time, and the board agreed to extend the review until the end of the quarter\n"
        "so that every branch could send its figures before the annual meeting began."
    )
    column = [
        "Members of the board reviewed the plan\nand agreed that the budget should be\n"
        "raised for the next three years in line\nwith the growth of the business overall",
        "while the staff asked for more training\nand for better tools in every office so\n"
        "that their work could be done on time\nwithout the long delays of the past year",
    ]
    for pdf in (text_pdf([paragraph]), columns_pdf([column, column, column])):
        [page] = extract_pages(pdf, 1, 1)
        found = analyse(page.words)
        assert found.tables == [] and found.key_values == []


def test_the_generic_profile_keeps_its_pages_and_adds_pairs_and_tables() -> None:
    doc = next(d for d in map(document, range(50)) if d.pages[0].tables and d.pages[0].pairs)
    pages = extract_pages(doc.pdf, 1, len(doc.pages))
    result = GenericProfile().extract(pages)
    first = result.output["pages"][0]
    assert set(first) == {"page", "text", "source", "needs_ocr", "word_count"}
    assert first["word_count"] == len(pages[0].text.split())
    assert result.records["page"] == result.output["pages"]
    kv: list[dict[str, Any]] = result.records["kv"]
    tables: list[dict[str, Any]] = result.records["table"]
    assert kv == result.output["key_values"] and tables == result.output["tables"]
    assert {"page", "key", "value"} == set(kv[0]) and {"page", "header", "rows"} == set(tables[0])
    assert (
        score_pairs([(p["key"], p["value"]) for p in kv if p["page"] == 1], doc.pages[0].pairs).recall >= 0.9
    )
    assert result.summary["tables"] == len(tables) and result.summary["key_values"] == len(kv)


def test_pages_without_words_give_no_structure() -> None:
    [page] = extract_pages(text_pdf([""]), 1, 1)
    result = GenericProfile().extract([page])
    assert result.records["kv"] == [] and result.records["table"] == []


# ------------------------------------------------------------------------------------- the corpus


def _tables(name: str) -> list[tuple[int, Any]]:
    data = (corpus_dir() / name).read_bytes()
    pages = extract_pages(data, 1, pymupdf.open(stream=data).page_count)
    return [(p.page, t) for p in pages for t in analyse(p.words).tables]


@pytest.mark.shared_corpus
def test_corpus_tables_are_sensible() -> None:
    mls = _tables("mls-salaries-2016.pdf")
    assert {page for page, _ in mls} == set(range(1, 12))
    _, first = mls[0]
    assert first.header == [
        "Club",
        "Last Name",
        "First Name",
        "Pos",
        "2016 Base Salary",
        "2016 Guaranteed Compensation",
    ]
    assert first.rows[0] == ["ATL", "Burgos", "Efrain", "M", "$ 62,508.00", "$ 62,508.00"]
    assert sum(len(t.rows) for _, t in mls) >= 500

    [(_, budget)] = _tables("budget.pdf")
    assert len(budget.rows) >= 35 and len(budget.rows[0]) == 8
    assert budget.rows[0][:2] == ["MINISTRY OF AGRICULTURE", "28130.48"]

    warn = _tables("ca-warn-report.pdf")
    assert {page for page, _ in warn} == set(range(1, 17))
    assert warn[0][1].header[:5] == ["Notice Date", "Effective", "Received", "Company", "City"]
    assert all(len(t.rows[0]) >= 6 for _, t in warn[:14])

    eu = _tables("eu-004.pdf")
    assert len(eu) >= 10 and all(len(t.rows) >= 3 and len(t.rows[0]) >= 3 for _, t in eu)

    # Three columns of running text (the Federal Register) are not tables.
    assert len(_tables("federal-register-2020-17221.pdf")) <= 2
