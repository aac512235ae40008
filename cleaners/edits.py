"""The stage interface: every cleaner returns a :class:`StageResult` listing its :class:`Edit` s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Edit:
    """One change a stage made: ``text[start:end]`` of the stage's *input* became ``after``."""

    stage: str
    rule: str
    start: int
    end: int
    before: str
    after: str

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
        }


@dataclass(slots=True)
class StageResult:
    """A stage's output: the new text, its edits, and optionally a verdict to reject the document."""

    text: str
    edits: list[Edit] = field(default_factory=list)
    reject: tuple[str, str] | None = None  # (machine-readable reason, human detail)
    info: dict[str, Any] = field(default_factory=dict)  # facts worth auditing (encoding, language, ...)


def apply_spans(text: str, stage: str, spans: Iterable[tuple[int, int, str, str]]) -> StageResult:
    """Replace non-overlapping ``(start, end, replacement, rule)`` spans of ``text``.

    Spans are applied left to right; a span overlapping an earlier one is ignored, so callers
    may pass candidates from several rules and the first (leftmost, then earliest given) wins.
    """
    out: list[str] = []
    edits: list[Edit] = []
    pos = 0
    for start, end, after, rule in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        before = text[start:end]
        if before == after:
            continue
        out.append(text[pos:start])
        out.append(after)
        edits.append(Edit(stage, rule, start, end, before, after))
        pos = end
    if not edits:
        return StageResult(text)
    out.append(text[pos:])
    return StageResult("".join(out), edits)
