"""Helpers shared by the boilerplate tests: the shipped pipeline's rules and a line-flag adapter."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaners.boilerplate import strip_boilerplate
from cleaners.edits import StageResult
from cleaners.language import detect_language
from flows.config import load_settings
from flows.pipeline import Pipeline

DATA = Path(__file__).resolve().parent / "data" / "boilerplate"


@lru_cache(maxsize=1)
def pipe() -> Pipeline:
    return Pipeline(load_settings())


def strip(
    text: str, lang: str | None = "auto", repeated: frozenset[str] = frozenset(), **over: Any
) -> StageResult:
    """Run the real stage with the shipped rules; ``lang="auto"`` detects it as the pipeline does."""
    p = pipe()
    opts = p.s.boilerplate.model_copy(update=over) if over else p.s.boilerplate
    if lang == "auto":
        lang = detect_language(text, p.s.language)[0]
    return strip_boilerplate(text, opts, p.rules, p.stopwords, lang, repeated)


def keep_flags(lines: list[str]) -> list[bool]:
    """One keep flag per line after the stage ran on the lines joined with newlines."""
    res = strip("\n".join(lines))
    index, pos = {}, 0
    for i, line in enumerate(lines):
        index[pos] = i
        pos += len(line) + 1
    keep = [True] * len(lines)
    for e in res.edits:
        if e.before.strip():
            keep[index[e.start + 1] if e.before.startswith("\n") else index[e.start]] = False
    return keep


def load_jsonl(name: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def apply_edits(text: str, edits: list[Any]) -> str:
    """Rebuild a stage's output from its input and edits (input positions, non-overlapping)."""
    out, pos = [], 0
    for e in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : e.start])
        out.append(e.after)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
