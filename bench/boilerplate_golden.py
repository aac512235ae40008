"""Golden-output harness for the boilerplate stage: speed work must not change a single edit.

    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_golden.py record [--dir DIR]
    PYTHONPATH=$PWD /work/venv/bin/python bench/boilerplate_golden.py check [--dir DIR] [--reverse]

``record`` gathers the inputs once (text, detected language, the site's repeated-line keys) and stores
them with the stage's exact output; ``check`` re-runs the stage on the stored inputs and reports every
document whose drop map, text, edits or info differ. Inputs: every page of
../shared/bench/boilerplate (both datasets, all splits), the 181 articles of tests/data/news (with the
detected language and with ``lang=None``, the stopword-guess path), the seeds, and the first 3,000
documents of the pipeline benchmark corpus as the pipeline feeds them (``prepare``d, language
detected, repeated lines counted over those 3,000 documents per site as ``find_repeated_lines`` does).
``--reverse`` runs the documents in reverse order, so that results cannot depend on what the per-line
memory saw before.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.boilerplate import classify_lines, line_key, strip_boilerplate  # noqa: E402
from cleaners.boilerplate_rules import MatchStats  # noqa: E402
from cleaners.language import detect_language  # noqa: E402
from flows.config import load_settings  # noqa: E402
from flows.documents import RawDoc, Reject  # noqa: E402
from flows.pipeline import Pipeline  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
CORPUS = Path("/tmp/bp-speed/corpus-20000/corpus.jsonl")

Case = tuple[str, str, str | None, frozenset[str]]  # (name, text, lang, repeated)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def corpus_cases(pipe: Pipeline, path: Path, n: int) -> list[Case]:
    """The first ``n`` corpus documents as the pipeline's clean step receives them."""
    docs = []
    with path.open(encoding="utf-8") as fh:
        for _, line in zip(range(n), fh, strict=False):
            rec = json.loads(line)
            site = (rec.get("url") or "").split("/")[2].removeprefix("www.") if rec.get("url") else "bench"
            doc = pipe.prepare(RawDoc(rec["id"], "bench", site, {}, text=rec["text"]))
            if not isinstance(doc, Reject):
                docs.append(doc)
    opts = pipe.s.boilerplate
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    per_site: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for doc in docs:  # as flows.stages.prepare_shard / find_repeated_lines
        key = (doc.site, line_key(doc.text))
        if key in seen:
            continue
        seen.add(key)
        per_site[doc.site] += 1
        counts[doc.site].update({line_key(ln) for ln in doc.text.split("\n") if ln.strip()})
    repeated = {}
    for site, table in counts.items():
        need = max(opts.repeat_min_docs, opts.repeat_min_share * per_site[site])
        repeated[site] = frozenset(k for k, c in table.items() if c >= need)
    out = []
    for doc in docs:
        lang = detect_language(doc.text, pipe.s.language)[0]
        out.append((f"corpus:{doc.id}", doc.text, lang, repeated.get(doc.site, frozenset())))
    return out


def gather(pipe: Pipeline, corpus_docs: int) -> list[Case]:
    cases: list[Case] = []
    for name in ("l3s-gn1", "googletrends-2017"):
        for page in _jsonl(SHARED / "boilerplate" / f"{name}.jsonl"):
            text = "\n".join(ln["text"] for ln in page["lines"])
            cases.append((f"{name}:{page['id']}", text, detect_language(text, pipe.s.language)[0], frozenset()))
    for i, art in enumerate(_jsonl(ROOT / "tests" / "data" / "news" / "articles.jsonl")):
        text = art["text"]
        cases.append((f"article:{i}", text, detect_language(text, pipe.s.language)[0], frozenset()))
        cases.append((f"article-nolang:{i}", text, None, frozenset()))
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        cases.append((f"seed:{seed.name}", text, detect_language(text, pipe.s.language)[0], frozenset()))
    cases.extend(corpus_cases(pipe, CORPUS, corpus_docs))
    return cases


def output(pipe: Pipeline, case: Case) -> tuple[Any, ...]:
    """The stage's full observable output for one case (drop map, text, edits, info, reject)."""
    _, text, lang, repeated = case
    opts = pipe.s.boilerplate
    drop = classify_lines(text.split("\n"), opts, pipe.rules, pipe.stopwords, lang, repeated, MatchStats())
    res = strip_boilerplate(text, opts, pipe.rules, pipe.stopwords, lang, repeated)
    return drop, res.text, [e.to_json() for e in res.edits], res.info, res.reject


def _plain(value: Any) -> Any:
    """``value`` as JSON sees it (tuples as lists, int keys as strings): stored and fresh outputs compare."""
    return json.loads(json.dumps(value))


def save_cases(store: Path, cases: list[Case], golden: list[Any]) -> None:
    """Cases and outputs as gzipped JSON (no pickle: nothing in this repository unpickles)."""
    rows = [[name, text, lang, sorted(rep)] for name, text, lang, rep in cases]
    store.write_bytes(gzip.compress(json.dumps({"cases": rows, "golden": golden}).encode()))


def load_cases(store: Path) -> tuple[list[Case], list[Any]]:
    data = json.loads(gzip.decompress(store.read_bytes()))
    cases = [(name, text, lang, frozenset(rep)) for name, text, lang, rep in data["cases"]]
    return cases, data["golden"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["record", "check"])
    ap.add_argument("--dir", type=Path, default=Path("/tmp/bpspeed-golden"))
    ap.add_argument("--corpus-docs", type=int, default=3000)
    ap.add_argument("--reverse", action="store_true")
    a = ap.parse_args()
    pipe = Pipeline(load_settings())
    a.dir.mkdir(parents=True, exist_ok=True)
    store = a.dir / "golden.json.gz"
    if a.mode == "record":
        cases = gather(pipe, a.corpus_docs)
        golden = [_plain(output(pipe, c)) for c in cases]
        save_cases(store, cases, golden)
        print(f"recorded {len(cases)} cases, {sum(len(g[2]) for g in golden)} edits -> {store}")
        return
    cases, golden = load_cases(store)
    order = list(range(len(cases)))[:: -1 if a.reverse else 1]
    t0 = time.process_time()
    bad = []
    for i in order:
        if _plain(output(pipe, cases[i])) != golden[i]:
            bad.append(cases[i][0])
    dt = time.process_time() - t0
    print(f"checked {len(cases)} cases in {dt:.1f} s CPU: {len(bad)} differ")
    for name in bad[:20]:
        print("  DIFF", name)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
