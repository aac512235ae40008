"""Vetted rule patterns (``vetted = true`` in the rules file) run without a time limit, so each must
stay fast on every line it can be given: lines built to make a backtracking pattern explode (runs of
the characters and words it is built from, ending in a character that makes it fail) and real lines."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import regex

from cleaners.boilerplate_rules import _run
from tests.boilerplate_helpers import pipe

ARTICLES = Path(__file__).resolve().parent / "data" / "news" / "articles.jsonl"
UNITS = (
    "a", "A", "Ab ", "ab ", "AB ", "AbCd", "1", "12 ", "1/", "12:", "| ", ", ", ". ", "- ", "-", "a.", "© ", "»", " ",
    "Ab | ", "ab cd | ", "| ab cd ", " | Ab Cd", "Ab Cd, ", "ab cd ", "a b ", "Ab/", "1 a ",
)
# real lines that once took a shipped pattern 20-70 ms (nested quantifiers over the same characters)
KNOWN = (
    "Terms of Service | Privacy Policy | Trademarks | Site Map | Help | Feedback | Advertising | ??????",
    "ContactHelpSite MapBookmarkTermsPrivacyAffiliatesTestimonialsSite Tour",
)
MAX_SECONDS = 0.01  # per call; a catastrophic pattern takes seconds on these lines


def stress_lines(source: str, max_chars: int) -> list[str]:
    """Lines up to ``max_chars`` long that make backtracking patterns explode: repeats of short units,
    after each of the pattern's own words, ending in a character most patterns cannot end with."""
    words = list(dict.fromkeys(regex.findall(r"[^\W\d_]{2,}(?: [^\W\d_]{2,})?", source)))[:8]
    lines = []
    for prefix in ["", *(w + " " for w in words), *(w for w in words)]:
        for unit in UNITS:
            body = prefix + unit * max_chars
            lines.append(body[: max_chars - 1] + "?")
            lines.append(body[: max_chars // 2 - 1] + "?")
    return lines


def _slow(group, rule, line: str) -> bool:
    """Whether one call takes longer than ``MAX_SECONDS`` twice in a row (a pause of the machine once
    is no evidence)."""
    for _ in range(2):
        t0 = time.process_time()
        with contextlib.suppress(TimeoutError):
            _run(rule.pattern, group.search, line, 1.0)  # the limit only bounds a failing test
        if time.process_time() - t0 <= MAX_SECONDS:
            return False
    return True


def test_vetted_patterns_are_fast_on_stress_and_real_lines():
    rules = pipe().rules
    real = [
        ln.strip()
        for x in ARTICLES.read_text(encoding="utf-8").splitlines()[:60]
        if x.strip()
        for ln in json.loads(x)["text"].split("\n")
        if ln.strip()
    ]
    vetted = [(g, r) for g in rules.groups for _, r in g.members if r.vetted]
    assert len(vetted) >= 40  # the shipped file's hot patterns are vetted
    slow = []
    for group, rule in vetted:
        assert rule.pattern is not None
        for line in [*stress_lines(rule.pattern.pattern, group.max_chars), *KNOWN, *real]:
            line = line[: group.max_chars]
            if _slow(group, rule, line):
                slow.append((rule.name, rule.pattern.pattern[:60], line[:60]))
                break
    assert not slow, slow


def test_only_vetted_files_skip_the_time_limit():
    from cleaners.boilerplate_rules import BoilerplateRules

    rules = pipe().rules
    by_name = {r.name: r.vetted for g in rules.groups for _, r in g.members}
    assert by_name["timestamp"] and by_name["crumb"] and not by_name["byline"]  # byline opts out
    user = BoilerplateRules.from_mapping({"rule": [{"name": "promo", "patterns": [r"buy \d+ get \d+ free\W*"]}]})
    assert not any(r.vetted for g in user.groups for _, r in g.members)
    assert not any(g.vetted for g in user.groups)


def test_rules_pickle_after_use():
    import pickle

    rules = pipe().rules
    line = "Sign up for our daily newsletter to get the best stories in your inbox."
    before = [r and r.label for r in rules.match_lines([line, "12 comments"], 0.05)[0]]
    copy = pickle.loads(pickle.dumps(rules))  # the keyword automata are rebuilt, not pickled
    assert [r and r.label for r in copy.match_lines([line, "12 comments"], 0.05)[0]] == before
    assert before == ["rule:subscription:newsletter-pitch", "rule:comments:comments"]
