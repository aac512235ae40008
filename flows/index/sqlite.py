"""The embedded dedup index: one SQLite file (WAL journal, one transaction per run, no pickle).

Tables: ``meta`` (format, version, bound settings), ``runs``, ``docs`` (id, run, exact key, 16-bit
signature blob) and ``bands`` (band key, doc) as a WITHOUT ROWID b-tree, so a batch's band keys are
looked up by index: the cost of a batch grows with the batch, not with the index.

A run holds SQLite's write lock (``BEGIN IMMEDIATE``) from its first lookup to its commit, so a second
run on the same file waits up to ``index.lock_timeout_s`` and then fails with a clear message; readers
(``explain``) are never blocked. A run's additions commit atomically with its run record, so the file
holds each run completely or not at all.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from flows.index.base import (
    FORMAT,
    VERSION,
    DedupIndexError,
    Entry,
    IndexCorruptError,
    IndexLockedError,
    check_meta,
)

_MAGIC = b"SQLite format 3\x00"
_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs(run INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, added TEXT NOT NULL,
                  docs INTEGER NOT NULL);
CREATE TABLE docs(doc INTEGER PRIMARY KEY, id TEXT NOT NULL, run INTEGER NOT NULL, exact INTEGER NOT NULL,
                  sig BLOB NOT NULL);
CREATE INDEX docs_exact ON docs(exact);
CREATE TABLE bands(key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(key, doc)) WITHOUT ROWID;
"""
_CHUNK = 500  # host parameters per IN (...) query
_CACHE_KB = 32 * 1024  # SQLite page cache: bounds the RAM a query uses


class SqliteSession:
    """One run's write transaction."""

    def __init__(self, db: sqlite3.Connection, run: str) -> None:
        self.db = db
        self.run = run
        row = db.execute("SELECT run FROM runs WHERE name = ?", (run,)).fetchone()
        self.already_added = row is not None
        self._run_no = row[0] if row else None
        self._names = dict(db.execute("SELECT run, name FROM runs").fetchall())

    def _not_mine(self, run_no: int) -> bool:
        return run_no != self._run_no

    def exact(self, keys: list[int]) -> dict[int, Entry]:
        found: dict[int, Entry] = {}
        unique = sorted(set(keys))
        for i in range(0, len(unique), _CHUNK):
            part = unique[i : i + _CHUNK]
            rows = self.db.execute(
                f"SELECT exact, doc, id, run, sig FROM docs WHERE exact IN ({','.join('?' * len(part))})"
                " ORDER BY doc",
                part,
            ).fetchall()
            for exact, doc, doc_id, run, sig in rows:
                if self._not_mine(run) and exact not in found:
                    found[exact] = Entry(doc, doc_id, self._names[run], sig)
        return found

    def candidates(self, band_keys: np.ndarray) -> list[tuple[int, int]]:
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS q(row INTEGER NOT NULL, key INTEGER NOT NULL)")
        db.execute("DELETE FROM q")
        rows = np.repeat(np.arange(band_keys.shape[0]), band_keys.shape[1])
        keys = band_keys.ravel()
        order = np.argsort(keys, kind="stable")  # probe the bands b-tree in key order: neighbouring pages
        db.executemany(
            "INSERT INTO q VALUES (?, ?)", zip(rows[order].tolist(), keys[order].tolist(), strict=True)
        )
        own = -1 if self._run_no is None else self._run_no
        pairs = db.execute(
            # CROSS JOIN fixes the loop order: each query key probes the bands b-tree (never a scan of it)
            "SELECT DISTINCT q.row, b.doc FROM q CROSS JOIN bands b ON b.key = q.key"
            " CROSS JOIN docs d ON d.doc = b.doc WHERE d.run != ? ORDER BY q.row, b.doc",
            (own,),
        ).fetchall()
        db.execute("DELETE FROM q")
        return pairs

    def entries(self, refs: list[int]) -> dict[int, Entry]:
        out: dict[int, Entry] = {}
        unique = sorted(set(refs))
        for i in range(0, len(unique), _CHUNK):
            part = unique[i : i + _CHUNK]
            for doc, doc_id, run, sig in self.db.execute(
                f"SELECT doc, id, run, sig FROM docs WHERE doc IN ({','.join('?' * len(part))})", part
            ):
                out[doc] = Entry(doc, doc_id, self._names[run], sig)
        return out

    def add(self, ids: list[str], exact_keys: list[int], band_keys: np.ndarray, sig16: list[bytes]) -> None:
        if self.already_added:
            return
        db = self.db
        cur = db.execute(
            "INSERT INTO runs(name, added, docs) VALUES (?, ?, ?)",
            (self.run, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), len(ids)),
        )
        run_no = cur.lastrowid
        first = (db.execute("SELECT max(doc) FROM docs").fetchone()[0] or 0) + 1
        docs = np.arange(first, first + len(ids))
        db.executemany(
            "INSERT INTO docs(doc, id, run, exact, sig) VALUES (?, ?, ?, ?, ?)",
            zip(docs.tolist(), ids, [run_no] * len(ids), exact_keys, sig16, strict=True),
        )
        if len(ids):
            doc_col = np.repeat(docs, band_keys.shape[1])
            keys = band_keys.ravel()
            order = np.lexsort((doc_col, keys))  # insert in key order: each b-tree page is visited once
            db.executemany(
                "INSERT OR IGNORE INTO bands(key, doc) VALUES (?, ?)",
                zip(keys[order].tolist(), doc_col[order].tolist(), strict=True),
            )
        self._run_no = run_no
        self._names[run_no] = self.run
        self.already_added = True


