"""Round-3 speed-ups of the boilerplate stage give exactly what they replace.

Each shortcut is compared with the plain computation (the word pattern, the separator regex, the
per-line features) on real text (the shared test articles, the seeds) and on generated text that
stresses its edge cases (apostrophes, underscores, control characters, non-ASCII punctuation).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.boilerplate_rules import lower_lines
from cleaners.line_features import MENU_CHARS, WORD, _menu_tokens, ascii_stopwords, count_words, line_features
from tests.boilerplate_helpers import load_jsonl, pipe

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "data" / "news" / "articles.jsonl"
STOP = frozenset({"the", "of", "don't", "it’s", "a_b", "é", "und", "в"})


def _lines() -> list[str]:
    texts = [json.loads(x)["text"] for x in ARTICLES.read_text(encoding="utf-8").splitlines() if x.strip()]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [ln.strip() for t in texts for ln in t.split("\n") if ln.strip()]


def _reference(text: str, stop: frozenset[str]) -> tuple[int, int]:
    toks = WORD.findall(text)
    return len(toks), sum(t in stop for t in toks)


def test_word_counts_equal_the_word_pattern_on_real_lines():
    lines = _lines()
    assert len(lines) > 3000
    stops = [pipe().stopwords.get(lang) for lang in ("en", "de", "ru")]
    ascii_with_apostrophe = 0
    for low in lower_lines(lines):
        sample = low[:200]
        ascii_with_apostrophe += sample.isascii() and "'" in sample
        for stop in stops:
            assert stop
            assert count_words(sample, stop, ascii_stopwords(stop)) == _reference(sample, stop), sample
    assert ascii_with_apostrophe > 20  # the apostrophe branch is exercised on real text


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z9_'’-.,|\t\x01»é\u00a0\u2028x")), max_size=40))
def test_word_counts_equal_the_word_pattern_on_generated_text(text):
    assert count_words(text, STOP, ascii_stopwords(STOP)) == _reference(text, STOP)
    plain = text.encode("ascii", "ignore").decode()
    assert count_words(plain, STOP, ascii_stopwords(STOP)) == _reference(plain, STOP)


def test_word_counts_on_every_ascii_character_and_apostrophe_placement():
    text = "".join(map(chr, range(128))) + " don't a_b x9 " + "".join(map(chr, range(127, -1, -1)))
    assert count_words(text, STOP, ascii_stopwords(STOP)) == _reference(text, STOP)
    for ch in map(chr, range(128)):
        for sample in (f"ab{ch}cd {ch}ef{ch} 12{ch}", f"{ch}'a b'{ch} don't{ch}'", f"''the' of'' {ch}the'of"):
            assert count_words(sample, STOP, ascii_stopwords(STOP)) == _reference(sample, STOP), repr(sample)
    assert count_words("don't stop", STOP, ascii_stopwords(STOP)) == (2, 1)
    assert count_words("'the' of", STOP, ascii_stopwords(STOP)) == (2, 2)  # quoted word: the pattern runs
    assert count_words("", STOP, ascii_stopwords(STOP)) == (0, 0)
    assert count_words("the of", frozenset(), frozenset()) == (2, 0)


def test_ascii_stopwords_keep_only_ascii_words():
    assert ascii_stopwords(STOP) == {b"the", b"of", b"don't", b"a_b", b"und"}
    assert ascii_stopwords(STOP) is ascii_stopwords(frozenset(STOP))  # remembered per list


_MENU_RE = re.compile("[" + "".join(MENU_CHARS) + "]")


def _reference_menu(line: str) -> int:
    """The former count: one regex over the separators, minus quotation-mark pairs."""
    if line.isascii():
        return line.count("|")
    quotes = 2 * min(line.count("«"), line.count("»")) + 2 * min(line.count("‹"), line.count("›"))
    return max(len(_MENU_RE.findall(line)) - quotes, 0)


def test_menu_tokens_equal_the_regex_count():
    for line in [*_lines(), "Home » News › World • Sport · x ▸ y ► z « back", "«Zitat» und ‹so› | a", "é"]:
        assert _menu_tokens(line) == _reference_menu(line), line


def test_line_features_on_known_lines():
    stop = pipe().stopwords.get("en")
    assert stop
    f = line_features("Home | News | Sport", stop, 200)
    assert (f.chars, f.words, f.menu_tokens, f.sentence_end) == (19, 3, 2, False)
    assert f.stop_density == sum(t in stop for t in ("home", "news", "sport")) / 3
    prose = "The minister said on Tuesday that the plan, which don't need a vote, would start in May."
    f = line_features(prose, stop, 200)
    toks = WORD.findall(prose.lower())
    assert f.words == len(toks) and f.sentence_end and not f.truncated
    assert f.stop_density == sum(t in stop for t in toks) / len(toks)
    long = " ".join([prose] * 5)  # density on the first 40 characters, words scaled up to the length
    f = line_features(long, stop, 40)
    k = len(WORD.findall(long.lower()[:40]))
    assert f.words == max(k, round(k * len(long) / 40))
    assert line_features("Read the full story...", stop, 200).truncated


# --- search patterns skipped on lines without their required literals (cleaners/pattern_literals.py)


def test_required_literals_of_written_patterns():
    from cleaners.pattern_literals import required_literals as lits

    assert lits(r"\b(?:sign up|signup|subscribe) (?:now )?to") == {"sign up", "signup", "subscribe"}
    assert lits(r"^(?=.{0,600}\bx).{0,200}\b(?:uses?|utilise)") == {"use", "utilise"}  # quantifiers, optional s
    assert lits(r"\byou(?:\x27ve|’ve| have) (?:read)") == {"you"}  # the group holds an escape: look past it
    assert lits(r"(?:\d+|no) comments") == {" comments"}
    assert lits(r"\bsuscr[íi]b[ae]se? a") == {"suscr"}
    assert lits(r"a{0,3}bc") == {"bc"} and lits(r"(?:a|)x") == {"x"} and lits(r"\bSign Up") == {"sign up"}
    assert lits(r"\ball rights reserved\b|\bcopyright\b") == {"all rights reserved", "copyright"}
    # unknown syntax or an alternative without a literal: no literals, never wrong ones
    assert lits(r"\d+ views") == {" views"}
    for src in [r"(?r)\((?:photo)?\s*(?-i:\p{Lu})", r"©|\(c\)\s*", r"(?x) sign up", r"abc|\w+",
                r"(?:abc)?", r"[a-z]+", r"(a)\1", r"(?i:abc)", r"\x41bc", r"(?:ab"]:
        assert lits(src) is None, src


def _search_members():
    rules = pipe().rules
    return [(r, lits) for g in rules.groups if g.search for (_, r), lits in zip(g.members, g.literals, strict=True)]


def test_every_search_match_contains_a_required_literal():
    """On real lines (articles, seeds, the copied benchmark subsets: their newsletter, cookie, paywall and
    copyright lines), each match of a shipped search pattern contains one of the pattern's literals."""
    members = _search_members()
    assert sum(lits is not None for _, lits in members) >= 0.7 * len(members)
    lines = _lines()
    for name in ("l3s-gn1-dev-subset.jsonl", "googletrends-dev-subset.jsonl"):
        lines += [ln["text"].strip() for page in load_jsonl(name) for ln in page["lines"] if ln["text"].strip()]
    matched = 0
    for rule, lits in members:
        if lits is None:
            continue
        assert rule.pattern is not None
        for line in lines:
            m = rule.pattern.search(line)
            if m is not None:
                matched += 1
                assert any(x in m.group(0).lower() for x in lits), (rule.name, rule.pattern.pattern, line)
    assert matched > 25


