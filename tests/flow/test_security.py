"""Hostile data (issue 7 §3): nothing is unpickled or evaluated, ids never become paths, gzip bombs
and catastrophic user patterns are bounded, and test servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.flow.test_bad_input import article_texts, finish, run_flow

CODE_DIRS = ("cleaners", "flows", "bench")
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "cloudpickle", "dill", "marshal", "shelve", "joblib",
                  "yaml"}
BANNED_CALLS = {"eval", "exec", "compile", "__import__"}


def python_files() -> list[Path]:
    return sorted(p for d in CODE_DIRS if (ROOT / d).is_dir() for p in (ROOT / d).rglob("*.py"))


def unsafe_calls(source: str, name: str) -> list[str]:
    """Imports of pickle-like loaders, eval/exec/compile/__import__ calls, allow_pickle other than False."""
    problems = []
    for node in ast.walk(ast.parse(source, filename=name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            problems += [f"{where} imports {a.name}" for a in node.names
                         if a.name.split(".")[0] in BANNED_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in BANNED_MODULES:
            problems.append(f"{where} imports from {node.module}")
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in BANNED_CALLS:
                problems.append(f"{where} calls {node.func.id}()")
            for kw in node.keywords:
                safe = isinstance(kw.value, ast.Constant) and kw.value.value is False
                if kw.arg == "allow_pickle" and not safe:
                    problems.append(f"{where} passes allow_pickle={ast.unparse(kw.value)}")
    return problems


def test_no_deserialisation_of_code_or_evaluation() -> None:
    """Static check of every module: no pickle-like loader, no eval/exec, no np.load(allow_pickle=True).

    Together with how data is read — JSON (json.loads), TOML (tomllib), .npz arrays (np.load with
    numpy's default allow_pickle=False; string arrays are stored as fixed-width unicode, never as
    objects), plain text — this means no input, config or index file can execute code. Prefect task
    results are our own small dicts and are not persisted (results persistence is off by default).
    """
    files = python_files()
    assert len(files) > 10
    problems = [p for path in files for p in unsafe_calls(path.read_text(encoding="utf-8"),
                                                          str(path.relative_to(ROOT)))]
    assert not problems, "\n".join(problems)


def test_the_static_check_flags_unsafe_code() -> None:
    bad = ("import pickle\nfrom yaml import load\nimport numpy as np\nnp.load('x', allow_pickle=True)\n"
           "eval('1')\nexec('2')\n")
    assert len(unsafe_calls(bad, "bad.py")) == 5
    assert unsafe_calls("import json\nimport numpy as np\nnp.load('x', allow_pickle=False)\n", "ok.py") == []


def test_test_servers_bind_localhost_only() -> None:
    from prefect.settings import PREFECT_API_URL

    assert str(PREFECT_API_URL.value()).startswith("http://127.0.0.1:")
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        if "0.0.0.0" in text or "--bind ::" in text or "bind=''" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


HOSTILE_IDS = [
    "../../escaped.txt", "../../../../../../tmp/textwash-escape", "/tmp/textwash-absolute", "a\u0000b.txt",
    "..", ".", "", "corpus.jsonl", "report.json", ".textwash-work", "line\nbreak", "C:\\Windows\\x",
    "%2e%2e%2f", "~root", "\u202eevil", "\udcff-lone-surrogate", "x" * 5000,
]


def test_ids_are_data_never_paths(tmp_path: Path) -> None:
    texts = article_texts()
    inp = tmp_path / "in"
    inp.mkdir()
    records = [{"id": doc_id, "text": f"{texts[i % len(texts)]}\n\nItem {i}."}
               for i, doc_id in enumerate(HOSTILE_IDS)]
    (inp / "hostile.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    # a file name that is not valid UTF-8 and holds a newline
    os.makedirs(inp / "files", exist_ok=True)
    odd_name = os.fsencode(inp / "files") + b"/evil\xff\nname.txt"
    with open(odd_name, "wb") as fh:
        fh.write(texts[2].encode())
    out = tmp_path / "out"
    run_flow([inp], out, {"dedup": {"near": False, "exact": False}})
    res = finish(out, len(HOSTILE_IDS) + 1)
    expected = {h for h in HOSTILE_IDS if h} | {"files/evil\udcff\nname.txt", "hostile.jsonl:7"}
    assert set(res.ids()) == expected  # every id verbatim ("" has no use as an id: default id)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "clusters.jsonl", "audit.jsonl", "report.json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert not Path("/tmp/textwash-absolute").exists() and not Path("/tmp/textwash-escape").exists()


def test_gzip_bomb_is_stopped_by_the_file_limit(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    text = article_texts()[4]
    with gzip.open(inp / "bomb.jsonl.gz", "wb", compresslevel=9) as fh:
        for i in range(200):
            fh.write(json.dumps({"id": f"b{i}", "text": text}).encode() + b"\n")
        filler = (json.dumps({"text": "A" * 100_000}) + "\n").encode()
        for _ in range(2000):  # 200 MB decompressed
            fh.write(filler)
    assert (inp / "bomb.jsonl.gz").stat().st_size < 2_000_000
    shutil_copy = (SEEDS / "000_8cac10d750b4a1f9.txt").read_text(encoding="utf-8")
    (inp / "seed.txt").write_text(shutil_copy, encoding="utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    run_flow([inp], out, {"input": {"max_file_bytes": 2_000_000}})
    assert time.perf_counter() - started < 120
    res = finish(out)
    rec = res.rejected("bomb.jsonl.gz:<rest>", "too_large")
    assert "input.max_file_bytes=2000000" in rec["detail"]
    assert res.report["limits_hit"]["too_large"] == 1
    assert res.kept("seed.txt")
    used = [i for i in res.ids() if i[:1] == "b" and i[1:].isdigit()]
    assert 0 < len(used) <= 200


def test_catastrophic_user_pattern_cannot_hang_a_run(tmp_path: Path) -> None:
    """A user's boilerplate pattern with exponential backtracking runs under the per-line timeout."""
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nname = 'evil'\ncategory = 'user'\n"
                     "patterns = ['(a+)+b', '(\\w+\\s?)+$x']\n", encoding="utf-8")
    inp = tmp_path / "in"
    inp.mkdir()
    hostile = ("a" * 40 + "\n\n" + "word " * 40 + "!\n\n") * 20
    (inp / "hostile.txt").write_text(article_texts()[3] + "\n\n" + hostile, encoding="utf-8")
    out = tmp_path / "out"
    started = time.perf_counter()
    run_flow([inp], out, {"boilerplate": {"rules_file": str(rules), "pattern_timeout_s": 0.01}})
    assert time.perf_counter() - started < 60  # unbounded, this pattern takes hours per line
    res = finish(out, 1)
    assert article_texts()[3][:200] in res.kept("hostile.txt")


@pytest.mark.parametrize("payload", [
    '{"id": "x", "text": "__import__(\'os\').system(\'touch /tmp/textwash-pwned\')"}',
    '{"id": "y", "text": "!!python/object/apply:os.system [\\"touch /tmp/textwash-pwned\\"]"}',
])
def test_code_in_data_stays_data(tmp_path: Path, payload: str) -> None:
    (tmp_path / "in.jsonl").write_text(payload + "\n", encoding="utf-8")
    run_flow([tmp_path / "in.jsonl"], tmp_path / "out")
    res = finish(tmp_path / "out", 1)
    assert not Path("/tmp/textwash-pwned").exists()
    status, _ = res.find(json.loads(payload)["id"])
    assert status in ("kept", "rejected")
