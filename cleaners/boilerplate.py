"""Boilerplate removal, line by line: configured rules first, then a header/footer classifier.

First version: rule patterns plus short-line trimming at the document edges. The classifier is
extended by the boilerplate issue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex
from pydantic import Field

from cleaners.edits import Edit, StageResult
from cleaners.options import Options

STAGE = "boilerplate"


class BoilerplateOptions(Options):
    enabled: bool
    rules_file: str  # relative to the config folder
    pattern_timeout_s: float = Field(gt=0)  # per-line time limit for user patterns
    edge_max_words: int = Field(ge=0)  # short lines at the document's edges up to this many words go
    min_sentence_words: int = Field(ge=1)
    repeat_min_docs: int = Field(ge=2)
    repeat_min_share: float = Field(ge=0, le=1)
    repeat_max_doc_share: float = Field(ge=0, le=1)


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: regex.Pattern[str]


@dataclass(frozen=True)
class BoilerplateRules:
    rules: tuple[Rule, ...]

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> BoilerplateRules:
        """Build from the parsed rules file: ``[[rule]]`` tables with ``name``, ``category``, ``patterns``."""
        rules = []
        for entry in data.get("rule", []):
            name, category = entry["name"], entry.get("category", entry["name"])
            for pat in entry["patterns"]:
                try:
                    compiled = regex.compile(pat, regex.IGNORECASE | regex.V1)
                except regex.error as exc:
                    raise ValueError(f"boilerplate rule {name!r}: bad pattern {pat!r}: {exc}") from exc
                rules.append(Rule(name, category, compiled))
        return cls(tuple(rules))


def _match_rule(line: str, rules: Sequence[Rule], timeout: float) -> Rule | None:
    for rule in rules:
        try:
            if rule.pattern.fullmatch(line, timeout=timeout):
                return rule
        except TimeoutError:
            continue
    return None


def strip_boilerplate(
    text: str,
    opts: BoilerplateOptions,
    rules: BoilerplateRules,
    repeated: frozenset[str] = frozenset(),
) -> StageResult:
    """Remove boilerplate lines; ``repeated`` holds lines seen in many documents of the same source."""
    if not opts.enabled:
        return StageResult(text)
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    drop: dict[int, str] = {}
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped in repeated:
            drop[i] = "repeated-line"
            continue
        rule = _match_rule(stripped, rules.rules, opts.pattern_timeout_s)
        if rule:
            drop[i] = f"rule:{rule.category}:{rule.name}"
    if not drop:
        return StageResult(text)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    edits = [Edit(STAGE, why, offsets[i], offsets[i] + len(lines[i]) + 1, lines[i] + "\n", "") for i, why in sorted(drop.items())]
    new = "\n".join(kept)
    new = regex.sub(r"\n{3,}", "\n\n", new).strip("\n")
    return StageResult(new, edits)
