"""Each run publishes Prefect artifacts: counts, stages, top clusters, reject reasons, boilerplate lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.artifacts import tables
from flows.config import load_settings
from flows.flow import run_local
from tests.flow.corpus import write_corpus

pytestmark = pytest.mark.flow


def test_run_publishes_artifacts(tmp_path: Path) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    write_corpus(corpus, near=8, exact=4)
    with corpus.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "broken", "text": 5}\n{"no": "text"}\n')
    settings = load_settings(overrides=[{"run": {"workers": 1, "shard_size": 50}}])
    report = run_local([str(corpus)], tmp_path / "out", settings)

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = {a.key: a for a in client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(like_="textwash-")))}
    assert {"textwash-counts", "textwash-stages", "textwash-clusters", "textwash-reject-reasons",
            "textwash-summary"} <= set(found)
    assert found["textwash-clusters"].type == "table"
    assert "text_not_string" in str(found["textwash-reject-reasons"].data)
    assert str(report["counts"]["kept"]) in str(found["textwash-counts"].data)


def test_tables_rank_clusters_and_lines() -> None:
    report = {"counts": {"input": 5, "kept": 2},
              "edits_by_rule": {"boilerplate:repeated": 3, "encoding:ftfy": 1},
              "docs_changed_by_stage": {"boilerplate": 2}, "stage_seconds": {"language": 0.5},
              "reject_reasons": {"empty": 2, "malformed_json": 1}}
    decisions = {"ids": ["a", "b", "c", "d", "e"], "clusters": [
        {"cluster": 1, "kept": 0, "members": [[0, 1.0], [1, 0.9]]},
        {"cluster": 2, "kept": 4, "members": [[2, 0.85], [3, 1.0], [4, 1.0]]}]}
    t = tables(report, decisions, [("Subscribe now", 7), ("Share this", 3)])
    assert [c["cluster"] for c in t["clusters"]] == [2, 1]
    assert t["clusters"][0] == {"cluster": 2, "size": 3, "kept": "e", "min_similarity": 0.85}
    stages = {row["stage"]: row for row in t["stages"]}
    assert stages["boilerplate"]["edits"] == 3 and stages["boilerplate"]["docs_changed"] == 2
    assert stages["language"]["cpu_s"] == 0.5
    assert t["reject-reasons"][0] == {"reason": "empty", "documents": 2}
    assert t["boilerplate-lines"][0] == {"line": "Subscribe now", "documents": 7}
