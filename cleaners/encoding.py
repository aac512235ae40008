"""Mojibake and broken-Unicode repair with ftfy, behind a cheap gate for clean text.

ftfy costs about a millisecond per clean 3 KB document. The gate below lets text through untouched
unless it contains something ftfy could act on under our configuration:

* a character that a UTF-8 lead byte (0xC2-0xF4) becomes in one of ftfy's single-byte encodings,
  followed (optionally after a space or ``?`` standing for a lost byte) by a character that a continuation
  byte (0x80-0xBF) becomes *in the same encoding* — the shape of all UTF-8 mojibake;
* a two-byte lead character followed by a space (ftfy's ``restore_byte_a0``) or ``?`` (lossy sequences);
* C1 controls, the control characters ftfy removes, U+FFFD, terminal escapes, HTML entities,
  lone surrogates, and text that is not in the configured Unicode normal form.

The character tables come from ftfy's own ``CHARMAP_ENCODINGS``, so the gate follows ftfy's scope.

Speed: every check is a regex that starts with a character class (the engine then skips to the next
candidate character in C) or a substring test. Most text is settled by one such scan
(:func:`_gate`): a mojibake shape alone changes nothing unless ftfy's badness heuristic could fire
(:mod:`cleaners.ftfy_prefilter`), which is what Cyrillic and Greek text and curly quotes usually
show. The gate's answers are exact: text is let through only where ftfy and the repairs here
would leave it unchanged (tests/test_stage_speed.py compares with the plain implementation).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
import ftfy.bad_codecs  # registers the sloppy-windows-* codecs
from ftfy.chardata import CHARMAP_ENCODINGS, CONTROL_CHARS, HTML_ENTITY_RE

from cleaners.edits import Edit, StageResult
from cleaners.ftfy_prefilter import ACTIVE as PREFILTER_ACTIVE
from cleaners.ftfy_prefilter import FIRST, FRAMED, RARE, may_be_bad
from cleaners.legacy import may_be_legacy, redecode
from cleaners.legacy import signs as legacy_signs
from cleaners.options import EncodingOptions
from cleaners.token_diff import AlternatingMatcher

STAGE = "encoding"

# Two-byte lead bytes whose sequence ftfy's restore_byte_a0 repairs when the continuation byte 0xA0
# became a plain space (ftfy.chardata.ALTERED_UTF8_RE; longer sequences keep a continuation character
# next to the lead and are caught by the pair check). ftfy never does this for MacRoman.
_A0_LEADS = bytes([0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9])


def _decoded(encoding: str, byte_values: range | bytes) -> set[str]:
    return set(bytes(byte_values).decode(encoding, errors="ignore"))


def _char_class(chars: set[str]) -> str:
    return "[" + "".join(re.escape(ch) for ch in sorted(chars)) + "]"


def _build_tables() -> tuple[re.Pattern[str], set[str], list[str], frozenset[tuple[str, str]], frozenset[str],
                             frozenset[str]]:
    lossy_leads: set[str] = set()
    leads: set[str] = set()
    conts: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    a0_leads: set[str] = set()
    shapes: list[str] = []
    for encoding in CHARMAP_ENCODINGS:
        lead = _decoded(encoding, range(0xC2, 0xF5))
        cont = _decoded(encoding, range(0x80, 0xC0))
        leads |= lead
        conts |= cont
        pairs |= {(a, b) for a in lead for b in cont}
        shapes.append(f"(?<={_char_class(lead)})[ ?]?{_char_class(cont)}")
        if encoding != "macroman":
            a0_leads |= _decoded(encoding, _A0_LEADS)
        if encoding.startswith("sloppy"):  # ftfy replaces lossy sequences only in these
            lossy_leads |= _decoded(encoding, b"\xc2\xc3")
    # One fast scan for the union; candidate matches are then checked per encoding in Python.
    pattern = re.compile(f"({_char_class(leads)})(?:[ ?]?({_char_class(conts)})|([ ?]))")
    shapes += [f"(?<={_char_class(a0_leads)}) ", f"(?<={_char_class(lossy_leads)})\\?"]
    return pattern, leads, shapes, frozenset(pairs), frozenset(a0_leads), frozenset(lossy_leads)


_CANDIDATE, _LEADS, _SHAPES, _PAIRS, _A0_LEAD_CHARS, _LOSSY_LEAD_CHARS = _build_tables()


def _build_punctuation_mojibake() -> tuple[re.Pattern[str], dict[str, str]]:
    """Three-character mojibake of General Punctuation and currency (U+2000-U+20CF: ’ “ ” – — … €)
    in each of ftfy's encodings, e.g. MacRoman ``‚Äô`` for ``’``."""
    table: dict[str, str] = {}
    for encoding in CHARMAP_ENCODINGS:
        for cp in range(0x2000, 0x20D0):
            char = chr(cp)
            if not char.isprintable():
                continue
            try:
                bad = char.encode("utf-8").decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(bad) == 3 and bad.isprintable():
                table.setdefault(bad, char)
    leads = {bad[0] for bad in table}
    return re.compile(f"{_char_class(leads)}..", re.DOTALL), table


