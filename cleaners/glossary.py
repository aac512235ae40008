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
_UKRAINIAN = regex.compile(r"[іїєґ]")
# Grammatical endings glued to words that a lookup may strip (Korean particles).
_PARTICLES: dict[str, tuple[str, ...]] = {
    "ko": ("에서는", "에서", "으로", "에게", "까지", "부터", "은", "는", "이", "가", "을", "를", "의", "에",
           "와", "과", "도", "로"),
}
# Grammatical characters of unspaced scripts that a segmentation may skip when no entry covers them.
_SKIPPABLE: dict[str, frozenset[str]] = {"ja": frozenset("のはがをにでともへ"), "zh": frozenset("的了着")}


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
        for marker, first in ((_KANA, "ja"), (_UKRAINIAN, "uk")):
            if first in langs and marker.search(key):
                langs = (first, *(x for x in langs if x != first))
        for lang in langs:
            table = self.entries.get(lang)
            if not table:
                continue
            if key in table:
                return table[key], lang
            pieces = (
                _segment(key, table, _PARTICLES.get(lang, ()), _SKIPPABLE.get(lang, frozenset()))
                if max_pieces
                else None
            )
            if pieces is not None and len(pieces) <= max_pieces:
                return " ".join(pieces), lang
        return None


def _segment(
    key: str,
    table: Mapping[str, str],
    particles: tuple[str, ...] = (),
    skippable: frozenset[str] = frozenset(),
) -> list[str] | None:
    """Greedy longest-match cover of ``key`` by table entries, spaces and punctuation skipped.

    A spaced word may also match with one of ``particles`` stripped from its end; an unknown
    character in ``skippable`` (a grammatical particle of an unspaced script) is skipped.
    """
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
            if end is None and words:
                word = words[0].group()
                stems = (word[: -len(p)] for p in particles if word.endswith(p))
                stem = next((x for x in stems if x in table), None)
                if stem is not None:
                    out.append(table[stem])
                    pos = words[0].end()
                    continue
        else:
            for length in range(min(longest, len(key) - pos), 0, -1):
                if key[pos : pos + length] in table:
                    end = pos + length
                    break
        if end is None and not spaced and ch in skippable and out:
            pos += 1
            continue
        if end is None:
            return None
        out.append(table[key[pos:end]])
        pos = end
    return out or None


def _unspaced(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\u3040" <= ch <= "\u30ff"
