"""Which input files scheduled ingestion has already processed.

A small JSON file (``OUT/ingest-state.json``) maps each processed file's absolute path to its size,
modification time (ns) and the output partition that took it. A file counts as new when its path is
unknown or its size or mtime changed (a rewritten file is ingested again; the persistent dedup index
then marks the unchanged documents as duplicates of their earlier copies). Size+mtime is used rather
than a content hash so a scheduled run over a large, mostly old folder reads no old bytes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.atomic import write_json

STATE_NAME = "ingest-state.json"


@dataclass(frozen=True)
class FileStamp:
    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = path.stat()
        return cls(str(path.resolve()), st.st_size, st.st_mtime_ns)


class IngestState:
    """Processed-file table; saved atomically after a partition is complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.files: dict[str, dict[str, Any]] = {}
        if path.exists():
            self.files = json.loads(path.read_text(encoding="utf-8"))["files"]

    def is_new(self, stamp: FileStamp) -> bool:
        seen = self.files.get(stamp.path)
        return seen is None or seen["size"] != stamp.size or seen["mtime_ns"] != stamp.mtime_ns

    def new_files(self, candidates: list[Path]) -> list[FileStamp]:
        stamps = [FileStamp.of(p) for p in candidates]
        return [s for s in stamps if self.is_new(s)]

    def record(self, stamps: list[FileStamp], partition: str) -> None:
        for s in stamps:
            self.files[s.path] = {"size": s.size, "mtime_ns": s.mtime_ns, "partition": partition}
        write_json(self.path, {"version": 1, "files": dict(sorted(self.files.items()))})


def candidate_files(folder: Path, extensions: tuple[str, ...]) -> list[Path]:
    """Input files under ``folder`` (sorted, hidden folders such as work folders skipped)."""
    out = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and any(name.lower().endswith(ext) for ext in extensions):
                out.append(Path(root) / name)
    return out
