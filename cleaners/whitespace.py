"""Whitespace normalisation: line ends, odd spaces, invisible characters, indentation, blank lines."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field

from cleaners.edits import Edit, StageResult, apply_spans
from cleaners.options import Options

STAGE = "whitespace"

# Unicode space separators other than U+0020, plus tab: shown as one plain space.
_ODD_SPACE = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Invisible characters with no place in clean prose. ZWJ/ZWNJ (U+200C/D) are kept: emoji and
# several scripts need them.
_ZERO_WIDTH = "\u200b\u2060\ufeff\u00ad\u180e"
_BIDI_CONTROL = "\u202a-\u202e\u2066-\u2069"
_C0_C1_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f"


class WhitespaceOptions(Options):
    enabled: bool
    strip_indentation: bool  # remove leading whitespace of every line (drifting indentation)
    collapse_spaces: bool  # runs of spaces inside a line become one
    remove_bidi_controls: bool
    max_blank_lines: int = Field(ge=0)  # consecutive blank lines kept between paragraphs


# Cheap standard-library checks for anything a pass may change.
_MAY_HAVE_INVISIBLE = re.compile(f"[\r{_ZERO_WIDTH}{_C0_C1_CONTROL}{_BIDI_CONTROL}]")
_MAY_HAVE_SPACING = re.compile(f" [ \n]|\n |^ | $|[{_ODD_SPACE}]")


@lru_cache(maxsize=8)
def _invisible_pass(opts: WhitespaceOptions) -> re.Pattern[str]:
    invisible = _ZERO_WIDTH + _C0_C1_CONTROL + (_BIDI_CONTROL if opts.remove_bidi_controls else "")
    return re.compile(rf"(?P<crlf>\r\n?)|(?P<invisible>[{invisible}]+)")


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


_REPLACEMENT = {"crlf": "\n", "invisible": "", "trailing": "", "indent": "", "spaces": " "}
_RULE = {
    "crlf": "line-ends",
    "invisible": "invisible-chars",
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
    if _MAY_HAVE_INVISIBLE.search(text):
        first = _regex_pass(text, _invisible_pass(opts))
        text, edits = first.text, edits + first.edits
    if _MAY_HAVE_SPACING.search(text):
        second = _regex_pass(text, _space_pass(opts))
        text, edits = second.text, edits + second.edits
    third = _blank_pass(text, opts.max_blank_lines)
    return StageResult(third.text, edits + third.edits)
