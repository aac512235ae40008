"""CPU per document of the language and fragment stages, and the memory of langdetect's profiles.

    PYTHONPATH=$PWD python bench/langfrag_bench.py [--corpus PATH] [--docs 2000] [--repeats 3]

Documents are the benchmark corpus (``bench/pipeline_bench.py`` builds it), prepared (decode,
encoding, whitespace) as the pipeline does; the language stage is timed on the prepared text, the
fragment stage on the text after boilerplate removal with the document's tag, as in ``Pipeline.clean``.
CPU time (``time.process_time``), best of ``--repeats``. Memory: peak RSS of a fresh process before
and after loading langdetect's profiles (``warm_up``), and of one langdetect call.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = Path("/tmp/bp-speed/corpus-20000/corpus.jsonl")

_MEMORY = """
import resource, sys
sys.path.insert(0, {root!r})
def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import cleaners.language as language
from flows.config import load_settings
opts = load_settings().language
before = rss()
language.warm_up()
loaded = rss()
language.langdetect_language("Die Regierung hat am Montag neue Maßnahmen angekündigt.", 0)
print(before, loaded, rss())
"""


def memory() -> tuple[float, float, float]:
    """Peak RSS (MB) of a fresh process: before warm_up, after it, after one langdetect call."""
    out = subprocess.run([sys.executable, "-c", _MEMORY.format(root=str(ROOT))], capture_output=True,
                         text=True, check=True).stdout.split()
    before, loaded, used = map(float, out)
    return before, loaded, used


def best_cpu(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    from cleaners.boilerplate import strip_boilerplate
    from cleaners.fragments import repair_fragments
    from cleaners.language import identify, warm_up
    from flows.config import load_settings
    from flows.documents import RawDoc, Reject
    from flows.pipeline import Pipeline

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    before, loaded, used = memory()
    print(f"peak RSS fresh process: {before:.1f} MB; after warm_up {loaded:.1f} MB "
          f"(+{loaded - before:.1f}); after one langdetect call {used:.1f} MB")

    pipe = Pipeline(load_settings())
    s = pipe.s
    warm_up()
    prepared: list[str] = []
    with args.corpus.open(encoding="utf-8") as fh:
        for _, line in zip(range(args.docs), fh, strict=False):
            rec = json.loads(line)
            doc = pipe.prepare(RawDoc(rec["id"], "bench", "bench", {}, text=rec["text"]))
            if not isinstance(doc, Reject):
                prepared.append(doc.text)
    tagged = [identify(t, s.language) for t in prepared]
    methods = Counter(m for _, _, m in tagged)
    stripped = [
        (strip_boilerplate(t, s.boilerplate, pipe.rules, pipe.stopwords, lang, frozenset()).text, lang)
        for t, (lang, _, _) in zip(prepared, tagged, strict=True)
    ]
    n = len(prepared)
    lang_cpu = best_cpu(lambda: [identify(t, s.language) for t in prepared], args.repeats)
    frag_cpu = best_cpu(lambda: [repair_fragments(t, lang, s.fragments, pipe.glossary) for t, lang in stripped],
                        args.repeats)
    print(f"{n} documents; language methods {dict(sorted(methods.items()))}")
    print(f"language  {lang_cpu / n * 1e6:7.1f} µs/doc  ({n / lang_cpu:,.0f} docs/s)")
    print(f"fragments {frag_cpu / n * 1e6:7.1f} µs/doc  ({n / frag_cpu:,.0f} docs/s)")


if __name__ == "__main__":
    main()
