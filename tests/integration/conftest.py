from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.pdfgen import text_pdf


@pytest.fixture
def unique_pdf() -> bytes:
    """A small text PDF no other test has: its job id is new."""
    tag = uuid.uuid4().hex
    return text_pdf([f"Quarterly report {tag}\nRevenue grew by 12 percent.", f"Second page {tag}\nEnd."])


def wait_for(run: Any, job_id: str, timeout: float = 60) -> Any:
    return run.wait([job_id], timeout=timeout, poll=0.02)[0]
