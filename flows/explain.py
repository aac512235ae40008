"""``textwash explain``: the dedup decision for one document, from a run's outputs and/or the index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _records_with(path: Path, doc_id: str) -> Iterator[dict[str, Any]]:
    """Records of a JSONL file that mention ``doc_id`` (cheap substring filter, then parsed)."""
    if not path.exists():
        return
    needle = json.dumps(doc_id, ensure_ascii=False)[1:-1]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if needle in line:
                yield json.loads(line)


def _from_outputs(doc_id: str, out: Path) -> dict[str, Any]:
    info: dict[str, Any] = {}
    for rec in _records_with(out / "audit.jsonl", doc_id):
        if rec.get("id") == doc_id:
            info["status"] = rec.get("status")
            if rec.get("reason"):
                info["reason"] = rec["reason"]
    for rec in _records_with(out / "duplicates.jsonl", doc_id):
        if rec.get("id") == doc_id:
            info["duplicate"] = rec
    duplicated_by = []
    for rec in _records_with(out / "clusters.jsonl", doc_id):
        ids = [m["id"] for m in rec["members"]]
        if doc_id in ids or rec["kept"] == doc_id:
            info["cluster"] = rec
            if rec["kept"] == doc_id:
                duplicated_by = [m for m in rec["members"] if m["id"] != doc_id]
    if duplicated_by:
        info["duplicated_by"] = duplicated_by
    return info


def explain_doc(doc_id: str, out: Path | None, index: str | None, settings: Any) -> dict[str, Any]:
    """Everything known about ``doc_id``'s dedup decision; ``found`` is False when nothing is."""
    result: dict[str, Any] = {"id": doc_id}
    if out is not None:
        result["output"] = _from_outputs(doc_id, out)
    if index is not None:
        from flows.index import open_index

        idx = open_index(index, settings, create=False)
        try:
            result["index"] = {
                "location": idx.location,
                "entries": [{"id": e.id, "run": e.run} for e in idx.find(doc_id)],
            }
            dup = result.get("output", {}).get("duplicate")
            if dup and dup.get("duplicate_of_run"):
                result["index"]["duplicate_of_entries"] = [
                    {"id": e.id, "run": e.run} for e in idx.find(dup["duplicate_of"])
                ]
        finally:
            idx.close()
    result["found"] = bool(result.get("output")) or bool(result.get("index", {}).get("entries"))
    return result


def render(info: dict[str, Any]) -> str:
    """A short human-readable explanation."""
    lines = [f"document {info['id']}"]
    out = info.get("output")
    if out is not None:
        if not out:
            lines.append("  not in the output folder")
        if "status" in out:
            lines.append(f"  status: {out['status']}" + (f" ({out['reason']})" if out.get("reason") else ""))
        dup = out.get("duplicate")
        if dup:
            where = f" from run {dup['duplicate_of_run']}" if dup.get("duplicate_of_run") else ""
            lines.append(
                f"  duplicate of {dup['duplicate_of']}{where}: similarity {dup['similarity']}"
                f" ({dup.get('rule') or 'n/a'})"
            )
        for m in out.get("duplicated_by", []):
            lines.append(f"  kept; duplicated by {m['id']}: similarity {m['similarity']} ({m.get('rule')})")
        cl = out.get("cluster")
        if cl:
            kept = cl["kept"] + (f" (run {cl['kept_run']})" if cl.get("kept_run") else "")
            lines.append(f"  cluster {cl['cluster']}: kept {kept}; {len(cl['members'])} members:")
            for m in cl["members"]:
                lines.append(f"    {m['id']}  similarity {m['similarity']}  {m.get('rule') or ''}".rstrip())
        elif out and not dup:
            lines.append("  in no cluster: no duplicate found")
    idx = info.get("index")
    if idx is not None:
        if idx["entries"]:
            for e in idx["entries"]:
                lines.append(f"  in index {idx['location']}: added by run {e['run']}")
        else:
            lines.append(f"  not in index {idx['location']} (not kept by any run, or never seen)")
        for e in idx.get("duplicate_of_entries", []):
            lines.append(f"  its original {e['id']} is in the index, added by run {e['run']}")
    return "\n".join(lines)