class SqliteIndex:
    """A dedup index in one SQLite file, created on first use."""

    def __init__(
        self,
        path: str | Path,
        params: dict[str, Any],
        lock_timeout_s: float,
        check: str = "schema",
        create: bool = True,
    ) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        self.lock_timeout_s = lock_timeout_s
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        if fresh and not create:
            raise DedupIndexError(f"no dedup index at {self.path}")
        if not fresh:
            with self.path.open("rb") as fh:
                if fh.read(16) != _MAGIC:
                    raise IndexCorruptError(
                        f"dedup index {self.path} is not an SQLite database (damaged or "
                        "another file); it was left unchanged"
                    )
        self.db = sqlite3.connect(self.path, timeout=lock_timeout_s, isolation_level=None)
        try:
            self._open(fresh, params, check)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise self._corrupt(exc) from exc
        except BaseException:
            self.db.close()
            raise

    def _corrupt(self, exc: sqlite3.DatabaseError) -> Exception:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return IndexLockedError(
                f"dedup index {self.path} is in use by another run: waited {self.lock_timeout_s:g} s "
                "(index.lock_timeout_s); try again when that run has finished"
            )
        return IndexCorruptError(
            f"dedup index {self.path} is corrupted ({exc}); it was left unchanged - "
            "restore it from a backup or move it away to start a new index"
        )

    def _open(self, fresh: bool, params: dict[str, Any], check: str) -> None:
        db = self.db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(f"PRAGMA cache_size=-{_CACHE_KB}")
        if fresh:
            db.execute("BEGIN IMMEDIATE")
            try:
                if not db.execute("SELECT 1 FROM sqlite_master WHERE name='meta'").fetchone():
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        db.execute(statement)
                    db.executemany(
                        "INSERT INTO meta VALUES (?, ?)",
                        [
                            ("format", FORMAT),
                            ("version", str(VERSION)),
                            ("params", json.dumps(params, sort_keys=True)),
                        ],
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        meta = (
            dict(db.execute("SELECT key, value FROM meta").fetchall())
            if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
            else {}
        )
        if meta.get("format") != FORMAT:
            raise IndexCorruptError(
                f"{self.path} is an SQLite file but not a textwash dedup index; left unchanged"
            )
        check_meta(meta, params, f"dedup index {self.path}", "use a new index or the settings it was built with")
        if check == "quick":
            result = db.execute("PRAGMA quick_check").fetchall()
            if result != [("ok",)]:
                raise IndexCorruptError(
                    f"dedup index {self.path} failed its integrity check: "
                    f"{'; '.join(r[0] for r in result[:5])}; it was left unchanged"
                )

    @contextmanager
    def session(self, run: str) -> Iterator[SqliteSession]:
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc
        try:
            yield SqliteSession(db, run)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            db.execute("ROLLBACK")
            raise self._corrupt(exc) from exc
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def find(self, doc_id: str) -> list[Entry]:
        """Documents stored under ``doc_id``: a full scan of ``docs`` (no id index, to save space)."""
        try:
            names = dict(self.db.execute("SELECT run, name FROM runs").fetchall())
            rows = self.db.execute("SELECT doc, id, run, sig FROM docs WHERE id = ? ORDER BY doc", (doc_id,))
            return [Entry(doc, i, names[run], sig) for doc, i, run, sig in rows]
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(exc) from exc

    def stats(self) -> dict[str, Any]:
        docs = self.db.execute("SELECT count(*) FROM docs").fetchone()[0]
        runs = self.db.execute("SELECT count(*) FROM runs").fetchone()[0]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file())
        return {"backend": "sqlite", "location": self.location, "docs": docs, "runs": runs, "bytes": size}

    def close(self) -> None:
        self.db.close()
