"""--workers: output byte-identical whatever the number of worker processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.flow.conftest import run_cli
from tests.flow.corpus import outputs, write_corpus

pytestmark = pytest.mark.flow


def test_one_and_two_workers_give_identical_output(tmp_path: Path) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    n = write_corpus(corpus)
    results = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        proc = run_cli("clean", str(corpus), "--out", str(out), "--workers", str(workers), "--no-progress",
                       "--set", "run.shard_size=17")
        assert proc.returncode == 0, proc.stderr.decode()
        results[workers] = outputs(out)
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["config"]["run"]["workers"] == workers
        assert report["shards"] == -(-n // 17)
        assert report["counts"]["input"] == n
        assert report["counts"]["duplicates_near"] + report["counts"]["duplicates_exact"] >= 15
        assert not (out / ".textwash-work").exists()  # removed after success
    assert results[1] == results[2]
    assert results[1]["corpus.jsonl"].count(b"\n") > 150
