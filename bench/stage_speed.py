"""CPU µs per document of the encoding, whitespace and minhash stages, each on the input the pipeline gives it.

    PYTHONPATH=$PWD python bench/stage_speed.py [--corpus /tmp/bp-speed/corpus-20000/corpus.jsonl]
        [--docs 2000] [--repeats 3]

Encoding gets the raw corpus text, whitespace the encoding stage's output, minhash (``features``)
the text after the whole ``prepare`` + ``clean`` pipeline (computed once, not timed). Each stage is
timed over all documents with ``time.process_time`` after a warm-up (tables built, caches filled);
the best of ``--repeats`` runs is reported, so other load on the machine inflates it least.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.encoding import fix_encoding  # noqa: E402
from cleaners.minhash import features  # noqa: E402
from cleaners.whitespace import normalize_whitespace  # noqa: E402
from flows.config import load_settings  # noqa: E402
from flows.documents import RawDoc, Reject  # noqa: E402
from flows.pipeline import Pipeline  # noqa: E402


def _best(fn: Callable[[str], object], texts: list[str], repeats: int) -> float:
    """Best CPU µs per document of ``fn`` over ``texts``."""
    for text in texts[:20]:
        fn(text)  # warm-up: lazy tables and caches
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for text in texts:
            fn(text)
        best = min(best, time.process_time() - started)
    return best / len(texts) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/bp-speed/corpus-20000/corpus.jsonl"))
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    settings = load_settings()
    with args.corpus.open(encoding="utf-8") as fh:
        raw = [json.loads(line)["text"] for _, line in zip(range(args.docs), fh, strict=False)]
    pipe = Pipeline(settings)
    prepared = [fix_encoding(t, settings.encoding).text for t in raw]
    cleaned = []
    for i, text in enumerate(raw):
        doc = pipe.prepare(RawDoc(f"d{i}", "bench", "bench", {}, text=text))
        if not isinstance(doc, Reject):
            doc = pipe.clean(doc, frozenset())
            if not isinstance(doc, Reject):
                cleaned.append(doc.text)
    enc, ws, mh = settings.encoding, settings.whitespace, settings.minhash
    results = {
        "encoding": _best(lambda t: fix_encoding(t, enc), raw, args.repeats),
        "whitespace": _best(lambda t: normalize_whitespace(t, ws), prepared, args.repeats),
        "minhash": _best(lambda t: features(t, mh), cleaned, args.repeats),
    }
    print(f"{len(raw)} docs ({sum(map(len, raw)) / len(raw):.0f} chars/doc), {len(cleaned)} cleaned; "
          f"best of {args.repeats}, CPU µs/doc:")
    for stage, us in results.items():
        print(f"  {stage:<10} {us:7.1f} µs/doc  ({1e6 / us:,.0f} docs/s)")
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
