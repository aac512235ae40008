"""Finding input documents, planning shards, and reading the documents of one shard."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import orjson

from flows.atomic import READ_BUFFER
from flows.config import InputOptions
from flows.documents import RawDoc, Reject

_BOM = b"\xef\xbb\xbf"
_CHUNK = 1 << 20  # bytes read at a time: memory per file stays bounded whatever the input


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


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _walk(root: Path, opts: InputOptions, skipped: list[Reject]) -> Iterator[Path]:
    """Input files under ``root`` in sorted order.

    Symlink loops, unreadable folders, broken symlinks and non-regular files (FIFOs, devices: reading
    them could block forever) with an input extension are reported as rejects, never silently skipped.
    """
    seen: set[str] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        real = os.path.realpath(folder)
        rel = _rel(folder, root)
        if real in seen:
            parent = os.path.realpath(folder.parent)
            if parent == real or parent.startswith(real.rstrip(os.sep) + os.sep):
                skipped.append(Reject(rel, str(folder), "symlink_loop", f"{folder} leads back to {real}"))
            else:
                skipped.append(Reject(rel, str(folder), "duplicate_folder",
                                      f"{folder} is {real}, already read under another name"))
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(Reject(rel, str(folder), "unreadable", f"cannot list folder: {exc.strerror}"))
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=opts.follow_symlinks):
                    subdirs.append(path)
                    continue
                if entry.is_file(follow_symlinks=opts.follow_symlinks):
                    yield path
                    continue
            except OSError:
                pass
            if _kind(path, opts) is None:
                continue
            problem = _not_regular(path, opts.follow_symlinks)
            if problem:
                skipped.append(Reject(_rel(path, root), str(path), *problem))
        stack.extend(reversed(subdirs))


def _not_regular(path: Path, follow_symlinks: bool) -> tuple[str, str] | None:
    """Why ``path`` (named like an input file) is not a readable regular file, or None if it is."""
    try:
        st = path.stat() if follow_symlinks else path.lstat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink_loop", f"symlink {path} resolves to itself"
        if path.is_symlink():
            return "broken_symlink", f"symlink {path} -> {os.readlink(path)} points nowhere"
        return "unreadable", f"cannot stat: {exc.strerror}"
    if stat.S_ISREG(st.st_mode):
        return None
    if stat.S_ISLNK(st.st_mode):
        return "symlink_skipped", f"{path} is a symlink and input.follow_symlinks is false"
    kind = "FIFO" if stat.S_ISFIFO(st.st_mode) else "device" if stat.S_ISCHR(st.st_mode) or \
        stat.S_ISBLK(st.st_mode) else "socket" if stat.S_ISSOCK(st.st_mode) else "special file"
    return "not_a_regular_file", f"{path} is a {kind}, not a regular file"


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
                copied = _copy_bounded(sys.stdin.buffer, fh, opts.max_file_bytes)
            if copied > opts.max_file_bytes:
                skipped.append(Reject("stdin:<rest>", "stdin", "too_large",
                                      f"standard input exceeds input.max_file_bytes={opts.max_file_bytes}; "
                                      "the rest was not read"))
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
                site = _site_of_folder(rel, path)
                files.append(InputFile(str(file), kind, rel.as_posix(), str(file), site))
        else:
            kind = _kind(path, opts)
            if kind is None:
                raise InputError(
                    f"input {arg} is neither a folder nor a file ending in "
                    f"{', '.join(opts.text_extensions + opts.jsonl_extensions)}"
                )
            problem = _not_regular(path, follow_symlinks=True)  # named by the user: followed
            if problem:
                raise InputError(f"input {arg}: {problem[1]}")
            files.append(InputFile(str(path), kind, path.name, str(path), str(path.parent)))
    return files, skipped


def _copy_bounded(src: IO[bytes], dst: IO[bytes], limit: int) -> int:
    """Copy at most ``limit`` bytes, ending at a line end; returns ``limit + 1`` if the source was longer."""
    written = 0
    while chunk := src.read(_CHUNK):
        if written + len(chunk) > limit:
            keep = chunk[: limit - written]
            dst.write(keep[: keep.rfind(b"\n") + 1])
            return limit + 1
        dst.write(chunk)
        written += len(chunk)
    return written


def _inflate(raw: IO[bytes]) -> Iterator[bytes]:
    """Decompressed blocks of a (possibly multi-member) gzip stream; raises EOFError if it is truncated."""
    dec = zlib.decompressobj(wbits=31)
    fed = False
    while block := raw.read(_CHUNK):
        while block:
            fed = True
            data = dec.decompress(block, _CHUNK)  # bounded output: a bomb never sits in memory
            if data:
                yield data
            if dec.eof:
                block = dec.unused_data.lstrip(b"\0")  # next member; zero padding is allowed
                dec, fed = zlib.decompressobj(wbits=31), False
            else:
                block = dec.unconsumed_tail
    if fed and not dec.eof:
        raise EOFError("compressed stream ends before its end marker (truncated file)")


def _decompress(file: InputFile, target: Path, limit: int) -> tuple[InputFile, Reject | None]:
    """Copy a ``.gz`` input into the work folder, stopping at ``limit`` decompressed bytes or at damage.

    Every complete line decoded before a truncation, corruption or the limit is kept; the unreadable
    rest of the file becomes one reject (id ``<name>:<rest>``), never a silent loss.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    problem = None
    written = 0
    last_line_end = 0
    with open(file.path, "rb") as raw, target.open("wb") as out:
        try:
            for data in _inflate(raw):
                if written + len(data) > limit:
                    data = data[: limit - written]
                    problem = ("too_large", f"decompressed size exceeds input.max_file_bytes={limit}; "
                               "the rest of the file was not read")
                nl = data.rfind(b"\n")
                if nl >= 0:
                    last_line_end = written + nl + 1
                out.write(data)
                written += len(data)
                if problem:
                    break
        except EOFError as exc:
            problem = ("truncated_gzip", f"{exc}, after {written} decompressed bytes")
        except zlib.error as exc:
            problem = ("corrupt_gzip", f"not a valid gzip stream after {written} decompressed bytes: {exc}")
        if problem:
            out.truncate(last_line_end)  # a record cut by the damage or the limit is not used
    copy = InputFile(str(target), "jsonl", file.name, file.source, file.site)
    reject = Reject(f"{file.name}:<rest>", file.source, problem[0], problem[1]) if problem else None
    return copy, reject


