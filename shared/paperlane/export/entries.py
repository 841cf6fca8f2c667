"""`paperlane process --format xlsx`: the run's documents in their profile's workbook.

When every document shares one profile (and at least one completed), the workbook is that profile's
export layout, built from the batch output entries (../shared/samples/README.md); otherwise (mixed
profiles, or nothing completed) it is the documents workbook of documents_xlsx.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from paperlane.export import xlsx
from paperlane.export.documents_xlsx import write_documents_workbook
from paperlane.export.layout import Document, JobInfo
from paperlane.export.layouts import layout_for

# Record kind -> where the profile's output holds those records.
_OUTPUT_KEYS = {
    "deed": "record",
    "game": "games",
    "anomaly": "anomalies",
    "page": "pages",
    "kv": "key_values",
    "table": "tables",
}


def entry_document(entry: dict[str, Any]) -> Document:
    records: dict[str, list[dict[str, Any]]] = {}
    for kind, key in _OUTPUT_KEYS.items():
        value = entry.get(key)
        if isinstance(value, dict):
            records[kind] = [value]
        elif isinstance(value, list):
            records[kind] = [v for v in value if isinstance(v, dict)]
    return Document(JobInfo(str(entry.get("job_id", "")), str(entry.get("file", "")), ""), records)


def write_entries_workbook(entries: list[dict[str, Any]], out: Path) -> str:
    """Write the workbook; returns which kind it is ("<profile> workbook" or "documents workbook")."""
    profiles = {str(e.get("profile")) for e in entries}
    completed = [e for e in entries if e.get("status") == "completed"]
    if len(profiles) == 1 and completed:
        layout = layout_for(profiles.pop())
        docs = [d for d in map(entry_document, completed) if d.records.get(layout.kinds[0])]
        if docs:
            xlsx.write_xlsx(layout, layout.rows(docs), out)
            return f"{layout.profile} workbook"
    write_documents_workbook(entries, out)
    return "documents workbook"
