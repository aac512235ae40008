"""Records passed between stages, and their JSON forms in shard files and outputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Reject:
    id: str
    source: str
    reason: str
    detail: str
    edits: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def output(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "reason": self.reason, "detail": self.detail}


@dataclass(slots=True)
class RawDoc:
    """A document as read: ``text`` for JSONL records, ``data`` for text files still to decode."""

    id: str
    source: str
    site: str
    meta: dict[str, Any]
    text: str | None = None
    data: bytes | None = None
