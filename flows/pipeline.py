"""Per-document composition of the cleaners, built once per process from the settings."""

from __future__ import annotations

import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from cleaners.boilerplate import BoilerplateRules, Stopwords, strip_boilerplate
from cleaners.decode import decode_bytes
from cleaners.edits import Edit, StageResult
from cleaners.encoding import fix_encoding
from cleaners.fragments import Glossary, repair_fragments
from cleaners.language import detect_language
from cleaners.minhash import features_many
from cleaners.whitespace import normalize_whitespace
from flows.config import Settings, config_dir
from flows.documents import RawDoc, Reject


@dataclass(slots=True)
class Doc:
    """A document between stages, with everything the audit needs."""

    id: str
    source: str
    site: str
    meta: dict[str, Any]
    text: str
    edits: list[dict[str, Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": self.source, "site": self.site, "meta": self.meta,
            "text": self.text, "edits": self.edits, "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Doc:
        return cls(**data)

    def take(self, result: StageResult) -> None:
        self.text = result.text
        self.edits.extend(e.to_json() for e in result.edits)
        self.info.update(result.info)

    def reject(self, reason: str, detail: str) -> Reject:
        return Reject(self.id, self.source, reason, detail, self.edits, self.info)


def load_rules_file(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def unvetted(data: dict[str, Any]) -> dict[str, Any]:
    """A user's rules file with every ``vetted`` flag removed: its patterns always run with the time limit."""
    out = dict(data)
    out["defaults"] = {k: v for k, v in data.get("defaults", {}).items() if k != "vetted"}
    out["rule"] = [{k: v for k, v in entry.items() if k != "vetted"} for entry in data.get("rule", [])]
    return out


def load_stopwords(folder: Path) -> Stopwords:
    """``<iso-code>.txt`` files, one word a line; a user adds a language by adding a file."""
    return Stopwords.from_words(
        {f.stem: f.read_text(encoding="utf-8").split() for f in sorted(folder.glob("*.txt"))}
    )


def load_glossary(folder: Path, target: str = "en") -> Glossary:
    tables = {}
    for file in sorted(folder.glob(f"*-{target}.tsv")):
        tables[file.name.split("-", 1)[0]] = file.read_text(encoding="utf-8")
    return Glossary.from_tsv(tables)


class Pipeline:
    """The stages in order. ``prepare`` repairs text; ``clean`` strips and repairs content."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        base = config_dir()
        bp = settings.boilerplate
        # the user's extra files never skip the pattern time limit, whatever they say
        extra = [unvetted(load_rules_file(base / f)) for f in bp.extra_rules_files]
        self.rules = BoilerplateRules.from_mapping(load_rules_file(base / bp.rules_file), *extra)
        self.stopwords = load_stopwords(base / bp.stopwords_dir)
        self.glossary = load_glossary(base / settings.fragments.glossary_dir)
        # CPU seconds per stage (thread_time: neither other load nor Prefect threads inflate it).
        self.stage_seconds: defaultdict[str, float] = defaultdict(float)

    def _lap(self, stage: str, started: float) -> float:
        now = time.thread_time()
        self.stage_seconds[stage] += now - started
        return now

    def take_timings(self) -> dict[str, float]:
        """Stage seconds accumulated since the last call (then reset)."""
        out = dict(self.stage_seconds)
        self.stage_seconds.clear()
        return out

    def prepare(self, raw: RawDoc) -> Doc | Reject:
        """Decode, fix encoding, normalise whitespace."""
        return self.prepare_many([raw])[0]

    def prepare_many(self, raws: list[RawDoc]) -> list[Doc | Reject]:
        """:meth:`prepare` of each document, one stage at a time over the whole list.

        Each document's result is the one :meth:`prepare` gives it alone (stages are pure functions
        of a document); running a stage over many documents in a row keeps its tables and code in
        the CPU caches, which interleaving the stages per document evicts.
        """
        t = time.thread_time()
        out: list[Doc | Reject] = []
        for raw in raws:
            doc = Doc(raw.id, raw.source, raw.site, raw.meta, "")
            if raw.data is not None:
                decoded = decode_bytes(raw.data, self.s.decode)
                doc.take(decoded)
                if decoded.reject:
                    out.append(doc.reject(*decoded.reject))
                    continue
            else:
                doc.text = raw.text or ""
            out.append(doc)
        t = self._lap("decode", t)
        docs = [d for d in out if isinstance(d, Doc)]
        for doc in docs:
            doc.take(fix_encoding(doc.text, self.s.encoding))
        t = self._lap("encoding", t)
        for doc in docs:
            doc.take(normalize_whitespace(doc.text, self.s.whitespace))
        self._lap("whitespace", t)
        return [d.reject("empty", "no text left after repair") if isinstance(d, Doc) and not d.text.strip() else d
                for d in out]

    def clean(self, doc: Doc, repeated: frozenset[str]) -> Doc | Reject:
        """Detect the language, strip boilerplate (with its stopwords), repair foreign fragments."""
        return self.clean_many([(doc, repeated)])[0]

    def clean_many(self, items: list[tuple[Doc, frozenset[str]]]) -> list[Doc | Reject]:
        """:meth:`clean` of each ``(document, its site's repeated lines)``, one stage at a time over
        the list (see :meth:`prepare_many`); each result is the one :meth:`clean` gives alone."""
        t = time.thread_time()
        langs = [detect_language(doc.text, self.s.language)[0] for doc, _ in items]
        t = self._lap("language", t)
        before = [len(doc.text) for doc, _ in items]
        for (doc, repeated), lang in zip(items, langs, strict=True):
            doc.take(strip_boilerplate(doc.text, self.s.boilerplate, self.rules, self.stopwords, lang, repeated))
        t = self._lap("boilerplate", t)
        share = self.s.boilerplate.redetect_language_share
        for k, (doc, _) in enumerate(items):
            if before[k] and (before[k] - len(doc.text)) > share * before[k]:
                langs[k], _ = detect_language(doc.text, self.s.language)  # the page around it may have misled it
            doc.info["lang"] = langs[k]
        t = self._lap("language", t)
        fragments = []
        for (doc, _), lang in zip(items, langs, strict=True):
            fragments.append(repair_fragments(doc.text, lang, self.s.fragments, self.glossary))
            doc.take(fragments[-1])
        self._lap("fragments", t)
        out: list[Doc | Reject] = []
        for (doc, _), result in zip(items, fragments, strict=True):
            if result.reject:
                out.append(doc.reject(*result.reject))
            elif len(doc.text.strip()) < self.s.filter.min_chars:
                out.append(doc.reject("empty_after_cleaning", "no text left after boilerplate and fragment removal"))
            else:
                out.append(doc)
        return out

    def features(self, doc: Doc) -> tuple[str, np.ndarray]:
        """Exact-duplicate key and sorted unique shingle hashes (uint32) of the cleaned text."""
        return self.features_many([doc])[0]

    def features_many(self, docs: list[Doc]) -> list[tuple[str, np.ndarray]]:
        """:meth:`features` of each document (the numpy work batched: :func:`cleaners.minhash.features_many`)."""
        t = time.thread_time()
        result = features_many([doc.text for doc in docs], self.s.minhash)
        self._lap("minhash", t)
        return result


@lru_cache(maxsize=4)
def pipeline_for(settings_json: str) -> Pipeline:
    """One :class:`Pipeline` per process and configuration (rules and glossary are loaded once)."""
    return Pipeline(Settings.model_validate_json(settings_json))


__all__ = ["Doc", "Edit", "Pipeline", "pipeline_for"]
