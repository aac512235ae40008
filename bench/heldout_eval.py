"""Run the held-out repair/dedup cases (tests/data/heldout_repair/) and print every miss.

    PYTHONPATH=$PWD python bench/heldout_eval.py [-v]

Damage: encoding then whitespace must give what whitespace gives on the original. Fragments:
language detection then fragment repair must keep ``keep`` cases unchanged and turn ``fix`` cases
into one of the accepted texts. Dedup: ``dup`` pairs merged, ``apart`` pairs not.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaners.encoding import fix_encoding  # noqa: E402
from cleaners.fragments import repair_fragments  # noqa: E402
from cleaners.language import detect_language  # noqa: E402
from cleaners.whitespace import normalize_whitespace  # noqa: E402
from flows.config import config_dir, load_settings  # noqa: E402
from flows.dedup import deduplicate  # noqa: E402
from flows.pipeline import load_glossary  # noqa: E402
from tests.dedup_helpers import make_features  # noqa: E402

DATA = ROOT / "tests" / "data" / "heldout_repair"


def rows(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", action="store_true", help="print passing cases too")
    args = ap.parse_args()
    s = load_settings()
    glossary = load_glossary(config_dir() / s.fragments.glossary_dir)
    misses: dict[str, list[str]] = {"damage": [], "fragments": [], "dedup": []}
    t0 = time.process_time()
    for case in rows("damage"):
        want = normalize_whitespace(case["original"], s.whitespace).text
        enc = fix_encoding(case["damaged"], s.encoding)
        got = normalize_whitespace(enc.text, s.whitespace).text
        ok = got == want
        if not ok:
            misses["damage"].append(case["id"])
        if not ok or args.v:
            print(f"[damage {'ok' if ok else 'MISS'}] {case['id']}: {got!r}" + ("" if ok else f"\n    want {want!r}"))
    for case in rows("fragments"):
        text = normalize_whitespace(case["text"], s.whitespace).text
        lang, _ = detect_language(text, s.language)
        res = repair_fragments(text, lang, s.fragments, glossary)
        if case["expect"] == "keep":
            ok = res.text == text and not res.reject
        else:
            ok = res.text in case["accept"] and not res.reject
        if not ok:
            misses["fragments"].append(case["id"])
        if not ok or args.v:
            rules = sorted({e.rule for e in res.edits})
            print(f"[fragments {'ok' if ok else 'MISS'}] {case['id']} (lang {lang}, {rules}, reject {res.reject}): "
                  f"{res.text[-110:]!r}")
    for case in rows("dedup"):
        d = deduplicate(make_features(case["texts"], s), s)
        dup = d["duplicate_of"]

        def merged(i: int, j: int, dup: list[int] = dup) -> bool:
            root_i = i if dup[i] < 0 else dup[i]
            root_j = j if dup[j] < 0 else dup[j]
            return root_i == root_j

        ok = all(merged(i, j) for i, j in case["dup"]) and not any(merged(i, j) for i, j in case["apart"])
        if not ok:
            misses["dedup"].append(case["id"])
        if not ok or args.v:
            print(f"[dedup {'ok' if ok else 'MISS'}] {case['id']}: duplicate_of {dup}, similarity {d['similarity']}")
    print(f"CPU {time.process_time() - t0:.1f} s")
    for name, missed in misses.items():
        print(f"{name}: {len(rows(name)) - len(missed)}/{len(rows(name))} right; misses: {', '.join(missed) or '-'}")


if __name__ == "__main__":
    main()
