"""Atomic file writes: write to a temporary name in the same folder, fsync, then rename.

:class:`AtomicFiles` extends this to a set of files that must change together (the public outputs):
all are written and synced under temporary names first, and only then renamed, so a failure while
writing (disk full, a crash) leaves every earlier output untouched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

TMP_MARK = ".tmp-"


def dumps_bytes(record: Any) -> bytes:
    """One compact JSON line (UTF-8, no newline) that is always valid UTF-8.

    orjson is ~5× faster than the standard library on our records; what it refuses (lone surrogates,
    integers over 64 bits, non-string keys) goes through :mod:`json`, where lone surrogates (e.g. from
    ``"\\ud800"`` in an input) stay JSON escapes instead of making the output unencodable.
    """
    try:
        return orjson.dumps(record, default=_raw_fragment)
    except (TypeError, orjson.JSONEncodeError):
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_raw_value)
        try:
            return line.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(record, ensure_ascii=True, separators=(",", ":"), default=_raw_value).encode("ascii")


class Raw:
    """A JSON value kept as the bytes orjson wrote (not parsed): :func:`dumps_bytes` copies them into the
    line, or, when the line must be written by :mod:`json`, parses them first (then the line is the
    same as for the parsed value)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def _raw_fragment(value: Any) -> orjson.Fragment:
    if isinstance(value, Raw):
        return orjson.Fragment(value.data)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def _raw_value(value: Any) -> Any:
    if isinstance(value, Raw):
        return loads(value.data)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(record: Any) -> str:
    """:func:`dumps_bytes` as text."""
    return dumps_bytes(record).decode("utf-8")


def loads(line: bytes | str) -> Any:
    """Parse one JSON line (orjson, falling back to :mod:`json` for what orjson refuses, e.g. huge ints)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def tmp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}")


def _with_path(exc: OSError, path: Path) -> OSError:
    """The same error, naming ``path`` if it named no file (write errors such as ENOSPC do not)."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return type(exc)(exc.errno, exc.strerror, str(path))


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not supported everywhere; the renames are atomic regardless
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_stale_tmp(folder: Path, names: Iterable[str]) -> list[Path]:
    """Remove temporary files of ``names`` left in ``folder`` by processes that no longer run."""
    removed = []
    for name in names:
        for tmp in folder.glob(f".{name}{TMP_MARK}*"):
            pid = tmp.name.rsplit(TMP_MARK, 1)[1]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8"}
    try:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _with_path(exc, path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _NoDigest:
    def update(self, data: bytes) -> None:
        pass

    def hexdigest(self) -> str:
        return ""


class AtomicFiles:
    """Several JSONL files replaced together, with a line count and SHA-256 per file.

    ``marker`` (e.g. ``report.json``) is removed just before the renames: it is written again by the
    caller once everything is in place, so "marker present" means "this output set is complete".
    """

    def __init__(self, folder: Path, names: Iterable[str], marker: str | None = None,
                 digests: bool = True) -> None:
        self.folder = folder
        self.names = tuple(names)
        self.marker = marker
        self.fh: dict[str, IO[bytes]] = {}
        self.lines = dict.fromkeys(self.names, 0)
        # digests=False: parts that are hashed again when concatenated need no SHA-256 of their own
        self.sha = {name: hashlib.sha256() if digests else _NoDigest() for name in self.names}

    def __enter__(self) -> AtomicFiles:
        self.folder.mkdir(parents=True, exist_ok=True)
        remove_stale_tmp(self.folder, [*self.names, *([self.marker] if self.marker else [])])
        try:
            for name in self.names:
                self.fh[name] = open(tmp_path(self.folder / name), "wb")
        except OSError as exc:
            self._discard()
            raise _with_path(exc, self.folder / name) from exc
        return self

    def write(self, name: str, record: Any) -> None:
        data = dumps_bytes(record) + b"\n"
        try:
            self.fh[name].write(data)
        except OSError as exc:
            raise _with_path(exc, self.folder / name) from exc
        self.sha[name].update(data)
        self.lines[name] += 1

    def append_file(self, name: str, path: Path, chunk: int = 1 << 20) -> None:
        """Append a file of complete JSON lines (e.g. a shard's rendered part) to ``name``."""
        fh = self.fh[name]
        sha = self.sha[name]
        lines = 0
        with open(path, "rb") as src:
            while data := src.read(chunk):
                try:
                    fh.write(data)
                except OSError as exc:
                    raise _with_path(exc, self.folder / name) from exc
                sha.update(data)
                lines += data.count(b"\n")
        self.lines[name] += lines

    def _discard(self) -> None:
        for name, fh in self.fh.items():
            with contextlib.suppress(OSError):
                fh.close()
            tmp_path(self.folder / name).unlink(missing_ok=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            self._discard()
            return
        name = ""
        try:
            for name, fh in self.fh.items():  # noqa: B007 - name is used in the error below
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
        except OSError as err:
            self._discard()
            raise _with_path(err, self.folder / name) from err
        if self.marker:
            (self.folder / self.marker).unlink(missing_ok=True)
        for name in self.names:
            os.replace(tmp_path(self.folder / name), self.folder / name)
        _fsync_dir(self.folder)

    def summary(self) -> dict[str, dict[str, Any]]:
        return {n: {"lines": self.lines[n], "sha256": self.sha[n].hexdigest()} for n in self.names}


def write_json(path: Path, data: Any) -> None:
    """Pretty JSON, atomically; like :func:`dumps`, always valid UTF-8."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, indent=2, sort_keys=True)
    with atomic_open(path) as fh:
        fh.write(text)
        fh.write("\n")


def write_json_compact(path: Path, data: Any) -> None:
    """One compact JSON value (:func:`dumps_bytes`), atomically: for the work folder's big tables, where
    :func:`write_json`'s indentation runs :mod:`json`'s pure-Python encoder."""
    with atomic_open(path, "wb") as fh:
        fh.write(dumps_bytes(data))
        fh.write(b"\n")


# read buffer for JSON Lines files (inputs, shard files): lines of a few KB iterate ~2x cheaper than
# with the default 8 KB
READ_BUFFER = 1 << 18


def read_jsonl(path: Path) -> Iterator[Any]:
    with open(path, "rb", buffering=READ_BUFFER) as fh:
        for line in fh:
            yield loads(line)
