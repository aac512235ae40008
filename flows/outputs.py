"""Writing the public outputs: corpus, duplicates, rejects, clusters, audit and report."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from flows.atomic import atomic_open, dumps, read_jsonl

OUTPUT_FILES = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "clusters.jsonl", "audit.jsonl")


class _Writers:
    """All output files open at once, each atomically replaced when the run completes."""

    def __init__(self, out: Path) -> None:
        self._ctx = {name: atomic_open(out / name) for name in OUTPUT_FILES}
        self.fh = {}

    def __enter__(self) -> _Writers:
        for name, ctx in self._ctx.items():
            self.fh[name] = ctx.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for ctx in self._ctx.values():
            ctx.__exit__(*exc)

    def write(self, name: str, record: dict[str, Any]) -> None:
        fh = self.fh[name]
        fh.write(dumps(record))
        fh.write("\n")


def _audit(rec: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    info = rec.get("info", {})
    return {
        "id": rec["id"], "source": rec["source"], "status": status,
        "encoding": info.get("encoding"), "lang": info.get("lang"), **extra,
        "edits": rec.get("edits", []),
    }


def write_outputs(cleaned: list[Path], plan_rejects: list[dict[str, Any]], decisions: dict[str, Any],
                  out: Path) -> dict[str, Any]:
    """Merge the cleaned shards, in input order, into the output files; returns counts."""
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    edits_by_rule: Counter[str] = Counter()
    docs_changed: Counter[str] = Counter()
    dup_of = decisions["duplicate_of"]
    sims = decisions["similarity"]
    cluster = decisions["cluster"]
    id_rejects = decisions["rejected"]
    ids: list[str] = decisions["ids"]  # position among cleaned documents -> id
    earlier: dict[str, dict[str, Any]] = decisions.get("earlier", {})  # duplicates of earlier runs' documents
    rules = decisions.get("rule") or [None] * len(ids)
    pos = -1
    out.mkdir(parents=True, exist_ok=True)
    with _Writers(out) as w:
        for rej in plan_rejects:
            w.write("rejects.jsonl", rej)
            w.write("audit.jsonl", {**rej, "status": "rejected", "encoding": None, "lang": None, "edits": []})
            counts["rejected"] += 1
            reasons[rej["reason"]] += 1
        for path in cleaned:
            for rec in read_jsonl(path):
                counts["input"] += 1
                stages = set()
                for e in rec.get("edits", []):
                    edits_by_rule[f"{e['stage']}:{e['rule'].split(':')[0]}"] += 1
                    stages.add(e["stage"])
                for stage in stages:
                    docs_changed[stage] += 1
                if rec["status"] != "ok":
                    w.write("rejects.jsonl", {k: rec[k] for k in ("id", "source", "reason", "detail")})
                    w.write("audit.jsonl", _audit(rec, "rejected", reason=rec["reason"]))
                    counts["rejected"] += 1
                    reasons[rec["reason"]] += 1
                    continue
                pos += 1
                if str(pos) in id_rejects:
                    new_id = f"{rec['id']}#{pos}"
                    w.write("rejects.jsonl", {"id": new_id, "source": rec["source"], "reason": "duplicate_id",
                                              "detail": id_rejects[str(pos)]})
                    w.write("audit.jsonl", _audit({**rec, "id": new_id}, "rejected", reason="duplicate_id"))
                    counts["rejected"] += 1
                    reasons["duplicate_id"] += 1
                    continue
                cid = cluster[pos] if cluster[pos] >= 0 else None
                prior = earlier.get(str(pos))
                if dup_of[pos] >= 0 or prior:
                    target, sim = (prior["id"], prior["similarity"]) if prior else \
                        (ids[dup_of[pos]], sims[pos])
                    extra = {"duplicate_of_run": prior["run"]} if prior else {}
                    extra["rule"] = prior["rule"] if prior else rules[pos]
                    w.write("duplicates.jsonl", {"id": rec["id"], "duplicate_of": target, "similarity": sim,
                                                 **extra, "cluster": cid, "source": rec["source"]})
                    w.write("audit.jsonl", _audit(rec, "duplicate", duplicate_of=target, similarity=sim,
                                                  cluster=cid, **extra))
                    counts["duplicates_exact" if extra["rule"] == "exact" else "duplicates_near"] += 1
                    continue
                info = rec.get("info", {})
                w.write("corpus.jsonl", {"id": rec["id"], "text": rec["text"], "lang": info.get("lang"),
                                         "cluster": cid, "source": rec["source"], "meta": rec["meta"]})
                w.write("audit.jsonl", _audit(rec, "kept", cluster=cid))
                counts["kept"] += 1
        for c in decisions["clusters"]:
            prior = c.get("kept_earlier")
            w.write("clusters.jsonl", {
                "cluster": c["cluster"], "kept": prior["id"] if prior else ids[c["kept"]],
                **({"kept_run": prior["run"]} if prior else {}),
                "members": [{"id": ids[m[0]], "similarity": m[1], "rule": m[2] if len(m) > 2 else None}
                            for m in c["members"]],
            })
    counts["input"] += len(plan_rejects)
    counts["clusters"] = len(decisions["clusters"])
    return {
        "counts": dict(counts), "reject_reasons": dict(reasons.most_common()),
        "docs_changed_by_stage": dict(docs_changed), "edits_by_rule": dict(edits_by_rule.most_common()),
    }


def write_report(out: Path, report: dict[str, Any]) -> None:
    with atomic_open(out / "report.json") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.write("\n")
