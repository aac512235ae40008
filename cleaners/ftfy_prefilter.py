"""A one-scan necessary condition for ftfy's mojibake heuristic (``ftfy.badness.is_bad``).

``BADNESS_RE`` is an alternation of ~37 patterns. ``re`` cannot skip ahead to where one of them
could start, so ``is_bad`` costs ~0.1 µs per character, and ftfy evaluates it several times per
call. Read off ftfy 6.3.1's pattern, every alternative needs at least one character of ``_RARE``
(its categories ``c1``, ``bad``, accented Latin letters, ``box``, ``currency``, ``numeric``, ``law``,
``kaomoji``, plus ``Ђ`` and ``‚``) except two, which frame punctuation with Cyrillic or Greek
capitals (``[ВГРС].[ВГРС]``, ``[ΒΓΞΟ].[ΒΓΞΟ]``) and are matched as ftfy writes them. Plain text
in Cyrillic, Greek or English with curly quotes and dashes has none of these, so one C-level scan
(characters of ``_RARE`` and those capitals start it) settles it.

The analysis holds for one pattern only: a fingerprint of ftfy's pattern is checked at import,
and for any other pattern :func:`may_be_bad` always answers True (ftfy then decides itself).
"""

from __future__ import annotations

import hashlib
import re

from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

# sha256 of ftfy 6.3.1's BADNESS_RE.pattern, the pattern the analysis above was made for.
_ANALYSED = "9dcc0f2ac90d9ae3c85eb7b9b2c0b8a8e8126153847c2b30c91a0bb263f3b8c4"
ACTIVE = (
    hashlib.sha256(BADNESS_RE.pattern.encode("utf-8", "surrogatepass")).hexdigest() == _ANALYSED
    and BADNESS_RE.flags == re.VERBOSE | re.UNICODE
)


def _parts() -> tuple[str, str, list[str]]:
    """Character-class bodies of ``_RARE`` and of every character that can start a match (for
    ``[...]``), and the alternatives that follow that first character."""
    cat = MOJIBAKE_CATEGORIES
    rare = "".join(
        cat[name]
        for name in ("c1", "bad", "lower_accented", "upper_accented", "box", "currency", "numeric", "law", "kaomoji")
    ) + "Ђ‚"
    # The two framed alternatives, exactly as ftfy writes them.
    cyrillic = "[{c1}{bad}{start_punctuation}{end_punctuation}{currency}°µ]".format(**cat)
    greek = "[{c1}{bad}{start_punctuation}{end_punctuation}{currency}°]".format(**cat)
    return rare, rare + "ВГРСΒΓΞΟ", [f"(?<=[ВГРС]){cyrillic}[ВГРС]", f"(?<=[ΒΓΞΟ]){greek}[ΒΓΞΟ]"]


RARE, FIRST, FRAMED = _parts()
_MAY_BE_BAD = re.compile(f"[{FIRST}](?:(?<=[{RARE}])|{'|'.join(FRAMED)})")


def may_be_bad(text: str) -> bool:
    """False only if ``ftfy.badness.is_bad(text)`` is certainly False."""
    return not ACTIVE or _MAY_BE_BAD.search(text) is not None
