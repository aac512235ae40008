"""Prefect artifacts of a run: what each stage did, biggest clusters, reject reasons, boilerplate removed."""

from __future__ import annotations

from collections import Counter
from typing import Any

TOP = 15


def merge_line_counts(results: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Merge the per-shard counts of removed boilerplate lines; most frequent first, ties by text."""
    total: Counter[str] = Counter()
    for r in results:
        total.update(r.get("boilerplate_lines", {}))
    return sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]


def _biggest(clusters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(clusters, key=lambda c: (-len(c["members"]), c["cluster"]))[:TOP]


def artifact_decisions(path: str) -> dict[str, Any]:
    """What :func:`tables` reads of a run's dedup decisions (``dedup.json`` at ``path``): the
    biggest clusters and the ids they name, renumbered (small enough to send between processes)."""
    from flows.atomic import loads

    with open(path, "rb") as fh:
        decisions = loads(fh.read())
    ids = decisions.get("ids", [])
    picked: list[str] = []
    clusters = []
    for c in _biggest(decisions.get("clusters", [])):
        kept = c["kept"]
        if isinstance(kept, int) and 0 <= kept < len(ids):
            picked.append(ids[kept])
            kept = len(picked) - 1
        else:  # kept by an earlier run (index): its id
            kept = str((c.get("kept_earlier") or {}).get("id", kept))
        clusters.append({**c, "kept": kept})
    return {"ids": picked, "clusters": clusters}


def tables(report: dict[str, Any], decisions: dict[str, Any], boilerplate: list[tuple[str, int]]
           ) -> dict[str, list[dict[str, Any]]]:
    """The artifact tables, as plain data (testable without Prefect)."""
    per_stage: dict[str, dict[str, Any]] = {}
    for rule, n in report.get("edits_by_rule", {}).items():
        stage = rule.split(":", 1)[0]
        per_stage.setdefault(stage, {"stage": stage, "docs_changed": 0, "edits": 0, "cpu_s": 0.0})
        per_stage[stage]["edits"] += n
    for stage, n in report.get("docs_changed_by_stage", {}).items():
        per_stage.setdefault(stage, {"stage": stage, "docs_changed": 0, "edits": 0, "cpu_s": 0.0})
        per_stage[stage]["docs_changed"] = n
    for stage, sec in report.get("stage_seconds", {}).items():
        per_stage.setdefault(stage, {"stage": stage, "docs_changed": 0, "edits": 0, "cpu_s": 0.0})
        per_stage[stage]["cpu_s"] = sec
    counts = [{"count": k, "documents": v} for k, v in sorted(report.get("counts", {}).items())]
    ids = decisions.get("ids", [])
    biggest = _biggest(decisions.get("clusters", []))
    clusters = [{
        "cluster": c["cluster"], "size": len(c["members"]),
        "kept": ids[c["kept"]] if isinstance(c["kept"], int) and c["kept"] < len(ids) else str(c["kept"]),
        "min_similarity": min(m[1] for m in c["members"]),  # members: [position, similarity, rule?]
    } for c in biggest]
    reasons = [{"reason": k, "documents": v} for k, v in list(report.get("reject_reasons", {}).items())[:TOP]]
    lines = [{"line": line, "documents": n} for line, n in boilerplate]
    return {"counts": counts, "stages": [per_stage[k] for k in sorted(per_stage)], "clusters": clusters,
            "reject-reasons": reasons, "boilerplate-lines": lines}


def publish(report: dict[str, Any], decisions: dict[str, Any], boilerplate: list[tuple[str, int]]) -> None:
    """Create the run's table artifacts (keys ``textwash-*``) and a markdown summary."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    data = tables(report, decisions, boilerplate)
    descriptions = {
        "counts": "Documents in, kept, duplicate and rejected",
        "stages": "Per stage: documents changed, edits made, CPU seconds (all workers)",
        "clusters": f"The {TOP} biggest duplicate clusters",
        "reject-reasons": "Most frequent reject reasons",
        "boilerplate-lines": "Most frequently removed boilerplate lines",
    }
    for name, rows in data.items():
        if rows:
            create_table_artifact(rows, key=f"textwash-{name}", description=descriptions[name])
    c = report.get("counts", {})
    create_markdown_artifact(
        f"# textwash run\n\n{c.get('input', 0)} documents: {c.get('kept', 0)} kept, "
        f"{c.get('duplicates_exact', 0)} exact and {c.get('duplicates_near', 0)} near duplicates in "
        f"{c.get('clusters', 0)} clusters, {c.get('rejected', 0)} rejected; "
        f"{report.get('shards', 0)} shards.\n",
        key="textwash-summary", description="Run summary")
