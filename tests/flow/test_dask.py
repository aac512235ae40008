"""--dask-address: the same flow on a real local Dask cluster gives the local run's output."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.flow.conftest import run_cli
from tests.flow.corpus import outputs, write_corpus

pytest.importorskip("prefect_dask", reason="the optional 'dask' extra (prefect-dask) is not installed")
pytest.importorskip("distributed", reason="the optional 'dask' extra (dask[distributed]) is not installed")

pytestmark = [pytest.mark.flow, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A real ``dask scheduler`` and two ``dask worker`` processes; workers get PYTHONPATH explicitly
    (they must import textwash and do not inherit the client's environment)."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--dashboard-address", ":0"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        _wait_for_port(port)
        for i in range(2):
            procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                           "--name", f"w{i}", "--dashboard-address", ":0",
                                           "--local-directory", str(tmp_path / f"w{i}")],
                                          env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_dask_run_equals_local_run(tmp_path: Path, dask_cluster: str) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    write_corpus(corpus)
    common = ["--no-progress", "--set", "run.shard_size=30"]
    local = run_cli("clean", str(corpus), "--out", str(tmp_path / "local"), "--workers", "2", *common)
    assert local.returncode == 0, local.stderr.decode()
    remote = run_cli("clean", str(corpus), "--out", str(tmp_path / "dask"), "--dask-address", dask_cluster,
                     *common)
    assert remote.returncode == 0, remote.stderr.decode()
    assert outputs(tmp_path / "dask") == outputs(tmp_path / "local")


def test_unreachable_dask_address_fails_cleanly(tmp_path: Path) -> None:
    corpus = tmp_path / "in" / "corpus.jsonl"
    write_corpus(corpus, near=0, exact=0)
    proc = run_cli("clean", str(corpus), "--out", str(tmp_path / "o"), "--no-progress",
                   "--dask-address", f"tcp://127.0.0.1:{_free_port()}", timeout=300)
    assert proc.returncode != 0
    assert b"textwash: error" in proc.stderr
