"""The fragment stage's cheap pre-checks skip only documents the full scans would find nothing in."""

from __future__ import annotations

import pytest

from cleaners.fragments import _function_words, _latin_fragments
from cleaners.function_words import STOPWORDS
from cleaners.scripts import allowed_scripts, foreign_letter_pattern, foreign_run_pattern
from tests.repair_data import articles


@pytest.fixture(scope="module")
def texts(seed_texts: dict[str, str]) -> list[str]:
    return [a["text"] for a in articles()] + list(seed_texts.values())


@pytest.mark.parametrize("lang", ["en", "ru", "zh-cn", "ar", "ko"])
def test_foreign_letter_search_finds_exactly_the_documents_with_foreign_runs(texts: list[str], lang: str) -> None:
    allowed = allowed_scripts(lang)
    letter, runs = foreign_letter_pattern(allowed), foreign_run_pattern(allowed)
    with_runs = [t for t in texts if runs.search(t)]
    assert [t for t in texts if letter.search(t)] == with_runs
    assert with_runs and len(with_runs) < len(texts)  # both kinds of document are in the sample


def test_function_word_sets_per_language(texts: list[str]) -> None:
    own, others, foreign = _function_words("en")
    assert own is STOPWORDS["en"] and set(others) == set(STOPWORDS) - {"en"}
    assert all(not (words & own) for words in others.values())
    assert foreign == frozenset().union(*others.values())
    assert {"der", "und", "les", "los", "della"} <= foreign and not {"the", "and"} & foreign


def test_planted_german_clause_still_found_after_the_prechecks(settings) -> None:
    """A real article with a planted German clause: the clause scan still runs and langdetect confirms it."""
    base = next(a["text"] for a in articles() if a["text"].isascii() and len(a["text"]) > 2000)
    clause = "und die Regierung hat nicht gesagt, dass sie mit der Opposition sprechen wird"
    cut = base.index(". ", 800) + 1
    text = base[:cut] + " Der Minister sagte, " + clause + ". " + base[cut:]
    found = _latin_fragments(text, "en", settings.fragments)
    assert found and {f.script for f in found} == {"Latin:de"}
    assert all(text[f.start : f.end] in clause for f in found)
    assert _latin_fragments(base, "en", settings.fragments) == []
