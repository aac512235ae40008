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
``classifier:neargood``). Finally the article is located as the largest cluster of good lines; good
lines far from it (comment threads, related-story blurbs, footers) go as ``classifier:outside-main``,
except title-like lines just above it that share content words with it (the headline and subheads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import xxhash
from pydantic import Field

from cleaners.boilerplate_rules import BoilerplateRules, MatchStats, Rule
from cleaners.edits import StageResult, apply_spans
from cleaners.line_features import LineFeatures, content_stems, line_features
from cleaners.options import Options
from cleaners.stopwords import Stopwords

STAGE = "boilerplate"

GOOD, NEARGOOD, SHORT, BAD = "good", "neargood", "short", "bad"

__all__ = [
    "STAGE",
    "BoilerplateOptions",
    "BoilerplateRules",
    "Rule",
    "Stopwords",
    "line_key",
    "strip_boilerplate",
]


class BoilerplateOptions(Options):
    enabled: bool
    rules_file: str  # relative to the config folder
    extra_rules_files: tuple[str, ...]  # the user's own rule files, added after rules_file
    stopwords_dir: str  # relative to the config folder; <iso>.txt per language
    pattern_timeout_s: float = Field(gt=0)  # per-line time limit for rule patterns
    length_low: int = Field(ge=1)  # shorter lines are SHORT (decided by context)
    length_high: int = Field(ge=1)  # prose lines at least this long are GOOD outright
    stopwords_low: float = Field(ge=0, le=1)  # stopword density for NEARGOOD
    stopwords_high: float = Field(ge=0, le=1)  # stopword density for GOOD
    short_sentence_words: int = Field(ge=1)  # a short line ending like a sentence with this many words is NEARGOOD
    menu_min_tokens: int = Field(ge=1)  # this many | » › • separators make a line a menu
    capitalised_min_words: int = Field(ge=1)  # capitalised-word runs of at least this many words ...
    capitalised_share: float = Field(ge=0, le=1)  # ... with this share of capitals and no stopwords go
    teaser_max_chars: int = Field(ge=0)  # lines up to this long ending in "..." are teasers
    block_max_gap: int = Field(ge=0)  # good clusters separated by at most this many bad lines are one block
    block_keep_share: float = Field(ge=0)  # other blocks stay if at least this share of the main block's chars
    title_window: int = Field(ge=0)  # lines above the article searched for its headline/subheads
    title_max_words: int = Field(ge=1)
    title_min_shared: int = Field(ge=1)  # content words a title shares with the article body ...
    title_min_share: float = Field(ge=0, le=1)  # ... and as a share of its own content words
    stem_chars: int = Field(ge=3)  # content words are compared on this many leading characters
    repeat_min_docs: int = Field(ge=2)
    repeat_min_share: float = Field(ge=0, le=1)
    repeat_max_doc_share: float = Field(ge=0, le=1)
    redetect_language_share: float = Field(ge=0, le=1)  # pipeline: re-detect language if this share went


def line_key(line: str) -> str:
    """Key of a line for cross-document repetition counts (case- and edge-space-insensitive)."""
    return xxhash.xxh3_64_hexdigest(line.strip().casefold().encode("utf-8", "surrogatepass"))


@dataclass(slots=True)
class _Line:
    index: int  # index into the document's lines
    text: str  # stripped
    feats: LineFeatures
    cls: str
    why: str  # signal that made it BAD (or would, for uncertain lines)
    hard: bool  # BAD by rule/repetition/menu: never rescued by context or as a title


def _stoplist(lines: Sequence[str], lang: str | None, stopwords: Stopwords) -> frozenset[str]:
    stop = stopwords.get(lang)
    if stop is not None:
        return stop
    sample: list[str] = []
    for line in lines:
        sample.extend(w.casefold() for w in line.split())
        if len(sample) > 300:
            break
    return stopwords.guess(sample)[1]


def _initial(text: str, f: LineFeatures, o: BoilerplateOptions) -> tuple[str, str]:
    if f.menu_tokens >= o.menu_min_tokens and not (f.sentence_end and f.stop_density >= o.stopwords_low):
        return BAD, "classifier:menu"
    if (
        f.words >= o.capitalised_min_words
        and f.stop_density == 0
        and f.cap_share >= o.capitalised_share
        and not f.sentence_end
    ):
        return BAD, "classifier:capitalised"
    if f.truncated and f.chars <= o.teaser_max_chars:
        return BAD, "classifier:teaser"
    if f.chars < o.length_low:
        if f.sentence_end and f.words >= o.short_sentence_words and f.stop_density >= o.stopwords_low:
            return NEARGOOD, "classifier:neargood"
        return SHORT, "classifier:short"
    if f.stop_density >= o.stopwords_high:
        return (GOOD if f.chars >= o.length_high else NEARGOOD), "classifier:neargood"
    if f.stop_density >= o.stopwords_low:
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


def _blocks(items: list[_Line], max_gap: int) -> list[tuple[int, int, int]]:
    """Clusters of GOOD lines joined across at most ``max_gap`` BAD lines: (first, last, good chars)."""
    blocks: list[tuple[int, int, int]] = []
    start = last = -1
    chars = gap = 0
    for i, it in enumerate(items):
        if it.cls == GOOD:
            if start < 0:
                start, chars = i, 0
            elif gap > max_gap:
                blocks.append((start, last, chars))
                start, chars = i, 0
            last, gap = i, 0
            chars += it.feats.chars
        elif start >= 0:
            gap += 1
    if start >= 0:
        blocks.append((start, last, chars))
    return blocks


def _keep_titles(items: list[_Line], first: int, body: set[str], stop: frozenset[str], o: BoilerplateOptions) -> None:
    """Rescue headline/subhead lines in the window above the article that share its content words."""
    seen = 0
    for i in range(first - 1, -1, -1):
        it = items[i]
        if seen >= o.title_window:
            break
        seen += 1
        if it.hard or it.cls == GOOD or it.feats.words > o.title_max_words:
            continue
        stems = content_stems(it.feats.tokens, stop, o.stem_chars)
        if not stems:
            continue
        shared = len(stems & body)
        if shared >= o.title_min_shared and shared >= o.title_min_share * len(stems):
            it.cls, it.why = GOOD, ""


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
    stop = _stoplist(lines, lang, stopwords)
    items: list[_Line] = []
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        f = line_features(text, stop)
        rule = rules.match(text, o.pattern_timeout_s, stats)
        if rule is not None:
            items.append(_Line(i, text, f, BAD, rule.label, True))
            continue
        cls, why = _initial(text, f, o)
        items.append(_Line(i, text, f, cls, why, cls == BAD and why != "classifier:low-stopwords"))
    if not items:
        return {}
    if repeated:
        _mark_repeated(items, repeated, o)
    _context(items)
    blocks = _blocks(items, o.block_max_gap)
    if blocks:
        main = max(blocks, key=lambda b: b[2])
        kept = [b for b in blocks if b is main or b[2] >= o.block_keep_share * main[2]]
        inside = set()
        for first, last, _ in kept:
            inside.update(range(first, last + 1))
        for j, it in enumerate(items):
            if it.cls == GOOD and j not in inside:
                it.cls, it.why = BAD, "classifier:outside-main"
        body: set[str] = set()
        for first, last, _ in kept:
            for it in items[first : last + 1]:
                if it.cls == GOOD:
                    body |= content_stems(it.feats.tokens, stop, o.stem_chars)
        _keep_titles(items, kept[0][0], body, stop, o)
    return {it.index: it.why for it in items if it.cls != GOOD}


def _mark_repeated(items: list[_Line], repeated: frozenset[str], o: BoilerplateOptions) -> None:
    hits = [it for it in items if line_key(it.text) in repeated]
    if not hits:
        return
    total = sum(it.feats.chars for it in items)
    share = sum(it.feats.chars for it in hits) / total
    for it in hits:
        if share > o.repeat_max_doc_share and it.cls in (GOOD, NEARGOOD):
            continue  # guard: near-duplicate copies of a story share their body; dedup handles them
        it.cls, it.why, it.hard = BAD, "repeated-line", True


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
    drop = classify_lines(lines, opts, rules, stopwords, lang, repeated, stats)
    info = {"boilerplate_rule_timeouts": stats.timeouts} if stats.timeouts else {}
    if not drop:
        return StageResult(text, info=info)
    starts = []
    pos = 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
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


def _kept_lines(lines: Sequence[str], drop: dict[int, str]) -> set[int]:
    """Kept lines: text lines not dropped, and blank lines, except that blank lines in a stretch
    that lost a line collapse to one (or to none at the document's start and end)."""
    keep = {i for i, ln in enumerate(lines) if ln.strip() and i not in drop}
    if not keep:
        return keep
    ordered = sorted(keep)
    bounds = [(0, ordered[0], False)]
    bounds += [(a + 1, b, True) for a, b in zip(ordered, ordered[1:], strict=False)]
    bounds.append((ordered[-1] + 1, len(lines), False))
    for lo, hi, inner in bounds:
        gap = range(lo, hi)
        blanks = [j for j in gap if not lines[j].strip()]
        if not any(j in drop for j in gap):
            keep.update(blanks)
        elif inner and blanks:
            keep.add(blanks[0])
    return keep
