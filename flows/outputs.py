"""Writing the public outputs: corpus, duplicates, rejects, clusters, audit and report.

Two guarantees are enforced here, whatever the stages before decided:

* **Accounting.** Every input record appears exactly once across corpus, duplicates and rejects,
  under an id used by no other output record (see :func:`assign_ids`).
* **Atomic output set.** All files are written under temporary names and renamed only when every one
  of them is complete; ``report.json`` (written last, by :func:`write_report`) marks a complete set.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flows.atomic import AtomicFiles, atomic_open
from flows.records import read_cleaned, record_edit_rules

OUTPUT_FILES = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "clusters.jsonl", "audit.jsonl")
REPORT_FILE = "report.json"
# Rejects caused by a configured size or depth limit; counted separately in the report.
LIMIT_REASONS = ("too_large", "too_deep")


@dataclass(frozen=True, slots=True)
class IdDecision:
    """The output id of one record and, when it had to change, why."""

    id: str
    renamed_from: str | None = None
    kept_by: str | None = None  # source of the record that keeps the original id


def assign_ids(records: list[tuple[str, str, bool]]) -> list[IdDecision]:
    """Make ids unique across all output records.

    ``records`` are ``(id, source, used)`` in output order, ``used`` meaning the record goes to corpus or
    duplicates. Rule: among records sharing an id, the first *used* one keeps it (so a rejected record
    never costs a good document its id), or the first one when none is used. Every other record is
    renamed ``<id>#<n>``, ``n`` its occurrence number among that id's records (raised until the name
    is free): a used one is then rejected as ``duplicate_id``, a rejected one keeps its own reason.
    """
    keeper: dict[str, int] = {}
    for k, (doc_id, _, used) in enumerate(records):
        first = keeper.get(doc_id)
        if first is None or (used and not records[first][2]):
            keeper[doc_id] = k
    taken = set(keeper)
    seen: Counter[str] = Counter()
    out = []
    for k, (doc_id, _, _) in enumerate(records):
        seen[doc_id] += 1
        if keeper[doc_id] == k:
            out.append(IdDecision(doc_id))
            continue
        n = seen[doc_id]
        while f"{doc_id}#{n}" in taken:
            n += 1
        new_id = f"{doc_id}#{n}"
        taken.add(new_id)
        out.append(IdDecision(new_id, doc_id, records[keeper[doc_id]][1]))
    return out


def _audit(rec: dict[str, Any], status: str, **extra: Any) -> dict[str, Any]:
    info = rec.get("info", {})
    return {
        "id": rec["id"], "source": rec["source"], "status": status,
        "encoding": info.get("encoding"), "lang": info.get("lang"), **extra,
        "edits": rec.get("edits", []),
    }


def _records(cleaned: list[Path], plan_rejects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every record in output order: file-level rejects of the plan, then the shards in input order."""
    yield from plan_records(plan_rejects)
    for path in cleaned:
        yield from read_cleaned(path)


def plan_records(plan_rejects: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The plan's file-level rejects as output records (they come first in every output file)."""
    for rej in plan_rejects:
        yield {"status": "rejected", **rej}


def id_rows(records: Iterable[dict[str, Any]], id_rejects: dict[str, str],
            first_pos: int = 0) -> list[tuple[str, str, bool]]:
    """``(id, source, used)`` per record for :func:`assign_ids`; ``first_pos``: position of the first
    kept (``ok``) record among all cleaned documents of the run."""
    rows = []
    pos = first_pos - 1
    for rec in records:
        used = False
        if rec["status"] == "ok":
            pos += 1
            used = str(pos) not in id_rejects
        rows.append((rec["id"], rec["source"], used))
    return rows


def renamed_ids(rows: list[tuple[str, str, bool]]) -> dict[int, IdDecision]:
    """Output position → new id, for the records :func:`assign_ids` renames (usually none)."""
    return {k: d for k, d in enumerate(assign_ids(rows)) if d.renamed_from is not None}


@dataclass
class Tally:
    """What the report counts while records are written; shard tallies merge in output order."""

    counts: Counter[str] = field(default_factory=lambda: Counter(dict.fromkeys(
        ("input", "kept", "duplicates_exact", "duplicates_near", "rejected"), 0)))
    reasons: Counter[str] = field(default_factory=Counter)
    edits_by_rule: Counter[str] = field(default_factory=Counter)
    docs_changed: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Tally) -> None:
        self.counts.update(other.counts)
        self.reasons.update(other.reasons)
        self.edits_by_rule.update(other.edits_by_rule)
        self.docs_changed.update(other.docs_changed)

    def to_json(self) -> dict[str, list[list[Any]]]:
        """Pairs, not objects: key order (first seen) survives any JSON writer."""
        return {name: [[k, v] for k, v in getattr(self, name).items()]
                for name in ("counts", "reasons", "edits_by_rule", "docs_changed")}

    @classmethod
    def from_json(cls, data: dict[str, list[list[Any]]]) -> Tally:
        return cls(**{name: Counter({k: v for k, v in pairs}) for name, pairs in data.items()})


