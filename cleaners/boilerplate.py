"""Boilerplate removal, line by line.

Each non-empty line is first labelled by the strongest evidence available, in this order:

1. ``repeated-line``: the line occurs in many documents of the same site in this run (guarded: if
   repeated lines would take more than ``repeat_max_doc_share`` of the document, only those that do
   not read as prose go, so near-duplicate copies of one story keep their body);
2. ``rule:<category>:<name>``: a configured pattern (config/rules/boilerplate.toml);
3. the jusText-style classifier: ``classifier:menu`` (``|``/``»`` separators), ``classifier:capitalised``
   (a run of capitalised words without stopwords), ``classifier:teaser`` (cut-off preview ending in
   "..."), ``classifier:low-stopwords`` (long but not prose); otherwise GOOD (long prose), NEARGOOD
   (prose-like) or SHORT.

Context then decides the uncertain lines as jusText does (a short line between good paragraphs is a
heading and stays; near-good next to good stays; the rest goes: ``classifier:short`` /
``classifier:neargood``); in-article furniture (credits, embeds, player controls:
``context_skip_categories``) is looked past like a short line, and rule lines of
``inside_keep_categories`` (author bios, whose patterns also fit news sentences about reporters) stay
when they lie inside the article. A comment-section heading after the
article ends it (``classifier:after-comments``), and so does a related-stories heading when little
text that does not continue the article's topic follows (``classifier:after-related``). Finally the
article is located as the largest cluster of good lines (other clusters stay if large or if they
continue its topic: :mod:`cleaners.boilerplate_topic`); good lines far from it (comment threads,
related-story blurbs, footers) go as ``classifier:outside-main``, except title-like lines just above it
that share content words with it (the headline and subheads; hard lines such as bylines between
headline and body are not counted, and the last lines of a menu run above it are candidates).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xxhash

from cleaners import boilerplate_topic as topic
from cleaners.boilerplate_rules import (
    LINE_CACHE_SIZE,
    BoilerplateRules,
    MatchStats,
    Rule,
    line_starts,
    lower_lines,
)
from cleaners.edits import StageResult, apply_spans
from cleaners.line_features import (
    LineFeatures,
    ascii_stopwords,
    capitalised_share,
    content_stems,
    line_features,
)
from cleaners.options import BoilerplateOptions
from cleaners.stopwords import Stopwords

STAGE = "boilerplate"

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"
FURNITURE = "furniture"  # BAD by a soft-category rule; skipped like SHORT when the context pass looks around
_NON_WORD = re.compile(r"\W+")
_new = tuple.__new__  # a LineFeatures from a tuple, without its Python-level __new__
LINK_LIST = "classifier:link-list"

__all__ = [
    "STAGE",
    "BoilerplateOptions",
    "BoilerplateRules",
    "Rule",
    "Stopwords",
    "line_key",
    "strip_boilerplate",
]




def line_key(line: str) -> str:
    """Key of a line for cross-document repetition counts (case- and edge-space-insensitive)."""
    return xxhash.xxh3_64_hexdigest(line.strip().casefold().encode("utf-8", "surrogatepass"))


def doc_line_keys(text: str) -> tuple[str, set[str]]:
    """``line_key(text)`` and the distinct ``line_key`` of its non-blank lines, computed faster.

    Equal to :func:`line_key` on the whole text and on each line: ``str.casefold`` maps each code
    point on its own (no context), never makes or removes whitespace or a newline, so casefolding
    the lines and joining them is casefolding the text, and strip commutes with it. Each distinct
    line is hashed once, and ``casefold`` runs on lines (CPython's ASCII fast path) not per key."""
    folded = [ln.casefold() for ln in text.split("\n")]
    text_key = xxhash.xxh3_64_hexdigest("\n".join(folded).strip().encode("utf-8", "surrogatepass"))
    stripped = {ln.strip() for ln in folded}
    stripped.discard("")
    return text_key, {xxhash.xxh3_64_hexdigest(ln.encode("utf-8", "surrogatepass")) for ln in stripped}


_KEYS: dict[str, str] = {}  # stripped line -> line_key: a site's lines recur in its pages


def _line_key(text: str) -> str:
    """:func:`line_key`, remembered (at most ``LINE_CACHE_SIZE`` lines, then the memory starts afresh)."""
    key = _KEYS.get(text)
    if key is None:
        if len(_KEYS) >= LINE_CACHE_SIZE:
            _KEYS.clear()
        key = _KEYS[text] = line_key(text)
    return key


@dataclass(slots=True)
class _Line:
    index: int  # index into the document's lines
    text: str  # stripped
    feats: LineFeatures
    cls: str
    why: str  # signal that made it BAD (or would, for uncertain lines)
    hard: bool  # BAD by rule/repetition/menu: never rescued by context or as a title


def _stoplist(
    lines: Sequence[str], lang: str | None, stopwords: Stopwords, o: BoilerplateOptions
) -> frozenset[str]:
    """The language's stopwords; for an unknown language the best-covering list, if it covers enough."""
    stop = stopwords.get(lang)
    if stop is not None:
        return stop
    sample: list[str] = []
    for line in lines:
        sample.extend(line.lower().split())
        if len(sample) > 300:
            break
    lang, stop = stopwords.guess(sample)
    if lang is None or sum(map(stop.__contains__, sample)) < o.stopwords_guess_share * len(sample):
        return frozenset()  # language-independent mode: length and punctuation only
    return stop


def _initial(text: str, f: LineFeatures, o: BoilerplateOptions, has_stop: bool) -> tuple[str, str]:
    if f.menu_tokens >= o.menu_min_tokens and not (f.sentence_end and f.stop_density >= o.stopwords_low):
        return BAD, "classifier:menu"
    if f.truncated and f.chars <= o.teaser_max_chars:
        return BAD, "classifier:teaser"
    if not has_stop:  # no stopword list for this language: jusText's language-independent mode
        if f.chars < o.length_low:
            return SHORT, "classifier:short"
        return (GOOD if f.chars >= o.length_high else NEARGOOD), "classifier:neargood"
    if (
        f.words >= o.capitalised_min_words
        and f.stop_density == 0
        and not f.sentence_end
        and capitalised_share(text) >= o.capitalised_share
    ):
        return BAD, "classifier:capitalised"
    if f.chars < o.length_low:
        if f.sentence_end and f.words >= o.short_sentence_words and f.stop_density >= o.stopwords_low:
            return NEARGOOD, "classifier:neargood"
        return SHORT, "classifier:short"
    if f.stop_density >= o.stopwords_high:
        long = f.chars >= o.length_high or (f.sentence_end and f.chars >= o.length_sentence)
        return (GOOD if long else NEARGOOD), "classifier:neargood"
    if f.stop_density >= o.stopwords_low or (f.sentence_end and f.stop_density >= o.stopwords_sentence):
        return NEARGOOD, "classifier:neargood"
    return BAD, "classifier:low-stopwords"


def _neighbour(items: list[_Line], i: int, step: int, ignore_neargood: bool) -> str:
    j = i + step
    while 0 <= j < len(items):
        c = items[j].cls
        if c in (GOOD, BAD):
            return c
        if c == NEARGOOD and not ignore_neargood:
            return c
        j += step
    return BAD  # document edges count as boilerplate


def _context(items: list[_Line]) -> None:
    """jusText's context-sensitive pass: SHORT and NEARGOOD become GOOD or BAD."""
    new = [it.cls for it in items]
    for i, it in enumerate(items):
        if it.cls != SHORT:
            continue
        prev, nxt = _neighbour(items, i, -1, True), _neighbour(items, i, 1, True)
        if prev == GOOD and nxt == GOOD:
            new[i] = GOOD
        elif prev == BAD and nxt == BAD:
            new[i] = BAD
        elif (prev == BAD and _neighbour(items, i, -1, False) == NEARGOOD) or (
            nxt == BAD and _neighbour(items, i, 1, False) == NEARGOOD
        ):
            new[i] = GOOD
        else:
            new[i] = BAD
    for i, it in enumerate(items):
        if it.cls != NEARGOOD:
            continue
        prev, nxt = _neighbour(items, i, -1, True), _neighbour(items, i, 1, True)
        new[i] = BAD if prev == BAD and nxt == BAD else GOOD
    for it, c in zip(items, new, strict=True):
        it.cls = c


def _blocks(
    items: list[_Line], max_gap: float, soft: float, soft_marks: tuple[str, ...]
) -> list[tuple[int, int, int]]:
    """Clusters of GOOD lines joined across gaps of BAD lines weighing at most ``max_gap`` (a line with
    hard evidence weighs 1, others ``soft``): (first, last, good chars)."""
    blocks: list[tuple[int, int, int]] = []
    start = last = -1
    chars = 0
    gap = 0.0
    for i, it in enumerate(items):
        if it.cls == GOOD:
            if start < 0:
                start, chars = i, 0
            elif gap > max_gap:
                blocks.append((start, last, chars))
                start, chars = i, 0
            last, gap = i, 0.0
            chars += it.feats.chars
        elif start >= 0:
            gap += 1.0 if it.hard and not it.why.startswith(soft_marks) and it.why != LINK_LIST else soft
    if start >= 0:
        blocks.append((start, last, chars))
    return blocks


def _mark_lists(items: list[_Line], min_run: int) -> None:
    """Runs of short lines that do not end like sentences are link lists or menus, not subheads."""
    run: list[_Line] = []
    for it in [*items, None]:
        if it is not None and it.cls == SHORT and not it.feats.sentence_end:
            run.append(it)
            continue
        if len(run) >= min_run:
            for r in run:
                r.cls, r.why, r.hard = BAD, LINK_LIST, True
        run = []


def _cut_at_barrier(items: list[_Line], o: BoilerplateOptions) -> None:
    """A comment-section heading after the article (``barrier_categories``) ends it: all below goes."""
    if not o.barrier_categories:
        return
    marks = tuple(f"rule:{c}:" for c in o.barrier_categories)
    total = sum(it.feats.chars for it in items if it.cls == GOOD)
    need = max(o.barrier_min_chars, o.barrier_min_share * total)
    good = 0
    for j, it in enumerate(items):
        if it.cls == GOOD:
            good += it.feats.chars
        elif good >= need and it.why.startswith(marks):
            reason = "classifier:after-" + it.why.split(":")[1]
            for later in items[j + 1 :]:
                if later.cls == GOOD or not later.hard:
                    later.cls, later.why, later.hard = BAD, reason, True
            return


def _cut_at_tail(items: list[_Line], stop: frozenset[str], o: BoilerplateOptions) -> None:
    """A related-content heading (``tail_categories``: "More stories", "Most read") after the article
    ends it when the good text below it is at most ``tail_max_after_share`` of the good text above it
    (a "read also" link inside the article has most of the article below it) and does not continue
    the article's topic (an article interrupted by a "More from" box goes on about the same things)."""
    if not o.tail_categories:
        return
    marks = tuple(f"rule:{c}:" for c in o.tail_categories)
    total = sum(it.feats.chars for it in items if it.cls == GOOD)
    good = 0
    for j, it in enumerate(items):
        if it.cls == GOOD:
            good += it.feats.chars
        elif (
            good >= o.barrier_min_chars
            and it.why.startswith(marks)
            and total - good <= o.tail_max_after_share * good
        ):
            if o.topic_min_share and stop:
                before = [x.text for x in items[:j] if x.cls == GOOD]
                after = [x.text for x in items[j + 1 :] if x.cls == GOOD]
                ref = topic.block_stems(before, stop, o.stem_chars, sum(map(len, before)))
                budget = o.topic_body_chars
                if after and topic.continues(after, ref, stop, o.stem_chars, budget, o.topic_min_share):
                    continue
            reason = "classifier:after-" + it.why.split(":")[1]
            for later in items[j + 1 :]:
                if later.cls == GOOD or not later.hard:
                    later.cls, later.why, later.hard = BAD, reason, True
            return


def _titled(it: _Line, o: BoilerplateOptions) -> bool:
    """Whether a line may be a headline: no hard evidence (a link-list line may: a headline often ends
    the run of menu lines above it), not already good, not too long, no menu separators."""
    soft = not it.hard or (o.title_list_lines > 0 and it.why == LINK_LIST)
    return soft and it.cls != GOOD and it.feats.words <= o.title_max_words and not it.feats.menu_tokens


def _keep_titles(
    items: list[_Line], first: int, last: int, stop: frozenset[str], o: BoilerplateOptions
) -> None:
    """Rescue the headline and subheads: title-like lines in the window above the article, or right
    before one of its good lines, that share content words with the article's start."""
    window = _title_window(items, first, o)
    if o.title_far_window and o.title_far_before:
        window += _headers_above(items, first, o)
    if o.subheads:
        window += [
            it for j, it in enumerate(items[first:last], first) if _titled(it, o) and items[j + 1].cls == GOOD
        ]
    if not window:
        return
    parts: list[str] = []
    budget = o.title_body_chars
    for it in items[first : last + 1]:
        if it.cls == GOOD:
            parts.append(it.text[:budget])
            budget -= it.feats.chars
            if budget <= 0:
                break
    body = " ".join(parts).lower()
    for it in window:
        stems = content_stems(it.text, stop, o.stem_chars)
        if not stems:
            continue
        shared = sum(_starts_word(body, s) for s in stems)
        if shared >= o.title_min_shared and shared >= o.title_min_share * len(stems):
            it.cls, it.why, it.hard = GOOD, "", False


def _headers_above(items: list[_Line], first: int, o: BoilerplateOptions) -> list[_Line]:
    """The nearest title-like line up to ``title_far_window`` lines above the article that stands right
    before a byline or date line: the header of the article ("<headline>", "By <name>", "<date>") above
    a gallery, a video player or a share bar (one line: a list of related headlines with dates above the
    article gives one candidate, not many)."""
    marks = tuple(f"rule:{c}:" for c in o.title_far_before)
    for j in range(first - 2, max(0, first - o.title_far_window) - 1, -1):
        if _titled(items[j], o) and items[j + 1].why.startswith(marks):
            return [items[j]]
    return []


def _title_window(items: list[_Line], first: int, o: BoilerplateOptions) -> list[_Line]:
    """Title-like lines among the ``title_window`` lines above the article; lines with hard evidence
    (bylines, dates, share bars between headline and body) do not count towards the window, and the
    nearest ``title_list_lines`` link-list lines are candidates too."""
    window: list[_Line] = []
    seen = listed = 0  # non-hard lines, link-list lines
    for it in reversed(items[:first]):
        if it.hard and o.title_skip_hard:
            if it.why == LINK_LIST and listed < o.title_list_lines:
                listed += 1
                if _titled(it, o):
                    window.append(it)
            continue
        seen += 1
        if seen > o.title_window:
            break
        if _titled(it, o):
            window.append(it)
    window.reverse()
    return window


def _starts_word(text: str, stem: str) -> bool:
    """Whether some word of ``text`` (a maximal run of ``\\w`` characters) begins with ``stem`` (a stem
    holding a non-word character, such as an apostrophe, begins none)."""
    if _NON_WORD.search(stem):
        return False
    i = text.find(stem)
    while i >= 0:
        if i == 0 or not _is_word_char(text[i - 1]):
            return True
        i = text.find(stem, i + 1)
    return False


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # exactly ``re``'s ``\\w`` for str patterns


def classify_lines(
    lines: Sequence[str],
    opts: BoilerplateOptions,
    rules: BoilerplateRules,
    stopwords: Stopwords,
    lang: str | None = None,
    repeated: frozenset[str] = frozenset(),
    stats: MatchStats | None = None,
) -> dict[int, str]:
    """Map each boilerplate line's index in ``lines`` to the rule or signal that removes it."""
    o = opts
    stats = stats if stats is not None else MatchStats()
    stop = _stoplist(lines, lang, stopwords, o)
    items: list[_Line] = []
    hard = 0
    for i, text, f in _outcomes(lines, rules, stop, o.pattern_timeout_s, o.stopwords_sample_chars, stats):
        if isinstance(f, str):  # a rule's label: a rule line needs only its length later on
            items.append(_Line(i, text, _new(LineFeatures, (len(text), 0, 0.0, False, 0, False)), BAD, f, True))
            hard += 1
            continue
        cls, why = _initial(text, f, o, bool(stop))
        is_hard = cls == BAD and why != "classifier:low-stopwords"
        hard += is_hard
        items.append(_Line(i, text, f, cls, why, is_hard))
    if not items:
        return {}
    repeated_hits = _mark_repeated(items, repeated, o) if repeated else 0
    if not any(it.cls == GOOD for it in items):
        for it in items:  # a page of short paragraphs: its prose-like lines anchor the context
            if it.cls == NEARGOOD:
                it.cls = GOOD
    if o.list_min_run:
        _mark_lists(items, o.list_min_run)
    # in-article furniture (credits, embeds, player controls) is no evidence about its neighbours
    skip = tuple(f"rule:{c}:" for c in o.context_skip_categories)
    furniture = [it for it in items if it.cls == BAD and it.why.startswith(skip)] if skip else []
    for it in furniture:
        it.cls = FURNITURE
    _context(items)
    for it in furniture:
        it.cls = BAD
    _cut_at_barrier(items, o)
    _cut_at_tail(items, stop, o)
    soft_marks = tuple(f"rule:{c}:" for c in o.block_soft_categories)
    blocks = _blocks(items, o.block_max_gap, o.block_soft_weight, soft_marks)
    if blocks:
        main = max(blocks, key=lambda b: b[2])
        big = o.block_keep_chars or main[2] + 1
        kept = [b for b in blocks if b is main or b[2] >= min(o.block_keep_share * main[2], big)]
        if o.topic_min_share and len(kept) < len(blocks) and stop:
            kept = _topical(items, blocks, kept, main, stop, o)
        inside = set()
        for first, last, _ in kept:
            inside.update(range(first, last + 1))
        for j, it in enumerate(items):
            if it.cls == GOOD and j not in inside:
                it.cls, it.why = BAD, "classifier:outside-main"
        kept, rescued = _keep_inside(items, kept, o.inside_keep_categories)
        hard -= rescued
        _keep_titles(items, kept[0][0], kept[-1][1], stopwords.core(stop, o.title_stopwords), o)
    if hard + repeated_hits < o.min_hard_lines:
        # no page furniture: trust only hard evidence
        return {it.index: it.why for it in items if it.hard and it.why != LINK_LIST}
    return {it.index: it.why for it in items if it.cls != GOOD}


def _keep_inside(
    items: list[_Line], kept: list[tuple[int, int, int]], categories: tuple[str, ...]
) -> tuple[list[tuple[int, int, int]], int]:
    """Turn lines of rule ``categories`` back into article lines where they lie inside a kept block (between
    its first and last good line) or open it (the line right before its first good line: a news lead such as
    "X is a Wall Street Journal reporter who was detained ..." reads like an author bio); a bio after the
    article still goes. Return the blocks, widened to the lines they now open, and how many lines were kept."""
    if not categories:
        return kept, 0
    marks = tuple(f"rule:{c}:" for c in categories)

    def rescue(it: _Line) -> bool:
        if it.cls == BAD and it.why.startswith(marks):
            it.cls, it.hard = GOOD, False
            return True
        return False

    count = 0
    blocks: list[tuple[int, int, int]] = []
    for first, last, chars in kept:
        count += sum(rescue(it) for it in items[first + 1 : last])
        if first > 0 and rescue(items[first - 1]):
            count += 1
            first -= 1
        blocks.append((first, last, chars))
    return blocks, count


def _topical(
    items: list[_Line],
    blocks: list[tuple[int, int, int]],
    kept: list[tuple[int, int, int]],
    main: tuple[int, int, int],
    stop: frozenset[str],
    o: BoilerplateOptions,
) -> list[tuple[int, int, int]]:
    """Add the blocks that continue the main block's topic (see :mod:`cleaners.boilerplate_topic`)."""

    def texts(b: tuple[int, int, int]) -> list[str]:
        return [it.text for it in items[b[0] : b[1] + 1] if it.cls == GOOD]

    budget = o.topic_body_chars  # a block's topic is read on its first characters
    ref = topic.block_stems(texts(main), stop, o.stem_chars, main[2] + 1)
    return [
        b
        for b in blocks
        if b in kept
        or (
            b[2] >= o.topic_min_chars
            and topic.continues(texts(b), ref, stop, o.stem_chars, budget, o.topic_min_share)
        )
    ]


_STOPLISTS: dict[frozenset[str], int] = {}  # stopword list -> a number standing for it in memory keys
_STOPLIST_NUMBERS = itertools.count()


def _stoplist_number(stop: frozenset[str]) -> int:
    number = _STOPLISTS.get(stop)
    if number is None:
        number = _STOPLISTS.setdefault(stop, next(_STOPLIST_NUMBERS))
    return number


def _outcomes(
    lines: Sequence[str],
    rules: BoilerplateRules,
    stop: frozenset[str],
    timeout: float,
    sample: int,
    stats: MatchStats,
) -> list[tuple[int, str, str | LineFeatures]]:
    """Per non-blank line: its index, its stripped text, and the label of the rule that removes it,
    else its features.

    Outcomes are remembered per raw line, time limit, stopword list and sample size (lines recur across
    a site's pages), except when a pattern ran out of time; the lines not remembered are matched
    together (:meth:`BoilerplateRules.match_lines`). Keys and rule labels are atomic values the garbage
    collector need not track (that matters: memory made of containers slowed the stage by a tenth)."""
    memo: dict[tuple[str, float, int, int], str | LineFeatures] = rules.line_memo
    number = _stoplist_number(stop)
    out: list[tuple[int, str, Any]] = []
    missing: list[int] = []
    for i, line in enumerate(lines):
        text = line.strip()
        if text:
            known = memo.get((line, timeout, sample, number))  # one lookup: safe if another thread clears it
            if known is None:
                missing.append(len(out))
            out.append((i, text, known))
    if not missing:
        return out
    texts = [out[k][1] for k in missing]
    lowered = lower_lines(texts)
    matched, timed_out = rules.match_lines(texts, timeout, stats, lowered)
    stop_bytes = ascii_stopwords(stop)
    for j, (k, text, low, rule) in enumerate(zip(missing, texts, lowered, matched, strict=True)):
        i = out[k][0]
        if rule is not None:
            known: str | LineFeatures = rule.label
        else:
            known = line_features(text, stop, sample, low, stop_bytes)
        if j not in timed_out:
            if len(memo) >= LINE_CACHE_SIZE:
                memo.clear()
            memo[(lines[i], timeout, sample, number)] = known
        out[k] = (i, text, known)
    return out


def _mark_repeated(items: list[_Line], repeated: frozenset[str], o: BoilerplateOptions) -> int:
    """Mark lines frequent in the site as BAD (guarded); return how many were newly marked."""
    hits = [it for it in items if not it.hard and _line_key(it.text) in repeated]
    if not hits:
        return 0
    total = sum(it.feats.chars for it in items)
    share = sum(it.feats.chars for it in hits) / total
    marked = 0
    for it in hits:
        if share > o.repeat_max_doc_share and it.cls in (GOOD, NEARGOOD):
            continue  # guard: near-duplicate copies of a story share their body; dedup handles them
        it.cls, it.why, it.hard = BAD, "repeated-line", True
        marked += 1
    return marked


def strip_boilerplate(
    text: str,
    opts: BoilerplateOptions,
    rules: BoilerplateRules,
    stopwords: Stopwords,
    lang: str | None = None,
    repeated: frozenset[str] = frozenset(),
) -> StageResult:
    """Remove boilerplate lines. ``lang``: the document's ISO code (None: guessed from stopwords);
    ``repeated``: :func:`line_key` s of lines frequent in the document's site."""
    if not opts.enabled or not text:
        return StageResult(text)
    lines = text.split("\n")
    stats = MatchStats()
    units = _unwrap(lines, opts)
    if units is None:
        drop = classify_lines(lines, opts, rules, stopwords, lang, repeated, stats)
    else:  # hard-wrapped text: judge each wrapped paragraph as one line
        unit_drop = classify_lines([u for u, _ in units], opts, rules, stopwords, lang, repeated, stats)
        drop = {i: why for u, why in unit_drop.items() for i in units[u][1]}
    info = {"boilerplate_rule_timeouts": stats.timeouts} if stats.timeouts else {}
    if not drop:
        return StageResult(text, info=info)
    starts = line_starts(lines)
    keep = _kept_lines(lines, drop)
    last_kept = max(keep) if keep else -1
    spans = []
    for i, line in enumerate(lines):
        if i in keep:
            continue
        rule = drop.get(i, "blank-line")
        if i < last_kept:
            spans.append((starts[i], starts[i + 1], "", rule))
        else:
            spans.append((max(starts[i] - 1, 0), starts[i] + len(line), "", rule))
    result = apply_spans(text, STAGE, spans)
    result.info.update(info)
    return result


def _unwrap(lines: Sequence[str], o: BoilerplateOptions) -> list[tuple[str, list[int]]] | None:
    """Paragraphs of hard-wrapped text (most lines end near one width), as (joined text, line indices);
    None when the text is not hard-wrapped. A line close to the width continues on the next line."""
    lens = sorted(filter(None, map(len, map(str.strip, lines))))  # non-blank lines' lengths
    if len(lens) < o.wrap_min_lines:
        return None
    width = lens[int(0.9 * (len(lens) - 1))]
    if not o.wrap_min_width <= width <= o.wrap_max_width:
        return None
    full = o.wrap_full_share * width
    # lines of a length in [full, width + 5] (lens is sorted)
    if bisect.bisect_right(lens, width + 5) - bisect.bisect_left(lens, full) < o.wrap_min_share * len(lens):
        return None
    units: list[tuple[str, list[int]]] = []
    open_unit = False
    for i, line in enumerate(lines):
        text = line.strip()
        if open_unit and text:
            joined, members = units[-1]
            units[-1] = (f"{joined} {text}", [*members, i])
        else:
            units.append((text, [i]))
        open_unit = bool(text) and len(text) >= full
    return units


def _kept_lines(lines: Sequence[str], drop: dict[int, str]) -> set[int]:
    """Kept lines: text lines not dropped, and blank lines, except that blank lines in a stretch
    that lost a line collapse to one (or to none at the document's start and end)."""
    keep: set[int] = set()
    blanks: list[int] = []  # blank lines since the last kept text line
    lost = False  # ... and whether a line since then was dropped
    inner = False  # a kept text line came before
    for i, line in enumerate(lines):
        if i in drop:
            lost = True
            if line.strip():
                continue
        if not line.strip():
            blanks.append(i)
            continue
        if not lost:
            keep.update(blanks)
        elif inner and blanks:
            keep.add(blanks[0])
        keep.add(i)
        blanks, lost, inner = [], False, True
    if inner and not lost:
        keep.update(blanks)
    return keep
