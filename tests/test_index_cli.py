"""The command line end to end: ``clean --index`` twice, then ``explain`` (real Prefect, subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.dedup_helpers import articles

pytestmark = pytest.mark.flow


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "flows", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
        check=False,
    )


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_clean_with_index_then_explain(tmp_path: Path) -> None:
    arts = articles()
    day1 = tmp_path / "day1.jsonl"
    day1.write_text(
        "".join(json.dumps({"id": a["id"], "text": a["text"]}) + "\n" for a in arts[:6])
        + json.dumps({"id": "same-day-copy", "text": arts[0]["text"].upper()})
        + "\n",
        encoding="utf-8",
    )
    day2 = tmp_path / "day2.jsonl"
    day2.write_text(
        json.dumps({"id": "tomorrow-copy", "text": "A new headline\n\n" + arts[3]["text"]})
        + "\n"
        + json.dumps({"id": "fresh", "text": arts[8]["text"]})
        + "\n",
        encoding="utf-8",
    )
    index = tmp_path / "dedup.sqlite"
    r1 = _cli(
        "clean", str(day1), "--out", str(tmp_path / "out1"), "--index", str(index), "-w", "1", "--no-progress"
    )
    assert r1.returncode == 0, r1.stderr
    dup1 = _jsonl(tmp_path / "out1" / "duplicates.jsonl")
    assert [(d["id"], d["duplicate_of"], d["rule"]) for d in dup1] == [
        ("same-day-copy", arts[0]["id"], "exact")
    ]
    r2 = _cli(
        "clean", str(day2), "--out", str(tmp_path / "out2"), "--index", str(index), "-w", "1", "--no-progress"
    )
    assert r2.returncode == 0, r2.stderr
    (dup2,) = _jsonl(tmp_path / "out2" / "duplicates.jsonl")
    assert dup2["id"] == "tomorrow-copy" and dup2["duplicate_of"] == arts[3]["id"]
    assert dup2["duplicate_of_run"].startswith(str((tmp_path / "out1").resolve()) + "#")
    assert [c["id"] for c in _jsonl(tmp_path / "out2" / "corpus.jsonl")] == ["fresh"]
    (cluster,) = _jsonl(tmp_path / "out2" / "clusters.jsonl")
    assert cluster["kept"] == arts[3]["id"] and cluster["kept_run"] == dup2["duplicate_of_run"]

    ex = _cli("explain", "tomorrow-copy", "--out", str(tmp_path / "out2"), "--index", str(index))
    assert ex.returncode == 0, ex.stderr
    assert f"duplicate of {arts[3]['id']} from run {dup2['duplicate_of_run']}" in ex.stdout
    assert f"its original {arts[3]['id']} is in the index" in ex.stdout
    kept = _cli("explain", arts[0]["id"], "--out", str(tmp_path / "out1"), "--json")
    info = json.loads(kept.stdout)
    assert info["output"]["duplicated_by"][0]["id"] == "same-day-copy"
    missing = _cli("explain", "no-such-doc", "--out", str(tmp_path / "out1"))
    assert missing.returncode == 1 and "not in the output folder" in missing.stdout


def test_clean_refuses_a_damaged_index_before_working(tmp_path: Path) -> None:
    index = tmp_path / "dedup.sqlite"
    index.write_bytes(b"\x00garbage" * 64)
    doc = tmp_path / "d.jsonl"
    doc.write_text(json.dumps({"id": "x", "text": articles()[0]["text"]}) + "\n", encoding="utf-8")
    r = _cli("clean", str(doc), "--out", str(tmp_path / "out"), "--index", str(index), "--no-progress")
    assert r.returncode != 0
    assert f"dedup index {index} is not an SQLite database" in r.stderr
    assert not (tmp_path / "out").exists()
