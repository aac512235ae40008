"""Regression tests for problems found in the review of 2026-11-22's merges."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import load_settings
from tests.boilerplate_heldout import load_fragments
from tests.boilerplate_helpers import strip


def test_boilerplate_options_stay_hashable() -> None:
    """Stage options are frozen models; like the other category lists, ``title_far_before`` must be a
    tuple so the options hash (usable as a cache key, as ``whitespace._invisible_pass`` does with its own)."""
    opts = load_settings().boilerplate
    assert hash(opts) == hash(opts.model_copy())
    assert opts.title_far_before == ("byline", "timestamp")


def test_every_stage_options_model_hashes() -> None:
    """No stage's options hold a list (unhashable): every section of the settings hashes."""
    settings = load_settings()
    for name in type(settings).model_fields:
        section = getattr(settings, name)
        if hasattr(type(section), "model_fields"):
            hash(section)


def _rules():
    import tomllib

    from cleaners.boilerplate_rules import BoilerplateRules

    rules_dir = Path(__file__).resolve().parents[1] / "config" / "rules"
    return BoilerplateRules.from_mapping(*(tomllib.loads(p.read_text()) for p in sorted(rules_dir.glob("*.toml"))))


@pytest.mark.parametrize("sentence", ["Все погибли.", "Все живы.", "Все решено!"])
def test_russian_two_word_sentence_inside_article_stays(sentence: str) -> None:
    """The see-all rule's bare Russian branch ("Все новости") also fit every two-word sentence starting
    with "Все" ("Everyone died."), so such a one-sentence paragraph was cut from the middle of an article."""
    fr = next(f for f in load_fragments() if f.name == "ru-metro-cookie")
    lines = list(fr.lines)
    at = next(i for i, line in enumerate(lines) if line.startswith("По его словам"))
    text = "\n".join([*lines[: at + 1], sentence, *lines[at + 1 :]])
    assert sentence not in [e.before.strip() for e in strip(text).edits]


@pytest.mark.parametrize("link", ["Все фото", "Все фото »", "Все события...", "все материалы"])
def test_russian_see_all_links_still_match(link: str) -> None:
    rule = _rules().match_lines([link], None)[0][0]
    assert rule is not None and rule.name == "see-all"
