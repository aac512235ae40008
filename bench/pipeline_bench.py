"""End-to-end throughput benchmark: build the 20,000-document corpus, run ``textwash clean``, report.

    PYTHONPATH=$PWD python bench/pipeline_bench.py [--docs 20000] [--workers 2] [--workers 1 ...]
    PYTHONPATH=$PWD python bench/pipeline_bench.py --work /tmp/tw-bench --profile 1000  # cProfile

Reports per run: wall time, Prefect start-up (wall time minus the flow's own time from report.json),
docs/s over the flow time, per-stage CPU µs per document (``time.thread_time`` of the thread running
each stage, so other load on the machine does not inflate it), CPU seconds and peak RSS per process
role and for the whole process tree, peak PSS of the tree (psutil), and dedup precision / recall /
F1 over planted duplicate pairs.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import build  # noqa: E402


def _role(p: psutil.Process, root: int) -> str:
    if p.pid == root:
        return "cli"
    try:
        cmd = " ".join(p.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "other"
    if "prefect.server" in cmd or "uvicorn" in cmd:
        return "prefect_server"
    if "resource_tracker" in cmd or "flows.reaper" in cmd:
        return "other"
    if "forkserver" in cmd:  # pool workers are forked from the forkserver: same command line, it is their parent
        try:
            parent = " ".join(p.parent().cmdline()) if p.parent() else ""
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            parent = ""
        return "workers" if "forkserver" in parent else "forkserver"
    if "multiprocessing" in cmd:
        return "workers"
    try:  # workers forked from the CLI itself (flows/workers.py): the CLI's command line, the CLI as parent
        if p.ppid() == root and cmd == " ".join(psutil.Process(root).cmdline()):
            return "workers"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        pass
    return "other"


class TreeSampler:
    """Polls a process tree: peak total RSS, peak RSS per role, CPU seconds per process."""

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        self.peak = 0
        self.peak_pss = 0  # proportional set size: shared pages (forkserver, libraries) counted once
        self.samples = 0
        self.peak_by_role: dict[str, int] = {}
        self.peak_pss_by_role: dict[str, int] = {}
        self.at_peak: dict[str, list[int]] = {}  # RSS per process (by role) at the moment of the tree's peak
        self.cpu: dict[int, tuple[str, float]] = {}
        self.roles: dict[int, str] = {}

    def sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        total = pss = 0
        by_role: dict[str, int] = {}
        each: dict[str, list[int]] = {}
        pss_by_role: dict[str, int] = {}
        full = self.samples % 10 == 0  # PSS reads smaps: every 10th sample
        self.samples += 1
        for p in procs:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                role = self.roles.get(p.pid) or _role(p, self.root.pid)
                if role != "other":  # a child seen between fork and exec still shows its parent's command
                    self.roles[p.pid] = role
                rss = p.memory_info().rss
                if full:
                    p_pss = p.memory_full_info().pss
                    pss += p_pss
                    pss_by_role[role] = pss_by_role.get(role, 0) + p_pss
                t = p.cpu_times()
                self.cpu[p.pid] = (role, t.user + t.system)
                total += rss
                by_role[role] = by_role.get(role, 0) + rss
                each.setdefault(role, []).append(rss)
        if total > self.peak:
            self.at_peak = each
        self.peak = max(self.peak, total)
        self.peak_pss = max(self.peak_pss, pss)
        for role, rss in by_role.items():
            self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss)
        for role, size in pss_by_role.items():
            self.peak_pss_by_role[role] = max(self.peak_pss_by_role.get(role, 0), size)

    def cpu_by_role(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for role, sec in self.cpu.values():
            out[role] = round(out.get(role, 0.0) + sec, 2)
        return out


def run_clean(corpus: Path, out: Path, workers: int, extra: list[str]) -> tuple[float, TreeSampler]:
    """Run the real CLI in a subprocess; returns (wall seconds, process-tree samples)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "flows", "clean", str(corpus), "--out", str(out), "--workers", str(workers),
           "--no-progress", *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    sampler = TreeSampler(psutil.Process(proc.pid))
    while proc.poll() is None:
        sampler.sample()
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"textwash clean failed with exit code {proc.returncode}")
    return wall, sampler


def _pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}  # type: ignore[misc]


def dedup_scores(out: Path, truth: dict[str, Any]) -> dict[str, float]:
    planted = _pairs([[orig, *copies] for orig, copies in truth["groups"].items()])
    found = _pairs([[m["id"] for m in json.loads(line)["members"]]
                    for line in (out / "clusters.jsonl").open(encoding="utf-8")])
    tp = len(planted & found)
    p = tp / len(found) if found else 0.0
    r = tp / len(planted) if planted else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
            "planted_pairs": len(planted), "found_pairs": len(found)}


