"""Finding input documents, planning shards, and reading the documents of one shard."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.config import InputOptions
from flows.documents import RawDoc, Reject


class InputError(ValueError):
    """An input path is missing or unusable (a usage error: exit code 2)."""


@dataclass(frozen=True)
class InputFile:
    path: str  # file to read (for stdin and .gz: a copy in the work folder)
    kind: str  # "text" or "jsonl"
    name: str  # id for text files; id prefix for JSONL lines
    source: str  # where the document came from, as the user named it
    site: str  # grouping key for cross-document boilerplate


@dataclass(frozen=True)
class Shard:
    index: int
    kind: str
    files: tuple[InputFile, ...]  # text shards: many files; JSONL shards: one file
    start: int = 0  # JSONL: byte range and number of the first line
    end: int = 0
    first_line: int = 1

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Shard:
        files = tuple(InputFile(**f) for f in data.pop("files"))
        return cls(files=files, **data)


def _kind(path: Path, opts: InputOptions) -> str | None:
    name = path.name.lower()
    if any(name.endswith(ext) for ext in opts.jsonl_extensions):
        return "jsonl"
    if any(name.endswith(ext) for ext in opts.text_extensions):
        return "text"
    return None


def _walk(root: Path, opts: InputOptions, skipped: list[Reject]) -> Iterator[Path]:
    """Files under ``root`` in sorted order; symlink loops and unreadable folders are reported."""
    seen: set[str] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        if real in seen:
            skipped.append(Reject(str(folder), str(folder), "symlink_loop", f"{folder} leads back to {real}"))
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Reject(str(folder), str(folder), "unreadable", f"cannot list folder: {exc.strerror}"))
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=opts.follow_symlinks):
                    subdirs.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=opts.follow_symlinks):
                    yield Path(entry.path)
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def _site_of_folder(rel: Path, root: Path) -> str:
    return str(root / rel.parent) if rel.parent != Path(".") else str(root)


def discover(inputs: list[str], opts: InputOptions, stdin_copy: Path) -> tuple[list[InputFile], list[Reject]]:
    """Resolve the CLI's INPUT arguments to files; raises :class:`InputError` for a missing path."""
    files: list[InputFile] = []
    skipped: list[Reject] = []
    for arg in inputs:
        if arg == "-":
            stdin_copy.parent.mkdir(parents=True, exist_ok=True)
            with stdin_copy.open("wb") as fh:
                shutil.copyfileobj(sys.stdin.buffer, fh)
            files.append(InputFile(str(stdin_copy), "jsonl", "stdin", "stdin", "stdin"))
            continue
        path = Path(arg)
        if not path.exists():
            raise InputError(f"input not found: {arg}")
        if path.is_dir():
            for file in _walk(path, opts, skipped):
                kind = _kind(file, opts)
                if kind is None:
                    continue
                rel = file.relative_to(path)
                files.append(InputFile(str(file), kind, rel.as_posix(), str(file), _site_of_folder(rel, path)))
        else:
            kind = _kind(path, opts)
            if kind is None:
                raise InputError(
                    f"input {arg} is neither a folder nor a file ending in "
                    f"{', '.join(opts.text_extensions + opts.jsonl_extensions)}"
                )
            files.append(InputFile(str(path), kind, path.name, str(path), str(path.parent)))
    return files, skipped


def _decompress(file: InputFile, target: Path, limit: int) -> tuple[InputFile, Reject | None]:
    """Copy a ``.gz`` input into the work folder, stopping at ``limit`` bytes or a truncated stream."""
    target.parent.mkdir(parents=True, exist_ok=True)
    problem = None
    written = 0
    with open(file.path, "rb") as raw, target.open("wb") as out:
        gz = gzip.GzipFile(fileobj=raw)
        try:
            while chunk := gz.read(1 << 20):
                written += len(chunk)
                if written > limit:
                    problem = ("too_large", f"decompressed size exceeds input.max_file_bytes={limit}")
                    break
                out.write(chunk)
        except (EOFError, OSError, zlib.error) as exc:
            problem = ("truncated_gzip", f"compressed stream ends early or is corrupt: {exc}")
    if problem:
        # Whatever precedes the damage is used; a partial last line is dropped with the rest.
        with target.open("rb+") as out:
            data = out.read()
            cut = data.rfind(b"\n") + 1
            out.truncate(cut)
    copy = InputFile(str(target), "jsonl", file.name, file.source, file.site)
    reject = Reject(f"{file.name}:<rest>", file.source, problem[0], problem[1]) if problem else None
    return copy, reject


