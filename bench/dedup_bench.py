"""Near-duplicate benchmark on real news articles with planted copies and hard negatives.

From ``../shared/bench/news/articles.jsonl`` (relative to the repo root):

* families: an original article plus 1-3 copies, each made by one or two recipes drawn at random
  (syndicated copy with another site's boilerplate, new headline, last paragraph dropped, a few
  words changed in one place, mojibake, exact copy);
* hard negatives: pairs of *other* articles that share one quoted paragraph (never duplicates);
* the remaining articles as they are.

Every document goes through the real pipeline (``Pipeline.prepare`` + ``Pipeline.clean``: decoding,
ftfy, whitespace, boilerplate, language, fragments), then ``cleaners.minhash`` features and
``flows.dedup.deduplicate`` with the default configuration. Reports pair precision / recall / F1,
hard-negative merges, pairs per recipe missed, feature+signature throughput, and whether the seeds
form a cluster.

    PYTHONPATH=$PWD /work/venv/bin/python bench/dedup_bench.py [--seed 1] [--families 100]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401 - registers sloppy-windows-1252

from cleaners.minhash import features, signatures
from flows.config import Settings, load_settings
from flows.dedup import Features, deduplicate, feature_arrays
from flows.documents import RawDoc, Reject
from flows.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "bench" / "news" / "articles.jsonl"
SEEDS = ROOT / "seeds"

HEADERS = [
    "By Staff Writer | Updated 3 hours ago",
    "Share on Facebook Share on Twitter Email",
    "Advertisement",
    "Listen to this article · 5 min",
]
FOOTERS = [
    "Copyright 2019 The Daily Chronicle. All rights reserved.",
    "This article originally appeared in partner publications and is republished with permission.",
    "Sign up for our morning newsletter to get the day's top stories in your inbox.",
    "Related: more stories from our network",
]


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def syndicated(text: str, rng: random.Random) -> str:
    head = rng.sample(HEADERS, 2)
    foot = rng.sample(FOOTERS, 2)
    return "\n\n".join([*head, text, *foot])


def new_headline(text: str, rng: random.Random) -> str:
    first = _paras(text)[0].split()
    words = rng.sample(first, k=min(7, len(first)))
    return " ".join(w.strip(".,;:") for w in words).title() + "\n\n" + text


def drop_last(text: str, rng: random.Random) -> str:
    paras = _paras(text)
    return "\n\n".join(paras[:-1]) if len(paras) > 2 else text


def local_edit(text: str, rng: random.Random) -> str:
    """A few consecutive words replaced in one place (a correction, a changed figure or name)."""
    words = text.split(" ")
    if len(words) < 20:
        return text
    at = rng.randrange(5, len(words) - 8)
    n = rng.randint(2, 4)
    repl = ["revised", "officials", "said", "Tuesday", "about", "several", "new", "reports"]
    words[at : at + n] = rng.sample(repl, n)
    return " ".join(words)


def mojibake(text: str, rng: random.Random) -> str:
    return text.encode("utf-8").decode("sloppy-windows-1252")


def exact(text: str, rng: random.Random) -> str:
    return text


RECIPES = {f.__name__: f for f in (syndicated, new_headline, drop_last, local_edit, mojibake, exact)}


def build(articles: list[dict], n_families: int, n_hard: int, rng: random.Random):
    """Documents ``(id, text, family, recipe)``; family None for singletons, "hard:k" for hard negatives."""
    order = list(range(len(articles)))
    rng.shuffle(order)
    fam_idx, hard_idx, rest = (
        order[:n_families],
        order[n_families : n_families + 2 * n_hard],
        order[n_families + 2 * n_hard :],
    )
    docs = []
    for f, i in enumerate(fam_idx):
        text = articles[i]["text"]
        docs.append((f"f{f}-orig", text, f"f{f}", "original"))
        for c in range(rng.randint(1, 3)):
            names = rng.sample(sorted(RECIPES), rng.choice([1, 1, 2]))
            copy = text
            for name in sorted(names, key=lambda n: n == "mojibake"):  # mojibake last: it damages everything
                copy = RECIPES[name](copy, rng)
            docs.append((f"f{f}-copy{c}", copy, f"f{f}", "+".join(sorted(names))))
    for k in range(n_hard):
        a, b = articles[hard_idx[2 * k]]["text"], articles[hard_idx[2 * k + 1]]["text"]
        quote = max(_paras(a), key=len)
        pb = _paras(b)
        pb.insert(len(pb) // 2, f"“{quote}”")
        docs.append((f"h{k}-a", a, None, "hard"))
        docs.append((f"h{k}-b", "\n\n".join(pb), None, "hard"))
    for i in rest:
        docs.append((f"s{i}", articles[i]["text"], None, "single"))
    return docs, [(f"h{k}-a", f"h{k}-b") for k in range(n_hard)]


def run_pipeline(pipe: Pipeline, docs: list[tuple]) -> tuple[Features, float, int]:
    """Clean with the real pipeline, then features; returns features, feature seconds (CPU), rejects."""
    ids, keys, shingles, lengths, texts = [], [], [], [], []
    rejected = 0
    for doc_id, text, _, _ in docs:
        raw = RawDoc(doc_id, "bench", "bench", {}, text=text)
        out = pipe.prepare(raw)
        if not isinstance(out, Reject):
            out = pipe.clean(out, frozenset())
        if isinstance(out, Reject):
            rejected += 1
            continue
        texts.append(out.text)
        ids.append(doc_id)
    features("warm up the code-point tables", pipe.s.minhash)
    started = time.process_time()
    for text in texts:
        key, hashes = features(text, pipe.s.minhash)
        keys.append(key)
        shingles.append(hashes)
        lengths.append(len(text))
    arr = feature_arrays(ids, keys, shingles, lengths, [""] * len(ids), pipe.s.minhash)
    seconds = time.process_time() - started
    return (
        Features(ids, keys, arr["sigs"], arr["lengths"], [""] * len(ids), arr["shingles"], arr["offsets"]),
        seconds,
        rejected,
    )


def pairs_of(groups: list[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for g in groups for p in combinations(g, 2)}


def throughput(settings: Settings, articles: list[dict]) -> float:
    """Feature + signature docs/s per core (CPU time) on 3 KB documents."""
    docs = [a["text"][:3000] for a in articles if len(a["text"]) >= 3000] * 20
    signatures([features(d, settings.minhash)[1] for d in docs[:50]], settings.minhash)
    started = time.process_time()
    signatures([features(d, settings.minhash)[1] for d in docs], settings.minhash)
    return len(docs) / (time.process_time() - started)


def scale(settings: Settings, articles: list[dict], n: int, rng: random.Random) -> None:
    """Dedup step alone on ``n`` documents made of random paragraphs (10% near-copies): time and RSS."""
    paras = [p for a in articles for p in _paras(a["text"]) if len(p) > 80]
    texts = ["\n\n".join(rng.sample(paras, 8)) for _ in range(n)]
    for k in range(0, n, 10):
        texts[k] = local_edit(texts[rng.randrange(n)], rng)
    started = time.process_time()
    feats = [features(t, settings.minhash) for t in texts]
    arr = feature_arrays(
        [f"d{i}" for i in range(n)],
        [k for k, _ in feats],
        [h for _, h in feats],
        [len(t) for t in texts],
        [""] * n,
        settings.minhash,
    )
    feat_s = time.process_time() - started
    del feats, texts
    f = Features(
        list(arr["ids"].tolist()),
        list(arr["keys"].tolist()),
        arr["sigs"],
        arr["lengths"],
        [""] * n,
        arr["shingles"],
        arr["offsets"],
    )
    started = time.perf_counter()
    dec = deduplicate(f, settings)
    print(
        f"scale: {n:,} docs, features {n / feat_s:,.0f} docs/s per core (CPU), dedup step "
        f"{time.perf_counter() - started:.1f} s, candidates {dec['stats']['candidates']:,}, "
        f"clusters {len(dec['clusters']):,}, peak RSS {_peak_rss_mb():.0f} MB"
    )


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--families", type=int, default=100)
    ap.add_argument("--hard", type=int, default=30)
    ap.add_argument("--scale", type=int, help="only time the dedup step on this many synthetic documents")
    ap.add_argument("--set", dest="sets", action="append", default=[], help="section.key=value override")
    args = ap.parse_args()
    from flows.config import parse_override

    settings = load_settings(overrides=[parse_override(s) for s in args.sets])
    articles = [json.loads(line) for line in ARTICLES.open(encoding="utf-8")]
    rng = random.Random(args.seed)
    if args.scale:
        scale(settings, articles, args.scale, rng)
        return
    docs, hard_pairs = build(articles, args.families, args.hard, rng)
    pipe = Pipeline(settings)
    feats, feat_s, rejected = run_pipeline(pipe, docs)
    started = time.perf_counter()
    dec = deduplicate(feats, settings)
    dedup_s = time.perf_counter() - started
    ids = dec["ids"]
    predicted = [[ids[m[0]] for m in c["members"]] for c in dec["clusters"]]
    family = {d[0]: d[2] for d in docs}
    recipe = {d[0]: d[3] for d in docs}
    truth_groups: dict[str, list[str]] = {}
    for doc_id in ids:
        if family[doc_id]:
            truth_groups.setdefault(family[doc_id], []).append(doc_id)
    truth = pairs_of(list(truth_groups.values()))
    found = pairs_of(predicted)
    tp = len(truth & found)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    hard_merged = sum(1 for p in hard_pairs if tuple(sorted(p)) in found)
    missed = Counter()
    for a, b in truth - found:
        for doc_id in (a, b):
            if recipe[doc_id] != "original":
                missed[recipe[doc_id]] += 1
    wrong = sorted(found - truth)
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    seed_feats, _, _ = run_pipeline(pipe, [(f"seed{i}", t, None, "seed") for i, t in enumerate(seeds)])
    seed_clusters = len(deduplicate(seed_feats, settings)["clusters"])
    rate = throughput(settings, articles)
    print(
        f"documents {len(docs)} (families {args.families}, hard-negative pairs {args.hard}), "
        f"rejected by cleaning {rejected}"
    )
    print(
        f"LSH {dec['stats']['bands']} bands x {dec['stats']['rows']} rows, "
        f"threshold {settings.lsh.threshold}, "
        f"candidates {dec['stats']['candidates']}, verified {dec['stats']['near_pairs']} "
        f"{dec['stats'].get('near_pairs_by_rule')}, exact pairs {dec['stats']['exact_pairs']}"
    )
    print(f"pairs: truth {len(truth)}, predicted {len(found)}, true positives {tp}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}")
    print(f"hard-negative pairs merged: {hard_merged} of {len(hard_pairs)}")
    print(f"missed pairs by copy recipe: {dict(missed) or 'none'}")
    if wrong:
        print(f"false pairs (first 5): {wrong[:5]}")
    print(f"seeds: {seed_clusters} clusters")
    print(
        f"features+signatures: {len(ids) / feat_s:,.0f} docs/s per core on the bench docs (CPU time), "
        f"{rate:,.0f} docs/s on 3 KB docs; dedup step {dedup_s:.2f} s; "
        f"peak RSS {_peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
