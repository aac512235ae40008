"""The output side without Prefect: the unique-id rule and the all-or-nothing output set."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

import flows.atomic as atomic
from flows.atomic import AtomicFiles, dumps, remove_stale_tmp, write_json
from flows.outputs import OUTPUT_FILES, assign_ids, write_outputs


def ids(records: list[tuple[str, str, bool]]) -> list[str]:
    return [d.id for d in assign_ids(records)]


def test_first_used_record_keeps_the_id() -> None:
    records = [("x", "a", True), ("x", "b", True), ("y", "c", False), ("x", "d", False)]
    decisions = assign_ids(records)
    assert [d.id for d in decisions] == ["x", "x#2", "y", "x#3"]
    assert decisions[1].renamed_from == "x" and decisions[1].kept_by == "a"


def test_a_reject_never_takes_a_used_documents_id() -> None:
    assert ids([("x", "a", False), ("x", "b", True)]) == ["x#1", "x"]


def test_derived_ids_never_collide_with_real_ones() -> None:
    got = ids([("x", "a", True), ("x", "b", True), ("x#2", "c", True), ("x#3", "d", False)])
    assert got == ["x", "x#4", "x#2", "x#3"]
    assert len(set(got)) == len(got)


def test_all_rejected_first_keeps() -> None:
    assert ids([("x", "a", False), ("x", "b", False)]) == ["x", "x#2"]


def old_outputs(out: Path) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    for name in (*OUTPUT_FILES, "report.json"):
        (out / name).write_bytes(f"earlier {name}\n".encode())
    return {p.name: p.read_bytes() for p in out.iterdir()}


def test_failure_while_writing_leaves_earlier_outputs(tmp_path: Path) -> None:
    before = old_outputs(tmp_path)
    with pytest.raises(RuntimeError), AtomicFiles(tmp_path, OUTPUT_FILES, marker="report.json") as w:
        w.write("corpus.jsonl", {"id": "new"})
        raise RuntimeError("crash in the middle")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_disk_full_at_sync_leaves_earlier_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = old_outputs(tmp_path)
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:  # the third file of the set cannot be flushed to disk
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    with pytest.raises(OSError, match="No space left on device") as info, \
            AtomicFiles(tmp_path, OUTPUT_FILES, marker="report.json") as w:
        for name in OUTPUT_FILES:
            w.write(name, {"id": "new"})
    assert info.value.filename == str(tmp_path / OUTPUT_FILES[2])  # the error names the file
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_success_replaces_all_and_removes_the_marker(tmp_path: Path) -> None:
    old_outputs(tmp_path)
    with AtomicFiles(tmp_path, OUTPUT_FILES, marker="report.json") as w:
        w.write("corpus.jsonl", {"id": "new"})
    assert (tmp_path / "corpus.jsonl").read_text() == '{"id":"new"}\n'
    assert (tmp_path / "rejects.jsonl").read_text() == ""
    assert not (tmp_path / "report.json").exists()  # until the caller writes the new report
    assert w.summary()["corpus.jsonl"]["lines"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(OUTPUT_FILES)


def test_stale_temporary_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / ".corpus.jsonl.tmp-999999999"
    dead.write_text("half a corpus")
    live = tmp_path / f".rejects.jsonl.tmp-{os.getppid()}"
    live.write_text("another run that is still writing")
    removed = remove_stale_tmp(tmp_path, OUTPUT_FILES)
    assert removed == [dead] and live.exists()


def test_lone_surrogates_stay_valid_utf8(tmp_path: Path) -> None:
    record = {"id": "a\ud800", "text": "b\udcff", "meta": {"k\udc80": 1}}
    line = dumps(record)
    line.encode("utf-8")  # strict
    assert json.loads(line) == record
    write_json(tmp_path / "x.json", record)
    assert json.loads((tmp_path / "x.json").read_bytes().decode("utf-8")) == record
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]


def cleaned_shard(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_write_outputs_renames_rejects_that_collide(tmp_path: Path) -> None:
    ok = {"status": "ok", "source": "s", "site": "s", "meta": {}, "text": "t", "edits": [], "info": {}}
    shard = cleaned_shard(tmp_path / "c.jsonl", [
        {"status": "rejected", "id": "a", "source": "s1", "reason": "binary", "detail": "png", "edits": []},
        {**ok, "id": "a"},
        {**ok, "id": "b"},
        {**ok, "id": "b"},
    ])
    decisions = {"ids": ["a", "b", "b"], "duplicate_of": [-1, -1, -1], "similarity": [1.0] * 3,
                 "cluster": [-1] * 3, "clusters": [], "rejected": {"2": "id already used"}}
    out = tmp_path / "out"
    report = write_outputs([shard], [{"id": "a", "source": "dir", "reason": "symlink_loop", "detail": "d"}],
                           decisions, out)
    rejects = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    corpus = [json.loads(x)["id"] for x in (out / "corpus.jsonl").read_text().splitlines()]
    assert corpus == ["a", "b"]
    assert [(r["id"], r["reason"]) for r in rejects] == [
        ("a#1", "symlink_loop"), ("a#2", "binary"), ("b#2", "duplicate_id")]
    assert "s1" not in rejects[0]["detail"] and "already used by a record from s" in rejects[1]["detail"]
    assert report["counts"]["input"] == 5 and report["ids_renamed"] == 3


def _work_folder(tmp_path: Path, shards: list[list[dict]], plan_rejects: list[dict], decisions: dict) -> Path:
    """A run's work folder as the clean and dedup steps leave it (plan, cleaned shards, id rows, decisions)."""
    from flows.stages import Work

    work = Work(tmp_path / "work")
    (work.root / "cleaned").mkdir(parents=True)
    write_json(work.plan, {"rejects": plan_rejects, "shards": []})
    for i, records in enumerate(shards):
        cleaned_shard(work.cleaned(i), records)
        write_json(work.ids(i), {"ids": [r["id"] for r in records], "sources": [r["source"] for r in records],
                                 "ok": [r["status"] == "ok" for r in records]})
    write_json(work.dedup, decisions)
    return work.root