def test_literal_gate_is_off_for_lines_with_special_case_folds():
    """A case-insensitive pattern matches 'ſ' (long s) as 's': lines holding such characters try every
    pattern, and the document matcher agrees with the plain per-line definition."""
    from cleaners.boilerplate_rules import _special_folds

    folds = _special_folds()
    assert all(folds.search(ch) for ch in "ſ\u212aßẞﬁİı") and not folds.search("éü—’жK")
    rules = pipe().rules
    lines = [
        "Sign up for our newsletter to get the best stories in your inbox.",
        "ſign up for our newsletter to get the best ſtories in your inbox.",
        "Subscribe to our YouTube channel",
        "SUBSCRIBE TO OUR YOUTUBE CHANNEL",
        "By continuing to browse the site you agree to our use of cookies.",
        "The council will register the new bylaws after the vote on Tuesday.",
    ]
    matched, _ = rules.match_lines(lines, 0.05)
    assert [m.label if m else None for m in matched] == [
        m.label if m else None for m in (rules.match(ln, 0.05) for ln in lines)
    ]
    assert matched[0] is not None and matched[1] is not None and matched[3] is not None and matched[5] is None


def test_required_literals_give_up_on_fuzzy_and_verbose_patterns():
    from cleaners.pattern_literals import required_literals as lits

    assert lits(r"(?:sponsored content by our partners here){e<=10}") is None  # may match with errors
    assert lits(r"abc{i<=1}") is None and lits(r"(?ix)sign up") is None and lits(r"(?#c)abc") is None
    assert lits(r"\p{L}+ cookies") == {" cookies"} and lits(r"a{2,3}bc") == {"a"}
