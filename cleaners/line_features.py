"""Per-line signals of the jusText family: length, stopword density, punctuation, menu-likeness."""

from __future__ import annotations

from dataclasses import dataclass

import regex

WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*")
# tokens that separate menu items or mark links: | » › · • ▸ ► → > ←
MENU_TOKEN = regex.compile(r"(?:^|\s)[|»›·•▸►→←>/]+(?=\s|$)|[|»›•▸►]")
TERMINAL = frozenset(".!?…。！？\"'”’»)")
SENTENCE_END = regex.compile(r"[.!?…。！？]['\"”’»)\]]*$")
TRUNCATED = regex.compile(r"(?:\.\.\.|…)\s*(?:\(?(?:more|mehr|plus|más|altro|mais|далее)\)?)?\s*$", regex.I)


@dataclass(frozen=True, slots=True)
class LineFeatures:
    chars: int
    words: int
    stop_density: float  # stopwords / words
    sentence_end: bool  # ends like a sentence (. ! ? … with optional closing quote)
    menu_tokens: int  # | » › · • separators
    cap_share: float  # share of words starting with a capital letter
    truncated: bool  # ends with ... or … (teasers, cut previews)
    tokens: tuple[str, ...]  # casefolded words


def line_features(line: str, stop: frozenset[str]) -> LineFeatures:
    """Signals of one stripped, non-empty line, with ``stop`` the document language's stopwords."""
    raw = WORD.findall(line)
    tokens = tuple(w.casefold() for w in raw)
    n = len(tokens)
    stops = sum(t in stop for t in tokens) if stop else 0
    caps = sum(w[0].isupper() for w in raw)
    return LineFeatures(
        chars=len(line),
        words=n,
        stop_density=stops / n if n else 0.0,
        sentence_end=SENTENCE_END.search(line) is not None,
        menu_tokens=len(MENU_TOKEN.findall(line)),
        cap_share=caps / n if n else 0.0,
        truncated=TRUNCATED.search(line) is not None,
        tokens=tokens,
    )


def content_stems(tokens: tuple[str, ...], stop: frozenset[str], prefix: int) -> set[str]:
    """Content words (not stopwords, at least 3 letters, not numbers) cut to ``prefix`` characters."""
    return {t[:prefix] for t in tokens if len(t) >= 3 and t not in stop and not t.isdigit()}
