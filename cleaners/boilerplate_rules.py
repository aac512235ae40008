"""Configured boilerplate lines (config/rules/boilerplate.toml): phrase sets and regex patterns.

``[[phrases]]`` entries are looked up in a dict after normalising the line (case-folded, runs of
punctuation and symbols made one space, a leading or trailing number ignored), so the many
one-word menu, share and button lines cost one lookup.

``[[prefixes]]`` entries are lead phrases followed by a separator (one of ``:|»›>/–—``) and anything
("Read more: <headline>", "Lire aussi | ...", "Home > Politics", "EFE | Zaragoza", "Tags: ..."): the line's
lead, up to the first separator, is normalised like a phrase and looked up in a dict (one stdlib match per
line, no keywords).

``[[rule]]`` whole-line patterns of the same length limit and ``requires`` keywords are joined into
one alternation with a named group per pattern, so a line costs at most one regex call per group, and
none when it has none of the group's keywords. Search patterns (``search = true``) are tried one by one
in order, since the first pattern that matches anywhere wins, not the leftmost match (a joined
alternation measured slower than its members in turn).

A document's lines are matched together (:meth:`BoilerplateRules.match_lines`): one Aho-Corasick pass
over the lower-cased lines finds every ``requires`` keyword of every group at once (``ahocorasick_rs``),
so each line is tried only against the groups whose keywords it holds; the result is the same as
trying the groups line by line (:meth:`BoilerplateRules.match`).

Patterns of a file whose ``[defaults]`` say ``vetted = true`` (the shipped rules: checked for
catastrophic backtracking) run without a time limit, which costs the ``regex`` module ~2 µs per call.
Every other pattern (the user's files) has the time limit: if a joined pattern runs out of time, the
group's patterns are tried one by one, each with the limit, and a pattern that times out is skipped for
that line (counted in :class:`MatchStats`): a catastrophic user pattern slows a run down but cannot
hang it.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick_rs
import regex

from cleaners.pattern_literals import required_literals

FLAGS = regex.IGNORECASE | regex.V1
_PUNCT = re.compile(r"[\W_]+")
_EDGE_NUMBER = re.compile(r"^\d+ | \d+$")
# a lead of up to 40 characters, a separator, then text: the lead is looked up among [[prefixes]]
# (possessive: a line without a separator in its first 40 characters fails without backtracking)
_LEAD = re.compile(r"\W{0,3}+([^:|»›>/–—]{1,40}+)([:|»›>/–—])\s*+\S")
PREFIX_SEPARATORS = ":|»›>/–—"
PREFIX_MAX_CHARS = 200  # longer lines are no lead-and-link lines
# lines whose outcome is remembered (then the memory starts afresh); 10,000 ran as fast as 50,000 on the
# 20k benchmark (boilerplate 8.5-9.5 s CPU per 12,000 docs either way) with ~37 MB less per worker
LINE_CACHE_SIZE = 10_000
SHORT_LINE_CHARS = 200  # lines up to this long are scanned for every group's keywords, longer ones
# only for the keywords of groups that allow them (digits and short words stay out of the long lines)


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: regex.Pattern[str] | None  # None for a phrase rule
    search: bool = False
    max_chars: int = 0
    requires: tuple[str, ...] = ()
    vetted: bool = False  # from a vetted rules file: runs without the time limit

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
    vetted: bool  # every member is vetted: no time limit
    # search groups: per member, literals one of which each of its matches contains (None: unknown)
    literals: tuple[frozenset[str] | None, ...] = ()


@dataclass(frozen=True)
class _Tier:
    """Keyword search for the lines of one length range: an automaton and each keyword's group bits."""

    max_line: int  # stripped lines up to this long (and longer than the previous tier's) are scanned
    automaton: ahocorasick_rs.AhoCorasick | None  # None: no keywords to look for
    keywords: tuple[str, ...]
    masks: tuple[int, ...]  # per keyword: bit i set for group i


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
    # lead phrase (normalised) -> (rule, the separators it may be followed by)
    prefixes: Mapping[str, tuple[Rule, str]] = field(default_factory=dict)
    # the stage's whole per-line outcome (its rule's label, or its features for a stopword list), see
    # cleaners.boilerplate._outcomes; kept here because it lives as long as the rules
    line_memo: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_mapping(cls, *datas: Mapping[str, Any]) -> BoilerplateRules:
        """Build from parsed rules files (later files add to earlier ones; a phrase keeps its first rule)."""
        phrases: dict[str, Rule] = {}
        prefixes: dict[str, tuple[Rule, str]] = {}
        patterns: list[Rule] = []
        for data in datas:
            defaults = data.get("defaults", {})
            default_max = int(defaults.get("max_chars", 160))
            vetted = bool(defaults.get("vetted", False))
            for entry in data.get("phrases", []):
                rule = Rule(entry["name"], entry.get("category", entry["name"]), None)
                for phrase in entry["phrases"]:
                    key = normalise_phrase(phrase)
                    if not key and phrase:
                        raise ValueError(
                            f"boilerplate phrases {rule.name!r}: {phrase!r} is empty once normalised"
                        )
                    phrases.setdefault(key, rule)  # "": lines of punctuation and symbols only
            for entry in data.get("prefixes", []):
                rule = Rule(entry["name"], entry.get("category", entry["name"]), None)
                seps = str(entry.get("separators", PREFIX_SEPARATORS))
                for phrase in entry["phrases"]:
                    key = normalise_phrase(phrase)
                    if not key:
                        raise ValueError(f"boilerplate prefixes {rule.name!r}: {phrase!r} is empty once normalised")
                    prefixes.setdefault(key, (rule, seps))
            for entry in data.get("rule", []):
                name = entry["name"]
                category = entry.get("category", name)
                search = bool(entry.get("search", False))
                max_chars = int(entry.get("max_chars", default_max))
                requires = tuple(sorted({k.lower() for k in entry.get("requires", [])}))
                trusted = bool(entry.get("vetted", vetted))  # a rule may opt out of its file's vetting
                if "" in requires:  # the empty keyword is in every line
                    requires = ()
                for pat in entry["patterns"]:
                    try:
                        compiled = regex.compile(pat, FLAGS)
                    except regex.error as exc:
                        raise ValueError(f"boilerplate rule {name!r}: bad pattern {pat!r}: {exc}") from exc
                    patterns.append(Rule(name, category, compiled, search, max_chars, requires, trusted))
        longest = max((len(k) for k in phrases), default=0)
        return cls(phrases, _group(patterns), longest + 24, prefixes)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_tiers", None)  # the automata do not pickle; rebuilt on first use
        state.pop("_masked", None)
        return state

    @functools.cached_property
    def longest(self) -> int:
        """Lines longer than this match no rule (phrases, prefixes and every group have a length limit)."""
        prefix_max = PREFIX_MAX_CHARS if self.prefixes else 0
        return max([self.phrase_max_chars, prefix_max, *(g.max_chars for g in self.groups)])

    @property
    def rules(self) -> tuple[Rule, ...]:
        seen = {id(r): r for r in [*self.phrases.values(), *(r for r, _ in self.prefixes.values())]}
        out = list(seen.values())
        out.extend(r for g in self.groups for _, r in g.members)
        return tuple(out)

    @functools.cached_property
    def _free(self) -> int:
        """Group bits of the groups without keywords (tried on every line short enough)."""
        return sum(1 << i for i, g in enumerate(self.groups) if not g.requires)

    @functools.cached_property
    def _tiers(self) -> tuple[_Tier, ...]:
        """Keyword automata: one over the short lines (all groups), one over the longer lines (the
        groups that allow lines longer than ``SHORT_LINE_CHARS``)."""
        tiers = []
        for low, high in ((0, SHORT_LINE_CHARS), (SHORT_LINE_CHARS, self.longest)):
            if high <= low:
                continue
            masks: dict[str, int] = {}
            for i, g in enumerate(self.groups):
                if g.max_chars > low:
                    for kw in g.requires:
                        masks[kw] = masks.get(kw, 0) | 1 << i
            keywords = sorted(masks)
            # a DFA: ~25% faster than the default NFA on 3 KB documents; a few hundred keywords keep it small
            dfa = ahocorasick_rs.Implementation.DFA
            automaton = ahocorasick_rs.AhoCorasick(keywords, implementation=dfa) if keywords else None
            tiers.append(_Tier(high, automaton, tuple(keywords), tuple(masks[k] for k in keywords)))
        return tuple(tiers)

    @functools.cached_property
    def _masked(self) -> dict[int, tuple[_Group, ...]]:
        """Group bits -> those groups in order (filled as masks occur)."""
        return {}

    def _groups_of(self, mask: int) -> tuple[_Group, ...]:
        groups = self._masked.get(mask)
        if groups is None:
            groups = self._masked[mask] = tuple(g for i, g in enumerate(self.groups) if mask >> i & 1)
        return groups

    def keyword_masks(self, lowered: Sequence[str], lengths: Sequence[int]) -> list[int]:
        """Per line (given lower-cased, with its stripped length): the bits of the groups to try on it,
        those without keywords and those with one of their keywords in the line (a group's length limit
        is checked by the caller). One Aho-Corasick pass per length tier over the joined lines."""
        masks = [self._free] * len(lowered)
        low_bound = 0
        for tier in self._tiers:
            members = [i for i, n in enumerate(lengths) if low_bound < n <= tier.max_line]
            low_bound = tier.max_line
            if not members or tier.automaton is None:
                continue
            picked = [lowered[i] for i in members]
            starts = line_starts(picked)
            tier_masks = tier.masks
            try:
                found = tier.automaton.find_matches_as_indexes("\n".join(picked), overlapping=True)
            except UnicodeEncodeError:  # lone surrogates (undecodable input kept as is): line by line
                for i in members:
                    masks[i] |= _keyword_mask(lowered[i], tier)
                continue
            for kw, start, _ in found:
                masks[members[bisect.bisect_right(starts, start) - 1]] |= tier_masks[kw]
        return masks

    def match_lines(
        self,
        lines: Sequence[str],
        timeout: float,
        stats: MatchStats | None = None,
        lowered: Sequence[str] | None = None,
    ) -> tuple[list[Rule | None], set[int]]:
        """The rule of each stripped, non-empty line (None: no rule), the same as :meth:`match` line by
        line, and the indices of the lines on which a pattern ran out of time (``lowered``: the lines
        lower-cased, if the caller has them: see :func:`lower_lines`)."""
        if lowered is None:
            lowered = lower_lines(lines)
        lengths = list(map(len, lines))
        longest = self.longest
        masks = self.keyword_masks(lowered, [n if n <= longest else 0 for n in lengths])
        stats = stats if stats is not None else MatchStats()
        out: list[Rule | None] = []
        timed_out: set[int] = set()
        for i, (line, low, n, mask) in enumerate(zip(lines, lowered, lengths, masks, strict=True)):
            rule = self._phrase(low) if n <= self.phrase_max_chars else None
            if rule is None and n <= PREFIX_MAX_CHARS:
                rule = self._prefix(low)
            if rule is None and n <= longest:
                before = stats.timeouts
                plain: str | None = None
                checked = False
                for group in self._groups_of(mask):
                    if n <= group.max_chars:
                        if group.literals and not checked:
                            checked = True
                            plain = low if line.isascii() or _special_folds().search(line) is None else None
                        rule = _match_group(group, line, timeout, stats, plain)
                        if rule is not None:
                            break
                if stats.timeouts != before:
                    timed_out.add(i)
            out.append(rule)
        return out, timed_out

    def _phrase(self, lower: str) -> Rule | None:
        key = _PUNCT.sub(" ", lower).strip()
        rule = self.phrases.get(key)
        if rule is None and (key[:1].isdigit() or key[-1:].isdigit()):
            rule = self.phrases.get(_EDGE_NUMBER.sub("", key))
        return rule

    def _prefix(self, lower: str) -> Rule | None:
        """The [[prefixes]] rule of a lead-and-separator line (``Read more: …``), if any."""
        if not self.prefixes:
            return None
        m = _LEAD.match(lower)
        if m is None:
            return None
        found = self.prefixes.get(_PUNCT.sub(" ", m.group(1)).strip())
        return found[0] if found is not None and m.group(2) in found[1] else None

    def match(self, line: str, timeout: float, stats: MatchStats | None = None) -> Rule | None:
        """The rule that makes the stripped ``line`` boilerplate: phrases first, then patterns in order
        (each group only if the line holds one of its keywords). The plain per-line definition of what
        :meth:`match_lines` computes for a whole document."""
        n = len(line)
        low = line.lower()
        if n <= self.phrase_max_chars:
            rule = self._phrase(low)
            if rule is not None:
                return rule
        if n <= PREFIX_MAX_CHARS:
            rule = self._prefix(low)
            if rule is not None:
                return rule
        for group in self.groups:
            if n > group.max_chars:
                continue
            if group.requires and not any(map(low.__contains__, group.requires)):
                continue
            rule = _match_group(group, line, timeout, stats)
            if rule is not None:
                return rule
        return None


