"""What keeps a run's memory down without changing its output: dedup reads only the shingles it
compares (flows/dedup.py), the artifacts' view of the decisions (flows/artifacts.py), the check that
lets the run's API server skip Alembic (flows/prefect_server.py), langdetect's profiles released."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from cleaners import language
from cleaners.minhash import features
from flows.artifacts import artifact_decisions, tables
from flows.atomic import write_json_compact
from flows.config import load_settings
from flows.dedup import candidate_shape, deduplicate, feature_arrays, load_features
from flows.prefect_server import database_is_current
from flows.stages import _save_npz

NEWS = Path(__file__).resolve().parent / "data" / "news" / "articles.jsonl"



def articles() -> list[dict[str, str]]:
    with NEWS.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


VERSIONS = Path(__file__).resolve().parent / "data" / "mem" / "versions"


def _shards(tmp_path: Path, texts: list[str], per_shard: int) -> list[Path]:
    """Features files as clean_shard writes them, ``per_shard`` documents each."""
    s = load_settings()
    paths = []
    for first in range(0, len(texts), per_shard):
        part = texts[first : first + per_shard]
        feats = [features(t, s.minhash) for t in part]
        arrays = feature_arrays([f"d{first + i}" for i in range(len(part))], [k for k, _ in feats],
                                [h for _, h in feats], [len(t) for t in part], [""] * len(part), s.minhash)
        path = tmp_path / f"{first:06d}.features.npz"
        _save_npz(path, **arrays)
        paths.append(path)
    return paths


def _corpus() -> list[str]:
    """The copied news articles plus planted copies: exact, one word changed, and truncated."""
    texts = [a["text"] for a in articles()]
    out = list(texts)
    for i, t in enumerate(texts[:40]):
        if i % 4 == 0:
            out.append(t)
        elif i % 4 == 1:
            words = t.split(" ")
            words[len(words) // 2] = "reportedly"
            out.append(" ".join(words))
        elif i % 4 == 2:
            out.append(t[: int(len(t) * 0.8)])
    return out


def test_dedup_reading_compared_shingles_only_decides_as_reading_all(tmp_path):
    s = load_settings()
    paths = _shards(tmp_path, _corpus(), per_shard=37)
    lazy = load_features(paths, s.minhash.num_perm, shingles=False)
    assert lazy.shingles.size == 0
    result = deduplicate(lazy, s)
    full = deduplicate(load_features(paths, s.minhash.num_perm), s)
    assert result == full
    assert result["stats"]["near_pairs"] >= 5 and result["stats"]["exact_pairs"] >= 5
    assert 0 < lazy.loaded.sum() < len(lazy.ids)  # some documents were never compared, never read
    never = int(np.flatnonzero(~lazy.loaded)[0])
    with pytest.raises(LookupError):
        lazy.shingle_set(never)  # a document not read fails loudly, never compares as empty
    # a run without an index: band keys made shard by shard, no signatures kept; same decisions
    keyed = load_features(paths, s.minhash.num_perm, shingles=False, band_shape=candidate_shape(s))
    assert keyed.sigs.size == 0 and keyed.run_keys is not None
    assert deduplicate(keyed, s) == full
    other = load_features(paths, s.minhash.num_perm, shingles=False, band_shape=(8, 16))
    with pytest.raises(ValueError):
        deduplicate(other, s)  # keys of another shape are refused, never used


def test_artifact_view_gives_the_same_tables(tmp_path):
    s = load_settings()
    decisions = deduplicate(load_features(_shards(tmp_path, _corpus(), 50), s.minhash.num_perm), s)
    decisions["clusters"].append(  # a cluster whose kept document is an earlier run's (with --index)
        {"cluster": 99, "kept": -1, "kept_earlier": {"id": "old-7", "run": "r"},
         "members": [[0, 0.9, "minhash"], [1, 0.8, "minhash"], [2, 0.95, "minhash"], [3, 1.0, "exact"]]})
    path = tmp_path / "dedup.json"
    write_json_compact(path, decisions)
    view = artifact_decisions(str(path))
    assert len(view["ids"]) <= 15 and len(view["ids"]) < len(decisions["ids"])
    got = tables({}, view, [])["clusters"]
    want = tables({}, decisions, [])["clusters"]
    assert [c["cluster"] for c in got] == [c["cluster"] for c in want]
    assert [c for c in got if c["cluster"] != 99] == [c for c in want if c["cluster"] != 99]
    assert next(c for c in got if c["cluster"] == 99)["kept"] == "old-7"


def _database(path: Path, revision: str) -> str:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        con.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    return f"sqlite+aiosqlite:///{path}"


def test_database_is_current_only_at_the_one_newest_revision(tmp_path):
    # three real Prefect migration scripts (a chain: 9725c1cbee35 <- 619bea85701a <- 7c91cb86dc4e)
    assert database_is_current(_database(tmp_path / "new.db", "7c91cb86dc4e"), VERSIONS)
    assert not database_is_current(_database(tmp_path / "old.db", "619bea85701a"), VERSIONS)
    assert not database_is_current(f"sqlite+aiosqlite:///{tmp_path / 'missing.db'}", VERSIONS)
    assert not database_is_current("postgresql+asyncpg://u:p@db/prefect", VERSIONS)
    assert not database_is_current("sqlite+aiosqlite:///:memory:", VERSIONS)
    (tmp_path / "empty.db").write_bytes(b"")
    assert not database_is_current("sqlite+aiosqlite:///" + str(tmp_path / "empty.db"), VERSIONS)
    branched = tmp_path / "branched"  # two heads: Alembic decides
    shutil.copytree(VERSIONS, branched)
    text = (VERSIONS / "c_7c91cb86dc4e.py").read_text(encoding="utf-8")
    (branched / "d_other.py").write_text(text.replace("7c91cb86dc4e", "aaaaaaaaaaaa"), encoding="utf-8")
    assert not database_is_current(_database(tmp_path / "b.db", "7c91cb86dc4e"), branched)


def test_language_release_reloads_on_next_use():
    from langdetect import detector_factory

    text = articles()[0]["text"][:300]
    seed = load_settings().language.seed
    before = language.langdetect_language(text, seed)
    language.release()
    assert detector_factory._factory is None
    assert language.langdetect_language(text, seed) == before  # the profiles were loaded again
    assert detector_factory._factory is not None
