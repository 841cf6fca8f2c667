"""Long documents: split within the token budget on page and paragraph boundaries, results merged."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from paperlane.errors import TooLarge
from paperlane.llm import ExtractionTask, Extractor, chunk_pages, estimate_tokens, merge_chunk_results
from paperlane.llm.backends import Message, ModelReply, ModelRequest
from paperlane.llm.chunking import split_text
from paperlane.pages import Page, TextSource


def page(n: int, text: str, source: TextSource = "text") -> Page:
    return Page(page=n, width=595, height=842, text=text, source=source, needs_ocr=source == "none")


class ScriptedBackend:
    """A backend answering each call with the next scripted record, recording the requests."""

    name = "scripted"
    model_id = "amazon.nova-micro-v1:0"

    def __init__(self, answers: list[Any]) -> None:
        self.answers = list(answers)
        self.requests: list[ModelRequest] = []

    def complete(self, request: ModelRequest) -> ModelReply:
        self.requests.append(request)
        answer = self.answers.pop(0)
        return ModelReply(
            output=answer,
            raw=json.dumps(answer),
            parse_error=None,
            input_tokens=estimate_tokens(request.messages[0].text),
            output_tokens=10,
            stop_reason="end_turn",
            latency_ms=1.0,
        )


def test_token_estimates_count_ascii_by_four_and_other_scripts_by_one() -> None:
    assert estimate_tokens("abcd" * 100) == 100
    assert estimate_tokens("") == 0
    # Kannada: a tokenizer spends about a token per character; the estimate must not be 4x too low.
    assert estimate_tokens("ಕ್ರಯ ಪತ್ರ") == 8 + 1  # 8 Kannada characters (one token each), a space (1/4)


def test_a_long_document_is_cut_within_budget_on_page_boundaries() -> None:
    pages = [page(n, f"Page {n} heading.\n\n" + "word " * 300) for n in range(1, 31)]  # ~380 tokens each
    chunks = chunk_pages(pages, budget=1000)

    assert len(chunks) == 15  # two pages fit, a third would not
    assert all(c.tokens <= 1000 for c in chunks)
    assert all(estimate_tokens(c.text) <= 1000 for c in chunks)
    # Every page appears once, whole, in order, with its marker.
    seen = [int(n) for c in chunks for n in re.findall(r"\[page (\d+)\]", c.text)]
    assert seen == list(range(1, 31))
    assert [(c.first_page, c.last_page) for c in chunks[:2]] == [(1, 2), (3, 4)]
    assert all("continued" not in c.text for c in chunks)


def test_a_page_larger_than_the_budget_is_split_on_paragraphs() -> None:
    paragraphs = [f"Paragraph {i}. " + "lorem ipsum dolor " * 40 + "end." for i in range(12)]  # ~185 tokens
    chunks = chunk_pages([page(1, "\n\n".join(paragraphs)), page(2, "Short last page.")], budget=500)

    assert all(c.tokens <= 500 for c in chunks)
    assert chunks[0].text.startswith("[page 1]\n")
    assert "[page 1 continued]" in chunks[1].text
    # No paragraph was cut: each is whole in exactly one chunk.
    for p in paragraphs:
        assert sum(p in c.text for c in chunks) == 1
    assert chunks[-1].last_page == 2


def test_text_without_any_boundary_is_still_cut_within_budget() -> None:
    parts = split_text("x" * 10_000, 300)  # no paragraph, line or space to cut on
    assert "".join(parts) == "x" * 10_000
    assert all(estimate_tokens(p) <= 300 for p in parts)
    kannada = split_text("ಕ" * 1000, 300)
    assert all(estimate_tokens(p) <= 300 for p in kannada) and "".join(kannada) == "ಕ" * 1000


def test_pages_without_text_are_skipped() -> None:
    chunks = chunk_pages([page(1, "", "none"), page(2, "   "), page(3, "Text.")], budget=100)
    assert [(c.first_page, c.last_page) for c in chunks] == [(3, 3)]
    assert chunk_pages([page(1, "", "none")], budget=100) == []


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": ["string", "null"]},
        "amount": {"type": ["number", "null"]},
        "parties": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "role": {"type": ["string", "null"]}},
                "required": ["name"],
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}
TASK = ExtractionTask(
    instructions="Extract the agreement's title, amount and parties.",
    json_schema=SCHEMA,
    list_keys={"parties": ["name"]},
)


def test_chunk_results_merge_later_chunks_filling_gaps_and_lists_deduplicated() -> None:
    merged = merge_chunk_results(
        [
            {
                "title": "Lease",
                "amount": None,
                "parties": [{"name": "Asha Rao", "role": None}],
                "notes": ["a"],
            },
            {
                "title": "LEASE AGREEMENT",
                "amount": 1200,
                "parties": [{"name": "ASHA  RAO", "role": "lessor"}],
            },
            {"amount": 999, "parties": [{"name": "B. Kumar", "role": "lessee"}], "notes": ["a", "b"]},
        ],
        TASK.list_keys,
    )
    assert merged == {
        "title": "Lease",  # set by the first chunk: kept
        "amount": 1200,  # empty in the first, filled by the second, not overwritten by the third
        "parties": [{"name": "Asha Rao", "role": "lessor"}, {"name": "B. Kumar", "role": "lessee"}],
        "notes": ["a", "b"],  # no key configured: whole-item de-duplication
    }


def test_nested_objects_merge_field_by_field_and_keyed_lists_inside_them() -> None:
    merged = merge_chunk_results(
        [
            {"deed": {"no": "KGI-1", "date": None, "buyers": [{"pan": "AAAPA1234A"}]}},
            {"deed": {"no": "other", "date": "2024-01-02", "buyers": [{"pan": "aaapa1234a", "name": "A"}]}},
        ],
        {"deed.buyers": ["pan"]},
    )
    assert merged == {
        "deed": {"no": "KGI-1", "date": "2024-01-02", "buyers": [{"pan": "AAAPA1234A", "name": "A"}]}
    }


def test_a_long_document_is_extracted_chunk_by_chunk_and_merged() -> None:
    pages = [page(n, f"Page {n}. " + "clause text " * 120) for n in range(1, 7)]  # ~365 tokens each
    backend = ScriptedBackend(
        [
            {"title": "Lease", "amount": None, "parties": [{"name": "Asha Rao", "role": None}]},
            {"title": None, "amount": 1200, "parties": [{"name": "asha rao", "role": "lessor"}]},
            {"title": "Other", "amount": 5, "parties": [{"name": "B. Kumar", "role": "lessee"}]},
        ]
    )
    extractor = Extractor(backend, chunk_token_budget=800)
    result = extractor.extract_pages(TASK, pages)

    assert result.chunks == 3 and len(backend.requests) == 3
    assert result.data["title"] == "Lease" and result.data["amount"] == 1200
    assert result.data["parties"] == [
        {"name": "Asha Rao", "role": "lessor"},
        {"name": "B. Kumar", "role": "lessee"},
    ]
    # Each call saw only its own pages, and was told which part of the document it reads.
    first: Message = backend.requests[0].messages[0]
    assert "[page 1]" in first.text and "[page 2]" in first.text and "[page 3]" not in first.text
    assert "part 1 of 3" in first.text
    assert "[page 5]" in backend.requests[2].messages[0].text
    assert result.usage.calls == 3
    assert result.usage.input_tokens == sum(estimate_tokens(r.messages[0].text) for r in backend.requests)


def test_a_document_needing_too_many_chunks_fails_before_any_call() -> None:
    backend = ScriptedBackend([])
    extractor = Extractor(backend, chunk_token_budget=200, max_chunks=3)
    with pytest.raises(TooLarge) as raised:
        extractor.extract_pages(TASK, [page(n, "text " * 200) for n in range(1, 6)])
    assert raised.value.code == "TOO_LARGE"
    assert backend.requests == []


def test_a_document_without_text_makes_no_call() -> None:
    backend = ScriptedBackend([])
    result = Extractor(backend).extract_pages(TASK, [page(1, "", "none")])
    assert result.data == {} and result.chunks == 0 and result.usage.calls == 0
