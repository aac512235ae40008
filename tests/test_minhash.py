"""MinHash features: datasketch compatibility, normalisation, unspaced scripts, batching, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash

from cleaners import minhash
from cleaners.minhash import (
    containment,
    exact_key,
    features,
    jaccard,
    shingle_hash,
    shingle_hashes,
    shingles,
    signature,
    signatures,
    tokens,
)
from flows.config import Settings
from tests.dedup_helpers import articles

JA = (
    "東京都は二十一日、新しい防災計画を発表した。計画では大地震が起きた場合の避難所の数を増やし、"
    "食料と水の備蓄を三日分から七日分に拡大する。都の担当者は住民に対し、家庭でも備蓄を進めるよう呼びかけた。"
)
TH = (
    "กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่ในวันนี้ โดยจะขยายระบบระบายน้ำและสร้างแก้มลิงเพิ่มอีกสามแห่ง"
    "เจ้าหน้าที่กล่าวว่าประชาชนควรติดตามประกาศจากทางราชการอย่างใกล้ชิด"
)


def _opts(settings: Settings, **kw: object):
    return settings.minhash.model_copy(update=kw)


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_signatures_bit_identical_to_datasketch(settings: Settings, scheme: str) -> None:
    opts = _opts(settings, scheme=scheme)
    texts = [a["text"] for a in articles()[:6]] + [
        JA,
        TH,
        "",
        "two words",
        "Ünïcode, façade — ＦＵＬＬ width",
    ]
    for text in texts:
        ref = MinHash(num_perm=opts.num_perm, seed=opts.seed, hashfunc=shingle_hash, scheme=scheme)
        ref.update_batch(shingles(text, opts))
        mine = signature(shingle_hashes(text, opts), opts)
        assert np.array_equal(ref.hashvalues.astype(np.uint64), mine.astype(np.uint64)), text[:30]
        lean = LeanMinHash(seed=opts.seed, hashvalues=mine, scheme=scheme)
        assert lean.jaccard(LeanMinHash(ref)) == 1.0


def test_shingle_hash_matches_vectorised_hashes(settings: Settings) -> None:
    text = articles()[0]["text"]
    expected = np.unique(
        np.array([shingle_hash(s) for s in shingles(text, settings.minhash)], dtype=np.uint32)
    )
    assert np.array_equal(expected, shingle_hashes(text, settings.minhash))


def test_batched_signatures_equal_single_ones_including_empty(settings: Settings) -> None:
    opts = _opts(settings, batch_docs=3)
    sets = [shingle_hashes(a["text"], opts) for a in articles()[:7]]
    sets.insert(2, np.zeros(0, dtype=np.uint32))
    batch = signatures(sets, opts)
    for k, s in enumerate(sets):
        expected = (
            MinHash(num_perm=opts.num_perm, seed=opts.seed, scheme="affine32").hashvalues
            if s.size == 0
            else signature(s, opts)
        )
        assert np.array_equal(batch[k], expected)


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_batches_cut_by_value_cap_give_the_same_signatures(
    settings: Settings, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch also ends when its permuted values would pass the cap (here: 1,500 shingles),
    and a document bigger than the cap forms its own batch: the signatures stay the same."""
    opts = _opts(settings, batch_docs=64, scheme=scheme)
    sets = [shingle_hashes(a["text"], opts) for a in articles()[:12]]
    sets.insert(4, np.zeros(0, dtype=np.uint32))
    sets.append(np.unique(np.concatenate(sets)))  # far above the cap
    whole = signatures(sets, opts)
    monkeypatch.setattr(minhash, "_BATCH_VALUES", 1500 * opts.num_perm)
    assert np.array_equal(signatures(sets, opts), whole)
    for k, s in enumerate(sets):
        if s.size:
            assert np.array_equal(whole[k], signature(s, opts))


def test_normalisation_hides_case_punctuation_and_whitespace(settings: Settings) -> None:
    text = articles()[1]["text"]
    variant = "  " + text.upper().replace(",", " ,").replace("\n\n", "\n \n\t") + " ..."
    assert exact_key(text) == exact_key(variant)
    assert np.array_equal(shingle_hashes(text, settings.minhash), shingle_hashes(variant, settings.minhash))
    assert exact_key(text) != exact_key(text.replace("the", "a", 1))


def test_tokens_keep_combining_marks_and_split_unspaced_scripts() -> None:
    assert tokens("हिन्दी समाचार") == ["हिन्दी", "समाचार"]
    assert tokens("東京は晴れ") == ["東", "京", "は", "晴", "れ"]
    assert tokens("ﬁne ＡＢＣ l'été") == ["fine", "abc", "l", "été"]


@pytest.mark.parametrize("text", [JA, TH])
def test_unspaced_scripts_deduplicate(settings: Settings, text: str) -> None:
    opts = settings.minhash
    base = shingle_hashes(text, opts)
    assert base.size > 60  # character n-grams, not one shingle for the whole text
    edited = text[:40] + text[41:]  # one character dropped in one place
    assert jaccard(base, shingle_hashes(edited, opts)) >= settings.lsh.threshold
    other = JA if text is TH else TH
    assert jaccard(base, shingle_hashes(other, opts)) == 0.0


def test_containment_of_truncated_copy(settings: Settings) -> None:
    text = articles()[2]["text"]
    half = shingle_hashes(text[: len(text) // 2], settings.minhash)
    full = shingle_hashes(text, settings.minhash)
    assert containment(half, full) > 0.95
    assert jaccard(half, full) < 0.6


def test_features_key_and_hashes(settings: Settings) -> None:
    key, hashes = features("Hello, World!", settings.minhash)
    assert key == exact_key("hello world")
    assert hashes.dtype == np.uint32 and hashes.size == 1  # shorter than min_words: one shingle


@pytest.mark.slow
def test_signature_speed_per_core(settings: Settings) -> None:
    docs = [a["text"][:3000] for a in articles() if len(a["text"]) >= 3000] * 100
    signatures([features(d, settings.minhash)[1] for d in docs[:50]], settings.minhash)  # warm up
    started = time.process_time()  # CPU time of this process: the machine is shared
    signatures([features(d, settings.minhash)[1] for d in docs], settings.minhash)
    rate = len(docs) / (time.process_time() - started)
    assert rate >= 4000, f"{rate:.0f} docs/s per core"  # goal 5,000; measured ~5,300 on the shared machine
