"""Persistent dedup index backends: SQLite (a file path) and Redis (``redis://host:port/db``)."""

from __future__ import annotations

from typing import Any

from flows.index.base import (
    DedupIndexError,
    Entry,
    Index,
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexUnreachableError,
    index_params,
)


def is_redis(location: str) -> bool:
    return location.startswith(("redis://", "rediss://", "unix://"))


def open_index(location: str, settings: Any, create: bool = True) -> Index:
    """Open (creating if needed) the index at ``location`` bound to the MinHash/LSH settings."""
    from flows.dedup import lsh_shape

    params = index_params(settings, *lsh_shape(settings))
    opts = settings.index
    if is_redis(location):
        from flows.index.redis import RedisIndex

        return RedisIndex(location, params, opts)
    from flows.index.sqlite import SqliteIndex

    return SqliteIndex(location, params, opts.lock_timeout_s, opts.check, create=create)


__all__ = [
    "DedupIndexError",
    "Entry",
    "Index",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexUnreachableError",
    "is_redis",
    "open_index",
]
