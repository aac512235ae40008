"""Stray machine-translated fragments: foreign-script runs inside an article, restored or dropped.

First version: runs of letters in a script foreign to the document's language, looked up in a
bilingual glossary, else dropped. Extended by the text-repair issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import regex
from pydantic import Field

from cleaners.edits import StageResult, apply_spans
from cleaners.options import Options

STAGE = "fragments"

# Main script of languages langdetect reports; anything else is treated as Latin-script.
SCRIPT_OF_LANGUAGE = {
    "zh-cn": "Han", "zh-tw": "Han", "ja": "Han", "ko": "Hangul", "ru": "Cyrillic", "uk": "Cyrillic",
    "bg": "Cyrillic", "mk": "Cyrillic", "ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "he": "Hebrew",
    "el": "Greek", "th": "Thai", "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari",
    "bn": "Bengali", "ta": "Tamil", "te": "Telugu", "kn": "Kannada", "ml": "Malayalam", "gu": "Gujarati",
    "pa": "Gurmukhi",
}


class FragmentOptions(Options):
    enabled: bool
    policy: str = Field(pattern="^(restore|drop|mark)$")
    glossary_dir: str  # relative to the config folder
    max_foreign_share: float = Field(ge=0, le=1)  # above this share of letters: reject mixed_language


@dataclass(frozen=True)
class Glossary:
    """Per source language: fragment → translation into the document's language."""

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def from_tsv(cls, tables: Mapping[str, str]) -> Glossary:
        """``tables`` maps a source language code to the TSV text of ``<from>-<to>.tsv``."""
        parsed: dict[str, dict[str, str]] = {}
        for lang, tsv in tables.items():
            table = parsed.setdefault(lang, {})
            for line in tsv.splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                src, _, dst = line.partition("\t")
                if dst:
                    table[src.strip()] = dst.strip()
        return cls(parsed)

    def lookup(self, fragment: str) -> str | None:
        for table in self.entries.values():
            if fragment in table:
                return table[fragment]
        return None


def _foreign_pattern(lang: str) -> regex.Pattern[str]:
    script = SCRIPT_OF_LANGUAGE.get(lang, "Latin")
    return regex.compile(rf"(?V1)[\p{{L}}\p{{M}}--\p{{{script}}}--\p{{Common}}]+(?:\s+[\p{{L}}--\p{{{script}}}]+)*")


def repair_fragments(text: str, lang: str, opts: FragmentOptions, glossary: Glossary) -> StageResult:
    """Find foreign-script runs; restore from the glossary, drop, or mark them, per ``opts.policy``."""
    if not opts.enabled or lang == "und":
        return StageResult(text)
    matches = list(_foreign_pattern(lang).finditer(text))
    if not matches:
        return StageResult(text)
    foreign = sum(len(m.group()) for m in matches)
    letters = sum(ch.isalpha() for ch in text)
    if letters and foreign / letters > opts.max_foreign_share:
        return StageResult(text, reject=("mixed_language", f"{foreign} of {letters} letters are foreign to {lang}"))
    spans = []
    for m in matches:
        restored = glossary.lookup(m.group()) if opts.policy == "restore" else None
        if restored is not None:
            spans.append((m.start(), m.end(), restored, "glossary"))
        elif opts.policy in ("restore", "drop"):
            start, end = m.start(), m.end()
            if end < len(text) and text[end] == " ":
                end += 1
            elif start > 0 and text[start - 1] == " ":
                start -= 1
            spans.append((start, end, "", "drop"))
    result = apply_spans(text, STAGE, spans)
    result.info["fragments"] = len(matches)
    return result