class Sink(Protocol):
    def write(self, name: str, record: Any) -> None: ...


def render(records: Iterable[dict[str, Any]], decisions: dict[str, Any], renamed: dict[int, IdDecision],
           w: Sink, tally: Tally, first: int = 0, first_pos: int = 0) -> None:
    """Write each record to corpus, duplicates or rejects (and one audit line), counting into ``tally``.

    ``first`` is the output position of the first record (for ``renamed``), ``first_pos`` its position
    among the cleaned (``ok``) documents (for the dedup ``decisions``): a shard renders on its own.
    """
    counts, reasons = tally.counts, tally.reasons
    dup_of = decisions["duplicate_of"]
    sims = decisions["similarity"]
    cluster = decisions["cluster"]
    id_rejects = decisions["rejected"]
    ids: list[str] = decisions["ids"]  # position among cleaned documents -> id
    earlier: dict[str, dict[str, Any]] = decisions.get("earlier", {})  # duplicates of earlier runs' documents
    rules = decisions.get("rule") or [None] * len(ids)
    pos = first_pos - 1

    def reject(rec: dict[str, Any], reason: str, detail: str) -> None:
        w.write("rejects.jsonl",
                {"id": rec["id"], "source": rec["source"], "reason": reason, "detail": detail})
        w.write("audit.jsonl", _audit(rec, "rejected", reason=reason))
        counts["rejected"] += 1
        reasons[reason] += 1

    for k, rec in enumerate(records, start=first):
        counts["input"] += 1
        keys, stages = record_edit_rules(rec)
        tally.edits_by_rule.update(keys)
        tally.docs_changed.update(stages)  # each stage once: edit_rules lists distinct stages
        decision = renamed.get(k)
        ok = rec["status"] == "ok"
        if ok:
            pos += 1
        if decision is not None:
            rec = {**rec, "id": decision.id}
            note = (f"id {decision.renamed_from!r} is already used by a record from {decision.kept_by}; "
                    f"this record is listed as {decision.id!r}")
            if ok:
                reject(rec, "duplicate_id", note)
            else:
                reject(rec, rec["reason"], f"{rec['detail']} ({note})")
            continue
        if not ok:
            reject(rec, rec["reason"], rec["detail"])
            continue
        if str(pos) in id_rejects:  # dedup saw the id twice; assign_ids gave this record a new id
            reject(rec, "duplicate_id", id_rejects[str(pos)])
            continue
        cid = cluster[pos] if cluster[pos] >= 0 else None
        prior = earlier.get(str(pos))
        if dup_of[pos] >= 0 or prior:
            target, sim = (prior["id"], prior["similarity"]) if prior else (ids[dup_of[pos]], sims[pos])
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


def write_clusters(w: Sink, decisions: dict[str, Any]) -> None:
    ids: list[str] = decisions["ids"]
    for c in decisions["clusters"]:
        prior = c.get("kept_earlier")
        w.write("clusters.jsonl", {
            "cluster": c["cluster"], "kept": prior["id"] if prior else ids[c["kept"]],
            **({"kept_run": prior["run"]} if prior else {}),
            "members": [{"id": ids[m[0]], "similarity": m[1], "rule": m[2] if len(m) > 2 else None}
                        for m in c["members"]],
        })


def summary(tally: Tally, decisions: dict[str, Any], ids_renamed: int, w: AtomicFiles) -> dict[str, Any]:
    """The write step's part of ``report.json``."""
    counts = Counter(tally.counts)
    counts["clusters"] = len(decisions["clusters"])
    reasons = tally.reasons
    return {
        "counts": dict(counts), "reject_reasons": dict(reasons.most_common()),
        "limits_hit": {r: reasons[r] for r in LIMIT_REASONS if reasons[r]},
        "ids_renamed": ids_renamed,
        "docs_changed_by_stage": dict(tally.docs_changed), "edits_by_rule": dict(tally.edits_by_rule.most_common()),
        "output_files": w.summary(),
    }


def write_outputs(cleaned: list[Path], plan_rejects: list[dict[str, Any]], decisions: dict[str, Any],
                  out: Path) -> dict[str, Any]:
    """Merge the cleaned shards, in input order, into the output files in one pass; returns counts.

    (The flow renders shards in parallel and only concatenates: :func:`flows.stages.render_shard`.)
    """
    renamed = renamed_ids(id_rows(_records(cleaned, plan_rejects), decisions["rejected"]))
    tally = Tally()
    with AtomicFiles(out, OUTPUT_FILES, marker=REPORT_FILE) as w:
        render(_records(cleaned, plan_rejects), decisions, renamed, w, tally)
        write_clusters(w, decisions)
    return summary(tally, decisions, len(renamed), w)


def write_report(out: Path, report: dict[str, Any]) -> None:
    """Write ``report.json`` last: its presence marks a complete, consistent output set."""
    text = json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(report, ensure_ascii=True, indent=2, sort_keys=True)
    with atomic_open(out / REPORT_FILE) as fh:
        fh.write(text)
        fh.write("\n")