def plan_shards(
    files: list[InputFile], shard_size: int, work: Path, opts: InputOptions
) -> tuple[list[Shard], list[Reject]]:
    """Cut the inputs into shards of about ``shard_size`` documents (JSONL by line ranges)."""
    shards: list[Shard] = []
    problems: list[Reject] = []
    text_batch: list[InputFile] = []

    def flush_text() -> None:
        if text_batch:
            shards.append(Shard(len(shards), "text", tuple(text_batch)))
            text_batch.clear()

    for n, file in enumerate(files):
        if file.kind == "text":
            text_batch.append(file)
            if len(text_batch) >= shard_size:
                flush_text()
            continue
        flush_text()
        if file.path.lower().endswith(".gz"):
            file, problem = _decompress(file, work / "inputs" / f"{n:06d}.jsonl", opts.max_file_bytes)
            if problem:
                problems.append(problem)
        try:
            fh = open(file.path, "rb")  # noqa: SIM115 - closed below; errors become rejects
        except OSError as exc:
            problems.append(Reject(file.name, file.source, "unreadable", f"cannot open: {exc.strerror}"))
            continue
        with fh:
            start, line_no, count, pos = 0, 1, 0, 0
            first_line = 1
            for line in fh:
                pos += len(line)
                count += 1
                line_no += 1
                if count >= shard_size:
                    shards.append(Shard(len(shards), "jsonl", (file,), start, pos, first_line))
                    start, first_line, count = pos, line_no, 0
            if count:
                shards.append(Shard(len(shards), "jsonl", (file,), start, pos, first_line))
    flush_text()
    return shards, problems


def _site_from_record(record: dict[str, Any], default: str) -> str:
    for key in ("source", "domain"):
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    url = record.get("url")
    if isinstance(url, str) and url:
        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    return default


def read_shard(shard: Shard, opts: InputOptions) -> Iterator[RawDoc | Reject]:
    """The documents of one shard, in input order; unusable records come out as :class:`Reject`."""
    if shard.kind == "text":
        for file in shard.files:
            try:
                size = os.path.getsize(file.path)
                if size > opts.max_doc_bytes:
                    yield Reject(file.name, file.source, "too_large", f"{size} bytes > input.max_doc_bytes")
                    continue
                with open(file.path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                yield Reject(file.name, file.source, "unreadable", f"cannot read: {exc.strerror}")
                continue
            yield RawDoc(file.name, file.source, file.site, {}, data=data)
        return
    file = shard.files[0]
    with open(file.path, "rb") as fh:
        fh.seek(shard.start)
        line_no = shard.first_line - 1
        while fh.tell() < shard.end:
            line = fh.readline()
            if not line:
                break
            line_no += 1
            yield _parse_record(line, file, line_no, opts)


def _parse_record(line: bytes, file: InputFile, line_no: int, opts: InputOptions) -> RawDoc | Reject:
    default_id = f"{file.name}:{line_no}"
    if len(line) > opts.max_doc_bytes:
        return Reject(default_id, file.source, "too_large", f"line of {len(line)} bytes > input.max_doc_bytes")
    if not line.strip():
        return Reject(default_id, file.source, "empty", "blank line")
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        return Reject(default_id, file.source, "malformed_json", str(exc)[:200])
    if not isinstance(record, dict):
        return Reject(default_id, file.source, "not_an_object", f"JSON {type(record).__name__}, not an object")
    raw_id = record.pop("id", None)
    doc_id = str(raw_id) if isinstance(raw_id, (str, int)) and str(raw_id) else default_id
    if "text" not in record:
        return Reject(doc_id, file.source, "missing_text", "record has no 'text' field")
    text = record.pop("text")
    if not isinstance(text, str):
        return Reject(doc_id, file.source, "text_not_string", f"'text' is {type(text).__name__}")
    return RawDoc(doc_id, file.source, _site_from_record(record, file.site), record, text=text)
