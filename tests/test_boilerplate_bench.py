"""Regression guard: the official scorer on a fixed subset of the line-labelled benchmarks.

Floors are what the stage reached (2026-11-22, after the gt2 work: L3S subset 0.924 / 0.966 / 0.475,
GoogleTrends subset 0.265 / 0.729 / 0.30) minus a small margin; a change that makes boilerplate removal
worse on real pages fails here. Not a timing test.
"""

from __future__ import annotations

import importlib.util

import pytest

from tests.boilerplate_helpers import DATA, keep_flags, load_jsonl

FLOORS = {
    # file: (content line-F1, content char-F1, pages with no boilerplate left)
    "l3s-gn1-dev-subset.jsonl": (0.92, 0.962, 0.45),
    "googletrends-dev-subset.jsonl": (0.26, 0.725, 0.275),
}


def _scorer():
    spec = importlib.util.spec_from_file_location("bp_score", DATA / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_scores_do_not_drop(name):
    pages = load_jsonl(name)
    preds = {p["id"]: keep_flags([ln["text"] for ln in p["lines"]]) for p in pages}
    res = _scorer().score(pages, preds)
    line_f1, char_f1, clean = FLOORS[name]
    assert res["lines"]["content"]["f1"] >= line_f1
    assert res["chars"]["content"]["f1"] >= char_f1
    assert res["clean_pages_share"] >= clean


def test_guard_can_fail():
    """Keeping every line scores below the floors: the guard is not vacuous."""
    pages = load_jsonl("l3s-gn1-dev-subset.jsonl")
    res = _scorer().score(pages, {p["id"]: [True] * len(p["lines"]) for p in pages})
    assert res["lines"]["content"]["f1"] < FLOORS["l3s-gn1-dev-subset.jsonl"][0]
