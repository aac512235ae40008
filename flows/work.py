"""A run's work folder: its name, its paths and the run key (no cleaner imported: the CLI uses it)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flows.atomic import write_json
from flows.inputs import discover, plan_shards

if TYPE_CHECKING:
    from flows.config import Settings

WORK_DIR_NAME = ".textwash-work"
# the output files a shard contributes lines to (clusters are written from the dedup decisions)
PART_FILES = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "audit.jsonl")


@dataclass(frozen=True)
class Work:
    """Paths inside one run's work folder."""

    root: Path

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    def prepared(self, i: int) -> Path:
        return self.root / "prepared" / f"{i:06d}.jsonl"

    def lines(self, i: int) -> Path:
        return self.root / "lines" / f"{i:06d}.json"

    @property
    def repeated(self) -> Path:
        return self.root / "repeated.json"

    def cleaned(self, i: int) -> Path:
        return self.root / "cleaned" / f"{i:06d}.jsonl"

    def features(self, i: int) -> Path:
        return self.root / "cleaned" / f"{i:06d}.features.npz"

    def ids(self, i: int) -> Path:
        """Per record of a cleaned shard: id, source, kept (for the run-wide unique-id plan)."""
        return self.root / "cleaned" / f"{i:06d}.ids.json"

    @property
    def dedup(self) -> Path:
        return self.root / "dedup.json"

    @property
    def output_plan(self) -> Path:
        return self.root / "output-plan.json"

    def rendered(self, i: int) -> Path:
        """Folder with one shard's part of corpus, duplicates, rejects and audit."""
        return self.root / "rendered" / f"{i:06d}"

    def tally(self, i: int) -> Path:
        """A rendered shard's counts for the report; written last (marks the shard done)."""
        return self.root / "rendered" / f"{i:06d}.tally.json"


def run_key(inputs: list[str], settings: Settings) -> str:
    """Identifies a run: the same inputs (names, sizes, times) and configuration give the same key.

    Settings that cannot change the output (workers, progress bar, keeping the work folder) are left
    out, so a killed run resumes even when restarted with another ``--workers``.
    """
    config = settings.dump()
    no_effect = ("workers", "progress", "keep_work_dir", "batch_docs", "batch_chars", "api_server")
    config["run"] = {k: v for k, v in config["run"].items() if k not in no_effect}
    h = hashlib.sha256(json.dumps(config, sort_keys=True).encode())
    for arg in inputs:
        path = Path(arg)
        h.update(arg.encode("utf-8", "surrogateescape"))
        if path.exists():
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                try:
                    st = file.stat()
                except OSError:
                    continue
                h.update(f"{file}:{st.st_size}:{st.st_mtime_ns}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:16]


def plan(inputs: list[str], settings: Settings, work: Work) -> dict[str, Any]:
    """Find the inputs and cut them into shards; writes ``settings.json`` and ``plan.json``."""
    if work.plan.exists():
        return json.loads(work.plan.read_text(encoding="utf-8"))
    work.root.mkdir(parents=True, exist_ok=True)
    work.settings.write_text(settings.model_dump_json(), encoding="utf-8")
    files, skipped = discover(inputs, settings.input, work.root / "inputs" / "stdin.jsonl")
    shards, problems = plan_shards(files, settings.run.shard_size, work.root, settings.input)
    data = {
        "inputs": inputs,
        "files": len(files),
        "shards": [s.to_json() for s in shards],
        "rejects": [r.output() for r in skipped + problems],
    }
    write_json(work.plan, data)
    return data
