"""Literal words a regex pattern's every match must contain, read from its source (conservatively).

Used to skip a search pattern on a line holding none of them. :func:`required_literals` returns a set
``L`` such that every match of the pattern contains (case-insensitively) some member of ``L``, or None
when it cannot tell. Each top-level alternative must yield one: the first element at its top level
that is not optional and is either a run of plain characters (ASCII letters, digits, spaces and a few
escaped punctuation marks) or a non-capturing group whose alternatives all yield literals. Anything
the reader does not know (other escapes such as ``\\x27`` or ``\\p{L}``, back-references, verbose
mode) makes it give up on that alternative, so unknown syntax means "no literals", never wrong ones.
``tests/test_boilerplate_fast2.py`` checks the literals of every shipped search pattern against the
pattern's matches on real lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
_ESCAPED_LITERAL = frozenset(".-'/:,!?&@#%\"")  # \. \- ... stand for themselves
_ZERO_WIDTH_OR_CLASS = frozenset("bBAZzwWsSdD")  # \b \w \d ...: two characters, no literal
# braces that are neither a counted repeat ({m}, {m,}, {m,n}) nor a property/name (\p{L}, \N{..}): fuzzy
# matching ({e<=2}, where a literal may come with errors) and anything unknown
_OTHER_BRACES = re.compile(r"(?<!\\[pPN])\{(?!\d*,?\d*\})")
_VERBOSE = re.compile(r"\(\?[a-zA-Z0-9-]*[x#]")  # inline verbose flag (spaces ignored) or a comment


def required_literals(source: str) -> frozenset[str] | None:
    """Lower-cased literals one of which every match of ``source`` contains, or None."""
    if _VERBOSE.search(source) or _OTHER_BRACES.search(source):  # do not guess
        return None
    alternatives = _split(source)
    if alternatives is None:
        return None
    found: set[str] = set()
    for alt in alternatives:
        lits = _alternative(alt)
        if not lits:
            return None
        found |= lits
    return frozenset(x.lower() for x in found)


def _outside_classes(source: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """``(index, character)`` of each character of ``source`` from ``start`` that is neither escaped nor
    inside a character class (ValueError if a class does not close)."""
    i = start
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end = _class_end(source, i)
            if end is None:
                raise ValueError("unclosed character class")
            i = end
            continue
        yield i, c
        i += 1


def _split(source: str) -> list[str] | None:
    """The top-level alternatives of ``source`` (None if its brackets do not balance)."""
    parts: list[str] = []
    depth, begin = 0, 0
    try:
        for i, c in _outside_classes(source):
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    return None
            elif c == "|" and depth == 0:
                parts.append(source[begin:i])
                begin = i + 1
    except ValueError:
        return None
    if depth:
        return None
    parts.append(source[begin:])
    return parts


def _class_end(source: str, i: int) -> int | None:
    """Index after the character class opening at ``source[i] == "["``."""
    j = i + 1
    if source[j : j + 1] == "^":
        j += 1
    if source[j : j + 1] == "]":
        j += 1
    depth = 1
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
            continue
        if c == "[":  # nested sets (regex V1)
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return None


def _group_end(source: str, i: int) -> int | None:
    """Index after the group opening at ``source[i] == "("``."""
    depth = 0
    try:
        for j, c in _outside_classes(source, i):
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth == 0:
                    return j + 1
    except ValueError:
        return None
    return None


def _optional(source: str, j: int) -> bool:
    """Whether the quantifier at ``source[j]`` (if any) lets the preceding element be absent."""
    return source[j : j + 1] in ("?", "*") or source[j : j + 3] in ("{0,", "{0}", "{,")


def _alternative(alt: str) -> set[str] | None:
    """Literals of the first mandatory literal element of one alternative, or None."""
    i, n = 0, len(alt)
    while i < n:
        c = alt[i]
        if c in _PLAIN or (c == "\\" and alt[i + 1 : i + 2] in _ESCAPED_LITERAL):
            run, start = "", i
            while i < n:
                ch = alt[i]
                if ch == "\\" and alt[i + 1 : i + 2] in _ESCAPED_LITERAL:
                    ch, step = alt[i + 1], 2
                elif ch in _PLAIN:
                    step = 1
                else:
                    break
                if _optional(alt, i + step):
                    break
                run += ch
                i += step
                if alt[i : i + 1] in ("+", "{"):  # repeated, at least once: the run ends here
                    break
            if run.strip():
                return {run}
            if i == start:  # an optional character: step over it (its quantifier is skipped below)
                i += 1
            continue
        if c == "\\":
            if alt[i + 1 : i + 2] in _ZERO_WIDTH_OR_CLASS:
                i = _skip_quantifier(alt, i + 2)
                continue
            if alt[i + 1 : i + 2] in ("p", "P", "N") and alt[i + 2 : i + 3] == "{":  # \p{L}: one character
                end = alt.find("}", i)
                if end < 0:
                    return None
                i = _skip_quantifier(alt, end + 1)
                continue
            return None  # \x.., back-references ...: unknown length and content
        if c == "(":
            end = _group_end(alt, i)
            if end is None:
                return None
            if alt.startswith("(?:", i) and not _optional(alt, end):
                inner = _split(alt[i + 3 : end - 1])
                if inner is not None:
                    lits: set[str] = set()
                    for sub in inner:
                        got = _alternative(sub)
                        if not got:
                            break
                        lits |= got
                    else:
                        return lits
            i = _skip_quantifier(alt, end)
            continue
        if c == "[":
            end = _class_end(alt, i)
            if end is None:
                return None
            i = _skip_quantifier(alt, end)
            continue
        if c == "{":
            i = _skip_quantifier(alt, i)
            continue
        i += 1  # ^ $ . and quantifier characters
    return None


def _skip_quantifier(source: str, j: int) -> int:
    """Index after a quantifier starting at ``source[j]`` (``j`` itself if there is none)."""
    if source[j : j + 1] == "{":
        end = source.find("}", j)
        j = end + 1 if end >= 0 else len(source)
    elif source[j : j + 1] in ("+", "*", "?"):
        j += 1
    if source[j : j + 1] in ("?", "+"):  # lazy or possessive
        j += 1
    return j