def _keyword_mask(lower: str, tier: _Tier) -> int:
    """The group bits of the tier's keywords in one lower-cased line, by plain substring checks."""
    mask = 0
    for kw, bits in zip(tier.keywords, tier.masks, strict=True):
        if kw in lower:
            mask |= bits
    return mask


def lower_lines(lines: Sequence[str]) -> list[str]:
    """Each line lower-cased, in one call: lower-casing never makes nor takes a newline, and its only
    context rule (Greek final sigma) does not look past one."""
    return "\n".join(lines).lower().split("\n")


def line_starts(lines: Sequence[str]) -> list[int]:
    """Where each line starts in the lines joined by newlines."""
    if not lines:
        return []
    return list(itertools.accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def _group(rules: list[Rule]) -> tuple[_Group, ...]:
    buckets: dict[tuple[bool, int, tuple[str, ...]], list[Rule]] = {}
    for rule in rules:
        buckets.setdefault((rule.search, rule.max_chars, rule.requires), []).append(rule)
    groups = []
    for (search, max_chars, requires), members in buckets.items():
        named = tuple((f"_bp{i}", r) for i, r in enumerate(members))
        source = "|".join(f"(?P<{g}>{r.pattern.pattern})" for g, r in named if r.pattern is not None)
        vetted = all(r.vetted for r in members)
        combined = regex.compile(source, FLAGS)
        literals = tuple(_literals(r) for r in members) if search else ()
        groups.append(_Group(search, max_chars, requires, combined, named, dict(named), vetted, literals))
    return tuple(groups)


def _run(
    pattern: regex.Pattern[str], search: bool, line: str, timeout: float | None
) -> regex.Match[str] | None:
    """One pattern on one line; ``timeout`` None: no time limit (vetted patterns)."""
    if timeout is None:
        return pattern.search(line) if search else pattern.fullmatch(line)
    return pattern.search(line, timeout=timeout) if search else pattern.fullmatch(line, timeout=timeout)


def _literals(rule: Rule) -> frozenset[str] | None:
    """:func:`required_literals` of a rule's pattern (None: unknown, or the pattern is case-sensitive
    in a way the lower-cased line would not show)."""
    if rule.pattern is None or not rule.pattern.flags & regex.IGNORECASE:
        return None
    return required_literals(rule.pattern.pattern)


@functools.cache
def _special_folds() -> re.Pattern[str]:
    """Characters beyond ASCII whose lower, upper or case-folded form holds an ASCII letter (the Kelvin
    sign, long s, sharp s, ligatures, dotted and dotless i ...): a case-insensitive pattern may match
    them where a lower-cased line shows no ASCII literal. Built on first use (all of the BMP: ~50 ms)."""
    ascii_letter = re.compile("[A-Za-z]")
    chars = [
        chr(c)
        for c in range(0x80, 0x10000)
        if not 0xD800 <= c <= 0xDFFF
        and any(ascii_letter.search(f(chr(c))) for f in (str.lower, str.upper, str.casefold))
    ]
    return re.compile("[" + "".join(map(re.escape, chars)) + "]")


def _match_group(
    group: _Group, line: str, timeout: float, stats: MatchStats | None, lower: str | None = None
) -> Rule | None:
    """The rule of ``group`` that makes ``line`` boilerplate. ``lower``: the line lower-cased, given only
    when it holds no :func:`_special_folds` character, so a search pattern whose literals it lacks can
    be skipped (exact: each match contains one of them, and case-insensitively that is containment in
    the lower-cased line)."""
    limit = None if group.vetted else timeout
    if group.search:
        # The first pattern in order that matches anywhere wins, so search patterns are tried one by one:
        # measured on the benchmark corpus, the joined alternation (IGNORECASE, V1) of the 17 newsletter
        # patterns cost 2.5x the sum of its members on the lines it was tried on, as a mere filter.
        return _match_each(group, line, limit, stats, lower)
    try:
        m = _run(group.combined, group.search, line, limit)
    except TimeoutError:
        return _match_each(group, line, limit, stats)
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
    timeout: float | None,
    stats: MatchStats | None,
    lower: str | None = None,
) -> Rule | None:
    literals = group.literals if lower is not None else ()
    holds = lower.__contains__ if lower is not None else None
    for k, (_, rule) in enumerate(group.members):
        assert rule.pattern is not None
        if literals and holds is not None:
            needed = literals[k]
            if needed is not None and not any(map(holds, needed)):  # none of its literals: it cannot match
                continue
        try:
            m = _run(rule.pattern, group.search, line, timeout)
        except TimeoutError:
            if stats is not None:
                stats.timeouts += 1
            continue
        if m is not None:
            return rule
    return None
