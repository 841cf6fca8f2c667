"""Load the sample events in events/ with their ${PLACEHOLDERS} filled."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[1] / "events"


def load_event(name: str, **values: Any) -> dict[str, Any]:
    text = (EVENTS / f"{name}.json").read_text(encoding="utf-8")

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"events/{name}.json needs a value for ${{{key}}}")
        return str(values[key])

    return json.loads(re.sub(r"\$\{([A-Z0-9_]+)\}", fill, text))
