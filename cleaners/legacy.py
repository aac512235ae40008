"""Legacy code-page mojibake: text saved in one code page and shown through cp1252/latin-1.

ftfy repairs UTF-8 read through a single-byte code page. It does not touch text whose bytes were
never UTF-8: Russian saved as cp1251 or koi8-r, Polish as cp1250, Japanese as Shift-JIS, Chinese as
GBK, each shown as cp1252 or latin-1 (``Ìèíèñòð``, ``przyzna³``, ``±±¾©ÊÐ``). Such a line is
re-read: its characters are turned back into bytes through the code page it was shown in, and
those bytes are decoded with each configured legacy code page.

Conservative by design. A line is tried only when it shows at least ``min_signs`` signs of such a
reading: three Latin-1 letters in a row (``Ìèí``), a symbol between two letters (``bud¿et``,
``±±¾©``), or a case flip after a non-ASCII letter (``íÉÎÉ``). A reading is taken only if its decode
is strict and it shows none of those signs, no word mixing scripts, no Han characters spaced like
words, no Han character outside Japanese code pages next to kana, and no replacement, control or
private-use character; among such readings the one with the fewest inner capitals (and half-width
katakana) wins, then the first in the configured order. A reading that stays Latin (cp1250 for
cp1252) needs ``min_signs`` symbols inside words: runs of accented capitals alone (leetspeak such
as ``MÄ£ÄM ÌÑÌ``) are not enough. A line that also holds characters outside the code page it was
shown in (correct Greek or ``Dvořák`` next to the garble) is re-read run by run: each maximal run
the code page can encode, cut back to whole words, is judged on its own.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252: the WHATWG reading browsers use)
import regex

SHOWN_AS = ("sloppy-windows-1252", "latin-1")

# Letters of Latin-1 (À-ÿ without × ÷) three in a row; a non-ASCII symbol between letters (apostrophes
# and dashes excepted); a lower-case letter followed by a capital where one of them is non-ASCII.
_LATIN1_LETTER = "[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]"
# Apostrophes, dashes, quotes and ellipses inside a word (``it’s``, ``well-known``, ``said“We``) are
# scraping or typing slips, not signs: the code pages in question have them at the same bytes.
_WORD_PUNCTUATION = "’‘“”…\u2010\u2011\u2012\u2013\u2014\u2015·\u00ad"
_SYMBOL_IN_WORD = rf"(?<=\p{{L}})[^\p{{L}}\p{{M}}\s\x00-\x7f{_WORD_PUNCTUATION}](?=\p{{L}})"
_SIGN = regex.compile(
    rf"{_LATIN1_LETTER}{{3}}|{_SYMBOL_IN_WORD}"
    r"|(?<=[^\x00-\x7f])(?<=\p{Ll})\p{Lu}|(?<=\p{Ll})[^\x00-\x7f](?<=\p{Lu})"
)
_SYMBOL = regex.compile(_SYMBOL_IN_WORD)
_NON_LATIN_LETTER = regex.compile(r"[^\P{L}\p{Latin}]")
_WORD = regex.compile(r"\S+")
_LETTER_RUN = regex.compile(r"\p{L}+")
_INNER_CAPITAL = regex.compile(r"(?<=\p{L})\p{Lu}")
_HALFWIDTH = regex.compile(r"[\uff61-\uff9f]")  # half-width katakana: a Shift-JIS reading of other bytes
# never in a right reading: replacement, private-use, unassigned, control characters, and box drawing
# and block elements (what koi8-r makes of other bytes)
_BAD_CHAR = regex.compile(r"[\ufffd\p{Co}\p{Cn}\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2500-\u259f]")
# Scripts a word may hold together: Han with Japanese kana (and the prolonged sound mark, Common).
_COMPATIBLE = {frozenset({"Han", "Hiragana"}), frozenset({"Han", "Katakana"}),
               frozenset({"Han", "Hiragana", "Katakana"}), frozenset({"Hiragana", "Katakana"})}
_HAN = regex.compile(r"\p{Han}")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_SPACED_HAN = regex.compile(r"(?<=\p{Han}) (?=\p{Han})")
_SCRIPT_NAMES = ("Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Arabic", "Hebrew", "Thai")
_SCRIPT = {name: regex.compile(rf"\p{{{name}}}") for name in _SCRIPT_NAMES}


def _scripts(word: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _SCRIPT.items() if pattern.search(word))


def _encodable(line: str) -> bool:
    for shown in SHOWN_AS:
        try:
            line.encode(shown)
        except UnicodeEncodeError:
            continue
        return True
    return False


def _cjk_signs(text: str) -> int:
    """Signs of a wrong double-byte reading: Han characters spaced like words (Chinese and Japanese
    do not space words; Korean read as GBK does), and, in text with kana, Han characters that no
    Japanese code page has (Japanese read as GBK)."""
    count = len(_SPACED_HAN.findall(text))
    if _KANA.search(text):
        for ch in _HAN.findall(text):
            try:
                ch.encode("cp932")
            except UnicodeEncodeError:
                count += 1
    return count


def signs(text: str) -> int:
    """Signs of legacy mojibake in ``text``, plus words mixing scripts."""
    count = len(_SIGN.findall(text))
    if _HAN.search(text):
        count += _cjk_signs(text)
    present = _scripts(text)
    if len(present) < 2 or present in _COMPATIBLE:
        return count  # no word can mix scripts
    for word in _WORD.findall(text):
        for run in _LETTER_RUN.findall(word):
            scripts = _scripts(run)
            if len(scripts) > 1 and scripts not in _COMPATIBLE:
                count += 1
                break
    return count


def implausibility(text: str) -> int:
    """Signs of a wrong reading in decoded text: :func:`signs` plus half-width katakana."""
    return signs(text) + len(_HALFWIDTH.findall(text))


# A superset of _SIGN's matches in text that cp1252 or latin-1 can encode (the only text a reading
# applies to), as one standard-library scan that starts with a character class: Latin-1 letters
# three in a row, a non-ASCII symbol of those code pages between letters, a lower-case letter and
# a capital with a non-ASCII one among them.
_L1_LOWER = "\u00df-\u00f6\u00f8-\u00ff\u0153\u0161\u017e\u0192\u00aa\u00b5\u00ba"
_L1_UPPER = "\u00c0-\u00d6\u00d8-\u00de\u0152\u0160\u0178\u017d"
# every character a byte 0x80-0xFF becomes in those code pages that is no letter, mark or space
_L1_SYMBOL = "".join(sorted({
    ch for shown in SHOWN_AS for ch in bytes(range(0x80, 0x100)).decode(shown)
    if not (ch.isalpha() or ch.isspace() or unicodedata.category(ch).startswith("M") or ch in _WORD_PUNCTUATION)
}))
_MAY_FIRST = re.compile(f"[{_L1_LOWER}{_L1_UPPER}{re.escape(_L1_SYMBOL)}]")
# Each sign starts with a character of _MAY_FIRST: one scan for those (in C), then an anchored
# check at each (an alternation searched over the whole text would try every branch everywhere).
_MAY_SIGN_AT = re.compile(
    f"[{_L1_LOWER}{_L1_UPPER}](?=[{_L1_LOWER}{_L1_UPPER}]{{2}})"
    f"|[{re.escape(_L1_SYMBOL)}](?<=[^\\W\\d_][{re.escape(_L1_SYMBOL)}])(?=[^\\W\\d_])"
    f"|[{_L1_LOWER}](?=[A-Z{_L1_UPPER}])"
    f"|[{_L1_UPPER}](?<=[a-z{_L1_LOWER}][{_L1_UPPER}])"
)


def _may_sign(text: str) -> bool:
    match = _MAY_SIGN_AT.match
    return any(match(text, m.start()) for m in _MAY_FIRST.finditer(text))


def may_be_legacy(text: str) -> bool:
    """Cheap check of a whole text: could any line of it be re-read? False means certainly not."""
    return not text.isascii() and _may_sign(text)


def _reread(
    text: str, shown_as: tuple[str, ...], codecs: tuple[str, ...], min_signs: int
) -> tuple[str, str, str] | None:
    """The best reading of ``text`` (one run of a line) or None; see the module docstring."""
    if signs(text) < min_signs:
        return None
    best: tuple[int, int, str, str, str] | None = None
    for order, (shown, actual) in enumerate((s, a) for s in shown_as for a in codecs):
        try:
            raw = text.encode(shown)
            candidate = raw.decode(actual)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if candidate == text or _BAD_CHAR.search(candidate) or signs(candidate):
            continue
        if not _NON_LATIN_LETTER.search(candidate) and len(_SYMBOL.findall(text)) < min_signs:
            continue  # Latin read as other Latin: only symbols inside words (bud¿et) show it, not accents
        score = (len(_INNER_CAPITAL.findall(candidate)) + len(_HALFWIDTH.findall(candidate)), order)
        if best is None or score < best[:2]:
            best = (*score, candidate, shown, actual)
    return None if best is None else best[2:]


_RUN = {shown: re.compile("[" + re.escape(bytes(range(256)).decode(shown)) + "]+") for shown in SHOWN_AS}
_LAST_SPACE = re.compile(r"\s(?=\S*\Z)")


def _word_bounded(line: str, start: int, end: int) -> tuple[int, int]:
    """``line[start:end]`` without a partial word at either end (glued to a character outside it)."""
    if start > 0 and not line[start - 1].isspace() and not line[start].isspace():
        space = re.search(r"\s", line[start:end])
        start = start + space.start() if space else end
    if end < len(line) and not line[end].isspace() and start < end and not line[end - 1].isspace():
        space = _LAST_SPACE.search(line, start, end)
        end = space.start() + 1 if space else start
    return start, end


def redecode(
    line: str, codecs: tuple[str, ...], min_signs: int, runs: bool = True
) -> tuple[str, str, str] | None:
    """``(repaired line, shown-as code page, actual code page)`` if ``line`` reads better in another
    code page, else None. A line with characters the code page cannot encode (correct Greek or
    ``Dvořák`` next to the garble) is re-read run by run, each run cut back to whole words, if
    ``runs``."""
    if line.isascii() or not _may_sign(line):
        return None
    if _encodable(line):
        return _reread(line, SHOWN_AS, codecs, min_signs)
    if not runs:
        return None
    for shown in SHOWN_AS:
        out: list[str] = []
        pos = 0
        found: tuple[str, str, str] | None = None
        for m in _RUN[shown].finditer(line):
            start, end = _word_bounded(line, m.start(), m.end())
            if end - start < 3 or not _may_sign(line[start:end]):
                continue
            got = _reread(line[start:end], (shown,), codecs, min_signs)
            if got is not None:
                out += [line[pos:start], got[0]]
                pos, found = end, got
        if found is not None:
            return "".join([*out, line[pos:]]), found[1], found[2]
    return None
