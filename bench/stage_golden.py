"""Golden harness for the speed work on the encoding, whitespace and minhash stages.

Records everything the stages return (text, edits, reject, info; minhash features and signatures;
the encoding gate's verdict) for real inputs, so an optimisation can be checked to change nothing:

    PYTHONPATH=$PWD python bench/stage_golden.py --write /tmp/golden-before.jsonl.gz   # before
    PYTHONPATH=$PWD python bench/stage_golden.py --check /tmp/golden-before.jsonl.gz   # after

To record "before" from an older commit: ``git archive COMMIT | tar -x -C /tmp/base``, copy this
script into /tmp/base/bench/, and run it there with ``--shared /work/shared`` (the ftfy cases).

Inputs: the 181 real articles (tests/data/news), the seeds, tests/data/bad (decoded as the pipeline
decodes bytes), the ftfy cases (tests/data/repair and ../shared/bench/ftfy-cases), the first
``--corpus-docs`` raw documents of the benchmark corpus, and deterministic damaged variants of
them (CRLF/CR line ends, odd and invisible spaces, indentation, blank-line runs, whole-text
mojibake) so the fast paths meet every branch. Stages run with the default options and with
variants of them (other normal forms, gate off, whitespace switches off, other shingle sizes).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.decode import decode_bytes  # noqa: E402
from cleaners.edits import StageResult  # noqa: E402
from cleaners.encoding import fix_encoding, needs_fixing  # noqa: E402
from cleaners.minhash import features, signatures  # noqa: E402
from cleaners.whitespace import normalize_whitespace  # noqa: E402
from flows.config import Settings, load_settings  # noqa: E402

DEFAULT_CORPUS = Path("/tmp/bp-speed/corpus-20000/corpus.jsonl")


def _jsonl_texts(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            try:
                rec = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                yield rec["text"]


def inputs(shared: Path, corpus: Path, corpus_docs: int, settings: Settings) -> Iterator[tuple[str, str]]:
    """``(name, raw text)`` of every input, in a fixed order."""
    for i, text in enumerate(_jsonl_texts(ROOT / "tests/data/news/articles.jsonl")):
        yield f"article:{i}", text
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        yield f"seed:{path.name}", decode_bytes(path.read_bytes(), settings.decode).text
    for path in sorted((ROOT / "tests/data/bad").iterdir()):
        if path.suffix == ".py":
            continue
        yield f"bad:{path.name}", decode_bytes(path.read_bytes(), settings.decode).text
        if path.name.endswith(".jsonl"):
            for i, text in enumerate(_jsonl_texts(path)):
                yield f"bad:{path.name}:{i}", text
    for folder in (ROOT / "tests/data/repair/ftfy-cases", shared / "bench/ftfy-cases"):
        for path in sorted(folder.glob("*.json")):
            for i, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                for field in ("original", "fixed"):
                    if isinstance(case.get(field), str):
                        yield f"ftfy:{folder.parent.name}/{path.name}:{i}:{field}", case[field]
    if corpus.exists():
        with corpus.open(encoding="utf-8") as fh:
            for i, line in zip(range(corpus_docs), fh, strict=False):
                yield f"corpus:{i}", json.loads(line)["text"]
    else:
        print(f"warning: no corpus at {corpus}", file=sys.stderr)


def _damaged(text: str, rng: random.Random) -> str:
    """Whitespace damage: line ends, odd and invisible spaces, indentation, trailing space, blank runs."""
    odd = [" ", " ", " ", "\u00a0", "  ", "\u200b ", " \u2009", "\t", "\u3000", " \u00ad", "\u202f", "\ufeff"]
    out = []
    for para in text.split("\n"):
        words = para.split(" ")
        para = "".join(w + rng.choice(odd) for w in words)
        lead = rng.choice(["", "", "  ", "\t", "\u00a0", " \u200e"])
        out.append(lead + para + rng.choice(["", "", " ", "\t", "\x0c", "\u2028"]))
    sep = rng.choice(["\n", "\r\n", "\r", "\n\r"])
    joined = sep.join(out).replace(sep * 2, sep * rng.choice([1, 2, 3, 5]))
    return rng.choice(["", "\n", "\n\n\n", " \n"]) + joined + rng.choice(["", "\n", "\n\n\n\n", " "])


def _plain_damaged(text: str, rng: random.Random) -> str:
    """Only plain spaces: repeated, leading, trailing, space-only lines; sometimes CRLF line ends."""
    out = []
    for para in text.split("\n"):
        words = para.split(" ")
        para = "".join(w + rng.choice([" ", " ", " ", "  ", "   "]) for w in words)
        lead = rng.choice(["", "", "", " ", "  ", "    "])
        out.append(lead + para.rstrip(" ") + rng.choice(["", "", " ", "  "]))
        if rng.random() < 0.1:
            out.append(rng.choice(["", " ", "   "]))
    sep = rng.choice(["\n", "\n", "\r\n"])
    return rng.choice(["", " ", "  ", "\n "]) + sep.join(out) + rng.choice(["", " ", "\n", " \n "])


def _mojibaked(text: str, rng: random.Random) -> str:
    """The text (or one line of it) encoded as UTF-8 and decoded in a single-byte encoding."""
    enc = rng.choice(["sloppy-windows-1252", "macroman", "latin-1", "sloppy-windows-1251", "windows-1253"])
    lines = text.split("\n")
    k = rng.randrange(len(lines))
    target = text if rng.random() < 0.5 else lines[k]
    bad = target.encode("utf-8", "surrogatepass").decode(enc, errors="replace")
    return bad if target is text else "\n".join([*lines[:k], bad, *lines[k + 1 :]])


def variants(items: Iterator[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    rng = random.Random(20261121)
    for name, text in items:
        yield name, text
        if not text:
            continue
        if rng.random() < 0.35:
            yield f"{name}~ws", _damaged(text, rng)
        if rng.random() < 0.15:
            yield f"{name}~moji", _mojibaked(text, rng)
        if rng.random() < 0.25:
            yield f"{name}~plain", _plain_damaged(text, rng)
        if rng.random() < 0.05:
            yield f"{name}~both", _damaged(_mojibaked(text, rng), rng)


def _stage(res: StageResult) -> dict[str, Any]:
    return {"text": res.text, "edits": [e.to_json() for e in res.edits], "reject": res.reject, "info": res.info}


def _options(settings: Settings) -> dict[str, Any]:
    enc, ws, mh = settings.encoding, settings.whitespace, settings.minhash
    return {
        "enc": [enc, enc.model_copy(update={"normalization": None}),
                enc.model_copy(update={"normalization": "NFKC", "uncurl_quotes": True}),
                enc.model_copy(update={"gate": False})],
        "ws": [ws, ws.model_copy(update={"strip_indentation": False, "collapse_spaces": False}),
               ws.model_copy(update={"remove_bidi_controls": False, "max_blank_lines": 0}),
               ws.model_copy(update={"max_blank_lines": 3, "collapse_spaces": False})],
        "mh": [mh, mh.model_copy(update={"shingle_words": 1, "min_words": 1}),
               mh.model_copy(update={"shingle_words": 7, "min_words": 12, "scheme": "legacy"})],
    }


def record(name: str, raw: str, opts: dict[str, Any], full: bool) -> dict[str, Any]:
    """Everything the three stages say about one input (option variants on a subset: ``full``)."""
    enc_opts = opts["enc"] if full else opts["enc"][:1]
    ws_opts = opts["ws"] if full else opts["ws"][:1]
    mh_opts = opts["mh"] if full else opts["mh"][:1]
    out: dict[str, Any] = {"name": name}
    out["gate"] = [needs_fixing(raw, o.normalization) for o in enc_opts[:3]]
    out["gate_lines"] = "".join("1" if needs_fixing(ln) else "0" for ln in raw.splitlines(keepends=True)[:400])
    encs = [fix_encoding(raw, o) for o in enc_opts]
    out["enc"] = [_stage(r) for r in encs]
    prepared = encs[0].text
    wss = [normalize_whitespace(prepared, o) for o in ws_opts]
    if full:
        wss.append(normalize_whitespace(raw, opts["ws"][0]))  # whitespace on unrepaired text too
    out["ws"] = [_stage(r) for r in wss]
    feats = []
    for o in mh_opts:
        for text in (wss[0].text, raw):
            key, hashes = features(text, o)
            sig = signatures([hashes], o)[0]
            feats.append({"key": key, "hashes": hashes.tolist(), "sig": hashlib.sha256(sig.tobytes()).hexdigest()})
    out["mh"] = feats
    return out


def _digest(rec: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(rec, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path, help="record the golden file (gzipped JSON lines)")
    mode.add_argument("--check", type=Path, help="compare with a golden file")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--corpus-docs", type=int, default=3000)
    args = ap.parse_args()
    settings = load_settings()
    opts = _options(settings)
    rng = random.Random(7)
    records = []
    for name, raw in variants(inputs(args.shared, args.corpus, args.corpus_docs, settings)):
        full = not name.startswith("corpus:") or rng.random() < 0.2
        records.append(record(name, raw, opts, full))
    if args.write:
        with gzip.open(args.write, "wt", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=True) + "\n")
        print(f"wrote {len(records)} records to {args.write}")
        return
    with gzip.open(args.check, "rt", encoding="utf-8") as fh:
        golden = [json.loads(line) for line in fh]
    bad = 0
    if len(golden) != len(records):
        print(f"MISMATCH: {len(golden)} golden records, {len(records)} now")
        bad += 1
    for old, new in zip(golden, records, strict=False):
        new = json.loads(json.dumps(new, ensure_ascii=True))  # tuples become lists, as in the file
        if _digest(old) != _digest(new):
            bad += 1
            parts = [k for k in old if old.get(k) != new.get(k)]
            if bad <= 20:
                print(f"MISMATCH {old['name']} / {new['name']}: {parts}")
    print(f"checked {len(records)} records: {'OK, identical' if not bad else f'{bad} differ'}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
