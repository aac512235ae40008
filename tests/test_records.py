"""Cleaned-shard lines with raw text/meta/edits (flows.records) render to the same bytes as plain JSON lines."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from flows.atomic import AtomicFiles, Raw, dumps_bytes, read_jsonl
from flows.outputs import IdDecision, Tally, render
from flows.records import cleaned_line, read_cleaned

PARTS = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "audit.jsonl")
EDITS = [
    {"stage": "whitespace", "rule": "trailing-blank-lines", "start": 9, "end": 10, "before": "\n", "after": ""},
    {"stage": "boilerplate", "rule": "repeated-line:3", "start": 0, "end": 13, "before": "News Daily\n", "after": ""},
    {"stage": "encoding", "rule": "ftfy:fix_c1", "start": 4, "end": 6, "before": "â€™", "after": "’"},
]


def _ok(doc_id: str, text: str, meta: object, edits: list[dict] = EDITS) -> dict:
    return {"status": "ok", "id": doc_id, "source": f"in.jsonl:{doc_id}", "site": "news.example.com",
            "meta": meta, "text": text, "edits": edits, "info": {"encoding": "utf-8", "lang": "en"}}


RECORDS = [
    _ok("a", "Prices rose 3\u2009% in May.\nThe bank’s chief said “wait”.", {"url": "https://x/1", "n": 3}),
    {"status": "rejected", "id": "r", "source": "in.jsonl:r", "reason": "empty", "detail": "-", "edits": EDITS[:1],
     "info": {}},
    _ok("b", "tab\there, U+2028\u2028inside, emoji 😀", {"tags": ["a", {"b": [1.5, -0.0, None, True]}]}, []),
    _ok("c", "lone surrogate \ud800 in text", {}),  # orjson refuses it: written and read as plain JSON
    _ok("d", "a big integer in the metadata", {"views": 2**70}),
    _ok("e", "an infinite float (stdlib json reads 1e400)", {"score": float("inf")}),
    _ok("f", "a surrogate in the metadata", {"by": "x\udc80"}),
    _ok("g", "duplicate of a", {"url": "https://x/2"}),
    _ok("h", "renamed: its keeper's source has a lone surrogate", {"k": "é"}),
]
DECISIONS = {"ids": ["a", "b", "c", "d", "e", "f", "g", "h"], "duplicate_of": [-1, -1, -1, -1, -1, -1, 0, -1],
             "similarity": [1.0] * 6 + [0.93, 1.0], "rule": [None] * 6 + ["jaccard", None],
             "cluster": [1, -1, -1, -1, -1, -1, 1, -1], "rejected": {"3": "id already used"}, "clusters": []}
RENAMED = {8: IdDecision("h#2", "h", "src\udfff")}


def _render(tmp_path: Path, name: str, line: Callable[[dict], bytes],
            reader: Callable[[Path], Iterator[dict]]) -> tuple[dict[str, bytes], dict]:
    shard = tmp_path / f"{name}.jsonl"
    shard.write_bytes(b"".join(line(r) + b"\n" for r in RECORDS))
    tally = Tally()
    with AtomicFiles(tmp_path / name, PARTS, digests=False) as w:
        render(reader(shard), DECISIONS, RENAMED, w, tally)
    return {p: (tmp_path / name / p).read_bytes() for p in PARTS}, tally.to_json()


def test_same_outputs_as_plain_json_lines(tmp_path: Path) -> None:
    plain = _render(tmp_path, "plain", dumps_bytes, read_jsonl)  # the format before
    raw = _render(tmp_path, "raw", lambda r: cleaned_line(r) if r["status"] == "ok" else dumps_bytes(r),
                  read_cleaned)
    assert raw == plain
    files, tally = raw
    assert files["corpus.jsonl"].count(b"\n") == 5  # a, b, c, e, f; g duplicate, d id-rejected, h renamed
    assert dict(tally["edits_by_rule"])["boilerplate:repeated-line"] == 7  # all ok records but b
    assert b"\\ud800" in files["corpus.jsonl"] and b"\\udfff" in files["rejects.jsonl"]


def test_cleaned_lines_are_still_json_with_every_field(tmp_path: Path) -> None:
    for rec in RECORDS:
        if rec["status"] != "ok":
            continue
        line = cleaned_line(rec)
        assert b"\n" not in line
        back = json.loads(line)
        assert back.pop("edit_rules", None) in (None, [[f"{e['stage']}:{e['rule'].split(':')[0]}" for e in EDITS],
                                                        ["whitespace", "boilerplate", "encoding"]], [[], []])
        if rec["id"] not in ("d", "e"):  # 2**70 and inf: as json would write them
            assert back == rec
    rec = RECORDS[0]
    assert (tmp_path / "one.jsonl").write_bytes(cleaned_line(rec) + b"\n")
    (got,) = read_cleaned(tmp_path / "one.jsonl")
    assert isinstance(got["text"], Raw) and got["text"].data == json.dumps(rec["text"], ensure_ascii=False,
                                                                           separators=(",", ":")).encode()
