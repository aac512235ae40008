"""Configured boilerplate line patterns (config/rules/boilerplate.toml), matched with a time limit.

Patterns of the same kind (whole-line or search) and length limit are joined into one alternation
with a named group per pattern, so a line costs one regex call per group. If that call runs out of
time, the group's patterns are tried one by one, each with the time limit, and a pattern that times
out is skipped for that line: a catastrophic user pattern slows a run down but cannot hang it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

FLAGS = regex.IGNORECASE | regex.V1


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: regex.Pattern[str]
    search: bool
    max_chars: int

    @property
    def label(self) -> str:
        return f"rule:{self.category}:{self.name}"


@dataclass(frozen=True)
class _Group:
    search: bool
    max_chars: int
    combined: regex.Pattern[str]
    members: tuple[tuple[str, Rule], ...]  # (group name, rule)


@dataclass
class MatchStats:
    timeouts: int = 0


@dataclass(frozen=True)
class BoilerplateRules:
    rules: tuple[Rule, ...]
    groups: tuple[_Group, ...]

    @classmethod
    def from_mapping(cls, *datas: Mapping[str, Any]) -> BoilerplateRules:
        """Build from parsed rules files: ``[[rule]]`` tables with ``name``, ``category``, ``patterns``."""
        rules: list[Rule] = []
        for data in datas:
            default_max = int(data.get("defaults", {}).get("max_chars", 160))
            for entry in data.get("rule", []):
                name = entry["name"]
                category = entry.get("category", name)
                search = bool(entry.get("search", False))
                max_chars = int(entry.get("max_chars", default_max))
                for pat in entry["patterns"]:
                    try:
                        compiled = regex.compile(pat, FLAGS)
                    except regex.error as exc:
                        raise ValueError(f"boilerplate rule {name!r}: bad pattern {pat!r}: {exc}") from exc
                    rules.append(Rule(name, category, compiled, search, max_chars))
        return cls(tuple(rules), _group(rules))

    def match(self, line: str, timeout: float, stats: MatchStats | None = None) -> Rule | None:
        """The first rule (in file order within a group) that matches the stripped ``line``."""
        n = len(line)
        for group in self.groups:
            if n > group.max_chars:
                continue
            rule = _match_group(group, line, timeout, stats)
            if rule is not None:
                return rule
        return None


def _group(rules: Iterable[Rule]) -> tuple[_Group, ...]:
    buckets: dict[tuple[bool, int], list[Rule]] = {}
    for rule in rules:
        buckets.setdefault((rule.search, rule.max_chars), []).append(rule)
    groups = []
    for (search, max_chars), members in buckets.items():
        named = tuple((f"_bp{i}", r) for i, r in enumerate(members))
        source = "|".join(f"(?P<{g}>{r.pattern.pattern})" for g, r in named)
        groups.append(_Group(search, max_chars, regex.compile(source, FLAGS), named))
    return tuple(groups)


def _match_group(group: _Group, line: str, timeout: float, stats: MatchStats | None) -> Rule | None:
    try:
        m = group.combined.search(line, timeout=timeout) if group.search else group.combined.fullmatch(
            line, timeout=timeout
        )
    except TimeoutError:
        return _match_each(group, line, timeout, stats)
    if m is None:
        return None
    for name, rule in group.members:
        if m.group(name) is not None:
            return rule
    return None  # pragma: no cover - one named group always took part


def _match_each(group: _Group, line: str, timeout: float, stats: MatchStats | None) -> Rule | None:
    for _, rule in group.members:
        try:
            m = rule.pattern.search(line, timeout=timeout) if group.search else rule.pattern.fullmatch(
                line, timeout=timeout
            )
        except TimeoutError:
            if stats is not None:
                stats.timeouts += 1
            continue
        if m is not None:
            return rule
    return None
