"""Faults with real processes (issue 7 §2, the output side): disk full, file-size limit, exit codes.

The CLI runs in a subprocess against the session's Prefect test server (``PREFECT_API_URL``), so a
resource limit set on the child limits textwash, not the Prefect database.
(``kill -9`` and resume belong to the ops tests; index locking/corruption and Redis to the dedup tests.)
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.flow.conftest import run_cli
from tests.flow.test_bad_input import article_texts, assert_accounting, localhost_api_env

OUTPUTS = ("corpus.jsonl", "duplicates.jsonl", "rejects.jsonl", "clusters.jsonl", "audit.jsonl",
           "report.json")


@pytest.fixture(scope="module")
def api_env() -> dict[str, str]:
    return localhost_api_env()


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if ".tmp-" in p.name)


def one_line_error(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text, text[-3000:]
    lines = [x for x in text.splitlines() if x.strip()]
    assert lines and lines[-1].startswith("textwash: error: "), text[-3000:]
    return lines[-1]


def big_jsonl(path: Path, records: int = 60) -> Path:
    """Records of ~8 KB of real sentences drawn at random (no two are near-duplicates)."""
    texts = article_texts() + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    sentences = sorted({s.strip() for t in texts for s in t.split(". ") if len(s.split()) >= 6})
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(records):
            paragraphs = [". ".join(rng.sample(sentences, 5)) + "." for _ in range(8)]
            fh.write(json.dumps({"id": f"big-{i}", "text": "\n\n".join(paragraphs)}) + "\n")
    return path


def with_fsize_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_missing_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    res = run_cli("clean", "missing-dir", "--out", str(tmp_path / "x"), cwd=tmp_path, timeout=120)
    assert res.returncode == 2
    err = res.stderr.decode()
    assert "input not found: missing-dir" in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_bad_limit_in_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    res = run_cli("clean", str(SEEDS), "--out", str(tmp_path / "x"), "--set", "input.max_doc_bytes=0",
                  timeout=120)
    assert res.returncode == 2
    assert "input.max_doc_bytes" in res.stderr.decode()


def test_runtime_failure_is_one_line_and_verbose_shows_the_traceback(tmp_path: Path,
                                                                      api_env: dict[str, str]) -> None:
    args = ("clean", str(SEEDS), "--out", str(tmp_path / "out"), "--workers", "1", "--no-progress")
    for verbose in (False, True):
        res = _run_limited([*args, *(["--verbose"] if verbose else [])], api_env, fsize=0)
        assert res.returncode == 1
        text = res.stderr.decode()
        if verbose:
            assert "Traceback" in text and "File too large" in text
        else:
            line = one_line_error(res.stderr)
            assert "File too large" in line


def _run_limited(args: list[str], env: dict[str, str], fsize: int) -> subprocess.CompletedProcess[bytes]:
    """The CLI with RLIMIT_FSIZE: writing past ``fsize`` bytes fails with EFBIG (Python ignores SIGXFSZ)."""
    return subprocess.run([sys.executable, "-m", "flows", *args], capture_output=True,
                          env={**os.environ, **env}, timeout=600, check=False,
                          preexec_fn=with_fsize_limit(fsize))


def test_file_size_limit_while_writing_outputs_keeps_earlier_outputs(tmp_path: Path,
                                                                     api_env: dict[str, str]) -> None:
    """RLIMIT_FSIZE makes corpus.jsonl (the largest output) fail mid-write with EFBIG."""
    out = tmp_path / "out"
    first = run_cli("clean", str(SEEDS), "--out", str(out), "--workers", "1", "--no-progress", env=api_env)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    before = snapshot(out)
    data = big_jsonl(tmp_path / "big.jsonl")
    assert data.stat().st_size > 400_000
    args = ["clean", str(SEEDS), str(data), "--out", str(out), "--workers", "1", "--no-progress",
            "--set", "run.shard_size=5"]
    res = _run_limited(args, api_env, fsize=300_000)
    assert res.returncode == 1
    line = one_line_error(res.stderr)
    assert "File too large" in line and ".jsonl" in line  # the step that failed: writing an output file
    assert snapshot(out) == before  # earlier outputs intact, byte for byte
    assert leftovers(out) == []
    assert_accounting(out, 5)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True,
                         check=False)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_keeps_earlier_outputs(small_tmpfs: Path, tmp_path: Path, api_env: dict[str, str]) -> None:
    """A real full filesystem (1 MB tmpfs) under --out: exit 1, one clear line, earlier outputs intact."""
    out = small_tmpfs / "out"
    first = run_cli("clean", str(SEEDS), "--out", str(out), "--workers", "1", "--no-progress", env=api_env)
    assert first.returncode == 0, first.stderr.decode()[-2000:]
    before = snapshot(out)
    data = big_jsonl(tmp_path / "big.jsonl", records=200)
    res = run_cli("clean", str(SEEDS), str(data), "--out", str(out), "--workers", "1", "--no-progress",
                  env=api_env)
    assert res.returncode == 1
    line = one_line_error(res.stderr)
    assert "No space left on device" in line and str(out) in line
    assert snapshot(out) == before
    assert leftovers(out) == []
    # after freeing space, the same command completes
    shutil.rmtree(out / ".textwash-work", ignore_errors=True)
    again = run_cli("clean", str(SEEDS), "--out", str(out), "--workers", "1", "--no-progress", env=api_env)
    assert again.returncode == 0
    assert_accounting(out, 5)
