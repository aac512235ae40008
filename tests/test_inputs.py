"""Reading inputs without Prefect: limits, damaged files, special files, JSONL records."""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import sys
import threading
import tracemalloc
from pathlib import Path

import pytest

from flows.config import InputOptions, Settings, load_settings
from flows.documents import RawDoc, Reject
from flows.inputs import InputError, InputFile, Shard, _decompress, discover, plan_shards, read_shard
from tests.conftest import SEEDS


def opts(settings: Settings, **over: object) -> InputOptions:
    return settings.input.model_copy(update=over)


def read_all(files: list[InputFile], o: InputOptions, work: Path, shard_size: int = 1000
             ) -> tuple[list[RawDoc | Reject], list[Reject]]:
    shards, problems = plan_shards(files, shard_size, work, o)
    return [item for shard in shards for item in read_shard(shard, o)], problems


def jsonl_file(path: Path) -> InputFile:
    return InputFile(str(path), "jsonl", path.name, str(path), str(path.parent))


def test_missing_input_is_a_usage_error(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"input not found: .*missing-dir"):
        discover([str(tmp_path / "missing-dir")], settings.input, tmp_path / "stdin.jsonl")


def test_fifo_argument_is_refused_not_read(settings: Settings, tmp_path: Path) -> None:
    """Opening a FIFO without a writer blocks forever; it must be refused before any read."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    result: list[BaseException | None] = []

    def target() -> None:
        try:
            discover([str(tmp_path / "pipe.jsonl")], settings.input, tmp_path / "stdin.jsonl")
            result.append(None)
        except InputError as exc:
            result.append(exc)

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(10)
    assert result, "discover blocked on a FIFO"
    assert isinstance(result[0], InputError)
    assert "FIFO" in str(result[0])


def test_unreadable_text_file_simulated(settings: Settings, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """EACCES on one file (simulated: tests may run as root) rejects it; the next file is read."""
    import flows.inputs as inputs

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text((SEEDS / "000_8cac10d750b4a1f9.txt").read_text(encoding="utf-8"))
    real_open = open

    def fake_open(path: object, *args: object, **kwargs: object) -> object:
        if str(path).endswith("a.txt"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(inputs, "open", fake_open, raising=False)
    files, _ = discover([str(tmp_path)], settings.input, tmp_path / "stdin.jsonl")
    items, _ = read_all(files, settings.input, tmp_path / "work")
    assert isinstance(items[0], Reject) and items[0].reason == "unreadable"
    assert "Permission denied" in items[0].detail
    assert isinstance(items[1], RawDoc) and items[1].id == "b.txt"


def test_unreadable_jsonl_file_simulated(settings: Settings, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.inputs as inputs

    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "x"}\n')

    def fake_open(p: object, *args: object, **kwargs: object) -> object:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(p))

    monkeypatch.setattr(inputs, "open", fake_open, raising=False)
    _, problems = plan_shards([jsonl_file(path)], 10, tmp_path / "work", settings.input)
    assert [(p.id, p.reason) for p in problems] == [("r.jsonl", "unreadable")]


def test_symlink_loop_and_self_link_are_reported(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ok.txt").write_text("text")
    os.symlink("..", tmp_path / "sub" / "up")
    os.symlink("self.txt", tmp_path / "self.txt")
    files, skipped = discover([str(tmp_path)], settings.input, tmp_path / "stdin.jsonl")
    assert [f.name for f in files] == ["sub/ok.txt"]
    assert sorted((r.id, r.reason) for r in skipped) == [
        ("self.txt", "symlink_loop"), ("sub/up", "symlink_loop")]


def test_second_name_for_a_folder_is_not_a_loop(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("text")
    os.symlink("a", tmp_path / "b")
    files, skipped = discover([str(tmp_path)], settings.input, tmp_path / "stdin.jsonl")
    assert [f.name for f in files] == ["a/x.txt"]
    assert [(r.id, r.reason) for r in skipped] == [("b", "duplicate_folder")]


def test_symlinks_not_followed_are_reported(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text("text")
    os.symlink("real.txt", tmp_path / "link.txt")
    o = opts(settings, follow_symlinks=False)
    files, skipped = discover([str(tmp_path)], o, tmp_path / "stdin.jsonl")
    assert [f.name for f in files] == ["real.txt"]
    assert [(r.id, r.reason) for r in skipped] == [("link.txt", "symlink_skipped")]


def test_text_file_over_limit_is_not_read_whole(settings: Settings, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(300_000_000)  # sparse: costs no disk
    o = opts(settings, max_doc_bytes=1_000_000)
    tracemalloc.start()
    items, _ = read_all([InputFile(str(big), "text", "big.txt", str(big), "s")], o, tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(r.id, r.reason) for r in items] == [("big.txt", "too_large")]
    assert "300000000 bytes > input.max_doc_bytes=1000000" in items[0].detail
    assert peak < 20_000_000


def test_huge_jsonl_line_is_rejected_with_bounded_memory(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"id": "before", "text": "first record"}\n')
        fh.write(b'{"id": "huge", "text": "' + b"a" * 60_000_000 + b'"}\n')
        fh.write(b'{"id": "after", "text": "last record"}')  # no final newline
    o = opts(settings, max_doc_bytes=1_000_000)
    tracemalloc.start()
    items, problems = read_all([jsonl_file(path)], o, tmp_path, shard_size=2)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not problems
    assert [(i.id, type(i).__name__) for i in items] == [
        ("before", "RawDoc"), ("r.jsonl:2", "Reject"), ("after", "RawDoc")]
    assert items[1].reason == "too_large" and f"{60_000_000 + 27} bytes" in items[1].detail
    assert peak < 10_000_000


def test_jsonl_file_over_file_limit_keeps_whole_lines(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    lines = [json.dumps({"id": f"r{i}", "text": f"record {i}"}) for i in range(100)]
    path.write_text("\n".join(lines) + "\n")
    limit = len("\n".join(lines[:10])) + 5  # ten lines and a part of the eleventh
    items, problems = read_all([jsonl_file(path)], opts(settings, max_file_bytes=limit), tmp_path)
    assert [i.id for i in items] == [f"r{i}" for i in range(10)]
    assert [(p.id, p.reason) for p in problems] == [("r.jsonl:<rest>", "too_large")]
    assert "input.max_file_bytes" in problems[0].detail


def gz_records(n: int, start: int = 0) -> bytes:
    return "".join(json.dumps({"id": f"g{i}", "text": f"record number {i} " * 20}) + "\n"
                   for i in range(start, start + n)).encode()


def test_truncated_gzip_salvages_complete_lines(settings: Settings, tmp_path: Path) -> None:
    data = gzip.compress(gz_records(2000), mtime=0)
    src = tmp_path / "t.jsonl.gz"
    src.write_bytes(data[: len(data) // 2])
    copy, problem = _decompress(jsonl_file(src), tmp_path / "copy.jsonl", 10**9)
    assert problem is not None and problem.reason == "truncated_gzip" and problem.id == "t.jsonl.gz:<rest>"
    lines = Path(copy.path).read_bytes().split(b"\n")
    assert lines[-1] == b""  # ends at a line end: no half record
    ids = [json.loads(x)["id"] for x in lines[:-1]]
    assert len(ids) > 100 and ids == [f"g{i}" for i in range(len(ids))]


def test_multi_member_gzip_is_read_whole(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "m.jsonl.gz"
    src.write_bytes(gzip.compress(gz_records(5), mtime=0) + gzip.compress(gz_records(5, 5), mtime=0))
    copy, problem = _decompress(jsonl_file(src), tmp_path / "copy.jsonl", 10**9)
    assert problem is None
    assert Path(copy.path).read_bytes() == gz_records(10)


def test_gzip_bomb_stops_at_the_limit_with_bounded_memory(tmp_path: Path) -> None:
    src = tmp_path / "bomb.jsonl.gz"
    line = json.dumps({"text": "a" * 1000}).encode() + b"\n"
    with gzip.open(src, "wb", compresslevel=9) as fh:
        for _ in range(200):
            fh.write(line * 1000)  # 200 MB decompressed
    assert src.stat().st_size < 1_000_000
    tracemalloc.start()
    copy, problem = _decompress(jsonl_file(src), tmp_path / "copy.jsonl", 5_000_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert problem is not None and problem.reason == "too_large"
    assert "input.max_file_bytes=5000000" in problem.detail
    size = Path(copy.path).stat().st_size
    assert 4_990_000 < size <= 5_000_000 and size % len(line) == 0
    assert peak < 10_000_000


def test_not_gzip_is_corrupt(tmp_path: Path) -> None:
    src = tmp_path / "x.jsonl.gz"
    src.write_bytes(b'{"text": "plain"}\n')
    _, problem = _decompress(jsonl_file(src), tmp_path / "copy.jsonl", 10**9)
    assert problem is not None and problem.reason == "corrupt_gzip"


def test_stdin_copy_is_bounded(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = gz_records(100)
    fake = io.TextIOWrapper(io.BytesIO(data))
    monkeypatch.setattr(sys, "stdin", fake)
    o = opts(settings, max_file_bytes=len(data) // 2)
    _, skipped = discover(["-"], o, tmp_path / "stdin.jsonl")
    assert [(r.id, r.reason) for r in skipped] == [("stdin:<rest>", "too_large")]
    copied = (tmp_path / "stdin.jsonl").read_bytes()
    assert copied.endswith(b"\n") and data.startswith(copied) and len(copied) <= len(data) // 2


@pytest.mark.parametrize(("line", "reason"), [
    (b'{"text": "a", "score": NaN}', "malformed_json"),
    (b'{"text": "a", "n": ' + b"1" * 5000 + b"}", "malformed_json"),
    (b"[" * 100_000 + b"]" * 100_000, "too_deep"),
    (b'{"text": "caf\xe9"}', "malformed_json"),
    (b'"just a string"', "not_an_object"),
    (b"   \t", "empty"),
    (b'{"id": "x"}', "missing_text"),
    (b'{"id": "x", "text": {"nested": 1}}', "text_not_string"),
])
def test_bad_records(settings: Settings, tmp_path: Path, line: bytes, reason: str) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(line + b"\n")
    items, _ = read_all([jsonl_file(path)], settings.input, tmp_path)
    assert len(items) == 1 and isinstance(items[0], Reject)
    assert items[0].reason == reason and items[0].detail


@pytest.mark.parametrize(("raw_id", "expected", "meta"), [
    ("abc", "abc", {}), (7, "7", {}), (True, "r.jsonl:1", {"id": True}), ("", "r.jsonl:1", {"id": ""}),
    (1.5, "r.jsonl:1", {"id": 1.5}), (["a"], "r.jsonl:1", {"id": ["a"]}),
])
def test_record_ids(settings: Settings, tmp_path: Path, raw_id: object, expected: str, meta: dict) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"id": raw_id, "text": "t"}) + "\n")
    items, _ = read_all([jsonl_file(path)], settings.input, tmp_path)
    assert isinstance(items[0], RawDoc)
    assert (items[0].id, items[0].meta) == (expected, meta)


def test_utf8_bom_at_line_start_is_ignored(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "x"}\r\n\xef\xbb\xbf{"id": "b", "text": "y"}\r\n')
    items, _ = read_all([jsonl_file(path)], settings.input, tmp_path)
    assert [(type(i).__name__, i.id) for i in items] == [("RawDoc", "a"), ("RawDoc", "b")]


def test_escaped_lone_surrogate_is_read(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"id": "s\\udc80", "text": "a \\ud800 b"}\n')
    items, _ = read_all([jsonl_file(path)], settings.input, tmp_path)
    assert isinstance(items[0], RawDoc) and items[0].text == "a \ud800 b" and items[0].id == "s\udc80"


def test_shard_line_ranges_cover_every_line(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    lines = "".join(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(25))
    path.write_text(lines + '{"text": "y"}')
    shards, _ = plan_shards([jsonl_file(path)], 10, tmp_path, settings.input)
    assert [(s.first_line, s.kind) for s in shards] == [(1, "jsonl"), (11, "jsonl"), (21, "jsonl")]
    items = [i for s in shards for i in read_shard(Shard.from_json(s.to_json()), settings.input)]
    assert [i.id for i in items] == [str(i) for i in range(25)] + ["r.jsonl:26"]


def test_default_limits_are_configured() -> None:
    s = load_settings()
    assert 1_000_000 <= s.input.max_doc_bytes <= 50_000_000
    assert s.input.max_doc_bytes <= s.input.max_file_bytes
