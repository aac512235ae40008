"""Golden harness for the language and fragment stages: outputs must not change when they get faster.

    PYTHONPATH=$PWD python bench/langfrag_golden.py save  /tmp/langfrag-golden.json.gz
    PYTHONPATH=$PWD python bench/langfrag_golden.py check /tmp/langfrag-golden.json.gz

Inputs: the 181 real articles (tests/data/news), the seeds, the ftfy cases of tests/data/repair
(original and fixed texts), and the first ``--docs`` documents of the benchmark corpus. Per input it
records the language tag of the prepared text (``identify``), the fragment ``StageResult`` for that
tag and for ``en``/``de``/``fr`` (the Latin-clause path on documents in other languages), and the
whole ``Pipeline.clean`` result. ``check`` fails on any difference, except a language tag that
changed to exactly what plain seeded langdetect says on the full text (reported; the method and
confidence of a tag may change when a fast path now decides what langdetect decided before).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.edits import StageResult  # noqa: E402
from cleaners.fragments import repair_fragments  # noqa: E402
from cleaners.language import identify  # noqa: E402
from flows.config import load_settings  # noqa: E402
from flows.documents import RawDoc, Reject  # noqa: E402
from flows.pipeline import Pipeline  # noqa: E402

CORPUS = Path("/tmp/bp-speed/corpus-20000/corpus.jsonl")


def inputs(corpus: Path, n_docs: int) -> list[tuple[str, str]]:
    """``(key, text)`` for every golden input, in a fixed order."""
    out: list[tuple[str, str]] = []
    with (ROOT / "tests/data/news/articles.jsonl").open(encoding="utf-8") as fh:
        out += [(f"article:{rec['id']}", rec["text"]) for rec in map(json.loads, fh)]
    out += [(f"seed:{p.name}", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests/data/repair/ftfy-cases").glob("*.json")):
        for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            out += [(f"ftfy:{path.stem}:{i}:{k}", case[k]) for k in ("original", "fixed") if case.get(k)]
    with corpus.open(encoding="utf-8") as fh:
        for _, line in zip(range(n_docs), fh, strict=False):
            rec = json.loads(line)
            out.append((f"corpus:{rec['id']}", rec["text"]))
    return out


def _stage(res: StageResult) -> dict[str, Any]:
    return {"text": res.text, "edits": [e.to_json() for e in res.edits],
            "reject": list(res.reject) if res.reject else None, "info": res.info}


def record(pipe: Pipeline, key: str, text: str) -> dict[str, Any]:
    s = pipe.s
    doc = pipe.prepare(RawDoc(key, "golden", "golden", {}, text=text))
    if isinstance(doc, Reject):
        return {"prepared": None}
    prepared = doc.text
    lang, prob, method = identify(prepared, s.language)
    frags = {tag: _stage(repair_fragments(prepared, tag, s.fragments, pipe.glossary))
             for tag in dict.fromkeys((lang, "en", "de", "fr"))}
    cleaned = pipe.clean(doc, frozenset())
    if isinstance(cleaned, Reject):
        clean = {"reject": [cleaned.reason, cleaned.detail], "edits": cleaned.edits, "info": cleaned.info}
    else:
        clean = {"text": cleaned.text, "edits": cleaned.edits, "info": cleaned.info}
    return {"prepared": prepared, "lang": lang, "prob": prob, "method": method, "fragments": frags,
            "clean": json.loads(json.dumps(clean, sort_keys=True))}


def plain_langdetect(text: str) -> str:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text)
    except LangDetectException:
        return "und"


def compare(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[str], list[str]]:
    """``(failures, accepted tag changes)`` between two records of one input."""
    if old.get("prepared") != new.get("prepared"):
        return ["prepared text differs (not this area's stages?)"], []
    if old["prepared"] is None:
        return [], []
    fails: list[str] = []
    accepted: list[str] = []
    if old["lang"] != new["lang"]:
        plain = plain_langdetect(new["prepared"])
        note = f"tag {old['lang']}({old['method']}) -> {new['lang']}({new['method']}), plain langdetect {plain}"
        (accepted if new["lang"] == plain else fails).append(note)
    for tag, res in old["fragments"].items():
        if tag in new["fragments"] and new["fragments"][tag] != res:
            fails.append(f"fragments[{tag}] differ")
    if old["clean"] != new["clean"]:
        if old["lang"] == new["lang"] or fails:
            fails.append("pipeline.clean differs")
        else:
            accepted.append("pipeline.clean differs after an accepted tag change")
    return fails, accepted


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("golden", type=Path)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--docs", type=int, default=3000)
    args = ap.parse_args()
    pipe = Pipeline(load_settings())
    items = inputs(args.corpus, args.docs)
    records = {key: record(pipe, key, text) for key, text in items}
    methods: dict[str, int] = {}
    for rec in records.values():
        if rec.get("method"):
            methods[rec["method"]] = methods.get(rec["method"], 0) + 1
    print(f"{len(records)} inputs; language methods {dict(sorted(methods.items()))}")
    if args.mode == "save":
        with gzip.open(args.golden, "wt", encoding="utf-8") as fh:
            json.dump(records, fh, ensure_ascii=False)
        print(f"saved {args.golden}")
        return
    with gzip.open(args.golden, "rt", encoding="utf-8") as fh:
        golden = json.load(fh)
    if set(golden) != set(records):
        sys.exit(f"inputs differ: {len(set(golden) ^ set(records))} keys")
    failures = accepted = 0
    for key, old in golden.items():
        fails, ok = compare(old, records[key])
        for note in fails:
            print(f"FAIL {key}: {note}")
        for note in ok:
            print(f"ok   {key}: {note}")
        failures += len(fails)
        accepted += bool(ok)
    moved = sum(old.get("method") != records[k].get("method") for k, old in golden.items())
    print(f"{failures} failures; {accepted} accepted tag changes; {moved} inputs decided by another method")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
