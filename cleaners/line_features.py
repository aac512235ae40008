"""Per-line signals of the jusText family: length, stopword density, punctuation, menu-likeness.

Kept cheap (the stage's budget is about 100 µs per 3 KB document): stdlib ``re`` tokenising, and
stopword density of long lines estimated on their first ``sample_chars`` characters.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# possessive quantifiers: the same tokens as ``\w+(?:['’]\w+)*`` (an apostrophe can never start a word, so
# giving characters back could not help), without backtracking bookkeeping: ~40% faster
WORD = re.compile(r"\w++(?:['’]\w++)*+")
MENU_CHARS = ("|", "»", "›", "•", "·", "▸", "►", "«")  # "|" the only ASCII one (see _menu_tokens)
_MENU = re.compile("[" + "".join(MENU_CHARS) + "]")
# ASCII text without apostrophes and underscores: the word pattern's tokens are the runs of letters and
# digits, so mapping every other character to a space (str.translate: a table lookup per character for
# ASCII text) and splitting gives them ~2x faster than the regex engine
_ASCII_NON_WORD = {c: " " for c in range(128) if not chr(c).isalnum()}
MENU_MAX_CHARS = 400  # separators are counted on lines up to this long (menus are not paragraphs)
CLOSERS = "'\"”’»)]*"
SENTENCE_ENDS = frozenset(".!?…。！？")
TRUNCATION = ("...", "…", "...]", "…]", "... more", "… more")
INNER_SENTENCE_END = re.compile(r"[.!?][\"'”’»)]*\s+\S")  # a cut-off teaser is one sentence


class LineFeatures(NamedTuple):
    """A line's signals. A tuple of numbers: once the garbage collector has seen one it stops tracking
    it, so the stage's memory of tens of thousands of lines costs later collections nothing (a slots
    dataclass stays tracked: ~5-9% of the stage's time)."""

    chars: int
    words: int  # whitespace-separated tokens (estimated from the sample for long lines)
    stop_density: float  # stopwords / words (on the sample)
    sentence_end: bool  # ends like a sentence (. ! ? … with optional closing quote or bracket)
    menu_tokens: int  # | » › • · separators
    truncated: bool  # one sentence cut off with ... or … (teasers of other stories)


def line_features(
    line: str, stop: frozenset[str], sample_chars: int, lower: str | None = None
) -> LineFeatures:
    """Signals of one stripped, non-empty line, with ``stop`` the document language's stopwords
    (``lower``: the line lower-cased, if the caller has it)."""
    n = len(line)
    low = lower if lower is not None else line.lower()
    toks = tokens(low if n <= sample_chars else low[:sample_chars])
    k = len(toks)
    stops = sum(map(stop.__contains__, toks)) if stop else 0
    words = k if n <= sample_chars else max(k, round(k * n / sample_chars))
    tail = line.rstrip(CLOSERS)
    return LineFeatures(
        chars=n,
        words=words,
        stop_density=stops / k if k else 0.0,
        sentence_end=bool(tail) and tail[-1] in SENTENCE_ENDS and not tail.endswith(("...", "…")),
        menu_tokens=_menu_tokens(line) if n <= MENU_MAX_CHARS else 0,
        truncated=line.endswith(TRUNCATION) and not INNER_SENTENCE_END.search(line, 0, n - 4),
    )


def tokens(text: str) -> list[str]:
    """``WORD.findall(text)``, faster for ASCII text without apostrophes and underscores."""
    if text.isascii() and "'" not in text and "_" not in text:
        return text.translate(_ASCII_NON_WORD).split()
    return WORD.findall(text)


def _menu_tokens(line: str) -> int:
    if line.isascii():  # "|" is the only ASCII separator
        return line.count("|")
    n = len(_MENU.findall(line))
    # «quoted» and ‹quoted› words (de, fr, ru quotation marks) are no separators: each pair counts 0
    quotes = 2 * min(line.count("«"), line.count("»")) + 2 * min(line.count("‹"), line.count("›"))
    return max(n - quotes, 0)


def capitalised_share(line: str) -> float:
    """Share of words that start with a capital letter (menus and link lists are mostly capitals)."""
    words = line.split()
    return sum(w[:1].isupper() for w in words) / len(words) if words else 0.0


def content_stems(line: str, stop: frozenset[str], prefix: int) -> set[str]:
    """Content words (not stopwords, at least 3 characters, not numbers) cut to ``prefix`` characters."""
    return {
        t[:prefix] for t in tokens(line.lower()) if len(t) >= 3 and t not in stop and not t.isdigit()
    }
