"""Whitespace normalisation: line ends, odd spaces, invisible characters, indentation, blank lines."""

from __future__ import annotations

import re
from functools import lru_cache

from cleaners.edits import Edit, StageResult, apply_spans
from cleaners.options import WhitespaceOptions

STAGE = "whitespace"

# Unicode space separators other than U+0020, plus tab: shown as one plain space.
_ODD_SPACE = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Invisible characters with no place in clean prose. ZWJ/ZWNJ (U+200C/D) are kept where emoji and
# several scripts (Arabic, Persian, Indic) need them, and removed between two letters of the
# alphabets that never use them (Latin, Greek, Cyrillic): there they only break a word.
_ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad\u180e"
_JOINER = "\u200c\u200d"
_ALPHABET = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"
_BIDI_CONTROL = "\u202a-\u202e\u2066-\u2069"
_C0_C1_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f"




# Cheap checks for anything a pass may change. Each regex is one character class, so the engine
# scans for it in C; the plain-space cases are substring tests (no regex with anchors or branches,
# which would try every alternative at every position).
_MAY_HAVE_INVISIBLE = re.compile(f"[\r{_ZERO_WIDTH}{_JOINER}{_C0_C1_CONTROL}{_BIDI_CONTROL}]")
_MAY_HAVE_ODD_SPACE = re.compile(f"[{_ODD_SPACE}]")
_ANY_SPECIAL = re.compile(f"[\r{_ZERO_WIDTH}{_JOINER}{_C0_C1_CONTROL}{_BIDI_CONTROL}{_ODD_SPACE}]")
_NEWLINE_SPACE = re.compile("\n(?: |(?<= \n))")  # a line starting or ending with a space; scans for "\n"


def _may_have_plain_spacing(text: str) -> bool:
    """Repeated, leading (of the text or a line) or trailing (of the text or a line) plain spaces."""
    return text[:1] == " " or text[-1:] == " " or "  " in text or _NEWLINE_SPACE.search(text) is not None


@lru_cache(maxsize=16)
def _invisible_pass(opts: WhitespaceOptions, joiners: bool = True) -> re.Pattern[str]:
    """The first pass's pattern; ``joiners=False`` (text without ZWJ/ZWNJ) leaves out the joiner
    branch, whose leading lookbehind keeps the engine from skipping to candidate characters."""
    invisible = _ZERO_WIDTH + _C0_C1_CONTROL + (_BIDI_CONTROL if opts.remove_bidi_controls else "")
    around = f"[{_JOINER}{invisible}]*"
    joiner = rf"|(?P<joiner>(?<=[{_ALPHABET}]){around}[{_JOINER}]{around}(?=[{_ALPHABET}]))"
    joiner = joiner if opts.remove_joiners_in_words and joiners else ""
    return re.compile(rf"(?P<crlf>\r\n?){joiner}|(?P<invisible>[{invisible}]+)")


@lru_cache(maxsize=8)
def _space_pass(opts: WhitespaceOptions) -> re.Pattern[str]:
    space = f"[ {_ODD_SPACE}]"
    parts = [rf"(?P<trailing>{space}+(?=\n|\Z))"]
    if opts.strip_indentation:
        parts.append(rf"(?P<indent>(?m:^){space}+)")
    if opts.collapse_spaces:
        parts.append(rf"(?P<spaces>{space}{{2,}}|[{_ODD_SPACE}])")
    else:
        parts.append(rf"(?P<spaces>[{_ODD_SPACE}])")
    return re.compile("|".join(parts))


_REPLACEMENT = {"crlf": "\n", "invisible": "", "joiner": "", "trailing": "", "indent": "", "spaces": " "}
_RULE = {
    "crlf": "line-ends",
    "invisible": "invisible-chars",
    "joiner": "joiner-in-word",
    "trailing": "trailing-space",
    "indent": "indentation",
    "spaces": "odd-or-repeated-space",
}


