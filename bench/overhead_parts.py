"""The per-document pieces this branch changed, old way against new way, on real shard files.

CPU per document, best of ``--repeat``, both ways in the same process in turns (a noisy machine
moves whole-step figures by more than these pieces). Run by hand on a kept work folder::

    PYTHONPATH=$PWD python bench/overhead_parts.py WORK_FOLDER [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flows.atomic import loads, read_jsonl
from flows.inputs import _SIMPLE_URL, _loads_record, _reject_constant
from flows.records import read_cleaned
from flows.stages import Work, _plan


def _best(fn: Callable[[], Any], n: int, docs: int) -> float:
    best = float("inf")
    for _ in range(n):
        started = time.process_time()
        fn()
        best = min(best, time.process_time() - started)
    return best / docs * 1e6


def _lines(path: Path, buffering: int) -> list[bytes]:
    with open(path, "rb", buffering=buffering) as fh:
        return list(fh)


def _shard_lines(path: str, start: int, end: int, buffering: int) -> list[bytes]:
    """A JSONL shard's lines read as :func:`flows.inputs.read_shard` reads them."""
    out = []
    with open(path, "rb", buffering=buffering) as fh:
        fh.seek(start)
        pos = start
        while pos < end:
            line = fh.readline(end - pos)
            if not line:
                break
            pos += len(line)
            out.append(line)
    return out


def _records(path: Path, buffering: int) -> list[Any]:
    with open(path, "rb", buffering=buffering) as fh:
        return [loads(line) for line in fh]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    work = Work(args.work)
    shard = _plan(work)[0]
    src = shard.files[0].path
    with open(src, "rb") as fh:
        fh.seek(shard.start)
        lines = fh.read(shard.end - shard.start).splitlines(keepends=True)
    records = [json.loads(line) for line in lines]
    urls = [r.get("url", "") for r in records]
    n = len(lines)
    cleaned = work.cleaned(0)
    pieces = {
        "parse input record": (lambda: [json.loads(x, parse_constant=_reject_constant) for x in lines],
                               lambda: [_loads_record(x) for x in lines]),
        "site from url": (lambda: [urlsplit(u).hostname for u in urls],
                          lambda: [(m[1] if (m := _SIMPLE_URL.match(u)) else urlsplit(u).hostname) for u in urls]),
        "read input lines (buffer)": (lambda: _shard_lines(src, shard.start, shard.end, -1),
                                      lambda: _shard_lines(src, shard.start, shard.end, 1 << 18)),
        "read prepared shard": (lambda: _records(work.prepared(0), -1), lambda: list(read_jsonl(work.prepared(0)))),
        "read cleaned lines (buffer)": (lambda: _lines(cleaned, -1), lambda: _lines(cleaned, 1 << 18)),
    }
    total_old = total_new = 0.0
    for name, (old, new) in pieces.items():
        a = b = float("inf")
        for _ in range(2):  # in turns
            a = min(a, _best(old, args.repeat, n))
            b = min(b, _best(new, args.repeat, n))
        total_old, total_new = total_old + a, total_new + b
        print(f"{name:28s} old {a:6.1f} µs/doc  new {b:6.1f} µs/doc  saved {a - b:5.1f}")
    saved = total_old - total_new
    print(f"{'total':28s} old {total_old:6.1f} µs/doc  new {total_new:6.1f} µs/doc  saved {saved:5.1f}")
    list(read_cleaned(cleaned))  # the real reader reads the file


if __name__ == "__main__":
    main()
