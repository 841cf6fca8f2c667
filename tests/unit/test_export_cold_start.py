"""The export handler imports openpyxl only when it writes a workbook (cold starts)."""

from __future__ import annotations

from tests.unit.test_cold_start import test_handler_import_is_light as probe


def test_export_handler_import_is_light() -> None:
    probe("export")