def test_shards_rendered_apart_then_concatenated_equal_the_one_pass_write(tmp_path: Path) -> None:
    from flows import stages

    ok = {"status": "ok", "source": "s", "site": "s", "meta": {"k": "é"}, "text": "t\u2028x", "info": {"lang": "en"}}
    edit = {"stage": "boilerplate", "rule": "repeated:3", "position": 0, "before": "Menu", "after": ""}
    shards = [
        [{"status": "rejected", "id": "a", "source": "s1", "reason": "binary", "detail": "png", "edits": []},
         {**ok, "id": "a", "edits": [edit]}, {**ok, "id": "b", "edits": []}],
        [{**ok, "id": "b", "edits": [edit, edit]}, {**ok, "id": "c", "edits": []},
         {"status": "rejected", "id": "d", "source": "s2", "reason": "empty", "detail": "-", "edits": []}],
        [],
        [{**ok, "id": "e", "edits": []}, {**ok, "id": "a#2", "edits": []}],
    ]
    decisions = {"ids": ["a", "b", "b", "c", "e", "a#2"], "duplicate_of": [-1, -1, -1, 0, -1, 4],
                 "similarity": [1.0, 1.0, 1.0, 0.91, 1.0, 0.88], "rule": [None, None, None, "jaccard", None, "x"],
                 "cluster": [1, -1, -1, 1, 2, 2], "rejected": {"2": "id already used"},
                 "clusters": [{"cluster": 1, "kept": 0, "members": [[0, 1.0, "kept"], [3, 0.91, "jaccard"]]},
                              {"cluster": 2, "kept": 4, "members": [[4, 1.0, "kept"], [5, 0.88, "x"]]}]}
    plan_rejects = [{"id": "a", "source": "dir", "reason": "symlink_loop", "detail": "d"}]
    root = _work_folder(tmp_path, shards, plan_rejects, decisions)
    work = stages.Work(root)
    stages.plan_output(work, len(shards))
    for i in range(len(shards)):
        assert not stages.render_shard(str(root), i).get("skipped")
    assert stages.render_shard(str(root), 0)["skipped"]  # resume: a rendered shard is not redone
    parts = stages.write_outputs(str(root), len(shards), str(tmp_path / "parts"))
    whole = write_outputs([work.cleaned(i) for i in range(len(shards))], plan_rejects, decisions,
                          tmp_path / "whole")
    assert parts == whole
    assert parts["counts"]["input"] == 9 and parts["ids_renamed"] == 3  # a#1, a#3 (a#2 is real), b#2
    for name in OUTPUT_FILES:
        assert (tmp_path / "parts" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name
    ids = [json.loads(x)["id"] for name in ("corpus", "duplicates", "rejects")
           for x in (tmp_path / "parts" / f"{name}.jsonl").read_bytes().splitlines()]  # U+2028 stays inside
    assert len(ids) == len(set(ids)) == 9
    assert parts["output_files"]["corpus.jsonl"]["lines"] == 3  # a, b, e: lines counted by b"\n" only
