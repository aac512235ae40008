"""Stray machine-translated fragments: words of another language inside an article.

Detection, conservative by design:

* runs of letters in a script foreign to the document's language (``regex`` script properties
  with set operations, behind a standard-library prefilter);
* for Latin-script languages, clause-length runs in another Latin-script language: a function-word
  signal picks candidate clauses, langdetect on the clause must confirm with high probability.

Left untouched (and not counted as foreign): quoted fragments, fragments in brackets, a fragment
followed by a bracketed translation (``the word 乌克兰 (Ukraine)``), a fragment after a cue word
(``the slogan ...``), a fragment that is a line of its own (a quoted verse, a caption)
unless the glossary translates all of it, single letters of alphabetic scripts (symbols such
as π), runs of spaced scripts glued inside a word (``pГЎgina``: unrepaired mojibake, not a
fragment), and Titlecase words of cased scripts that no glossary knows (probably names).

Repair by policy: ``restore`` from the glossary (longest-match segmentation), else drop;
``drop``; or ``mark`` (keep, flag in the audit). Spacing, punctuation and capitalisation around a
restored or dropped fragment are fixed. When fragments exceed ``max_foreign_share`` of the letters,
the document is rejected as ``mixed_language`` instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

import regex

from cleaners.edits import Edit, StageResult, apply_spans
from cleaners.function_words import STOPWORDS, _words
from cleaners.glossary import LANGUAGES_OF_SCRIPT, Glossary
from cleaners.language import langdetect_language
from cleaners.options import FragmentOptions
from cleaners.scripts import (
    CASED,
    UNSPACED,
    allowed_scripts,
    foreign_letter_pattern,
    foreign_run_pattern,
    may_have_foreign,
    own_script_pattern,
    script_of,
)
from cleaners.word_scan import WordPattern

__all__ = ["FragmentOptions", "Glossary", "repair_fragments"]

STAGE = "fragments"

OPEN = "“‘«„‚\"'「『‹(["
CLOSE = "”’»“\"'」』›)]"
_CUES = frozenset(
    _words(
        "word words term phrase character characters slogan motto called dubbed named meaning"
        " means spelled written reads read titled headline banner sign inscription"
    )
)
# Words right before the title of a work: "Tolstoy's novel Война и мир", "the film 英雄".
_TITLE_CUES = frozenset(_words("film films movie novel novels book poem song album opera anthem"))
_WORDS = WordPattern(r"{L}+(?:['’]{L}+)*", r"[\p{L}\p{M}]")
_WORD = _WORDS.full
_CLAUSE = regex.compile(r"[^.!?;:\n,“”„\"«»‹›()\[\]—–]+")
_LETTER = regex.compile(r"\p{L}")
_ARTICLES = frozenset({"the", "a", "an"})
_DETERMINERS = _words("the a an this that these those its his her their our")
_ABBREVIATION = regex.compile(
    r"(?:\b(?:\p{Lu}\.)+|\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Prof|No|vs|etc|Inc|Ltd|Co|Corp|Jan|Feb"
    r"|Aug|Sept|Oct|Nov|Dec)\.)$"
)




@dataclass(slots=True)
class _Fragment:
    start: int
    end: int
    script: str  # script name, or "Latin:<lang>" for another Latin-script language
    langs: tuple[str, ...]  # glossaries to try
    own_line: bool = False  # alone on its line: kept unless the glossary knows all of it


def _prev_char(text: str, pos: int, skip: str = " \t") -> tuple[int, str]:
    while pos > 0 and text[pos - 1] in skip:
        pos -= 1
    return pos, (text[pos - 1] if pos > 0 else "\n")


def _next_char(text: str, pos: int, skip: str = " \t") -> tuple[int, str]:
    while pos < len(text) and text[pos] in skip:
        pos += 1
    return pos, (text[pos] if pos < len(text) else "\n")


def _sentence_start(text: str, pos: int) -> bool:
    """Whether ``pos`` starts a sentence (after spaces and opening quotes/brackets)."""
    i, ch = _prev_char(text, pos, " \t" + OPEN)
    if ch in "\n":
        return True
    if ch in CLOSE:
        i, _ = _prev_char(text, pos, " \t" + OPEN + CLOSE)
        ch = text[i - 1] if i > 0 else "\n"
    if ch == "." and _ABBREVIATION.search(text, max(0, i - 12), i):
        return False  # "the U.S. market", "Mr. Smith"
    return ch in ".!?\n"


def _exempt(text: str, start: int, end: int, own_script: regex.Pattern[str] | None = None) -> str | None:
    """Why the fragment must stay as it is, or None.

    With ``own_script`` (letters of the document's scripts), a fragment on a line with no such
    letters is exempt as a line of its own.
    """
    if own_script is not None:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        rest = text[line_start:start] + text[end : len(text) if line_end < 0 else line_end]
        if not own_script.search(rest):
            return "own-line"
    _, before = _prev_char(text, start)
    j, after = _next_char(text, end)
    if after in ",.!?;:" and j + 1 < len(text) and text[j + 1] in CLOSE:
        after = text[j + 1]
    if before in OPEN and after in CLOSE:
        return "quoted"
    if after in "([":
        inner = text[j + 1 : j + 80].split(")" if after == "(" else "]", 1)[0]
        if regex.search(r"\p{Latin}", inner):
            return "translated"
    lead_in = regex.split(r"[.!?;:“”\"«»()\n]", text[max(0, start - 40) : start])[-1]
    words = [w.casefold() for w in _WORD.findall(lead_in)[-4:]]  # "the word 乌克兰", in the same clause
    if any(w in _CUES for w in words[-2:]):
        return "mentioned"
    if words and words[-1] in _TITLE_CUES and lead_in.rstrip()[-1:] not in ",;:":  # right before it
        return "mentioned"
    if words[-1:] == ["as"] and "known" in words:  # "known as X", "known in China as X"
        return "mentioned"
    return None


def _looks_like_name(fragment: str, script: str, text: str, start: int) -> bool:
    if script not in CASED or _sentence_start(text, start):
        return False
    words = fragment.replace("-", " ").split()
    return all(w[:1].isupper() and not w.isupper() for w in words)


def _script_fragments(
    text: str, lang: str, opts: FragmentOptions
) -> tuple[list[_Fragment], list[tuple[int, int, str]]]:
    found: list[_Fragment] = []
    kept: list[tuple[int, int, str]] = []
    if foreign_letter_pattern(allowed_scripts(lang)).search(text) is None:
        return found, kept  # one class scan instead of the run pattern's
    own = own_script_pattern(allowed_scripts(lang))
    for m in foreign_run_pattern(allowed_scripts(lang)).finditer(text):
        script = script_of(m.group())
        letters = sum(ch.isalpha() for ch in m.group())
        if script not in UNSPACED and letters < opts.min_alphabetic_letters:
            kept.append((m.start(), m.end(), "symbol"))
            continue
        why = _exempt(text, m.start(), m.end(), own)
        glued = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
        if script not in UNSPACED and any(ch.isalpha() for ch in glued):
            why = "embedded"  # glued inside a word: unrepaired mojibake or a loan, not a fragment
        if why and why != "own-line":
            kept.append((m.start(), m.end(), why))
            continue
        langs = LANGUAGES_OF_SCRIPT.get(script, ())
        found.append(_Fragment(m.start(), m.end(), script, langs, own_line=why == "own-line"))
    return found, kept


_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values())


@cache
def _function_words(lang: str) -> tuple[frozenset[str], dict[str, frozenset[str]], frozenset[str]]:
    """``(own, others, foreign)``: ``lang``'s function words, each other language's not among them,
    and all of those together."""
    own = STOPWORDS[lang]
    others = {code: words - own for code, words in STOPWORDS.items() if code != lang}
    return own, others, frozenset().union(*others.values())


def _latin_fragments(text: str, lang: str, opts: FragmentOptions) -> list[_Fragment]:
    """Clauses in another Latin-script language: function words first, then langdetect."""
    if lang not in STOPWORDS:
        return []
    own, others, foreign = _function_words(lang)
    tokens = text.lower().split()
    present = foreign.intersection(tokens)  # the other languages' function words among the tokens
    if max(len(present & sw) for sw in others.values()) < opts.latin_min_foreign_stopwords:
        return []  # cheap whole-document check: no other language's function words at all
    counts = Counter(filter((own | present).__contains__, tokens))  # only function words are summed below
    vocabulary = counts.keys()
    own_uses = sum(counts[w] for w in vocabulary & own)
    if max(sum(counts[w] for w in vocabulary & sw) for sw in others.values()) >= own_uses:
        return []  # another language's function words are common: the document's language is in doubt
    found: list[_Fragment] = []
    checks = 0
    word_re = _WORDS.for_text(text)  # exact for every clause of the text
    for m in _CLAUSE.finditer(text):
        raw = word_re.findall(m.group())
        if len(raw) < opts.latin_min_words:
            continue
        words = [w.casefold() for w in raw]
        if foreign.isdisjoint(words):
            continue  # no other language's function word: no hits below
        if sum(w in own for w in words) / len(words) > opts.latin_max_own_stopword_share:
            continue
        hits = {code: sum(w in sw for w in words) for code, sw in others.items()}
        best = max(hits, key=hits.__getitem__)
        if hits[best] < opts.latin_min_foreign_stopwords:
            continue
        content = [w for w, f in zip(raw, words, strict=True) if f not in _ALL_STOPWORDS]
        if best != "de" and content and sum(w[:1].isupper() for w in content) * 2 >= len(content):
            continue  # mostly Titlecase (and not German, which capitalises nouns): a name or a title
        start = m.start() + len(m.group()) - len(m.group().lstrip())
        end = m.start() + len(m.group().rstrip())
        if _exempt(text, start, end):
            continue
        if checks >= opts.latin_max_checks:
            break
        checks += 1
        other, prob = langdetect_language(text[start:end], opts.seed)
        if other not in ("und", lang) and prob >= opts.latin_min_probability:
            found.append(_Fragment(start, end, f"Latin:{other}", (other,)))
    letters = sum(f.end - f.start for f in found)
    if found and letters > opts.max_foreign_share * len(text):
        return []  # so much "foreign" text that the document's language itself is in doubt
    return found


def _glue(text: str, start: int, end: int, words: str, sentence: bool) -> str:
    """The translation fitted into its place: article not doubled, capitalised, spaced."""
    head, _, rest = words.partition(" ")
    if rest and head.casefold() in _ARTICLES and not sentence:
        before = _WORD.findall(text[max(0, start - 24) : start])
        prev = before[-1] if before else ""
        if (
            prev.casefold() in _DETERMINERS  # "the الحكومة" → "the government", not "the the government"
            or prev.endswith(("'s", "’s"))  # "Jordan’s economy"
            or text[start - 1 : start] == "-"  # "anti-government"
            or (prev[:1].isupper() and text[start - 1 : start] == " ")  # "Ghanaian government"
        ):
            words = rest
    if sentence and words[:1].islower():
        words = words[:1].upper() + words[1:]
    if start > 0 and (text[start - 1].isalnum() or (text[start - 1] in ",;:" and words[:1].isalnum())):
        words = " " + words
    if end < len(text) and text[end].isalnum():
        words += " "
    return words


def _drop_span(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The span to delete for a dropped fragment, with spacing, punctuation and case fixed."""
    i, before = _prev_char(text, start)
    j, after = _next_char(text, end)
    sentence = _sentence_start(text, start)
    if after in ",;:" and (sentence or before in ",;:"):
        k, nxt = _next_char(text, j + 1)
        if sentence and nxt.islower():
            return start, k + 1, nxt.upper()
        return start, k, ""
    if after in ".!?)]}”\"’»\n" or j >= len(text):
        if before in ",;:" and after in ".!?\n":
            i -= 1
        return i, end, ""
    if sentence and after.islower():
        return start, j + 1, after.upper()
    if j == end and start > 0 and text[start - 1].isalnum():
        return start, end, " "  # glued between two words: "accused乌克兰of" → "accused of"
    return start, j, ""


def repair_fragments(text: str, lang: str, opts: FragmentOptions, glossary: Glossary) -> StageResult:
    """Find foreign fragments; restore from the glossary, drop, or mark them, per ``opts.policy``."""
    if not opts.enabled or lang == "und":
        return StageResult(text)
    found: list[_Fragment] = []
    kept: list[tuple[int, int, str]] = []
    if may_have_foreign(text):
        found, kept = _script_fragments(text, lang, opts)
    if opts.latin and lang in STOPWORDS:
        found += _latin_fragments(text, lang, opts)
    if not found:
        return StageResult(text, info={"fragments": {"kept": len(kept)}} if kept else {})
    found.sort(key=lambda f: f.start)
    restorable = opts.policy == "restore" and glossary.target == lang.split("-")[0]
    spans: list[tuple[int, int, str, str]] = []
    marks: list[Edit] = []
    foreign_letters = 0
    counts = {"restored": 0, "dropped": 0, "marked": 0, "kept": len(kept)}
    for frag in found:
        piece = text[frag.start : frag.end]
        pieces = 0 if frag.script.startswith("Latin") else opts.max_glossary_pieces
        translated = glossary.translate(piece, frag.langs, pieces) if restorable else None
        if translated is None and (
            frag.own_line or (opts.keep_names and _looks_like_name(piece, frag.script, text, frag.start))
        ):
            counts["kept"] += 1
            continue
        foreign_letters += sum(ch.isalpha() for ch in piece)
        if opts.policy == "mark":
            marks.append(Edit(STAGE, f"mark:{frag.script}", frag.start, frag.end, piece, piece))
            counts["marked"] += 1
        elif translated is not None:
            words, source = translated
            sentence = _sentence_start(text, frag.start)
            glued = _glue(text, frag.start, frag.end, words, sentence)
            spans.append((frag.start, frag.end, glued, f"glossary:{source}"))
            counts["restored"] += 1
        else:
            start, end, after = _drop_span(text, frag.start, frag.end)
            spans.append((start, end, after, f"drop:{frag.script}"))
            counts["dropped"] += 1
    if foreign_letters:
        letters = len(_LETTER.findall(text))
        if letters and foreign_letters / letters > opts.max_foreign_share:
            detail = f"{foreign_letters} of {letters} letters are in fragments foreign to {lang}"
            edit = Edit(STAGE, "quarantine", 0, 0, "", "")
            return StageResult(text, [edit], reject=("mixed_language", detail), info={"fragments": counts})
    result = apply_spans(text, STAGE, spans) if spans else StageResult(text)
    result.edits = sorted(result.edits + marks, key=lambda e: e.start)
    result.info["fragments"] = counts
    return result
