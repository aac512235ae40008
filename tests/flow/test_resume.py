"""Resume: a run killed with SIGKILL half-way, started again, redoes no finished shard."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.flow.conftest import run_cli
from tests.flow.corpus import outputs, write_corpus

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _running(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _args(corpus: Path, out: Path, *extra: str) -> list[str]:
    return ["clean", str(corpus), "--out", str(out), "--workers", "2", "--no-progress",
            "--set", "run.shard_size=20", "--set", "run.keep_work_dir=true", *extra]


@pytest.mark.parametrize("server", ["thread", pytest.param("subprocess", marks=pytest.mark.slow)])
def test_killed_run_resumes_without_redoing_shards(tmp_path: Path, server: str) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    n = write_corpus(corpus, copies=5)
    shards = -(-n // 20)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # the run's own server
    env["PYTHONPATH"] = str(ROOT)
    killed = _args(corpus, out, "--set", f"run.api_server={server}")
    proc = subprocess.Popen([sys.executable, "-m", "flows", *killed], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tree = psutil.Process(proc.pid)
    started = time.monotonic()
    done: list[Path] = []
    children: list[psutil.Process] = []
    try:
        while time.monotonic() - started < 300:
            done = sorted(out.glob(".textwash-work/*/cleaned/*.jsonl"))
            if len(done) >= 3 or proc.poll() is not None:
                break
            time.sleep(0.02)
        children = tree.children(recursive=True)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        # the pool workers die with the run (flows/workers.py: PR_SET_PDEATHSIG; the API server is a
        # thread of it); with a forkserver pool or a server subprocess, its watchdog (flows/reaper.py) ends them
        _, alive = psutil.wait_procs(children, timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
        for child in children:  # whatever is left, so the test never leaks processes
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert len(children) >= (2 if server == "thread" else 4)  # pool workers (+ watchdog and server)
    assert not [c for c in alive if _running(c)], "orphans survived the kill"
    assert 3 <= len(done) < shards
    assert not (out / "corpus.jsonl").exists()
    before = {p: p.stat().st_mtime_ns for p in out.glob(".textwash-work/*/cleaned/*.jsonl")}

    again = run_cli(*_args(corpus, out))
    assert again.returncode == 0, again.stderr.decode()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["shards_skipped"]["clean"] >= len(before)
    assert report["shards_skipped"]["prepare"] == shards  # all shards were prepared before the kill
    for path, mtime in before.items():
        assert path.stat().st_mtime_ns == mtime, f"{path.name} was redone"
    assert not list(out.glob(".textwash-work/*/**/.*tmp-*")), "temporary files left behind"

    fresh = tmp_path / "fresh"
    ref = run_cli(*_args(corpus, fresh))
    assert ref.returncode == 0, ref.stderr.decode()
    assert outputs(out) == outputs(fresh)
    assert json.loads((fresh / "report.json").read_text(encoding="utf-8"))["counts"]["input"] == n
