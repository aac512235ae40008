"""Bilingual glossaries (``config/glossary/<from>-<to>.tsv``) with longest-match segmentation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import regex

# Which glossaries may know a fragment of a script, most likely first.
LANGUAGES_OF_SCRIPT: dict[str, tuple[str, ...]] = {
    "Han": ("zh", "ja"), "Hiragana": ("ja",), "Katakana": ("ja",), "Hangul": ("ko",),
    "Cyrillic": ("ru", "uk", "bg", "sr"), "Arabic": ("ar", "fa"), "Hebrew": ("he",), "Greek": ("el",),
    "Devanagari": ("hi",), "Thai": ("th",), "Latin": ("de", "fr", "es", "it", "pt", "nl"),
}

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+)*")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Glossary:
    """Per source language: fragment (casefolded) → translation into ``target``."""

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    target: str = "en"

    @classmethod
    def from_tsv(cls, tables: Mapping[str, str], target: str = "en") -> Glossary:
        """``tables`` maps a source language code to the TSV text of ``<from>-<target>.tsv``.

        Lines are ``source<TAB>translation``; ``#`` starts a comment line; later lines win.
        """
        parsed: dict[str, dict[str, str]] = {}
        for lang, tsv in tables.items():
            table = parsed.setdefault(lang, {})
            for line in tsv.splitlines():
                if not line.strip() or line.startswith("#"):
                    continue
                src, _, dst = line.partition("\t")
                if src.strip() and dst.strip():
                    table[_key(src)] = dst.strip()
        return cls(parsed, target)

    def lookup(self, fragment: str, langs: tuple[str, ...] | None = None) -> str | None:
        """The translation of the whole ``fragment`` in the first of ``langs`` that knows it."""
        found = self.translate(fragment, langs or tuple(self.entries))
        return found[0] if found else None

    def translate(self, fragment: str, langs: tuple[str, ...], max_pieces: int = 4) -> tuple[str, str] | None:
        """``(translation, source language)`` when one glossary covers the whole fragment.

        Tries the fragment as a whole, then a segmentation into the longest known pieces: per
        character for unspaced scripts (``他说`` = ``他`` + ``说`` if only those are known), per word
        otherwise, in at most ``max_pieces`` pieces (0: whole fragments only). None unless every
        letter is covered.
        """
        key = _key(fragment)
        if _KANA.search(key) and "ja" in langs:
            langs = ("ja", *(x for x in langs if x != "ja"))
        for lang in langs:
            table = self.entries.get(lang)
            if not table:
                continue
            if key in table:
                return table[key], lang
            pieces = _segment(key, table) if max_pieces else None
            if pieces is not None and len(pieces) <= max_pieces:
                return " ".join(pieces), lang
        return None


def _segment(key: str, table: Mapping[str, str]) -> list[str] | None:
    """Greedy longest-match cover of ``key`` by table entries, spaces and punctuation skipped."""
    out: list[str] = []
    pos = 0
    longest = 12
    while pos < len(key):
        ch = key[pos]
        if not (ch.isalnum()):
            pos += 1
            continue
        spaced = bool(_WORD.match(key, pos)) and not _unspaced(ch)
        end = None
        if spaced:  # whole words only: extend word by word
            words = [m for m in _WORD.finditer(key, pos) if m.start() - pos < 64][:6]
            for n in range(len(words), 0, -1):
                cand = key[pos : words[n - 1].end()]
                if cand in table:
                    end = words[n - 1].end()
                    break
        else:
            for length in range(min(longest, len(key) - pos), 0, -1):
                if key[pos : pos + length] in table:
                    end = pos + length
                    break
        if end is None:
            return None
        out.append(table[key[pos:end]])
        pos = end
    return out or None


def _unspaced(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3040" <= ch <= "\u30ff"
