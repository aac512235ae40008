"""Boilerplate stage speed: CPU µs per 3 KB of text, as the pipeline feeds the stage.

    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_speed.py [--corpus-docs 2000] [--repeats 5]

Two sets: the 181 clean articles of tests/data/news/articles.jsonl (language detected as the pipeline
does) and the first ``--corpus-docs`` documents of the pipeline benchmark corpus
(/tmp/bp-speed/corpus-20000, built by ``bench/pipeline_bench.py --work /tmp/bp-speed``), ``prepare``d,
with their detected language and their site's repeated lines counted over those documents. Only
``strip_boilerplate`` is timed (``time.process_time``, best of ``--repeats`` passes). "cold": the
per-line rule memory is emptied before each pass (a fresh process); "warm": it is kept from the
previous pass (a long run that has seen the site's lines before).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.boilerplate_golden import CORPUS, Case, corpus_cases  # noqa: E402
from cleaners.boilerplate import strip_boilerplate  # noqa: E402
from cleaners.language import detect_language  # noqa: E402
from flows.config import load_settings  # noqa: E402
from flows.pipeline import Pipeline  # noqa: E402


def one_pass(pipe: Pipeline, cases: list[Case], cold: bool) -> float:
    """CPU seconds of one pass of the stage over ``cases``."""
    if cold:
        getattr(pipe.rules, "line_memo", {}).clear()  # the per-line memory (absent before the speed work)
    opts, rules, stop = pipe.s.boilerplate, pipe.rules, pipe.stopwords
    t0 = time.process_time()
    for _, text, lang, repeated in cases:
        strip_boilerplate(text, opts, rules, stop, lang, repeated)
    return time.process_time() - t0


def report(name: str, pipe: Pipeline, cases: list[Case], repeats: int) -> None:
    chars = sum(len(c[1]) for c in cases)
    for mode in ("cold", "warm"):
        best = min(one_pass(pipe, cases, mode == "cold") for _ in range(repeats))
        print(
            f"{name:34s} {mode}: {best / (chars / 3000) * 1e6:7.1f} µs per 3 KB  "
            f"{best / len(cases) * 1e6:7.1f} µs/doc  {len(cases) / best:7.0f} docs/s  "
            f"({len(cases)} docs, {chars / len(cases) / 1000:.1f} KB/doc, best of {repeats})"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-docs", type=int, default=2000)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    pipe = Pipeline(load_settings())
    arts = [json.loads(x)["text"] for x in (ROOT / "tests/data/news/articles.jsonl").read_text().splitlines() if x]
    articles = [(f"a{i}", t, detect_language(t, pipe.s.language)[0], frozenset[str]()) for i, t in enumerate(arts)]
    report("181 clean articles", pipe, articles, a.repeats)
    corpus = corpus_cases(pipe, a.corpus, a.corpus_docs)
    with_rep = sum(bool(c[3]) for c in corpus)
    report(f"{len(corpus)} corpus docs ({with_rep} w/ repeated)", pipe, corpus, a.repeats)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
