"""The line format of a cleaned shard's kept documents, made so rendering need not parse their texts.

A kept (``ok``) record is one JSON object on one line, as before, with its big values last and set
apart by tabs (JSON whitespace that compact JSON never contains)::

    {"status":"ok","id":…,"source":…,"site":…,"info":{…},"edit_rules":[…],"text":\t"…"\t,"meta":\t{…}\t,"edits":\t[…]\t}

Any JSON reader still reads it. :func:`read_cleaned` parses only the small head and passes text, meta
and edits on as :class:`flows.atomic.Raw` (their bytes, copied into the output lines unparsed).
``edit_rules`` is what the report counts of the edits (:func:`edit_rules`). A record that orjson cannot write
(lone surrogates, integers over 64 bits, …) is written as one plain JSON line and read the old way,
and so is every line without tabs (rejects, work folders of older versions): outputs are the same
bytes either way, since orjson writes a value it has read back exactly as it wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from flows.atomic import READ_BUFFER, Raw, dumps_bytes, loads

_BIG = ("text", "meta", "edits")
_TEXT = b',"text":'


def edit_rules(edits: list[dict[str, Any]]) -> list[list[str]]:
    """What the report counts of a record's edits: ``[keys, stages]``, the ``stage:rule-family`` key of
    each edit (``edits_by_rule``) and the stages that edited it, in first-seen order (``docs_changed``)."""
    keys = []
    for e in edits:
        stage, rule = e["stage"], e["rule"]
        known = _KEYS.get(rule)
        if known is None or known[0] != stage:
            if len(_KEYS) >= 10_000:
                _KEYS.clear()
            known = _KEYS[rule] = (stage, f"{stage}:{rule.split(':')[0]}")
        keys.append(known[1])
    return [keys, list(dict.fromkeys([e["stage"] for e in edits]))]


_KEYS: dict[str, tuple[str, str]] = {}  # rule -> (stage, report key): a few dozen rules recur


def cleaned_line(rec: dict[str, Any]) -> bytes:
    """One kept record (``Doc.to_json`` plus ``status``) as a cleaned-shard line, without newline."""
    try:
        head = orjson.dumps({**{k: v for k, v in rec.items() if k not in _BIG},
                             "edit_rules": edit_rules(rec["edits"])})
        text, meta, edits = (orjson.dumps(rec[k]) for k in _BIG)
    except (TypeError, orjson.JSONEncodeError):
        return dumps_bytes(rec)
    return b"".join((head[:-1], _TEXT, b"\t", text, b'\t,"meta":\t', meta, b'\t,"edits":\t', edits, b"\t}"))


def read_cleaned(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a cleaned shard; text, meta and edits of tab-separated lines stay unparsed."""
    with open(path, "rb", buffering=READ_BUFFER) as fh:
        for line in fh:
            parts = line.split(b"\t")
            if len(parts) != 7:
                yield loads(line)
                continue
            rec = loads(parts[0][: -len(_TEXT)] + b"}")
            rec["text"], rec["meta"], rec["edits"] = Raw(parts[1]), Raw(parts[3]), Raw(parts[5])
            yield rec


def record_edit_rules(rec: dict[str, Any]) -> list[list[str]]:
    """``edit_rules`` of a record from :func:`read_cleaned` (computed from its edits if not stored)."""
    rules = rec.get("edit_rules")
    return rules if rules is not None else edit_rules(rec.get("edits", []))

