"""Local runs hand shards to Prefect in a few tasks per step; every shard still runs once, in order."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from flows import flow
from flows.config import load_settings
from flows.flow import run_local
from tests.flow.corpus import outputs, write_corpus

pytestmark = pytest.mark.flow


@pytest.mark.parametrize(("shards", "workers", "sizes"), [
    (20, 2, [5, 5, 5, 5]),
    (7, 2, [2, 2, 2, 1]),
    (3, 2, [1, 1, 1]),
    (9, 1, [5, 4]),
    (1, 4, [1]),
    (0, 2, []),
])
def test_groups_cover_every_shard_once_in_order(monkeypatch: pytest.MonkeyPatch, shards: int, workers: int,
                                                sizes: list[int]) -> None:
    monkeypatch.setattr(flow, "_POOL", ThreadPoolExecutor(1))
    monkeypatch.setattr(flow, "_POOL_SIZE", workers)
    groups = flow._groups(shards)
    assert [len(g) for g in groups] == sizes
    assert [i for g in groups for i in g] == list(range(shards))


def test_without_a_pool_every_shard_is_its_own_task(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flow, "_POOL", None)  # Dask: each task is a unit of the cluster's work
    assert flow._groups(5) == [[0], [1], [2], [3], [4]]


def test_grouped_run_ticks_per_shard_and_matches_one_shard_per_task(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    write_corpus(corpus, near=8, exact=4)
    settings = load_settings(overrides=[{"run": {"workers": 2, "shard_size": 23}}])
    ticks: Counter[str] = Counter()

    def progress(step: str, n: int) -> None:
        ticks[step] += n

    report = run_local([str(corpus)], tmp_path / "grouped", settings, progress=progress)
    shards = report["shards"]
    assert shards >= 5
    assert ticks == {"total": 3 * shards, "prepare": shards, "clean": shards, "render": shards}
    assert report["counts"]["input"] > 100

    monkeypatch.setattr(flow, "TASKS_PER_WORKER", 10**6)  # one shard per task, as before grouping
    run_local([str(corpus)], tmp_path / "single", settings)
    assert outputs(tmp_path / "grouped") == outputs(tmp_path / "single")