def report_run(corpus: Path, out: Path, workers: int, truth: dict[str, Any],
               extra: list[str]) -> dict[str, Any]:
    wall, tree = run_clean(corpus, out, workers, extra)
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    docs = rep["counts"]["input"]
    flow_s = rep["timings_s"]["total"]
    stages = {k: round(v / docs * 1e6, 1) for k, v in sorted(rep.get("stage_seconds", {}).items())}
    cpu = tree.cpu_by_role()
    return {
        "workers": workers, "docs": docs, "wall_s": round(wall, 2), "flow_s": round(flow_s, 2),
        "startup_s": round(wall - flow_s, 2), "docs_per_s": round(docs / flow_s, 1),
        "docs_per_s_wall": round(docs / wall, 1),
        "peak_rss_mb": round(tree.peak / 2**20, 1),
        "peak_pss_mb": round(tree.peak_pss / 2**20, 1),
        "peak_rss_mb_by_role": {k: round(v / 2**20, 1) for k, v in sorted(tree.peak_by_role.items())},
        "rss_mb_at_tree_peak": {k: [round(v / 2**20, 1) for v in sorted(vs, reverse=True)]
                                for k, vs in sorted(tree.at_peak.items())},
        "peak_pss_mb_by_role": {k: round(v / 2**20, 1) for k, v in sorted(tree.peak_pss_by_role.items())},
        "cpu_s_by_role": cpu,
        # CPU per document in the pipeline's processes (the workers, or the CLI with --workers 1)
        "pipeline_cpu_us_per_doc": round((cpu.get("workers", 0) or cpu.get("cli", 0)) / docs * 1e6, 1),
        "timings_s": rep["timings_s"], "stage_cpu_us_per_doc": stages, "dedup": dedup_scores(out, truth),
        "counts": rep["counts"],
    }


def profile(corpus: Path, n: int, top: int = 25) -> None:
    """CPU per stage and a cProfile of the pipeline on the first ``n`` documents, in this process."""
    import cProfile
    import pstats

    from cleaners.language import warm_up
    from flows.config import load_settings
    from flows.documents import RawDoc, Reject
    from flows.pipeline import Pipeline

    settings = load_settings()
    pipe = Pipeline(settings)
    warm_up()  # as each worker does before its shards: langdetect's profiles are not per-document cost
    docs = []
    with corpus.open(encoding="utf-8") as fh:
        for _, line in zip(range(n), fh, strict=False):
            rec = json.loads(line)
            docs.append(RawDoc(rec["id"], "bench", "bench", {}, text=rec["text"]))

    def run() -> None:  # stage by stage over batches of run.batch_docs documents, as a worker does
        step = settings.run.batch_docs
        for first in range(0, len(docs), step):
            prepared = [d for d in pipe.prepare_many(docs[first : first + step]) if not isinstance(d, Reject)]
            cleaned = pipe.clean_many([(d, frozenset()) for d in prepared])
            pipe.features_many([d for d in cleaned if not isinstance(d, Reject)])

    started = time.process_time()
    run()
    cpu = time.process_time() - started
    stages = {k: round(v / len(docs) * 1e6) for k, v in pipe.take_timings().items()}
    print(f"pipeline CPU {cpu / len(docs) * 1e6:.0f} µs/doc over {len(docs)} docs; per stage: {stages}")
    prof = cProfile.Profile()
    prof.runcall(run)
    pstats.Stats(prof).sort_stats("tottime").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--workers", type=int, action="append", help="repeatable; default: 2 then 1")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--work", type=Path, help="folder for corpus and outputs (default: a temp folder)")
    ap.add_argument("--set", dest="sets", action="append", default=[], help="passed to textwash --set")
    ap.add_argument("--profile", type=int, metavar="N", help="only profile the pipeline on N documents")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="textwash-bench-"))
    corpus_dir = work / f"corpus-{args.docs}"
    if not (corpus_dir / "truth.json").exists():
        t = time.perf_counter()
        stats = build(args.shared, corpus_dir, n_docs=args.docs)
        print(f"built corpus in {time.perf_counter() - t:.1f}s: {json.dumps(stats)}", file=sys.stderr)
    truth = json.loads((corpus_dir / "truth.json").read_text(encoding="utf-8"))
    size = (corpus_dir / "corpus.jsonl").stat().st_size
    print(f"corpus: {corpus_dir / 'corpus.jsonl'} ({size / 1e6:.1f} MB, {size / args.docs:.0f} B/doc)")
    if args.profile:
        profile(corpus_dir / "corpus.jsonl", args.profile)
        return
    extra = [x for s in args.sets for x in ("--set", s)]
    results = []
    for workers in args.workers or [2, 1]:
        out = work / f"out-w{workers}"
        res = report_run(corpus_dir / "corpus.jsonl", out, workers, truth, extra)
        results.append(res)
        print(json.dumps(res, indent=1))
    if len(results) > 1:
        base = next((r for r in results if r["workers"] == 1), None)
        for r in results:
            if base and r is not base:
                print(f"speed-up {r['workers']} workers vs 1: {r['docs_per_s'] / base['docs_per_s']:.2f}x")


if __name__ == "__main__":
    main()
