"""Configured boilerplate lines (config/rules/boilerplate.toml): phrase sets and regex patterns.

``[[phrases]]`` entries are looked up in a dict after normalising the line (case-folded, runs of
punctuation and symbols made one space, a leading or trailing number ignored), so the many
one-word menu, share and button lines cost one lookup.

``[[rule]]`` whole-line patterns of the same length limit and ``requires`` keywords are joined into
one alternation with a named group per pattern, so a line costs at most one regex call per group, and
none when it has none of the group's keywords. Search patterns (``search = true``) are tried one by one
in order, since the first pattern that matches anywhere wins, not the leftmost match (a joined
alternation measured slower than its members in turn). Every call has a time
limit; if a joined pattern runs out of time, the group's patterns are tried one by one, each with
the limit, and a pattern that times out is skipped for that line (counted in :class:`MatchStats`):
a catastrophic user pattern slows a run down but cannot hang it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

FLAGS = regex.IGNORECASE | regex.V1
_PUNCT = re.compile(r"[\W_]+")
_EDGE_NUMBER = re.compile(r"^\d+ | \d+$")
# lines whose outcome is remembered (then the memory starts afresh); 10,000 ran as fast as 50,000 on the
# 20k benchmark (boilerplate 8.5-9.5 s CPU per 12,000 docs either way) with ~37 MB less per worker
LINE_CACHE_SIZE = 10_000
LINE_CHECK_MAX_CHARS = (
    200  # keyword groups for lines up to this long are checked per line, longer ones per document
)


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: regex.Pattern[str] | None  # None for a phrase rule
    search: bool = False
    max_chars: int = 0
    requires: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"rule:{self.category}:{self.name}"


@dataclass(frozen=True)
class _Group:
    search: bool
    max_chars: int
    requires: tuple[str, ...]
    combined: regex.Pattern[str]
    members: tuple[tuple[str, Rule], ...]  # (group name, rule)
    by_name: Mapping[str, Rule]


@dataclass
class MatchStats:
    timeouts: int = 0


def normalise_phrase(text: str) -> str:
    """Lower-cased, punctuation runs to one space, trimmed: the key of ``[[phrases]]`` lookups."""
    return _PUNCT.sub(" ", text.lower()).strip()


@dataclass(frozen=True)
class BoilerplateRules:
    phrases: Mapping[str, Rule]
    groups: tuple[_Group, ...]
    phrase_max_chars: int
    # the stage's whole per-line outcome (its rule's label, or its features for a stopword list), see
    # cleaners.boilerplate._outcomes; kept here because it lives as long as the rules
    line_memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_mapping(cls, *datas: Mapping[str, Any]) -> BoilerplateRules:
        """Build from parsed rules files (later files add to earlier ones; a phrase keeps its first rule)."""
        phrases: dict[str, Rule] = {}
        patterns: list[Rule] = []
        for data in datas:
            default_max = int(data.get("defaults", {}).get("max_chars", 160))
            for entry in data.get("phrases", []):
                rule = Rule(entry["name"], entry.get("category", entry["name"]), None)
                for phrase in entry["phrases"]:
                    key = normalise_phrase(phrase)
                    if not key and phrase:
                        raise ValueError(
                            f"boilerplate phrases {rule.name!r}: {phrase!r} is empty once normalised"
                        )
                    phrases.setdefault(key, rule)  # "": lines of punctuation and symbols only
            for entry in data.get("rule", []):
                name = entry["name"]
                category = entry.get("category", name)
                search = bool(entry.get("search", False))
                max_chars = int(entry.get("max_chars", default_max))
                requires = tuple(sorted({k.lower() for k in entry.get("requires", [])}))
                for pat in entry["patterns"]:
                    try:
                        compiled = regex.compile(pat, FLAGS)
                    except regex.error as exc:
                        raise ValueError(f"boilerplate rule {name!r}: bad pattern {pat!r}: {exc}") from exc
                    patterns.append(Rule(name, category, compiled, search, max_chars, requires))
        longest = max((len(k) for k in phrases), default=0)
        return cls(phrases, _group(patterns), longest + 24)

    @functools.cached_property
    def longest(self) -> int:
        """Lines longer than this match no rule (phrases and every group have a length limit)."""
        return max([self.phrase_max_chars, *(g.max_chars for g in self.groups)])

    @property
    def rules(self) -> tuple[Rule, ...]:
        seen = {id(r): r for r in self.phrases.values()}
        out = list(seen.values())
        out.extend(r for g in self.groups for _, r in g.members)
        return tuple(out)

    def candidates(
        self, lowered: Sequence[str], lengths: Sequence[int] | None = None
    ) -> list[tuple[_Group, frozenset[int] | None]]:
        """Per pattern group, the indices of the lines (given lower-cased) that hold one of its
        keywords (None: the group has none, all lines are tried); groups with no such line are left out.
        One substring scan of the whole document per keyword, instead of one per line; with
        ``lengths`` (each line's stripped length) lines too long for every such group are not scanned."""
        scanned: tuple[str, list[int], bool] | None = None
        found: dict[str, frozenset[int]] = {}
        out: list[tuple[_Group, frozenset[int] | None]] = []
        for group in self.groups:
            if not _scanned(group):
                out.append((group, None))  # no keywords, or short lines only: checked line by line
                continue
            if scanned is None:
                scanned = _scan_text(lowered, lengths, self.scan_max_chars)
            doc, starts, ascii_doc = scanned  # ASCII: keywords with other characters cannot occur
            hits: set[int] = set()
            for kw in group.requires:
                if kw not in found:
                    absent = (ascii_doc and not kw.isascii()) or kw not in doc
                    found[kw] = frozenset() if absent else _lines_with(doc, kw, starts)
                hits |= found[kw]
            if hits:
                out.append((group, frozenset(hits)))
        return out

    @functools.cached_property
    def scan_max_chars(self) -> int:
        """The longest line a group checked per document (:meth:`candidates`) may match."""
        return max((g.max_chars for g in self.groups if _scanned(g)), default=0)

    def match(
        self,
        line: str,
        timeout: float,
        stats: MatchStats | None = None,
        groups: list[tuple[_Group, frozenset[int] | None]] | None = None,
        index: int = -1,
        lower: str | None = None,
    ) -> Rule | None:
        """The rule that makes the stripped ``line`` boilerplate: phrases first, then patterns in order.
        ``groups``: :meth:`candidates` of the document, ``index``: the line's index there (default:
        every group is tried, keywords checked on the line); ``lower``: the line lower-cased, if known."""
        n = len(line)
        if n <= self.phrase_max_chars:
            key = _PUNCT.sub(" ", lower if lower is not None else line.lower()).strip()
            rule = self.phrases.get(key)
            if rule is None and (key[:1].isdigit() or key[-1:].isdigit()):
                rule = self.phrases.get(_EDGE_NUMBER.sub("", key))
            if rule is not None:
                return rule
        if groups is None:
            groups = [(g, None) for g in self.groups]
        low = lower
        for group, lines in groups:
            if n > group.max_chars:
                continue
            if lines is not None:
                if index not in lines:
                    continue
            elif group.requires:
                if low is None:
                    low = line.lower()
                if not any(map(low.__contains__, group.requires)):
                    continue
            rule = _match_group(group, line, timeout, stats)
            if rule is not None:
                return rule
        return None


def _scanned(group: _Group) -> bool:
    """Whether the group's keywords are looked for per document (else per line)."""
    return bool(group.requires) and group.max_chars > LINE_CHECK_MAX_CHARS


def _scan_text(
    lowered: Sequence[str], lengths: Sequence[int] | None, limit: int
) -> tuple[str, list[int], bool]:
    """The lines joined by newlines (those longer than ``limit`` left empty, when ``lengths`` is given),
    where each line starts, and whether the text is ASCII."""
    if lengths is not None:
        lowered = [low if n <= limit else "" for low, n in zip(lowered, lengths, strict=True)]
    starts = line_starts(lowered)
    doc = "\n".join(lowered)
    return doc, starts, doc.isascii()


def line_starts(lines: Sequence[str]) -> list[int]:
    """Where each line starts in the lines joined by newlines."""
    if not lines:
        return []
    return list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def _lines_with(doc: str, kw: str, starts: list[int]) -> frozenset[int]:
    hits = set()
    i = doc.find(kw)
    while i >= 0:
        line = bisect.bisect_right(starts, i) - 1
        hits.add(line)
        nxt = starts[line + 1] if line + 1 < len(starts) else len(doc)
        i = doc.find(kw, nxt)
    return frozenset(hits)


def _group(rules: list[Rule]) -> tuple[_Group, ...]:
    buckets: dict[tuple[bool, int, tuple[str, ...]], list[Rule]] = {}
    for rule in rules:
        buckets.setdefault((rule.search, rule.max_chars, rule.requires), []).append(rule)
    groups = []
    for (search, max_chars, requires), members in buckets.items():
        named = tuple((f"_bp{i}", r) for i, r in enumerate(members))
        source = "|".join(f"(?P<{g}>{r.pattern.pattern})" for g, r in named if r.pattern is not None)
        groups.append(_Group(search, max_chars, requires, regex.compile(source, FLAGS), named, dict(named)))
    return tuple(groups)


def _run(pattern: regex.Pattern[str], search: bool, line: str, timeout: float) -> regex.Match[str] | None:
    return pattern.search(line, timeout=timeout) if search else pattern.fullmatch(line, timeout=timeout)


def _match_group(group: _Group, line: str, timeout: float, stats: MatchStats | None) -> Rule | None:
    if group.search:
        # The first pattern in order that matches anywhere wins, so search patterns are tried one by one:
        # measured on the benchmark corpus, the joined alternation (IGNORECASE, V1) of the 17 newsletter
        # patterns cost 2.5x the sum of its members on the lines it was tried on, as a mere filter.
        return _match_each(group, line, timeout, stats)
    try:
        m = _run(group.combined, group.search, line, timeout)
    except TimeoutError:
        return _match_each(group, line, timeout, stats)
    if m is None:
        return None
    name = m.lastgroup or ""
    rule = group.by_name.get(name)
    if rule is not None:
        return rule
    for name, rule in group.members:  # pragma: no cover - lastgroup is the outer group in practice
        if m.group(name) is not None:
            return rule
    return None  # pragma: no cover


def _match_each(
    group: _Group,
    line: str,
    timeout: float,
    stats: MatchStats | None,
) -> Rule | None:
    for _, rule in group.members:
        assert rule.pattern is not None
        try:
            m = _run(rule.pattern, group.search, line, timeout)
        except TimeoutError:
            if stats is not None:
                stats.timeouts += 1
            continue
        if m is not None:
            return rule
    return None
