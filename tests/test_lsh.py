"""LSH banding, candidate pairs, verification and clustering on real article text."""

from __future__ import annotations

import numpy as np

from cleaners.lsh import band_keys, candidate_pairs, choose_bands
from flows.config import Settings, load_settings
from flows.dedup import candidate_shape, deduplicate, lsh_shape
from tests.conftest import SEEDS
from tests.dedup_helpers import articles, make_features


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def test_s_curve_choice_favours_recall() -> None:
    bands, rows = choose_bands(128, 0.8, 32.0)
    assert (bands, rows) == (16, 8)
    assert 1 - (1 - 0.8**rows) ** bands > 0.94  # probability a pair at the threshold becomes a candidate
    assert choose_bands(128, 0.8, 1.0)[0] < bands  # without the recall weight: fewer bands, fewer candidates


def test_band_keys_are_stable_and_band_specific() -> None:
    sig = np.arange(128, dtype=np.uint32)[None, :]
    keys = band_keys(sig, 16, 8)
    assert keys.dtype == np.int64 and keys.shape == (1, 16)
    assert np.array_equal(keys, band_keys(sig.copy(), 16, 8))
    assert len(set(keys[0].tolist())) == 16
    same_rows = np.tile(np.arange(8, dtype=np.uint32), 16)[None, :]
    assert len(set(band_keys(same_rows, 16, 8)[0].tolist())) == 16  # band index is part of the key


def test_candidate_pairs_and_bucket_cap() -> None:
    keys = np.array([[1, 5], [2, 5], [1, 7], [3, 8]], dtype=np.int64)
    assert candidate_pairs(keys, 10).tolist() == [[0, 1], [0, 2]]
    big = np.zeros((50, 1), dtype=np.int64)
    assert len(candidate_pairs(big, 3)) == 50 * 3 - 6  # each member paired with at most 3 earlier ones


def test_planted_duplicates_and_hard_negative(settings: Settings) -> None:
    arts = [a["text"] for a in articles()]
    base, other, third = arts[0], arts[1], arts[2]
    quoted = _paras(base)[1]
    texts = [
        base,
        "BREAKING: A NEW HEADLINE\n\n"
        + base.upper()
        + "\n\nSubscribe to our newsletter for more news.",  # syndicated
        "\n\n".join(_paras(other)[:-1]),  # last paragraph dropped
        other,
        third,
        base,  # exact copy
        "\n\n".join([*_paras(third)[:2], quoted, *_paras(arts[3])[:3]]),  # hard negative: shares a quote
    ]
    d = deduplicate(make_features(texts, settings), settings)
    assert d["duplicate_of"] == [1, -1, 3, -1, -1, 1, -1]  # keep = longest: the syndicated copy
    assert d["stats"]["exact_pairs"] == 1 and d["similarity"][5] == d["similarity"][0]  # 5 is a copy of 0
    assert d["rule"][1] == "kept" and d["rule"][0] in ("jaccard", "containment")
    assert d["cluster"][6] == -1 and d["cluster"][4] == -1
    cluster = next(c for c in d["clusters"] if c["kept"] == 1)
    assert sorted(m[0] for m in cluster["members"]) == [0, 1, 5]
    assert all(0.8 <= m[1] <= 1.0 for m in cluster["members"])


def test_representative_policies(settings: Settings) -> None:
    text = articles()[4]["text"]
    texts = [
        "\n\n".join(_paras(text)[:-1]),
        text,
        text + "\n\nOne more closing line here, added by the copier.",
    ]
    dates = ["2019-11-20T10:00:00Z", "2019-11-19T08:00:00+00:00", ""]
    feats = make_features(texts, settings, dates=dates)
    kept = {}
    for policy in ("longest", "earliest", "first"):
        s = load_settings(overrides=[{"dedup": {"keep": policy}}])
        d = deduplicate(feats, s)
        kept[policy] = d["clusters"][0]["kept"]
        assert (
            d["clusters"][0]["members"][[m[0] for m in d["clusters"][0]["members"]].index(kept[policy])][2]
            == "kept"
        )
    assert kept == {"longest": 2, "earliest": 1, "first": 0}


def test_containment_catches_truncation_only_when_enabled(settings: Settings) -> None:
    full = next(a["text"] for a in articles() if a["id"] == "05844573ca7e1fba")
    cut = "\n\n".join(_paras(full)[:14])  # 14 of 18 paragraphs: Jaccard 0.75, below the threshold
    feats = make_features([full, cut], settings)
    d = deduplicate(feats, settings)
    off = deduplicate(feats, load_settings(overrides=[{"lsh": {"containment": 0.0}}]))
    assert d["duplicate_of"][1] == 0 and d["rule"][1] == "containment" and d["similarity"][1] == 1.0
    assert off["duplicate_of"][1] == -1


def test_duplicate_ids_rejected_and_seeds_form_no_cluster(settings: Settings) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    d = deduplicate(
        make_features([*texts, texts[0]], settings, ids=[f"s{i}" for i in range(len(texts))] + ["s0"]),
        settings,
    )
    assert d["rejected"] == {str(len(texts)): "id already used by the document at input position 0"}
    assert d["clusters"] == []
    assert lsh_shape(settings) == (16, 8)
    assert candidate_shape(settings) == (32, 4)  # inside a run: candidates down to Jaccard 0.55
    no_containment = load_settings(overrides=[{"lsh": {"containment": 0.0}}])
    assert candidate_shape(no_containment) == (16, 8)


def test_article_quoted_whole_in_a_longer_one_is_not_its_copy(settings: Settings) -> None:
    arts = [a["text"] for a in articles()]
    short = max(_paras(arts[5]), key=len)  # a one-paragraph "article"
    longer = "\n\n".join([*_paras(arts[6])[:4], f"“{short}”", *_paras(arts[6])[4:]])
    feats = make_features([short, longer], settings)
    assert feats.shingle_set(0).size >= settings.lsh.containment_min_shingles
    assert deduplicate(feats, settings)["duplicate_of"] == [-1, -1]
    loose = load_settings(overrides=[{"lsh": {"containment_min_ratio": 0.0, "candidate_threshold": 0.05}}])
    d = deduplicate(feats, loose)  # without the size guard the quote would make it a "truncated copy"
    assert d["duplicate_of"] == [1, -1] and d["rule"][0] == "containment"