def plan_shards(
    files: list[InputFile], shard_size: int, work: Path, opts: InputOptions
) -> tuple[list[Shard], list[Reject]]:
    """Cut the inputs into shards of about ``shard_size`` documents (JSONL by line ranges).

    JSONL files are scanned in fixed-size blocks, so a huge single line never needs to fit in memory;
    a file longer than ``input.max_file_bytes`` is used up to that size and its rest is rejected.
    """
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
        limit = opts.max_file_bytes
        if file.path.lower().endswith(".gz"):
            try:
                file, problem = _decompress(file, work / "inputs" / f"{n:06d}.jsonl", limit)
            except OSError as exc:
                if exc.filename != file.path:
                    raise  # the work folder, not the input, is the problem (e.g. disk full)
                problems.append(Reject(file.name, file.source, "unreadable", f"cannot read: {exc.strerror}"))
                continue
            if problem:
                problems.append(problem)
        try:
            fh = open(file.path, "rb")  # noqa: SIM115 - closed below; errors become rejects
        except OSError as exc:
            problems.append(Reject(file.name, file.source, "unreadable", f"cannot open: {exc.strerror}"))
            continue
        with fh:
            size = os.fstat(fh.fileno()).st_size
            ends = _scan_lines(fh, min(size, limit), whole=size <= limit)
        if size > limit:
            problems.append(Reject(f"{file.name}:<rest>", file.source, "too_large",
                                   f"file of {size} bytes exceeds input.max_file_bytes={limit}; "
                                   "the rest of the file was not read"))
        start, first_line = 0, 1
        for i in range(0, len(ends), shard_size):
            batch = ends[i : i + shard_size]
            shards.append(Shard(len(shards), "jsonl", (file,), start, batch[-1], first_line))
            start, first_line = batch[-1], first_line + len(batch)
    flush_text()
    return shards, problems


def _scan_lines(fh: IO[bytes], limit: int, whole: bool) -> list[int]:
    """Offsets just after each line in the first ``limit`` bytes.

    A final line without a newline counts only when ``whole`` (the limit is the end of the file).
    """
    ends: list[int] = []
    pos = 0
    while pos < limit and (chunk := fh.read(min(_CHUNK, limit - pos))):
        start = 0
        while (nl := chunk.find(b"\n", start)) >= 0:
            ends.append(pos + nl + 1)
            start = nl + 1
        pos += len(chunk)
    if whole and pos > (ends[-1] if ends else 0):
        ends.append(pos)
    return ends


# ``http(s)://host`` with a lower-case ASCII host name, no port or user, then the end, "/", "?" or "#":
# the host is what ``urlsplit(url).hostname`` gives, at a fraction of its cost (others take urlsplit)
_SIMPLE_URL = re.compile(r"https?://([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?:[/?#]|\Z)")


def _site_from_record(record: dict[str, Any], default: str) -> str:
    for key in ("source", "domain"):
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    url = record.get("url")
    if isinstance(url, str) and url:
        simple = _SIMPLE_URL.match(url)
        if simple:
            return simple[1].removeprefix("www.")
        try:
            host = urlsplit(url).hostname
        except ValueError:  # e.g. a malformed IPv6 literal
            host = None
        if host:
            return host.removeprefix("www.")
    return default


