"""Where the boilerplate stage loses characters on a line-labelled benchmark: a diagnosis tool.

    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_losses.py [--bench googletrends-2017]
        [--split train,dev] [--top 20] [--sort fn|fp|both] [--show gt_119,gt_150] [--set key=json ...]

Per page: content characters dropped (FN), boilerplate characters kept (FP), content kept (TP);
overall char-F1; dropped content characters per signal (rule category or classifier signal), kept
boilerplate characters per initial jusText class. ``--show`` prints a page line by line (FN/FP marks,
the signal that dropped each line); ``--set`` overrides stage options (``--set inblock_min_share=0``)
to compare a variant. Runs ``classify_lines`` on the page's lines as they are (no hard-wrap joining),
so hard-wrapped L3S pages may differ slightly from ``bench/boilerplate_bench.py``. Tune on train/dev.
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path
from typing import Any

from cleaners.boilerplate import classify_lines
from cleaners.language import detect_language
from flows.config import load_settings
from flows.pipeline import Pipeline

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "boilerplate"


def signal(why: str) -> str:
    """``rule:<category>`` or the classifier signal of an audit label."""
    parts = why.split(":")
    return ":".join(parts[:2]) if len(parts) > 1 else why


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="googletrends-2017")
    ap.add_argument("--split", default="train,dev")
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--sort", choices=["fn", "fp", "both"], default="both")
    ap.add_argument("--show", default="", help="comma-separated page ids to print line by line")
    ap.add_argument("--set", action="append", default=[], help="option override key=json")
    a = ap.parse_args()
    pipe = Pipeline(load_settings())
    over: dict[str, Any] = {k: json.loads(v) for k, v in (s.split("=", 1) for s in a.set)}
    opts = pipe.s.boilerplate.model_copy(update=over)
    splits, show = set(a.split.split(",")), set(filter(None, a.show.split(",")))
    total: collections.Counter[str] = collections.Counter()
    lost: collections.Counter[str] = collections.Counter()
    rows = []
    for raw in (SHARED / f"{a.bench}.jsonl").read_text(encoding="utf-8").splitlines():
        page = json.loads(raw)
        if page.get("split") not in splits and page["id"] not in show:
            continue
        lines = [ln["text"] for ln in page["lines"]]
        lang, _ = detect_language("\n".join(lines), pipe.s.language)
        drop = classify_lines(lines, opts, pipe.rules, pipe.stopwords, lang)
        tp = fn = fp = 0
        for i, ln in enumerate(page["lines"]):
            n, kept = len(ln["text"]), i not in drop
            if ln["content"] and kept:
                tp += n
            elif ln["content"]:
                fn += n
                lost[signal(drop[i])] += n
            elif kept:
                fp += n
            if page["id"] in show:
                mark = "  " if kept == ln["content"] else ("FN" if ln["content"] else "FP")
                label = "C" if ln["content"] else "-"
                print(f"{page['id']} {i:4d} {mark} {label} {drop.get(i, 'KEEP')[:30]:30s} {ln['text'][:100]}")
        if page.get("split") in splits:
            total.update(tp=tp, fn=fn, fp=fp)
            rows.append((fn, fp, tp, page["id"], page["split"], page.get("url")))
    key = {"fn": lambda r: -r[0], "fp": lambda r: -r[1], "both": lambda r: -(r[0] + r[1])}[a.sort]
    print(f"{'FN':>7} {'FP':>7} {'TP':>7}  page")
    for fn, fp, tp, pid, split, url in sorted(rows, key=key)[: a.top]:
        print(f"{fn:7d} {fp:7d} {tp:7d}  {pid} ({split}) {url or ''}")
    tp, fn, fp = total["tp"], total["fn"], total["fp"]
    print(f"pages {len(rows)}  TP {tp} FN {fn} FP {fp}  char-F1 {2 * tp / max(2 * tp + fn + fp, 1):.4f}")
    print("content dropped per signal:", ", ".join(f"{k} {v}" for k, v in lost.most_common(12)))


if __name__ == "__main__":
    main()
