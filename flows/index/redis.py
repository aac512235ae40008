"""The Redis dedup index: the SQLite index's semantics on a Redis server shared by many workers.

Keys (``P`` = ``index.redis_prefix``): ``P:meta`` (hash: format, version, bound settings), ``P:runs``
(hash: run name → run number), ``P:run:N`` (hash: name, added, docs), ``P:docseq`` (counter),
``P:doc:N`` (hash: id, run, sig), ``P:x:KEY`` (first document with an exact key), ``P:b:KEY`` (set of
documents with a band key), ``P:id:ID`` (set of documents stored under an id, for ``explain``).

Every lookup and the additions of a run go through pipelines in chunks of ``index.query_batch``
documents (no per-key round trips). A run's additions are one MULTI/EXEC transaction, so other
clients see all of them or none; they are idempotent (document numbers are reserved first), so a
retry after a lost reply cannot duplicate anything. A run holds ``P:lock`` (SET NX with a TTL)
from its first lookup to its commit: a second run waits up to ``index.lock_timeout_s`` and then
fails with a clear message. Connection failures are retried ``index.redis_retries`` times, then
reported with the server's address.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import numpy as np
import redis

from flows.index.base import (
    FORMAT,
    VERSION,
    Entry,
    IndexCorruptError,
    IndexLockedError,
    IndexUnreachableError,
    check_meta,
)

T = TypeVar("T")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisSession:
    def __init__(self, index: RedisIndex, run: str) -> None:
        self.ix = index
        self.run = run
        self.p = index.prefix
        number = index.call(lambda r: r.hget(f"{self.p}:runs", run))
        self.already_added = number is not None
        self._run_no = int(number) if number is not None else None
        self._names: dict[int, str] = {}
        self._pending: Callable[[redis.Redis], None] | None = None

    def commit(self) -> None:
        if self._pending is not None:
            self.ix.call(self._pending)
            self._pending = None

    def _name(self, run_no: int) -> str:
        if run_no not in self._names:
            raw = self.ix.call(lambda r: r.hget(f"{self.p}:run:{run_no}", "name"))
            self._names[run_no] = raw.decode("utf-8") if raw else f"run {run_no}"
        return self._names[run_no]

    def exact(self, keys: list[int]) -> dict[int, Entry]:
        unique = sorted(set(keys))

        def get(r: redis.Redis) -> list[Any]:
            pipe = r.pipeline(transaction=False)
            for key in unique:
                pipe.get(f"{self.p}:x:{key}")
            return pipe.execute()

        refs = {key: int(v) for key, v in zip(unique, self.ix.call(get), strict=True) if v is not None}
        entries = self.entries(list(refs.values()))
        return {
            k: entries[ref]
            for k, ref in refs.items()
            if ref in entries and not self._mine_entry(entries[ref])
        }

    def _mine_entry(self, entry: Entry) -> bool:
        return self._run_no is not None and entry.run == self.run

    def candidates(self, band_keys: np.ndarray) -> list[tuple[int, int]]:
        flat = band_keys.ravel().tolist()

        def get(r: redis.Redis) -> list[Any]:
            pipe = r.pipeline(transaction=False)
            for key in flat:
                pipe.smembers(f"{self.p}:b:{key}")
            return pipe.execute()

        bands = band_keys.shape[1]
        pairs = {(k // bands, int(ref)) for k, members in enumerate(self.ix.call(get)) for ref in members}
        entries = self.entries([ref for _, ref in pairs])
        return sorted(
            (row, ref) for row, ref in pairs if ref in entries and not self._mine_entry(entries[ref])
        )

    def entries(self, refs: list[int]) -> dict[int, Entry]:
        unique = sorted(set(refs))

        def get(r: redis.Redis) -> list[Any]:
            pipe = r.pipeline(transaction=False)
            for ref in unique:
                pipe.hmget(f"{self.p}:doc:{ref}", "id", "run", "sig")
            return pipe.execute()

        out = {}
        for ref, (doc_id, run, sig) in zip(unique, self.ix.call(get), strict=True):
            if doc_id is None:
                continue
            out[ref] = Entry(ref, doc_id.decode("utf-8", "surrogateescape"), self._name(int(run)), sig)
        return out

    def add(self, ids: list[str], exact_keys: list[int], band_keys: np.ndarray, sig16: list[bytes]) -> None:
        if self.already_added:
            return
        p = self.p
        run_no = int(self.ix.call(lambda r: r.incr(f"{p}:runseq")))
        last = int(self.ix.call(lambda r: r.incrby(f"{p}:docseq", max(len(ids), 1))))
        first = last - max(len(ids), 1) + 1
        added = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

        def write(r: redis.Redis) -> None:
            pipe = r.pipeline(transaction=True)  # MULTI/EXEC: all of the run or nothing
            for k, doc_id in enumerate(ids):
                ref = first + k
                pipe.hset(f"{p}:doc:{ref}", mapping={"id": doc_id, "run": run_no, "sig": sig16[k]})
                pipe.set(f"{p}:x:{exact_keys[k]}", ref, nx=True)
                pipe.sadd(f"{p}:id:{doc_id}", ref)
                for key in band_keys[k].tolist():
                    pipe.sadd(f"{p}:b:{key}", ref)
            pipe.hset(f"{p}:run:{run_no}", mapping={"name": self.run, "added": added, "docs": len(ids)})
            pipe.hset(f"{p}:runs", self.run, run_no)
            pipe.execute()

        self._pending = write  # applied by commit() when the session ends without an error
        self._run_no = run_no
        self._names[run_no] = self.run
        self.already_added = True


class RedisIndex:
    """A dedup index on a Redis server, addressed by ``redis://host:port/db``."""

    def __init__(self, url: str, params: dict[str, Any], opts: Any) -> None:
        self.location = url
        self.prefix = opts.redis_prefix
        self.opts = opts
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=opts.redis_timeout_s, socket_timeout=opts.redis_timeout_s
        )
        self._check_meta(params)

    def call(self, fn: Callable[[redis.Redis], T]) -> T:
        """Run ``fn(client)``, retrying connection failures; then a clear error naming the server."""
        last: Exception | None = None
        for attempt in range(self.opts.redis_retries):
            try:
                return fn(self.client)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                last = exc
                if attempt + 1 < self.opts.redis_retries:
                    time.sleep(self.opts.redis_retry_delay_s * (attempt + 1))
        raise IndexUnreachableError(
            f"Redis dedup index at {self.location} is unreachable after "
            f"{self.opts.redis_retries} attempts: {last}"
        )

    def _check_meta(self, params: dict[str, Any]) -> None:
        key = f"{self.prefix}:meta"
        wanted = {"format": FORMAT, "version": str(VERSION), "params": json.dumps(params, sort_keys=True)}

        def init(r: redis.Redis) -> None:
            pipe = r.pipeline(transaction=True)  # a fresh index gets all its meta fields at once
            for field, value in wanted.items():
                pipe.hsetnx(key, field, value)
            pipe.execute()

        self.call(init)
        meta = {k.decode(): v.decode() for k, v in self.call(lambda r: r.hgetall(key)).items()}
        if meta.get("format") != FORMAT or "params" not in meta:
            raise IndexCorruptError(f"Redis keys {key} at {self.location} are not a textwash dedup index")
        check_meta(meta, params, f"Redis dedup index at {self.location}",
                   "use another index.redis_prefix or the settings it was built with")

    @contextmanager
    def session(self, run: str) -> Iterator[RedisSession]:
        lock, token = f"{self.prefix}:lock", uuid.uuid4().hex
        ttl_ms = int(self.opts.redis_lock_ttl_s * 1000)
        deadline = time.monotonic() + self.opts.lock_timeout_s
        while not self.call(lambda r: r.set(lock, token, nx=True, px=ttl_ms)):
            if time.monotonic() >= deadline:
                holder = self.call(lambda r: r.pttl(lock))
                raise IndexLockedError(
                    f"Redis dedup index at {self.location} is in use by another run: waited "
                    f"{self.opts.lock_timeout_s:g} s (index.lock_timeout_s); its lock expires in "
                    f"{max(holder, 0) / 1000:.0f} s at the latest"
                )
            time.sleep(0.1)
        try:
            session = RedisSession(self, run)
            yield session
            session.commit()
        finally:
            self.call(lambda r: r.eval(_RELEASE, 1, lock, token))

    def find(self, doc_id: str) -> list[Entry]:
        refs = sorted(int(x) for x in self.call(lambda r: r.smembers(f"{self.prefix}:id:{doc_id}")))
        entries = RedisSession(self, "").entries(refs)
        return [entries[ref] for ref in refs if ref in entries]

    def stats(self) -> dict[str, Any]:
        runs = self.call(lambda r: r.hlen(f"{self.prefix}:runs"))
        docs = int(self.call(lambda r: r.get(f"{self.prefix}:docseq")) or 0)
        return {"backend": "redis", "location": self.location, "runs": runs, "docs_reserved": docs}

    def close(self) -> None:
        self.client.close()
