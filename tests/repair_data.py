"""Shared loaders for the text-repair tests (data copied into tests/data/repair)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

REPAIR = Path(__file__).resolve().parent / "data" / "repair"


@lru_cache(maxsize=1)
def articles() -> tuple[dict[str, str], ...]:
    """The 181 clean news articles (id, url, text)."""
    with (REPAIR.parent / "news" / "articles.jsonl").open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh)


def ftfy_cases(name: str) -> list[dict[str, str]]:
    return json.loads((REPAIR / "ftfy-cases" / f"{name}.json").read_text(encoding="utf-8"))