_PUNCT_LEAD, _PUNCT_MOJIBAKE = _build_punctuation_mojibake()
# A superset of the table's keys, one character class per position: no match, nothing to repair.
_PUNCT_FIRST = {bad[0] for bad in _PUNCT_MOJIBAKE}
_MAY_BE_PUNCT = re.compile("".join(_char_class({bad[i] for bad in _PUNCT_MOJIBAKE}) for i in range(3)))


def _fix_punctuation_mojibake(text: str) -> str:
    """Repair left-over three-character punctuation mojibake that ftfy leaves in mixed lines,
    only where it stands between ASCII or spaces (inside a longer garble ftfy knows better)."""

    def fix(m: re.Match[str]) -> str:
        around = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
        if all(ch.isascii() or ch.isspace() for ch in around):
            return _PUNCT_MOJIBAKE.get(m.group(), m.group())
        return m.group()

    if not _MAY_BE_PUNCT.search(text):
        return text
    return _PUNCT_LEAD.sub(fix, text)


_SPECIAL_CHARS = "\x80-\x9f\ufffd\x1b" + "".join(re.escape(chr(c)) for c in sorted(CONTROL_CHARS))
_SPECIAL = re.compile(f"[{_SPECIAL_CHARS}]")

# Prefilters, each one regex starting with a character class, so the engine skips in C to the next
# character that can start a match. _MAY_BE_SHAPE matches wherever _mojibake_shape's exact scan
# could accept: a lead character followed (after an optional space or ``?``) by a continuation
# character of the same encoding, or a lead followed by a space or ``?``. It is a superset (it also
# matches where the exact, non-overlapping scan moves past), so no match means no shape.
_MAY_BE_SHAPE = re.compile(f"{_char_class(_LEADS)}(?:{'|'.join(_SHAPES)})")
# ... and also any special character or lone surrogate: no match means needs_fixing's exact checks
# of these (and of the shape) all say no.
_MAY_NEED_FIXING = re.compile(
    f"[{_SPECIAL_CHARS}\\ud800-\\udfff{_char_class(_LEADS)[1:-1]}]"
    f"(?:(?<=[{_SPECIAL_CHARS}\\ud800-\\udfff])|{'|'.join(_SHAPES)})"
)




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


def _mojibake_shape(text: str) -> bool:
    """Does ``text`` hold a lead character followed by a continuation character of the same encoding
    (or a space or ``?`` standing for a lost byte)? Candidates are scanned left to right, each scan
    resuming after the previous candidate."""
    if not _MAY_BE_SHAPE.search(text):  # one C-level scan settles clean text
        return False
    for m in _CANDIDATE.finditer(text):
        lead, cont, after = m.groups()
        if cont is None:
            if lead in (_A0_LEAD_CHARS if after == " " else _LOSSY_LEAD_CHARS):
                return True
        elif (lead, cont) in _PAIRS:
            return True
    return False


_CLEAN, _SHAPE_ONLY, _FTFY = 0, 1, 2


