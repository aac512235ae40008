"""A/B timing of the boilerplate stage: this checkout against another (e.g. the code before a change),
both loaded in one process and run alternately, so that load on the shared machine hits both alike.

    git archive <commit> | tar -x -C /tmp/base
    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_ab.py /tmp/base [--rounds 9]

Uses the inputs stored by ``bench/boilerplate_golden.py record`` (181 articles with their detected
language; the first 2,000 corpus documents with language and their site's repeated lines; the 621
L3S-GN1 benchmark pages, 107 mostly short lines each). Each side uses the rules files of its own
checkout (``<other>/config/...`` when present). A "cold"
pass starts with empty per-line memories (one fresh process reading these documents once); the
"warm" pass right after it keeps them (the lines were seen before). Prints CPU µs per 3 KB
(``time.process_time``): best and median over the rounds.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.boilerplate_golden import load_cases  # noqa: E402
from flows.config import config_dir, load_settings  # noqa: E402
from flows.pipeline import Pipeline, load_rules_file  # noqa: E402

STAGE_MODULES = ("cleaners.stopwords", "cleaners.line_features", "cleaners.boilerplate_rules", "cleaners.boilerplate")


def load_other(root: Path) -> dict[str, ModuleType]:
    """The stage's modules from another checkout, under their own names but outside ``sys.modules``."""
    saved = {name: sys.modules.get(name) for name in STAGE_MODULES}
    loaded: dict[str, ModuleType] = {}
    try:
        for name in STAGE_MODULES:
            path = root / (name.replace(".", "/") + ".py")
            spec = importlib.util.spec_from_file_location(name, path)
            assert spec and spec.loader
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            loaded[name] = mod
    finally:
        for name, mod in saved.items():
            if mod is not None:
                sys.modules[name] = mod
    return loaded


def one_pass(strip: Any, rules: Any, pipe: Pipeline, cases: list[tuple[Any, ...]], cold: bool = True) -> float:
    if cold:
        for memory in ("line_cache", "line_memo"):  # line_cache: the older checkouts compared against
            getattr(rules, memory, {}).clear()
    opts, stop = pipe.s.boilerplate, pipe.stopwords
    t0 = time.process_time()
    for _, text, lang, repeated in cases:
        strip(text, opts, rules, stop, lang, repeated)
    return time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", type=Path, help="root of the other checkout")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--golden", type=Path, default=Path("/tmp/bpspeed-golden/golden.json.gz"))
    ap.add_argument("--only", choices=["articles", "corpus", "L3S"], help="time one set only")
    a = ap.parse_args()
    pipe = Pipeline(load_settings())
    other = load_other(a.other)
    bp = pipe.s.boilerplate
    names = (bp.rules_file, *bp.extra_rules_files)
    # each side with its own rules files (the pattern rewrites and the vetting are part of a change)
    files = [a.other / "config" / f if (a.other / "config" / f).exists() else config_dir() / f for f in names]
    other_rules = other["cleaners.boilerplate_rules"].BoilerplateRules.from_mapping(*map(load_rules_file, files))
    from cleaners.boilerplate import strip_boilerplate

    sides = {
        "other": (other["cleaners.boilerplate"].strip_boilerplate, other_rules),
        "this": (strip_boilerplate, pipe.rules),
    }
    cases, _ = load_cases(a.golden)
    sets = {
        "181 articles": [c for c in cases if c[0].startswith("article:")],
        "2000 corpus docs": [c for c in cases if c[0].startswith("corpus:")][:2000],
        "621 L3S-GN1 pages": [c for c in cases if c[0].startswith("l3s-gn1:")],  # short lines: per-line costs
    }
    for name, cs in sets.items():
        if a.only and a.only not in name:
            continue
        per_3kb = sum(len(c[1]) for c in cs) / 3000
        times: dict[str, list[float]] = {f"{side} {mode}": [] for mode in ("cold", "warm") for side in sides}
        for _ in range(a.rounds):
            for side, (strip, rules) in sides.items():
                times[f"{side} cold"].append(one_pass(strip, rules, pipe, cs) / per_3kb * 1e6)
                times[f"{side} warm"].append(one_pass(strip, rules, pipe, cs, cold=False) / per_3kb * 1e6)
        for side, t in times.items():
            print(f"{name:18s} {side:10s} best {min(t):6.1f}  median {statistics.median(t):6.1f} µs CPU per 3 KB")


if __name__ == "__main__":
    main()
