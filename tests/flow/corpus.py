"""A small real-text corpus for flow tests: the 181 copied news articles plus planted duplicates."""

from __future__ import annotations

import json
import random
from pathlib import Path

ARTICLES = Path(__file__).resolve().parent.parent / "data" / "news" / "articles.jsonl"


def write_corpus(path: Path, copies: int = 1, near: int = 15, exact: int = 5, seed: int = 3) -> int:
    """``copies`` rounds of the articles (each round's texts get a distinct closing line), plus
    ``near`` near-duplicates (one word changed) and ``exact`` exact copies. Returns the document count."""
    rng = random.Random(seed)
    texts = [json.loads(line)["text"] for line in ARTICLES.open(encoding="utf-8")]
    docs = []
    for c in range(copies):
        for i, text in enumerate(texts):
            suffix = f"\n\nEdition {c} of story {i}, filed by the desk." if copies > 1 else ""
            url = f"https://site{i % 7}.example.org/{c}/{i}"
            docs.append({"id": f"a{c}-{i}", "url": url, "text": text + suffix})
    for j in range(near):
        words = rng.choice(texts).split(" ")
        words[rng.randrange(len(words))] = "reportedly"
        docs.append({"id": f"near-{j}", "url": "https://copies.example.org/n", "text": " ".join(words)})
    for j in range(exact):
        docs.append({"id": f"exact-{j}", "url": "https://copies.example.org/x", "text": rng.choice(texts)})
    rng.shuffle(docs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    return len(docs)


OUTPUTS = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "clusters.jsonl", "audit.jsonl")


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}