def _verdict(text: str, normalization: str | None) -> int:
    """``_CLEAN``: nothing for ftfy or the mojibake repairs here; ``_SHAPE_ONLY``: only a mojibake
    shape (no HTML entity, special character, surrogate or unnormalised text); else ``_FTFY``."""
    if "&" in text and HTML_ENTITY_RE.search(text):
        return _FTFY
    if normalization and not unicodedata.is_normalized(normalization, text):  # type: ignore[arg-type]
        return _FTFY
    if not _MAY_NEED_FIXING.search(text):  # one scan settles most clean text
        return _CLEAN
    if _SPECIAL.search(text):
        return _FTFY
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        return _FTFY
    return _SHAPE_ONLY if _mojibake_shape(text) else _CLEAN


def needs_fixing(text: str, normalization: str | None = "NFC") -> bool:
    """The cheap gate: could ftfy change anything in ``text``? False means certainly not."""
    return _verdict(text, normalization) != _CLEAN


def _optional_fixers(opts: EncodingOptions) -> bool:
    return opts.fix_latin_ligatures or opts.fix_character_width or opts.uncurl_quotes or opts.fix_line_breaks


def _ftfy_leaves(line: str, opts: EncodingOptions) -> bool:
    """True if ftfy certainly returns a ``_SHAPE_ONLY`` line unchanged (with an empty plan).

    Such a line has nothing for ftfy's unescape, control-character, surrogate and normalisation
    steps, so ftfy changes it only through its encoding fix, which acts only on text its badness
    heuristic flags: :func:`may_be_bad` rules that out in one scan (Cyrillic and Greek text, curly
    quotes and dashes often make a shape, rarely a badness). The optional fixers must be off.
    """
    return not _optional_fixers(opts) and not may_be_bad(line)


_TOKEN = re.compile(r"\s+|[^\s]+")


