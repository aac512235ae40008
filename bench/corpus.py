"""Build the throughput benchmark corpus: news-like JSONL documents with planted damage and duplicates.

Documents are assembled from real sentences of ``../shared/bench/news/articles.jsonl`` and
``../shared/seeds/`` (sentences of one language per document), wrapped in per-site header/footer
boilerplate. About 2% get mojibake (UTF-8 read as windows-1252), a few get a stray foreign-script
word, ~10% are near-duplicate copies of another document (a few words changed, a sentence dropped
or added) and ~2% are exact copies (different id, maybe different whitespace). The ground truth of
planted duplicate groups is written next to the corpus.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import regex

_SENT = regex.compile(r"(?<=[.!?。！？])\s+")

SITES = [f"news{i:02d}.example.com" for i in range(25)]
FOREIGN = ["новости", "правительство", "经济", "政府", "뉴스", "ニュース",
           "ειδήσεις", "חדשות", "ข่าว", "समाचार"]


def _sentences(text: str) -> list[str]:
    out = []
    for para in text.split("\n"):
        for s in _SENT.split(para.strip()):
            s = s.strip()
            if 30 <= len(s) <= 400:
                out.append(s)
    return out


def load_pools(shared: Path) -> dict[str, list[str]]:
    """Sentences grouped by the (seeded langdetect) language of their article."""
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    with (shared / "bench/news/articles.jsonl").open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh]
    texts += [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]
    pools: dict[str, list[str]] = {}
    for text in texts:
        pools.setdefault(detect(text), []).extend(_sentences(text))
    return {k: v for k, v in pools.items() if len(v) >= 40}


def _mojibake(text: str) -> str:
    data = text.encode("utf-8")
    return "".join(chr(b) if 0x80 <= b < 0xA0 and b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
                   else bytes([b]).decode("windows-1252") for b in data)


def _site_boilerplate(rng: random.Random, site: str) -> tuple[list[str], list[str]]:
    name = site.split(".")[0].title()
    header = [f"{name} Daily", rng.choice(["Home | World | Business | Sport | Culture",
                                           "Menu Search Subscribe Sign in", "Skip to main content"])]
    footer = [rng.choice(["Share this article on Facebook Twitter Email",
                          "Sign up for our newsletter to get the latest news"]),
              f"© 2019 {name} Media Group. All rights reserved.",
              rng.choice(["Terms of Use | Privacy Policy | Cookie Settings",
                          "Contact us | Advertise | Careers"])]
    return header, footer


def _body(rng: random.Random, pool: list[str], target: int) -> list[list[str]]:
    paras: list[list[str]] = []
    size = 0
    while size < target:
        para = [rng.choice(pool) for _ in range(rng.randint(2, 4))]
        size += sum(len(s) + 1 for s in para)
        paras.append(para)
    return paras


def _near_copy(rng: random.Random, paras: list[list[str]], pool: list[str]) -> list[list[str]]:
    """A few word substitutions and one sentence dropped or added: Jaccard stays well above 0.8."""
    copy = [list(p) for p in paras]
    for _ in range(rng.randint(2, 4)):
        p = rng.randrange(len(copy))
        s = rng.randrange(len(copy[p]))
        words = copy[p][s].split(" ")
        w = rng.randrange(len(words))
        words[w] = rng.choice(["reportedly", "officials", "Tuesday", "the", "however", "several"])
        copy[p][s] = " ".join(words)
    if rng.random() < 0.5 and len(copy) > 3:
        p = rng.randrange(len(copy))
        if len(copy[p]) > 1:
            copy[p].pop(rng.randrange(len(copy[p])))
    else:
        copy[-1].append(rng.choice(pool))
    return copy


def _render(header: list[str], paras: list[list[str]], footer: list[str], title: str) -> str:
    return "\n\n".join([*header, title, *(" ".join(p) for p in paras), *footer]) + "\n"


def build(shared: Path, out: Path, n_docs: int = 20_000, seed: int = 7, doc_chars: int = 2700,
          near_share: float = 0.10, exact_share: float = 0.02, mojibake_share: float = 0.02,
          foreign_share: float = 0.01) -> dict[str, Any]:
    """Write ``corpus.jsonl`` and ``truth.json`` (planted duplicate groups) into ``out``."""
    rng = random.Random(seed)
    pools = load_pools(shared)
    langs = sorted(pools)
    weights = [len(pools[k]) for k in langs]
    boiler = {site: _site_boilerplate(rng, site) for site in SITES}
    n_near = int(n_docs * near_share)
    n_exact = int(n_docs * exact_share)
    n_base = n_docs - n_near - n_exact
    docs: list[dict[str, Any]] = []
    bodies: list[tuple[str, list[list[str]], str, list[str]]] = []
    groups: dict[str, list[str]] = {}
    for i in range(n_base):
        lang = rng.choices(langs, weights)[0]
        site = rng.choice(SITES)
        paras = _body(rng, pools[lang], doc_chars)
        title = rng.choice(pools[lang])[:90]
        bodies.append((site, paras, title, pools[lang]))
        docs.append({"id": f"d{i:06d}", "url": f"https://{site}/a/{i}", "lang": lang, "_paras": paras,
                     "_title": title, "_site": site})
    for j in range(n_near):
        k = rng.randrange(n_base)
        site, paras, title, pool = bodies[k]
        doc_id = f"n{j:06d}"
        docs.append({"id": doc_id, "url": f"https://{site}/n/{j}", "lang": docs[k]["lang"],
                     "_paras": _near_copy(rng, paras, pool), "_title": title, "_site": site})
        groups.setdefault(docs[k]["id"], []).append(doc_id)
    for j in range(n_exact):
        k = rng.randrange(n_base)
        site, paras, title, _ = bodies[k]
        doc_id = f"x{j:06d}"
        docs.append({"id": doc_id, "url": f"https://{site}/x/{j}", "lang": docs[k]["lang"],
                     "_paras": paras, "_title": title, "_site": site})
        groups.setdefault(docs[k]["id"], []).append(doc_id)
    rng.shuffle(docs)
    stats = {"docs": len(docs), "near": n_near, "exact": n_exact, "mojibake": 0, "foreign": 0,
             "langs": {k: len(v) for k, v in pools.items()}}
    out.mkdir(parents=True, exist_ok=True)
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
        for doc in docs:
            header, footer = boiler[doc.pop("_site")]
            text = _render(header, doc.pop("_paras"), footer, doc.pop("_title"))
            if doc["lang"] == "en" and rng.random() < foreign_share:
                words = text.split(" ")
                words.insert(rng.randrange(5, len(words) - 5), rng.choice(FOREIGN))
                text = " ".join(words)
                stats["foreign"] += 1
            if rng.random() < mojibake_share and any(ord(c) > 127 for c in text):
                text = _mojibake(text)
                stats["mojibake"] += 1
            doc["text"] = text
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    truth = json.dumps({"groups": groups, "stats": stats}, indent=1)
    (out / "truth.json").write_text(truth, encoding="utf-8")
    return stats