def read_shard(shard: Shard, opts: InputOptions) -> Iterator[RawDoc | Reject]:
    """The documents of one shard, in input order; unusable records come out as :class:`Reject`.

    Never reads more than ``input.max_doc_bytes + 1`` bytes of one document into memory.
    """
    limit = opts.max_doc_bytes
    if shard.kind == "text":
        for file in shard.files:
            try:
                with open(file.path, "rb") as fh:
                    data = fh.read(limit + 1)
                    if len(data) > limit:
                        size = os.fstat(fh.fileno()).st_size
                        yield Reject(file.name, file.source, "too_large",
                                     f"{size} bytes > input.max_doc_bytes={limit}")
                        continue
            except OSError as exc:
                yield Reject(file.name, file.source, "unreadable", f"cannot read: {exc.strerror}")
                continue
            yield RawDoc(file.name, file.source, file.site, {}, data=data)
        return
    file = shard.files[0]
    with open(file.path, "rb", buffering=READ_BUFFER) as fh:
        fh.seek(shard.start)
        line_no = shard.first_line - 1
        pos = shard.start
        while pos < shard.end:
            line = fh.readline(min(limit + 1, shard.end - pos))
            if not line:
                break
            line_no += 1
            length = len(line)
            if length > limit:
                if not line.endswith(b"\n"):
                    length += _skip_line(fh, shard.end - pos - length)
                pos += length
                yield Reject(f"{file.name}:{line_no}", file.source, "too_large",
                             f"line of {length} bytes > input.max_doc_bytes={limit}")
                continue
            pos += length
            yield _parse_record(line, file, line_no, opts)


def _skip_line(fh: IO[bytes], budget: int) -> int:
    """Skip to just after the next newline (at most ``budget`` bytes); returns the bytes skipped."""
    skipped = 0
    while skipped < budget:
        chunk = fh.readline(min(_CHUNK, budget - skipped))
        if not chunk:
            break
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _loads_record(line: bytes) -> Any:
    """``json.loads(line, parse_constant=_reject_constant)``, by orjson when its result is the same.

    orjson (~3× faster) refuses most of what :mod:`json` reads differently or refuses (NaN, Infinity,
    numbers out of float range, lone surrogates, non-UTF-8 text). It does read integers beyond 64 bits
    (as floats) and nesting deeper than :mod:`json`'s recursion limit: a result holding a float of
    magnitude ≥ 2**63 or nested deeper than ``_MAX_DEPTH``, and every line orjson refuses, is read by
    :mod:`json` (its value, or its error)."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line, parse_constant=_reject_constant)
    if not _plain(record):
        return json.loads(line, parse_constant=_reject_constant)
    return record


def _plain(value: Any) -> bool:
    """No float of magnitude ≥ 2**63 (what orjson makes of a huge integer) and nesting at most
    ``_MAX_DEPTH`` deep. Iterative, so deep nesting never hits Python's recursion limit here."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, float):
            if not -_HUGE < item < _HUGE:
                return False
        elif isinstance(item, dict | list):
            if depth >= _MAX_DEPTH:
                return False
            values = item.values() if isinstance(item, dict) else item
            stack.extend((v, depth + 1) for v in values if not isinstance(v, str))
    return True


_MAX_DEPTH = 100  # far below json's recursion limit; deeper records are rare and take the slow path
_HUGE = float(2**63)


def _parse_record(line: bytes, file: InputFile, line_no: int, opts: InputOptions) -> RawDoc | Reject:
    default_id = f"{file.name}:{line_no}"
    if len(line) > opts.max_doc_bytes:
        return Reject(default_id, file.source, "too_large",
                      f"line of {len(line)} bytes > input.max_doc_bytes={opts.max_doc_bytes}")
    if line.startswith(_BOM):  # a file saved with a BOM, or several such files concatenated
        line = line[len(_BOM):]
    if not line.strip():
        return Reject(default_id, file.source, "empty", "blank line")
    try:
        record = _loads_record(line)
    except RecursionError:
        return Reject(default_id, file.source, "too_deep", "JSON nested too deeply to parse")
    except UnicodeDecodeError as exc:
        return Reject(default_id, file.source, "malformed_json", f"invalid UTF-8 at byte {exc.start}")
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity, integers over Python's digit limit
        return Reject(default_id, file.source, "malformed_json", str(exc)[:200])
    if not isinstance(record, dict):
        return Reject(default_id, file.source, "not_an_object",
                      f"JSON {type(record).__name__}, not an object")
    raw_id = record.pop("id", None)
    if isinstance(raw_id, str) and raw_id:
        doc_id = raw_id
    elif isinstance(raw_id, int) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        doc_id = default_id
        if raw_id is not None:
            record["id"] = raw_id  # not usable as an id (empty, float, list, ...): carried in meta
    if "text" not in record:
        return Reject(doc_id, file.source, "missing_text", "record has no 'text' field")
    text = record.pop("text")
    if not isinstance(text, str):
        return Reject(doc_id, file.source, "text_not_string", f"'text' is {type(text).__name__}")
    return RawDoc(doc_id, file.source, _site_from_record(record, file.site), record, text=text)