def _diff_edits(before: str, after: str, rule: str, max_chars: int) -> list[Edit]:
    """Edits turning ``before`` into ``after``: a token-level diff (words and whitespace runs).

    Character-level difflib is quadratic on long mojibake; tokens keep it fast and the edits
    readable (``cafÃ©`` → ``café``). Beyond ``max_chars`` one edit spans the changed region.
    """
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    # widen to token boundaries so the diff compares whole words
    while start > 0 and not before[start - 1].isspace():
        start -= 1
    while end_b < len(before) and end_a < len(after) and not before[end_b].isspace():
        end_b += 1
        end_a += 1
    if (end_b - start) + (end_a - start) > max_chars:
        return [Edit(STAGE, rule, start, end_b, before[start:end_b], after[start:end_a])]
    old = _TOKEN.findall(before, start, end_b)
    new = _TOKEN.findall(after, start, end_a)
    offsets = [start]
    for tok in old:
        offsets.append(offsets[-1] + len(tok))
    if len(old) == len(new):
        # The usual mojibake repair changes characters inside tokens, never the token count: pair the
        # tokens up directly (difflib's quadratic matching costs ~10 ms on a long mojibake line).
        spans: list[list[int]] = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            if a != b:
                if spans and spans[-1][1] == i:
                    spans[-1][1] = i + 1
                else:
                    spans.append([i, i + 1])
        return [Edit(STAGE, rule, offsets[i1], offsets[i2], "".join(old[i1:i2]), "".join(new[i1:i2]))
                for i1, i2 in spans]
    matcher = AlternatingMatcher(old, new)  # difflib's SequenceMatcher, faster on word/space tokens
    return [
        Edit(STAGE, rule, offsets[i1], offsets[i2], "".join(old[i1:i2]), "".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


_LINE_END = re.compile(r"(\r\n?|\n)")
# ftfy repairs to a fixpoint within one call, but its later steps (C1 controls) can make text that the
# retry below repairs further: a line is repaired again until it stays (bounded against oscillation).
_MAX_ROUNDS = 3


# Invisible characters and odd spaces that, inserted into or next to mojibake, hide it from ftfy
# (a no-break space is a UTF-8 continuation character to ftfy, so it leaves mojibake after one alone).
_SPACING_NOISE = re.compile("[\u00a0\u2009\u202f\u200b\u2060\ufeff]")


def _retry_without_spacing_noise(
    line: str, fixed: str, plan: list[tuple[str, str]] | None, config: ftfy.TextFixerConfig
) -> tuple[str, list[tuple[str, str]] | None]:
    """Run ftfy again with zero-width characters removed and thin spaces made plain, and a no-break
    space made plain where mojibake (a lead and a continuation character of one encoding) follows
    it; keep the result only if it leaves no mojibake shape behind."""

    def plain(m: re.Match[str]) -> str:
        ch = m.group()
        if ch == "\u00a0":
            return " " if (line[m.end() : m.end() + 1], line[m.end() + 1 : m.end() + 2]) in _PAIRS else ch
        return "" if ch in "\u200b\u2060\ufeff" else " "

    cleaned = _SPACING_NOISE.sub(plain, line)
    if cleaned == line:
        return fixed, plan
    retry, retry_plan = ftfy.fix_and_explain(cleaned, config=config)
    if _mojibake_shape(retry):
        return fixed, plan
    return retry, [*(retry_plan or []), ("transcode", "plain-spaces")]


# Where fix_encoding could change a normalised text without HTML entities, with the optional ftfy
# fixers off: a special character or lone surrogate (ftfy's other steps), a start of ftfy's badness
# (its encoding fix), spacing noise (the retry) or a three-character punctuation mojibake (the
# repair after ftfy). A mojibake shape alone changes nothing: ftfy leaves text that is not bad,
# and the repairs here need noise or punctuation mojibake. No match: the text stays as it is.
_MAY_CHANGE = re.compile(
    f"[{_SPECIAL_CHARS}\\ud800-\\udfff{FIRST}{_SPACING_NOISE.pattern[1:-1]}{_char_class(_PUNCT_FIRST)[1:-1]}]"
    f"(?:(?<=[{_SPECIAL_CHARS}\\ud800-\\udfff{RARE}{_SPACING_NOISE.pattern[1:-1]}])|{'|'.join(FRAMED)}"
    f"|(?<={_char_class(_PUNCT_FIRST)}){_MAY_BE_PUNCT.pattern[len(_char_class(_PUNCT_FIRST)):]})"
)


def _gate(text: str, opts: EncodingOptions) -> int:
    """The verdict for ``text`` (as :func:`_verdict`), or ``_CLEAN`` when the stage certainly returns
    it unchanged: no HTML entity, normalised, and (optional fixers off) nothing ``_MAY_CHANGE`` finds."""
    if "&" in text and HTML_ENTITY_RE.search(text):
        return _FTFY
    if opts.normalization and not unicodedata.is_normalized(opts.normalization, text):  # type: ignore[arg-type]
        return _FTFY
    if PREFILTER_ACTIVE and not _optional_fixers(opts) and not _MAY_CHANGE.search(text):
        return _CLEAN
    return _verdict(text, None)  # entities and normalisation are checked above


def _lines(text: str) -> list[str]:
    """Lines with their ends (CR, LF, CRLF only: U+0085 is mojibake ftfy repairs, not a line end)."""
    parts = _LINE_END.split(text)
    lines = [parts[i] + parts[i + 1] for i in range(0, len(parts) - 1, 2)]
    return [*lines, parts[-1]] if parts[-1] else lines


def _repair_line(
    line: str, opts: EncodingOptions, config: ftfy.TextFixerConfig
) -> tuple[str, list[tuple[str, str]]]:
    """One round of repair of one line: ftfy (where the gate sees a need), the retry without spacing
    noise, then punctuation mojibake; returns the line and the plan of the steps that acted."""
    verdict = _gate(line, opts) if opts.gate else _FTFY
    if verdict == _CLEAN:
        return line, []
    shape: bool | None = None  # _mojibake_shape(fixed), once known
    if verdict == _SHAPE_ONLY and _ftfy_leaves(line, opts):
        fixed, plan, shape = line, [], True
    else:
        fixed, plan = ftfy.fix_and_explain(line, config=config)
    if _SPACING_NOISE.search(fixed):
        if shape is None:
            shape = _mojibake_shape(fixed)
        if shape:
            retried, plan = _retry_without_spacing_noise(line, fixed, plan, config)
            shape = None if retried != fixed else shape
            fixed = retried
    if _MAY_BE_PUNCT.search(fixed) and (shape if shape is not None else _mojibake_shape(fixed)):
        repunctuated = _fix_punctuation_mojibake(fixed)
        if repunctuated != fixed:
            fixed, plan = repunctuated, [*(plan or []), ("apply", "punctuation-mojibake")]
    return fixed, list(plan or [])


def _reread(
    line: str, fixed: str, plan: list[tuple[str, str]], tool: str, opts: EncodingOptions
) -> tuple[str, list[tuple[str, str]], str]:
    """A legacy code-page reading of the line (:mod:`cleaners.legacy`) after ftfy's repair. ftfy
    leaves such a line alone or garbles parts of it (``decode_inconsistent_utf8``): if its result
    still shows the signs, the line as it came is re-read instead of ftfy's result."""
    if fixed != line and may_be_legacy(fixed) and legacy_signs(fixed) >= opts.legacy_min_signs:
        found = redecode(line, opts.legacy_codecs, opts.legacy_min_signs, runs=False)
        if found is not None:
            return found[0], [("encode", found[1]), ("decode", found[2])], "legacy"
    # runs of a line ftfy repaired are not re-read: what is left there is mojibake ftfy could not undo
    found = redecode(fixed, opts.legacy_codecs, opts.legacy_min_signs, runs=fixed == line)
    if found is None:
        return fixed, plan, tool
    return found[0], [*plan, ("encode", found[1]), ("decode", found[2])], "ftfy+legacy" if tool else "legacy"


def _may_be_legacy(text: str, opts: EncodingOptions) -> bool:
    return bool(opts.legacy_codecs) and not text.isascii() and may_be_legacy(text)


def fix_encoding(text: str, opts: EncodingOptions) -> StageResult:
    """Repair mojibake with ftfy, line by line like ``ftfy.fix_text``.

    Only lines the gate flags pay for ftfy, and one line that is not mojibake (a character outside
    the broken encoding) cannot stop the repair of another. Each edit's rule is ftfy's fix plan
    for its line (e.g. ``ftfy: encode sloppy-windows-1252; decode utf-8``); ``info['ftfy_plan']``
    lists the distinct plans for the audit. A line in a legacy code page shown as cp1252/latin-1
    is re-read (rule ``legacy: encode sloppy-windows-1252; decode cp1251``, see :func:`_reread`).
    """
    if not opts.enabled:
        return StageResult(text)
    legacy = _may_be_legacy(text, opts)  # no sign in the text: no line of it is re-read (unless ftfy changed it)
    if opts.gate and not legacy and _gate(text, opts) == _CLEAN:
        return StageResult(text)
    config = _ftfy_config(opts)
    out: list[str] = []
    edits: list[Edit] = []
    plans: list[str] = []
    pos = 0
    for line in _lines(text):
        fixed, plan = line, []
        for _ in range(_MAX_ROUNDS):  # to a fixpoint, so that the stage is idempotent
            again, more = _repair_line(fixed, opts, config)
            if again == fixed:
                break
            fixed, plan = again, [*plan, *more]
        tool = "ftfy" if fixed != line else ""
        if legacy or (tool and opts.legacy_codecs):
            fixed, plan, tool = _reread(line, fixed, plan, tool, opts)
        out.append(fixed)
        if fixed != line:
            steps = "; ".join(f"{step} {arg}" for step, arg in (plan or []))
            if steps not in plans:
                plans.append(steps)
            rule = f"{tool}: {steps}" if steps else tool
            for e in _diff_edits(line, fixed, rule, opts.max_diff_chars):
                edits.append(Edit(STAGE, e.rule, e.start + pos, e.end + pos, e.before, e.after))
        pos += len(line)
    if not edits:
        return StageResult(text)
    return StageResult("".join(out), edits, info={"ftfy_plan": " | ".join(plans)})
