"""Persistent dedup index semantics, on SQLite and on a real Redis server."""

from __future__ import annotations

import pytest

from flows.config import Settings, load_settings
from flows.dedup import deduplicate
from flows.index import IndexLockedError, IndexMismatchError, open_index
from tests.conftest_redis import redis_url  # noqa: F401 - fixture
from tests.dedup_helpers import articles, make_features


@pytest.fixture(params=["sqlite", "redis"])
def location(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    url = request.getfixturevalue("redis_url")
    request.node.redis_prefix = f"t{abs(hash(request.node.name))}"
    return url


def _settings(request: pytest.FixtureRequest, **index: object) -> Settings:
    prefix = getattr(request.node, "redis_prefix", "textwash")
    return load_settings(overrides=[{"index": {"redis_prefix": prefix, "lock_timeout_s": 0.3, **index}}])


def _run(location: str, settings: Settings, run: str, texts: list[str], ids: list[str]) -> dict:
    index = open_index(location, settings)
    try:
        with index.session(run) as session:
            return deduplicate(make_features(texts, settings, ids=ids), settings, session)
    finally:
        index.close()


def test_batches_dedup_against_earlier_runs(location: str, request: pytest.FixtureRequest) -> None:
    s = _settings(request)
    arts = articles()
    first = _run(location, s, "run-1", [a["text"] for a in arts[:8]], [a["id"] for a in arts[:8]])
    assert first["earlier"] == {} and first["stats"]["index_added"] == 8
    texts = [arts[2]["text"], "Exclusive: a brand new headline\n\n" + arts[5]["text"]] + [
        a["text"] for a in arts[8:11]
    ]
    second = _run(location, s, "run-2", texts, ["copy-2", "copy-5", *[a["id"] for a in arts[8:11]]])
    assert second["earlier"]["0"] == {"id": arts[2]["id"], "run": "run-1", "similarity": 1.0, "rule": "exact"}
    near = second["earlier"]["1"]
    assert (near["id"], near["run"], near["rule"]) == (arts[5]["id"], "run-1", "minhash")
    assert near["similarity"] >= s.lsh.threshold
    assert set(second["earlier"]) == {"0", "1"} and second["stats"]["index_added"] == 3
    third = _run(location, s, "run-3", [arts[9]["text"].upper()], ["copy-9"])
    assert third["earlier"]["0"]["run"] == "run-2" and third["earlier"]["0"]["id"] == arts[9]["id"]
    index = open_index(location, s)
    try:
        assert [(e.id, e.run) for e in index.find(arts[9]["id"])] == [(arts[9]["id"], "run-2")]
        assert index.find("copy-9") == []  # duplicates are not added
    finally:
        index.close()


def test_retried_run_neither_matches_itself_nor_adds_twice(
    location: str, request: pytest.FixtureRequest
) -> None:
    s = _settings(request)
    arts = articles()[:4]
    texts, ids = [a["text"] for a in arts], [a["id"] for a in arts]
    once = _run(location, s, "run-x", texts, ids)
    again = _run(location, s, "run-x", texts, ids)  # e.g. killed after the commit, before its outputs
    assert again["earlier"] == {} and again["duplicate_of"] == once["duplicate_of"]
    assert again["stats"]["index_added"] == 0
    index = open_index(location, s)
    try:
        assert len(index.find(ids[0])) == 1
    finally:
        index.close()


def test_failed_run_adds_nothing(location: str, request: pytest.FixtureRequest) -> None:
    s = _settings(request)
    art = articles()[0]
    index = open_index(location, s)
    try:
        with pytest.raises(RuntimeError, match="boom"), index.session("run-fail") as session:
            deduplicate(make_features([art["text"]], s, ids=[art["id"]]), s, session)
            raise RuntimeError("boom")
        assert index.find(art["id"]) == []
    finally:
        index.close()


def test_second_run_waits_then_fails_clearly(location: str, request: pytest.FixtureRequest) -> None:
    s = _settings(request)
    holder = open_index(location, s)
    other = open_index(location, s)
    try:
        with (
            holder.session("run-a"),
            pytest.raises(IndexLockedError, match=r"in use by another run: waited 0\.3 s"),
            other.session("run-b"),
        ):
            pass
        with other.session("run-b") as session:  # free again once the first run ended
            assert session.already_added is False
    finally:
        holder.close()
        other.close()


def test_index_bound_to_its_settings(location: str, request: pytest.FixtureRequest) -> None:
    s = _settings(request)
    open_index(location, s).close()
    changed = load_settings(
        overrides=[
            {
                "index": {"redis_prefix": getattr(request.node, "redis_prefix", "textwash")},
                "minhash": {"shingle_words": 4},
            }
        ]
    )
    with pytest.raises(IndexMismatchError, match="shingle_words: index 5 vs config 4"):
        open_index(location, changed)
