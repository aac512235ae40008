"""``features_many`` (chunks of documents tokenised, hashed and sorted together) equals ``features``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners import minhash
from cleaners.minhash import features, features_many
from flows.config import load_settings
from tests.dedup_helpers import articles

JA = "東京都は二十一日、新しい防災計画を発表した。計画では大地震が起きた場合の避難所の数を増やした。"
TH = "กรุงเทพมหานครประกาศแผนป้องกันน้ำท่วมฉบับใหม่ในวันนี้ โดยจะขยายระบบระบายน้ำ"


def _same(texts: list[str], opts: minhash.MinHashOptions) -> None:
    got = features_many(texts, opts)
    assert len(got) == len(texts)
    for text, (key, hashes) in zip(texts, got, strict=True):
        want_key, want = features(text, opts)
        assert key == want_key, text[:80]
        assert hashes.dtype == want.dtype == np.uint32
        assert np.array_equal(hashes, want), text[:80]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    arts = [a["text"] for a in articles()]
    # real articles, and what sits at the edges of a chunk: empty and blank texts, one word, fewer
    # words than a shingle, unspaced scripts, text that NFKC changes, a document bigger than a chunk
    edge = ["", "  \n ", "word", "two words here", JA, TH, "ﬁnal ＦＵＬＬ width Straße ẞ", "\n".join(arts * 2)]
    mixed = [x for pair in zip(arts, edge * (len(arts) // len(edge) + 1), strict=False) for x in pair]
    return mixed + arts[:5]


def test_features_many_equals_features_on_real_articles(texts: list[str]) -> None:
    base = load_settings().minhash
    assert sum(map(len, texts)) > 2 * minhash._CHUNK_CODE_POINTS  # several chunks ...
    assert max(map(len, texts)) > minhash._CHUNK_CODE_POINTS  # ... and a document bigger than one
    _same(texts, base)
    _same(texts, base.model_copy(update={"shingle_words": 3, "min_words": 8}))
    _same(texts, base.model_copy(update={"shingle_words": 1, "min_words": 1}))


def test_chunk_boundaries_do_not_join_or_split_tokens() -> None:
    # the last word of one text and the first of the next would make one token if joined without a break
    texts = ["alpha beta gamma delta epsilon zeta", "eta theta iota kappa lambda mu", JA, JA + "x", "", "y"]
    _same(texts, load_settings().minhash)
    assert features_many([], load_settings().minhash) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
                max_size=8))
def test_features_many_on_arbitrary_text(texts: list[str]) -> None:
    _same(texts, load_settings().minhash.model_copy(update={"shingle_words": 2, "min_words": 3}))
