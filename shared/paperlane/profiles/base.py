"""A profile turns pages into records. Profiles know neither HTTP nor storage: pages in, records out."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field

from paperlane.pages import Page


class ProfileResult(BaseModel):
    # The profile's part of the output contract (e.g. {"pages": [...]}, {"games": [...]}, {"record": {...}}).
    output: dict[str, Any]
    # Rows for the records table, by kind ("page", "game", "deed"...).
    records: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    summary: dict[str, int | float | str] = Field(default_factory=dict)


class Profile(Protocol):
    name: str
    description: str
    # Whether extract() reads word boxes; profiles that need only text skip loading them.
    needs_words: bool

    def extract(self, pages: list[Page]) -> ProfileResult: ...
