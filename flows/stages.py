"""Shard-level steps of a run. Plain functions on a work folder: the Prefect flow wraps them in tasks.

Every step reads its inputs from, and writes its outputs atomically to, the work folder, so a step
that already finished (its output exists) is skipped when a killed run is started again.
"""

from __future__ import annotations

import gc
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from cleaners.boilerplate import doc_line_keys
from flows.atomic import AtomicFiles, atomic_open, dumps_bytes, loads, read_jsonl, write_json, write_json_compact
from flows.config import RunOptions, Settings
from flows.dedup import doc_date, feature_arrays
from flows.documents import RawDoc, Reject
from flows.inputs import Shard, read_shard
from flows.outputs import (
    OUTPUT_FILES,
    REPORT_FILE,
    IdDecision,
    Tally,
    plan_records,
    renamed_ids,
    render,
    summary,
    write_clusters,
)
from flows.pipeline import Doc, pipeline_for
from flows.records import cleaned_line, read_cleaned
from flows.work import PART_FILES, WORK_DIR_NAME, Work, plan, run_key  # noqa: F401 (re-exported)

T = TypeVar("T")


@lru_cache(maxsize=8)
def load_settings_json(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _settings(work: Work) -> Settings:
    return Settings.model_validate_json(load_settings_json(str(work.settings)))


def _plan(work: Work) -> list[Shard]:
    data = json.loads(work.plan.read_text(encoding="utf-8"))
    return [Shard.from_json(s) for s in data["shards"]]


def _batches(items: Iterable[T], chars: Callable[[T], int], run: RunOptions) -> Iterator[list[T]]:
    """``items`` in lists of ``run.batch_docs`` at most, cut early once they hold ``run.batch_chars``
    characters (bytes for undecoded files): the pipeline runs stage by stage over each list."""
    batch: list[T] = []
    size = 0
    for item in items:
        batch.append(item)
        size += chars(item)
        if len(batch) >= run.batch_docs or size >= run.batch_chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _raw_chars(item: RawDoc | Reject) -> int:
    if isinstance(item, Reject):
        return 0
    return len(item.data) if item.data is not None else len(item.text or "")


def _record_chars(rec: dict[str, Any]) -> int:
    text = rec.get("text")
    return len(text) if isinstance(text, str) else 0


def _reject_record(rej: Reject) -> dict[str, Any]:
    return {"status": "rejected", **rej.output(), "edits": rej.edits, "info": rej.info}


# Containers allocated (net of those freed) between young collections in a worker. Measured on
# 4 benchmark shards in one process: 700 (Python's default) 13 µs/doc of collection, 10,000 5-7,
# 50,000 none. Cyclic garbage, the only memory this defers, is at most this many containers.
GC_YOUNG_THRESHOLD = 50_000


def warm_up(settings_json: str) -> None:
    """Load what every shard needs (rules, glossary, stopwords, langdetect's profiles) ahead of the work.

    What it loaded lives as long as the worker, so it is then moved out of the garbage collector's
    generations (``gc.freeze``): collections no longer traverse langdetect's profiles and the rule
    tables. Objects that become garbage are still freed by reference counting (the pipeline dropped
    before dedup is: it holds no cycles). The youngest generation is then collected after
    :data:`GC_YOUNG_THRESHOLD` net new containers instead of Python's 700: a shard step's long-lived
    tables (line counts, id rows) were traversed by ~50 young collections per 1,000 documents.
    """
    from cleaners.language import warm_up as warm_language

    pipeline_for(settings_json)
    warm_language()
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def prepare_shard(work_root: str, index: int) -> dict[str, Any]:
    """Read, decode and repair one shard; count its lines per site for cross-document boilerplate.

    A line counts once per distinct document text of its site (exact copies of a story are counted
    once; near-copies are handled by the stage's share-of-document guard)."""
    work = Work(Path(work_root))
    if work.prepared(index).exists() and work.lines(index).exists():
        return {"shard": index, "skipped": True}
    settings = _settings(work)
    pipe = pipeline_for(work.settings.read_text(encoding="utf-8"))
    shard = _plan(work)[index]
    lines: dict[str, Counter[str]] = defaultdict(Counter)
    docs_per_site: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()  # (site, text key): exact copies count once
    pipe.take_timings()
    started = time.perf_counter()
    count = 0
    # records are streamed to the (atomic) shard file in small batches, not held: a worker's memory
    # does not grow with the shard
    with atomic_open(work.prepared(index), "wb") as fh:
        for batch in _batches(read_shard(shard, settings.input), _raw_chars, settings.run):
            prepared = iter(pipe.prepare_many([item for item in batch if not isinstance(item, Reject)]))
            for item in batch:
                count += 1
                out = item if isinstance(item, Reject) else next(prepared)
                if isinstance(out, Reject):
                    fh.write(dumps_bytes(_reject_record(out)) + b"\n")
                    continue
                fh.write(dumps_bytes({"status": "ok", **out.to_json()}) + b"\n")
                text_key, line_keys = doc_line_keys(out.text)
                if (out.site, text_key) in seen:
                    continue
                seen.add((out.site, text_key))
                docs_per_site[out.site] += 1
                lines[out.site].update(line_keys)
        # compact: a big table, read by one step only
        write_json_compact(work.lines(index), {"docs": docs_per_site, "lines": {k: dict(v) for k, v in lines.items()}})
    return {"shard": index, "docs": count, "seconds": time.perf_counter() - started,
            "stages": pipe.take_timings()}


def find_repeated_lines(work_root: str, shards: int) -> dict[str, Any]:
    """Merge the line counts of all shards; lines frequent within a site are boilerplate."""
    work = Work(Path(work_root))
    if work.repeated.exists():
        return {"skipped": True}
    opts = _settings(work).boilerplate
    docs: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for i in range(shards):
        data = loads(work.lines(i).read_bytes())
        docs.update(data["docs"])
        for site, table in data["lines"].items():
            counts[site].update(table)
    repeated = {}
    for site, table in counts.items():
        need = max(opts.repeat_min_docs, opts.repeat_min_share * docs[site])
        frequent = sorted(key for key, n in table.items() if n >= need)
        if frequent:
            repeated[site] = frequent
    write_json(work.repeated, repeated)
    return {"sites": len(repeated), "lines": sum(len(v) for v in repeated.values())}


@lru_cache(maxsize=4)
def _repeated(path: str) -> dict[str, frozenset[str]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {site: frozenset(keys) for site, keys in data.items()}


def clean_shard(work_root: str, index: int) -> dict[str, Any]:
    """Strip boilerplate, tag language, repair fragments and compute dedup features for one shard."""
    work = Work(Path(work_root))
    if work.cleaned(index).exists() and work.features(index).exists() and work.ids(index).exists():
        return {"shard": index, "skipped": True}
    pipe = pipeline_for(work.settings.read_text(encoding="utf-8"))
    repeated = _repeated(str(work.repeated))
    count = 0
    rows: dict[str, list[Any]] = {"ids": [], "sources": [], "ok": []}  # every record, for the id plan
    ids: list[str] = []
    keys: list[str] = []
    shingles: list[np.ndarray] = []
    lengths: list[int] = []
    dates: list[str] = []
    removed: Counter[str] = Counter()  # boilerplate lines removed, for the run's artifacts
    pipe.take_timings()
    started = time.perf_counter()
    with atomic_open(work.cleaned(index), "wb") as fh:  # streamed in batches, like prepare_shard
        for batch in _batches(read_jsonl(work.prepared(index)), _record_chars, pipe.s.run):
            ok = [rec.pop("status") == "ok" for rec in batch]
            docs = [Doc.from_json(rec) for rec, good in zip(batch, ok, strict=True) if good]
            cleaned = pipe.clean_many([(doc, repeated.get(doc.site, frozenset())) for doc in docs])
            results = iter(cleaned)
            feats = iter(pipe.features_many([out for out in cleaned if not isinstance(out, Reject)]))
            for rec, good in zip(batch, ok, strict=True):
                count += 1
                rows["ids"].append(rec["id"])
                rows["sources"].append(rec["source"])
                rows["ok"].append(False)
                if not good:
                    fh.write(dumps_bytes({"status": "rejected", **rec}) + b"\n")
                    continue
                out = next(results)
                removed.update([line[:200] for e in out.edits  # each stripped line once
                                if e["stage"] == "boilerplate" and not e["after"] and (line := e["before"].strip())])
                if isinstance(out, Reject):
                    fh.write(dumps_bytes(_reject_record(out)) + b"\n")
                    continue
                rows["ok"][-1] = True
                key, hashes = next(feats)
                fh.write(cleaned_line({"status": "ok", **out.to_json()}) + b"\n")
                ids.append(out.id)
                keys.append(key)
                shingles.append(hashes)
                lengths.append(len(out.text))
                dates.append(doc_date(out.meta, pipe.s.dedup.date_fields))
        sig_started = time.thread_time()
        arrays = feature_arrays(ids, keys, shingles, lengths, dates, pipe.s.minhash)
        pipe.stage_seconds["minhash"] += time.thread_time() - sig_started  # the signatures are MinHash work
        _save_npz(work.features(index), **arrays)
        write_json_compact(work.ids(index), rows)
    return {"shard": index, "docs": count, "seconds": time.perf_counter() - started,
            "stages": pipe.take_timings(), "boilerplate_lines": dict(removed.most_common(50))}


def _save_npz(path: Path, **arrays: np.ndarray) -> None:
    with atomic_open(path, "wb") as fh:
        np.savez(fh, **arrays)


def dedup(work_root: str, shards: int) -> dict[str, Any]:
    """Cluster all kept documents of the run (exact, then near-duplicates), against the index if set."""
    from flows.dedup import run_dedup

    work = Work(Path(work_root))
    if work.dedup.exists():
        stats: dict[str, Any] = {"skipped": True}
    else:
        stats = run_dedup([work.features(i) for i in range(shards)], _settings(work), work.dedup,
                          run_name=f"{work.root.resolve().parent.parent}#{work.root.name}")
    plan_output(work, shards)
    return stats


def plan_output(work: Work, shards: int) -> None:
    """The run-wide part of writing, decided once so shards can be rendered in parallel: which
    records get a new id (:func:`flows.outputs.assign_ids`), and where each shard starts (output
    position, position among cleaned documents)."""
    if work.output_plan.exists():
        return
    id_rejects = read_decisions(work)["rejected"]
    rows = [(r["id"], r["source"], False) for r in json.loads(work.plan.read_text(encoding="utf-8"))["rejects"]]
    first, first_pos = [], []
    pos = 0
    for i in range(shards):
        first.append(len(rows))
        first_pos.append(pos)
        data = loads(work.ids(i).read_bytes())
        for doc_id, source, ok in zip(data["ids"], data["sources"], data["ok"], strict=True):
            rows.append((doc_id, source, ok and str(pos) not in id_rejects))
            pos += ok
    renamed = {str(k): [d.id, d.renamed_from, d.kept_by] for k, d in renamed_ids(rows).items()}
    write_json_compact(work.output_plan, {"first": first, "first_pos": first_pos, "renamed": renamed})


def _cache_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()  # the same work folder can be decided again (an index run repeated): key on the file
    return str(path), st.st_mtime_ns, st.st_size


@lru_cache(maxsize=1)
def _load_decisions(key: tuple[str, int, int]) -> dict[str, Any]:
    return loads(Path(key[0]).read_bytes())


def read_decisions(work: Work) -> dict[str, Any]:
    return _load_decisions(_cache_key(work.dedup))


@lru_cache(maxsize=1)
def _load_output_plan(key: tuple[str, int, int]) -> tuple[dict[str, Any], dict[int, IdDecision]]:
    data = loads(Path(key[0]).read_bytes())
    return data, {int(k): IdDecision(*v) for k, v in data["renamed"].items()}


def render_shard(work_root: str, index: int) -> dict[str, Any]:
    """Write one cleaned shard's lines of corpus, duplicates, rejects and audit (in the worker)."""
    work = Work(Path(work_root))
    if work.tally(index).exists():
        return {"shard": index, "skipped": True}
    started = time.perf_counter()
    data, renamed = _load_output_plan(_cache_key(work.output_plan))
    tally = Tally()
    with AtomicFiles(work.rendered(index), PART_FILES, digests=False) as w:
        render(read_cleaned(work.cleaned(index)), read_decisions(work), renamed, w, tally,
               data["first"][index], data["first_pos"][index])
    write_json_compact(work.tally(index), tally.to_json())
    return {"shard": index, "docs": tally.counts["input"], "seconds": time.perf_counter() - started}


def write_outputs(work_root: str, shards: int, out: str) -> dict[str, Any]:
    """The public output files: the plan's rejects, then every rendered shard appended in input order,
    then the clusters; all replaced together (:class:`flows.atomic.AtomicFiles`)."""
    work = Work(Path(work_root))
    decisions = read_decisions(work)
    _, renamed = _load_output_plan(_cache_key(work.output_plan))
    plan_rejects = json.loads(work.plan.read_text(encoding="utf-8"))["rejects"]
    tally = Tally()
    with AtomicFiles(Path(out), OUTPUT_FILES, marker=REPORT_FILE) as w:
        render(plan_records(plan_rejects), decisions, renamed, w, tally)
        for i in range(shards):
            for name in PART_FILES:
                w.append_file(name, work.rendered(i) / name)
            tally.merge(Tally.from_json(loads(work.tally(i).read_bytes())))
        write_clusters(w, decisions)
    return summary(tally, decisions, len(renamed), w)
