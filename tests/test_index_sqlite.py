"""The SQLite index file: damage is detected and reported, never repaired or overwritten silently."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flows.config import Settings, load_settings
from flows.dedup import deduplicate
from flows.index import IndexCorruptError, open_index
from tests.dedup_helpers import articles, make_features


def _filled(path: Path, settings: Settings, n: int = 12) -> None:
    arts = articles()[:n]
    index = open_index(str(path), settings)
    try:
        with index.session("run-1") as session:
            deduplicate(
                make_features([a["text"] for a in arts], settings, ids=[a["id"] for a in arts]),
                settings,
                session,
            )
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        index.close()


def test_not_an_sqlite_file_is_reported_and_left_alone(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "index.db"
    path.write_bytes(b"this is not a database\n" * 100)
    with pytest.raises(IndexCorruptError, match="not an SQLite database"):
        open_index(str(path), settings)
    assert path.read_bytes() == b"this is not a database\n" * 100


def test_foreign_sqlite_file_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t(x)")
    with pytest.raises(IndexCorruptError, match="not a textwash dedup index"):
        open_index(str(path), settings)


@pytest.mark.parametrize("check", ["quick", "schema"])
def test_damaged_pages_are_detected(tmp_path: Path, check: str) -> None:
    """``quick`` finds the damage on open; ``schema`` when the run reads the damaged page."""
    settings = load_settings(overrides=[{"index": {"check": check}}])
    path = tmp_path / "index.db"
    _filled(path, settings)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 5 * page
    data[3 * page : 4 * page] = b"\xa5" * page  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    arts = articles()[:3]
    with pytest.raises(IndexCorruptError, match=r"corrupted|integrity check"):
        index = open_index(str(path), settings)
        try:
            with index.session("run-2") as session:
                feats = make_features([a["text"] for a in arts], settings, ids=["x", "y", "z"])
                deduplicate(feats, settings, session)
        finally:
            index.close()
    assert path.read_bytes() == bytes(data)


def test_index_stores_compact_rows(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "index.db"
    _filled(path, settings, n=16)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*), min(length(sig)), max(length(sig)) FROM docs").fetchone() == (
            16,
            256,
            256,
        )
        assert db.execute("SELECT count(*) FROM bands").fetchone()[0] == 16 * 16  # 16 bands x 8 rows
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
