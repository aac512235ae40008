"""Whitespace normalisation on real text: seeds, articles, damaged copies; idempotence."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cleaners.encoding import fix_encoding
from cleaners.whitespace import WhitespaceOptions, normalize_whitespace
from tests.repair_data import articles


@pytest.fixture(scope="module")
def opts(settings) -> WhitespaceOptions:
    return settings.whitespace


def test_seed_001_drifting_indentation_removed(seed_texts, opts):
    raw = seed_texts["001_3149a2e69b59ce78.txt"]
    out = normalize_whitespace(raw, opts)
    lines = out.text.split("\n")
    assert not any(line.startswith((" ", "\t")) for line in lines)
    assert "\nThe Ukrainian military did not immediately respond" in out.text
    assert {e.rule for e in out.edits} == {"indentation"}
    # single line breaks between sentences of the seed are kept, blank lines too
    assert out.text.count("\n") == raw.count("\n")


def test_seed_002_blank_line_runs_collapse(seed_texts, opts):
    out = normalize_whitespace(seed_texts["002_81c0bf131cfcbb7c.txt"], opts)
    assert "\n\n\n" not in out.text
    assert out.text.startswith("Belarus announces joint air defense training with Russia amid flurry")
    assert "Ukraine\n\nBelarus announced" in out.text


def _damage(text: str, rng: random.Random) -> str:
    """Whitespace damage a scraper or editor leaves: CRLF, NBSP, zero-width, indents, blank runs."""
    out = []
    for para in text.split("\n"):
        words = para.split(" ")
        para = "".join(
            w + rng.choice([" ", " ", " ", "\u00a0", "  ", "\u200b ", " \u2009"]) for w in words
        ).rstrip(" \u00a0\u2009")
        out.append(" " * rng.choice([0, 0, 2, 4, 8]) + para + rng.choice(["", "", " ", "\t"]))
    sep = rng.choice(["\n", "\r\n", "\r"])
    return sep.join(out).replace(sep * 2, sep * rng.choice([2, 3, 5]))


def test_damaged_articles_restored(opts):
    rng = random.Random(11)
    restored = 0
    for article in articles()[:60]:
        clean = normalize_whitespace(article["text"], opts).text
        damaged = _damage(clean, rng)
        assert damaged != clean
        out = normalize_whitespace(damaged, opts)
        restored += out.text == clean
        assert out.text.split() == clean.split()  # never a word lost or glued
    assert restored == 60


def test_visible_text_of_clean_articles_never_changes(opts):
    for article in articles():
        text = article["text"]
        out = normalize_whitespace(text, opts).text
        visible = "".join(text.split()).replace("\u200b", "").replace("\u00ad", "").replace("\u2060", "")
        assert "".join(out.split()) == visible


def test_every_edit_is_explained(opts):
    text = "  Title \r\n\r\n\r\n\r\nBody\u00a0text\u200b here.\t\n\n\n"
    out = normalize_whitespace(text, opts)
    assert out.text == "Title\n\nBody text here."
    assert {e.rule for e in out.edits} >= {"indentation", "trailing-space", "line-ends", "blank-lines",
                                          "odd-or-repeated-space", "invisible-chars"}
    assert all(e.stage == "whitespace" for e in out.edits)


def test_zwj_kept_for_emoji_and_scripts(opts):
    text = "Family 👨\u200d👩\u200d👧 and Persian می\u200cخواهم."
    assert normalize_whitespace(text, opts).text == text


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .\n\r\t\u00a0\u200b\u3000é")), max_size=60))
def test_whitespace_is_idempotent(text):
    from flows.config import load_settings

    ws = load_settings().whitespace
    once = normalize_whitespace(text, ws).text
    assert normalize_whitespace(once, ws).text == once


def test_repair_stages_idempotent_on_seeds(seed_texts, settings):
    for text in seed_texts.values():
        once = normalize_whitespace(fix_encoding(text, settings.encoding).text, settings.whitespace).text
        twice = normalize_whitespace(fix_encoding(once, settings.encoding).text, settings.whitespace).text
        assert twice == once
