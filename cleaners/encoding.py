"""Mojibake and broken-Unicode repair with ftfy, behind a cheap gate for clean text."""

from __future__ import annotations

import difflib
from functools import lru_cache

import ftfy
import regex
from pydantic import Field

from cleaners.edits import Edit, StageResult
from cleaners.options import Options

STAGE = "encoding"

# Characters that UTF-8 continuation bytes 0x80-0xBF become when misread as windows-1252 or latin-1.
_CONT = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178\u0080-\u00bf"
# Gate: a would-be UTF-8 lead byte followed by a would-be continuation byte, C1 controls, U+FFFD,
# HTML entities, terminal escapes and lone surrogates. Clean text almost never contains any of these;
# only text that matches pays for ftfy.
_GATE = regex.compile(
    rf"[\u00c2-\u00f4][{_CONT}]|[\u0080-\u009f]|\ufffd|&#?\w{{1,31}};|\x1b|[\ud800-\udfff]"
)


class EncodingOptions(Options):
    enabled: bool
    gate: bool  # skip ftfy on text the gate finds clean
    unescape_html: bool
    uncurl_quotes: bool
    fix_character_width: bool
    fix_latin_ligatures: bool
    fix_line_breaks: bool
    normalization: str | None = Field(pattern="^(NFC|NFKC|NFD|NFKD)$")
    max_diff_chars: int = Field(gt=0)  # above this, an edit spans the changed region instead of a char diff


@lru_cache(maxsize=8)
def _ftfy_config(opts: EncodingOptions) -> ftfy.TextFixerConfig:
    return ftfy.TextFixerConfig(
        unescape_html="auto" if opts.unescape_html else False,
        uncurl_quotes=opts.uncurl_quotes,
        fix_character_width=opts.fix_character_width,
        fix_latin_ligatures=opts.fix_latin_ligatures,
        fix_line_breaks=opts.fix_line_breaks,
        normalization=opts.normalization,
        explain=True,
    )


def needs_fixing(text: str) -> bool:
    """The cheap gate: could ftfy change anything in ``text``?"""
    return _GATE.search(text) is not None


def _diff_edits(before: str, after: str, rule: str, max_chars: int) -> list[Edit]:
    if len(before) + len(after) > max_chars:
        start = 0
        limit = min(len(before), len(after))
        while start < limit and before[start] == after[start]:
            start += 1
        end_b, end_a = len(before), len(after)
        while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
            end_b -= 1
            end_a -= 1
        return [Edit(STAGE, rule, start, end_b, before[start:end_b], after[start:end_a])]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit(STAGE, rule, i1, i2, before[i1:i2], after[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def fix_encoding(text: str, opts: EncodingOptions) -> StageResult:
    """Repair mojibake with ftfy; the rule of each edit is ftfy's fix plan (e.g. ``encode sloppy-windows-1252``)."""
    if not opts.enabled or (opts.gate and not needs_fixing(text)):
        return StageResult(text)
    fixed, plan = ftfy.fix_and_explain(text, config=_ftfy_config(opts))
    if fixed == text:
        return StageResult(text)
    steps = "; ".join(f"{step} {arg}" for step, arg in (plan or []))
    rule = f"ftfy: {steps}" if steps else "ftfy"
    return StageResult(fixed, _diff_edits(text, fixed, rule, opts.max_diff_chars), info={"ftfy_plan": steps})
