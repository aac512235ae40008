"""The stage's speed-ups change nothing: per-line memories, the keyword scan, the kept-lines pass.

Each shortcut is checked against the plain computation it replaces, on real text (the shared test
articles and benchmark pages) or against a literal reference implementation on generated input.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.boilerplate import _kept_lines, strip_boilerplate
from cleaners.boilerplate_rules import BoilerplateRules
from tests.boilerplate_helpers import load_jsonl, pipe

ARTICLES = Path(__file__).resolve().parent / "data" / "news" / "articles.jsonl"


def _articles() -> list[str]:
    return [json.loads(x)["text"] for x in ARTICLES.read_text(encoding="utf-8").splitlines() if x.strip()]


def _old_kept_lines(lines: list[str], drop: dict[int, str]) -> set[int]:
    """The earlier, more literal implementation of :func:`_kept_lines` (the specification)."""
    keep = {i for i, ln in enumerate(lines) if ln.strip() and i not in drop}
    if not keep:
        return keep
    ordered = sorted(keep)
    bounds = [(0, ordered[0], False)]
    bounds += [(a + 1, b, True) for a, b in itertools.pairwise(ordered)]
    bounds.append((ordered[-1] + 1, len(lines), False))
    for lo, hi, inner in bounds:
        blanks = [j for j in range(lo, hi) if not lines[j].strip()]
        if not any(j in drop for j in range(lo, hi)):
            keep.update(blanks)
        elif inner and blanks:
            keep.add(blanks[0])
    return keep


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "  ", "text", " x y "]), st.booleans()), max_size=14))
def test_kept_lines_as_specified(rows):
    lines = [text for text, _ in rows]
    drop = {i: "r" for i, (_, dropped) in enumerate(rows) if dropped}
    assert _kept_lines(lines, drop) == _old_kept_lines(lines, drop)


def test_output_does_not_depend_on_what_the_memories_saw():
    """Real pages run with empty per-line memories, then again in reverse order with warm ones."""
    p = pipe()
    pages = ["\n".join(ln["text"] for ln in page["lines"]) for page in load_jsonl("l3s-gn1-dev-subset.jsonl")]
    pages += _articles()[:40]
    rules = BoilerplateRules.from_mapping(*_rule_files())

    def run(text: str):
        res = strip_boilerplate(text, p.s.boilerplate, rules, p.stopwords, "en")
        return res.text, [e.to_json() for e in res.edits]

    cold = []
    for text in pages:
        rules.line_memo.clear()
        cold.append(run(text))
    assert sum(len(edits) for _, edits in cold) > 100
    warm = [run(text) for text in reversed(pages)][::-1]
    assert rules.line_memo  # the second pass did use remembered lines
    assert warm == cold


def _rule_files() -> list[dict]:
    from flows.config import config_dir
    from flows.pipeline import load_rules_file

    bp = pipe().s.boilerplate
    return [load_rules_file(config_dir() / f) for f in (bp.rules_file, *bp.extra_rules_files)]


def test_document_matching_equals_line_by_line_matching():
    """``match_lines`` (one keyword pass per document, then only the groups whose keywords a line
    holds) gives every line the rule the plain per-line ``match`` gives it, on real pages and articles
    and on lines around the length tiers (digits only in short lines, pitches in long ones)."""
    rules = pipe().rules
    pages = ["\n".join(ln["text"] for ln in page["lines"]) for page in load_jsonl("l3s-gn1-dev-subset.jsonl")]
    pages += _articles()[:60]
    pitch = "Sign up for our daily newsletter to get the best stories in your inbox."
    pages.append("\n".join([pitch, pitch + " 12 comments" + " x" * 70, "Updated 12:45, 3 May 2024", "12 comments",
                            pitch + " x" * rules.longest, "Terms of Use | Privacy Policy | Site Map"]))
    found = 0
    for page in pages:
        lines = [ln.strip() for ln in page.split("\n") if ln.strip()]
        matched, timed_out = rules.match_lines(lines, 0.05)
        assert not timed_out
        plain = [rules.match(line, 0.05) for line in lines]
        assert matched == plain
        found += sum(r is not None for r in matched)
    assert found > 100


def test_no_line_is_remembered_after_a_timeout():
    evil = r"(?:sponsored content by our partners here){e<=10}"
    evil_rule = {"name": "evil", "category": "x", "search": True, "max_chars": 100_000, "patterns": [evil]}
    rules = BoilerplateRules.from_mapping({"rule": [{**evil_rule, "requires": ["sponsored"]}]})
    p = pipe()
    slow = "word " * 100 + "sponsored by nobody!"
    opts = p.s.boilerplate.model_copy(update={"pattern_timeout_s": 0.01})
    res = strip_boilerplate(slow + "\nA short second line.", opts, rules, p.stopwords, "en")
    assert res.info["boilerplate_rule_timeouts"] >= 1
    remembered = {key[0] for key in rules.line_memo}
    assert slow not in remembered and "A short second line." in remembered


def test_lower_lines_equals_lowering_each_line():
    """Lower-casing the joined lines is lower-casing each (final sigma, expanding letters, edges)."""
    from cleaners.boilerplate_rules import lower_lines

    lines = ["ΟΔΟΣ", "Σ", "ΣΑΣ ΚΑΙ", "İstanbul İİ", "ẞtraße", "plain text", "  ", "ΑΣ\u0301", "x"]
    assert lower_lines(lines) == [ln.lower() for ln in lines]
    texts = [ln.strip() for ln in _articles()[7].split("\n") if ln.strip()]
    assert lower_lines(texts) == [ln.lower() for ln in texts]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_'’-.,|\t»é\u00a0\u2028x")), max_size=40))
def test_fast_tokens_equal_the_word_pattern(text):
    from cleaners.line_features import WORD, tokens

    assert tokens(text) == WORD.findall(text)
    assert tokens(text.encode("ascii", "ignore").decode()) == WORD.findall(text.encode("ascii", "ignore").decode())


def test_fast_tokens_on_every_ascii_character():
    from cleaners.line_features import WORD, tokens

    text = "".join(map(chr, range(128))) + " don't a_b x9 " + "".join(map(chr, range(127, -1, -1)))
    assert tokens(text) == WORD.findall(text)
    for ch in map(chr, range(128)):
        sample = f"ab{ch}cd {ch}ef{ch} 12{ch}"
        assert tokens(sample) == WORD.findall(sample), repr(ch)


def test_document_matching_with_lone_surrogates():
    """Undecodable bytes kept as lone surrogates cannot go through the keyword automaton: those lines
    are checked keyword by keyword, with the same result as line-by-line matching."""
    rules = pipe().rules
    lines = ["\ud800 12 comments", "Sign up for our newsletter to get the best stories in your inbox \udcff.", "ok"]
    matched, timed_out = rules.match_lines(lines, 0.05)
    assert [r and r.label for r in matched] == [r and r.label for r in (rules.match(ln, 0.05) for ln in lines)]
    assert matched[1] is not None and matched[1].label == "rule:subscription:newsletter-pitch"
    assert not timed_out