def _regex_pass(text: str, pattern: re.Pattern[str]) -> StageResult:
    spans = []
    for m in pattern.finditer(text):
        kind = m.lastgroup or "spaces"
        spans.append((m.start(), m.end(), _REPLACEMENT[kind], _RULE[kind]))
    return apply_spans(text, STAGE, spans) if spans else StageResult(text)


_SPACE_RUN = re.compile("  +")  # literal prefix: found by a fast substring scan
_SPACE_AT_LINE_END = re.compile(" \n")
_SPACE_AT_LINE_START = re.compile("\n ")


def _plain_space_pass(text: str, opts: WhitespaceOptions) -> StageResult:
    """The space pass for text without odd spaces (only U+0020), without its regex.

    The regex tries its alternatives at every space; here only the space runs that can match are
    visited: runs of two or more, and single spaces at a line's (or the text's) start or end. A run
    is trailing space if a line end or the end of the text follows it, else indentation if it starts
    a line (and indentation is stripped), else repeated spaces if it is longer than one (and runs
    are collapsed): the regex's alternatives in its order, each matching the whole run.
    """
    runs = {m.start(): m.end() for m in _SPACE_RUN.finditer(text)}
    singles = [m.start() for m in _SPACE_AT_LINE_END.finditer(text)]
    singles += [m.start() + 1 for m in _SPACE_AT_LINE_START.finditer(text)]
    if text[:1] == " ":
        singles.append(0)
    if text[-1:] == " ":
        singles.append(len(text) - 1)
    for p in singles:
        if text[p - 1 : p] != " " and text[p + 1 : p + 2] != " ":
            runs[p] = p + 1
    n = len(text)
    spans = []
    for start, end in runs.items():
        if end == n or text[end] == "\n":
            spans.append((start, end, "", _RULE["trailing"]))
        elif opts.strip_indentation and (start == 0 or text[start - 1] == "\n"):
            spans.append((start, end, "", _RULE["indent"]))
        elif opts.collapse_spaces and end - start > 1:
            spans.append((start, end, " ", _RULE["spaces"]))
    return apply_spans(text, STAGE, spans) if spans else StageResult(text)


def _blank_pass(text: str, max_blank: int) -> StageResult:
    spans: list[tuple[int, int, str, str]] = []
    # Leading and trailing blank lines first: on a tie apply_spans keeps the earlier span.
    if text[:1] == "\n":
        spans.append((0, len(text) - len(text.lstrip("\n")), "", "leading-blank-lines"))
    if text[-1:] == "\n":
        spans.append((len(text.rstrip("\n")), len(text), "", "trailing-blank-lines"))
    keep = "\n" * (max_blank + 1)
    if keep + "\n" in text:
        runs = re.finditer(f"\n{{{max_blank + 2},}}", text)
        spans += [(m.start(), m.end(), keep, "blank-lines") for m in runs]
    return apply_spans(text, STAGE, spans)


def normalize_whitespace(text: str, opts: WhitespaceOptions) -> StageResult:
    """Normalise whitespace in three passes: line ends and invisible characters, spaces, blank lines.

    Each pass's edits refer to the text after the passes before it.
    """
    if not opts.enabled:
        return StageResult(text)
    edits: list[Edit] = []
    special = _ANY_SPECIAL.search(text) is not None  # one scan rules out both classes below
    if special and _MAY_HAVE_INVISIBLE.search(text):
        first = _regex_pass(text, _invisible_pass(opts, "\u200c" in text or "\u200d" in text))
        text, edits = first.text, edits + first.edits
    odd = special and _MAY_HAVE_ODD_SPACE.search(text) is not None
    if odd or _may_have_plain_spacing(text):
        second = _regex_pass(text, _space_pass(opts)) if odd else _plain_space_pass(text, opts)
        text, edits = second.text, edits + second.edits
    third = _blank_pass(text, opts.max_blank_lines)
    return StageResult(third.text, edits + third.edits)
