"""The shard steps' fast line keys agree with the boilerplate stage's ``line_key`` (issue 6 throughput)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.boilerplate import doc_line_keys, line_key

DATA = Path(__file__).parent / "data"


def _reference(text: str) -> tuple[str, set[str]]:
    return line_key(text), {line_key(ln) for ln in text.split("\n") if ln.strip()}


def _texts() -> list[str]:
    texts = []
    for path in sorted((DATA / "boilerplate").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for rec in map(json.loads, filter(str.strip, fh)):  # whole articles, or pages as lines
                texts.append(rec["text"] if "text" in rec else "\n".join(ln["text"] for ln in rec["lines"]))
    return texts


def test_equal_to_line_key_on_real_articles() -> None:
    texts = _texts()
    assert len(texts) > 50
    for text in texts:
        assert doc_line_keys(text) == _reference(text)


def test_equal_to_line_key_on_case_and_space_edge_cases() -> None:
    # ß/ẞ fold to "ss", final sigma, the micro sign, ligatures, NBSP and ideographic space at line
    # edges, CRLF, a lone surrogate, blank and whitespace-only lines
    text = ("STRASSE straße ẞ\r\n  ΟΔΟΣ οδος  \n\u00a0µ ﬁne\u3000\n\n \t \nx\ud800y\n\u2028 z \n")
    assert doc_line_keys(text) == _reference(text)
    assert doc_line_keys("Straße")[0] == doc_line_keys("STRASSE")[0]  # case-insensitive, as line_key
    assert doc_line_keys("") == (line_key(""), set())


@settings(max_examples=300, derandomize=True, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=80))
def test_equal_to_line_key_on_any_text(text: str) -> None:
    assert doc_line_keys(text) == _reference(text)
