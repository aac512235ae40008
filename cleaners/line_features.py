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
# ASCII text without apostrophes and underscores: the word pattern's tokens are the runs of letters and
# digits, so mapping every other character to a space (str.translate: a table lookup per character for
# ASCII text) and splitting gives them ~2x faster than the regex engine
_ASCII_NON_WORD = {c: " " for c in range(128) if not chr(c).isalnum()}
# the same for counting, on bytes (a 256-byte table: ~10x cheaper than str.translate's dict): ASCII word
# characters and the apostrophe stay, every other ASCII character becomes a space (used on ASCII text only)
_BYTES_WORD = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) in "_'") else 32 for c in range(256))
_new = tuple.__new__  # a LineFeatures from a tuple, without its Python-level __new__
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
    line: str,
    stop: frozenset[str],
    sample_chars: int,
    lower: str | None = None,
    stop_bytes: frozenset[bytes] | None = None,
) -> LineFeatures:
    """Signals of one stripped, non-empty line, with ``stop`` the document language's stopwords
    (``lower``: the line lower-cased, if the caller has it; ``stop_bytes``: ``ascii_stopwords(stop)``,
    if the caller has it)."""
    n = len(line)
    low = lower if lower is not None else line.lower()
    if stop_bytes is None:
        stop_bytes = ascii_stopwords(stop)
    if n > sample_chars:
        k, stops = count_words(low[:sample_chars], stop, stop_bytes)
        words = max(k, round(k * n / sample_chars))
    else:
        k, stops = count_words(low, stop, stop_bytes)
        words = k
    tail = line.rstrip(CLOSERS)
    return _new(
        LineFeatures,
        (
            n,
            words,
            stops / k if k else 0.0,
            tail.endswith(_SENTENCE_ENDS) and not tail.endswith(("...", "…")),
            (line.count("|") if line.isascii() else _menu_tokens(line)) if n <= MENU_MAX_CHARS else 0,
            line.endswith(TRUNCATION) and not INNER_SENTENCE_END.search(line, 0, n - 4),
        ),
    )


_SENTENCE_ENDS = tuple(SENTENCE_ENDS)


def count_words(text: str, stop: frozenset[str], stop_bytes: frozenset[bytes]) -> tuple[int, int]:
    """``(len(toks), number of toks in stop)`` for ``toks = WORD.findall(text)``; ``stop_bytes`` is
    :func:`ascii_stopwords` of ``stop``.

    ASCII text is counted on bytes: the word characters and apostrophes kept, the rest made spaces,
    split on spaces. The pieces are the pattern's tokens exactly when every apostrophe stands between
    two word characters (then it joins them, as the pattern does); otherwise (quoted 'words', edge or
    doubled apostrophes) and for other text the pattern itself runs."""
    if text.isascii():
        t = text.encode("ascii").translate(_BYTES_WORD)
        if b"'" not in t or not (
            t.startswith(b"'") or t.endswith(b"'") or b" '" in t or b"' " in t or b"''" in t
        ):
            pieces = t.split()
            return len(pieces), (sum(map(stop_bytes.__contains__, pieces)) if stop_bytes else 0)
    toks = WORD.findall(text)
    return len(toks), (sum(map(stop.__contains__, toks)) if stop else 0)


_ASCII_STOP: dict[frozenset[str], frozenset[bytes]] = {}


def ascii_stopwords(stop: frozenset[str]) -> frozenset[bytes]:
    """The ASCII words of ``stop`` as bytes (remembered per list: a few lists per run)."""
    found = _ASCII_STOP.get(stop)
    if found is None:
        found = _ASCII_STOP.setdefault(stop, frozenset(w.encode("ascii") for w in stop if w.isascii()))
    return found


def tokens(text: str) -> list[str]:
    """``WORD.findall(text)``, faster for ASCII text without apostrophes and underscores."""
    if text.isascii() and "'" not in text and "_" not in text:
        return text.translate(_ASCII_NON_WORD).split()
    return WORD.findall(text)


def _menu_tokens(line: str) -> int:
    if line.isascii():  # "|" is the only ASCII separator
        return line.count("|")
    n = sum(map(line.count, MENU_CHARS))
    if not n:
        return 0
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
