"""Boilerplate stage benchmark: line-label quality, clean-article loss and speed.

    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_bench.py [--split train,dev] [--out DIR]

Each benchmark page's lines (joined with "\\n") go through the real stage (`strip_boilerplate`) with
the page's language detected as the pipeline does; the lines it removed become the page's PRED flags,
which ../shared/bench/boilerplate/score.py scores. Each page is its own site (the benchmark pages
carry no usable source), so cross-document repetition plays no part here.
Also measured: characters the stage removes from clean articles (../shared/bench/news/articles.jsonl)
and the stage's time per 3 KB of text (language detection excluded: that is the language stage's cost).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from cleaners.boilerplate import strip_boilerplate
from cleaners.language import detect_language
from flows.config import load_settings
from flows.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"
BENCH_FILES = {"l3s-gn1": "l3s-gn1.jsonl", "googletrends-2017": "googletrends-2017.jsonl"}


def load_scorer(folder: Path) -> Any:
    spec = importlib.util.spec_from_file_location("bp_score", folder / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def keep_flags(lines: list[str], pipe: Pipeline) -> tuple[list[bool], float]:
    """Run the stage on the joined lines; return one keep flag per line and the stage's seconds."""
    text = "\n".join(lines)
    lang, _ = detect_language(text, pipe.s.language)
    t0 = time.process_time()
    res = strip_boilerplate(text, pipe.s.boilerplate, pipe.rules, pipe.stopwords, lang)
    dt = time.process_time() - t0
    index, pos = {}, 0
    for i, line in enumerate(lines):
        index[pos] = i
        pos += len(line) + 1
    keep = [True] * len(lines)
    for e in res.edits:  # one edit per removed line: the line with the newline after (or before) it
        if e.before.strip():
            keep[index[e.start + 1] if e.before.startswith("\n") else index[e.start]] = False
    return keep, dt


def predict(pages: list[dict[str, Any]], pipe: Pipeline, out: Path) -> tuple[float, int]:
    total_s, total_chars = 0.0, 0
    with out.open("w", encoding="utf-8") as fh:
        for page in pages:
            lines = [ln["text"] for ln in page["lines"]]
            keep, dt = keep_flags(lines, pipe)
            total_s += dt
            total_chars += sum(len(x) + 1 for x in lines)
            fh.write(json.dumps({"id": page["id"], "keep": keep}) + "\n")
    return total_s, total_chars


def summary(res: dict[str, Any]) -> str:
    lc, cc = res["lines"]["content"], res["chars"]["content"]
    return (
        f"pages={res['pages']:4d} line-F1={lc['f1']:.3f} (P {lc['precision']:.3f} R {lc['recall']:.3f})  "
        f"char-F1={cc['f1']:.4f} (P {cc['precision']:.3f} R {cc['recall']:.3f})  "
        f"clean-pages={res['clean_pages_share']:.3f}  perfect={res['perfect_pages_share']:.3f}  "
        f"page-avg-F1={res['page_macro_content_f1_chars']:.3f}"
    )


def clean_article_loss(pipe: Pipeline, path: Path) -> tuple[int, int, int, list[tuple[str, str]]]:
    """(articles, chars in, chars removed, removed lines) for clean articles through the stage."""
    arts = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    chars = removed = 0
    lost: list[tuple[str, str]] = []
    for art in arts:
        text = art["text"]
        lang, _ = detect_language(text, pipe.s.language)
        res = strip_boilerplate(text, pipe.s.boilerplate, pipe.rules, pipe.stopwords, lang)
        chars += len(text)
        removed += len(text) - len(res.text)
        lost.extend((e.rule, e.before.strip()) for e in res.edits if e.before.strip())
    return len(arts), chars, removed, lost


def _cpu_per_3kb(texts: list[str], pipe: Pipeline) -> float:
    t0 = time.process_time()
    for text in texts:
        strip_boilerplate(text, pipe.s.boilerplate, pipe.rules, pipe.stopwords, "en")
    return (time.process_time() - t0) / (sum(map(len, texts)) / 3000) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="", help="comma-separated splits to report besides all pages")
    ap.add_argument("--out", default="/tmp/textwash-boilerplate-bench")
    ap.add_argument("--shared", default=str(SHARED))
    ap.add_argument("--show-lost", type=int, default=0, help="print this many clean-article lines removed")
    a = ap.parse_args()
    shared = Path(a.shared)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    settings = load_settings()
    pipe = Pipeline(settings)
    scorer = load_scorer(shared / "boilerplate")
    splits = [s for s in a.split.split(",") if s] or ["train", "dev", "test"]
    stage_s = stage_chars = 0.0
    for name, file in BENCH_FILES.items():
        bench_path = shared / "boilerplate" / file
        pages = [json.loads(x) for x in bench_path.read_text(encoding="utf-8").splitlines() if x.strip()]
        pred = out / f"{name}.pred.jsonl"
        secs, chars = predict(pages, pipe, pred)
        stage_s += secs
        stage_chars += chars
        preds = {p["id"]: p["keep"] for p in map(json.loads, pred.read_text(encoding="utf-8").splitlines())}
        print(f"== {name}  (PRED: {pred})")
        for split in [None, *splits]:
            sel = [p for p in pages if split is None or p.get("split") == split]
            if sel:
                print(f"  {split or 'all':5s} {summary(scorer.score(sel, preds))}")
        if name == "l3s-gn1":
            # the official scorer's full report for all pages
            subprocess.run(
                [sys.executable, str(shared / "boilerplate" / "score.py"), str(bench_path), str(pred)],
                check=True,
            )
    n, chars, removed, lost = clean_article_loss(pipe, shared / "news" / "articles.jsonl")
    print(f"== clean articles: {n} articles, {chars} chars, removed {removed} ({removed / chars:.2%})")
    for rule, line in lost[: a.show_lost]:
        print(f"   {rule:32s} {line[:110]}")
    # speed on articles (3 KB normalisation) after a warm-up
    arts = [json.loads(x)["text"] for x in (shared / "news" / "articles.jsonl").read_text().splitlines() if x]
    langs = [detect_language(t, pipe.s.language)[0] for t in arts]
    per_3kb = []
    for _ in range(5):  # CPU time of this process: less disturbed by other jobs on a shared machine
        t0 = time.process_time()
        for text, lang in zip(arts, langs, strict=True):
            strip_boilerplate(text, pipe.s.boilerplate, pipe.rules, pipe.stopwords, lang)
        dt = time.process_time() - t0
        per_3kb.append(dt / (sum(map(len, arts)) / 3000) * 1e6)
    print(
        f"== speed: clean articles {min(per_3kb):.1f} µs CPU per 3 KB "
        f"(best of 5; median {statistics.median(per_3kb):.1f}); "
        f"benchmark pages {stage_s / (stage_chars / 3000) * 1e6:.1f} µs per 3 KB; "
        f"docs/s on articles {len(arts) / (dt or 1):.0f}"
    )
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    best = min(_cpu_per_3kb(seeds, pipe) for _ in range(20))
    print(f"== speed: seeds {best:.1f} µs CPU per 3 KB (best of 20 passes)")
    print(f"== peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
