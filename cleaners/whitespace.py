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


# Cheap standard-library check for anything the character pass may change: two spaces, a space
# at a line end or start, or an unusual character.
_MAY_CHANGE = re.compile(f" [ \n]|\n |^ | $|[\r{_ODD_SPACE}{_ZERO_WIDTH}{_C0_C1_CONTROL}{_BIDI_CONTROL}]")


@lru_cache(maxsize=8)
def _char_pass(opts: WhitespaceOptions) -> re.Pattern[str]:
    space = f"[ {_ODD_SPACE}]"
    invisible = _ZERO_WIDTH + _C0_C1_CONTROL + (_BIDI_CONTROL if opts.remove_bidi_controls else "")
    parts = [
        r"(?P<crlf>\r\n?)",
        rf"(?P<invisible>[{invisible}]+)",
        rf"(?P<trailing>{space}+(?=\r|\n|\Z))",
    ]
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


def _blank_pass(text: str, max_blank: int) -> StageResult:
    keep = "\n" * (max_blank + 1)
    spans = [
        (m.start(), m.end(), keep, "blank-lines")
        for m in re.finditer(f"\n{{{max_blank + 2},}}", text)
    ] if keep + "\n" in text else []
    if text[:1] == "\n":
        lead = len(text) - len(text.lstrip("\n"))
        spans.append((0, lead, "", "leading-blank-lines"))
    if text[-1:] == "\n":
        tail = len(text.rstrip("\n"))
        spans.append((tail, len(text), "", "trailing-blank-lines"))
    return apply_spans(text, STAGE, spans)


def normalize_whitespace(text: str, opts: WhitespaceOptions) -> StageResult:
    """Normalise whitespace. Edits of the blank-line pass refer to the text after the character pass."""
    if not opts.enabled:
        return StageResult(text)
    spans = []
    if _MAY_CHANGE.search(text):
        for m in _char_pass(opts).finditer(text):
            kind = m.lastgroup or "spaces"
            spans.append((m.start(), m.end(), _REPLACEMENT[kind], _RULE[kind]))
    first = apply_spans(text, STAGE, spans) if spans else StageResult(text)
    second = _blank_pass(first.text, opts.max_blank_lines)
    edits: list[Edit] = first.edits + second.edits
    return StageResult(second.text, edits)
