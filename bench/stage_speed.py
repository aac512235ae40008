"""CPU µs per document of the encoding, whitespace and minhash stages, each on the input the pipeline gives it.

    PYTHONPATH=$PWD python bench/stage_speed.py [--corpus /tmp/bp-speed/corpus-20000/corpus.jsonl]
        [--docs 2000] [--repeats 3] [--baseline /path/to/other/checkout]

Encoding gets the raw corpus text, whitespace the encoding stage's output, minhash (``features``)
the text after the whole ``prepare`` + ``clean`` pipeline (computed once, not timed). Each stage is
timed over all documents with ``time.process_time`` after a warm-up (tables built, caches filled);
the best of ``--repeats`` runs is reported, so other load on the machine inflates it least.
With ``--baseline`` the same three stage modules of another checkout (e.g. ``git worktree add
/tmp/base <commit>``) are timed too, alternating with this one's, so both see the same load.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.encoding import fix_encoding  # noqa: E402
from cleaners.minhash import features  # noqa: E402
from cleaners.whitespace import normalize_whitespace  # noqa: E402
from flows.config import load_settings  # noqa: E402
from flows.documents import RawDoc, Reject  # noqa: E402
from flows.pipeline import Pipeline  # noqa: E402


def _best(fns: list[Callable[[str], object]], texts: list[str], repeats: int) -> list[float]:
    """Best CPU µs per document of each of ``fns`` over ``texts``, the functions taking turns."""
    for fn in fns:
        for text in texts[:20]:
            fn(text)  # warm-up: lazy tables and caches
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            started = time.process_time()
            for text in texts:
                fn(text)
            best[i] = min(best[i], time.process_time() - started)
    return [b / len(texts) * 1e6 for b in best]


def _module(root: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"baseline_{name}", root / "cleaners" / f"{name}.py")
    assert spec and spec.loader, root
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/bp-speed/corpus-20000/corpus.jsonl"))
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="another checkout whose stages are timed alongside")
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
    stages: dict[str, tuple[list[Callable[[str], object]], list[str]]] = {
        "encoding": ([lambda t: fix_encoding(t, enc)], raw),
        "whitespace": ([lambda t: normalize_whitespace(t, ws)], prepared),
        "minhash": ([lambda t: features(t, mh)], cleaned),
    }
    if args.baseline:
        old_enc, old_ws, old_mh = (_module(args.baseline, n) for n in ("encoding", "whitespace", "minhash"))
        def known(model: type, opts: object) -> dict:  # a baseline predating a newer key ignores it
            return {k: v for k, v in opts.model_dump().items() if k in model.model_fields}

        eo = old_enc.EncodingOptions(**known(old_enc.EncodingOptions, enc))
        wo = old_ws.WhitespaceOptions(**known(old_ws.WhitespaceOptions, ws))
        mo = old_mh.MinHashOptions(**known(old_mh.MinHashOptions, mh))
        stages["encoding"][0].append(lambda t: old_enc.fix_encoding(t, eo))
        stages["whitespace"][0].append(lambda t: old_ws.normalize_whitespace(t, wo))
        stages["minhash"][0].append(lambda t: old_mh.features(t, mo))
    print(f"{len(raw)} docs ({sum(map(len, raw)) / len(raw):.0f} chars/doc), {len(cleaned)} cleaned; "
          f"best of {args.repeats}, CPU µs/doc:")
    for stage, (fns, texts) in stages.items():
        us = _best(fns, texts, args.repeats)
        line = f"  {stage:<10} {us[0]:7.1f} µs/doc  ({1e6 / us[0]:,.0f} docs/s)"
        if args.baseline:
            line += f"   baseline {us[1]:7.1f} µs/doc  ({us[1] / us[0]:.2f}x)"
        print(line)
    print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
