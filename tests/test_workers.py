"""The run's process pool (flows/workers.py): forked workers die with the CLI; caches released on demand."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil

from flows import workers
from flows.config import load_settings
from flows.pipeline import pipeline_for

ROOT = Path(__file__).resolve().parents[1]

PARENT = """
import sys, time
from flows.config import load_settings
from flows.workers import fork_pool
pool, forked = fork_pool(1, load_settings().model_dump_json())
import os
print(forked, pool.submit(os.getpid).result(), flush=True)
time.sleep(120)
"""


def test_forked_worker_dies_when_the_cli_is_killed():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        forked, pid = proc.stdout.readline().split()  # type: ignore[union-attr]
        assert forked == b"True"
        worker = psutil.Process(int(pid))
        assert worker.ppid() == proc.pid  # forked by the "CLI" itself: no forkserver in between
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        gone, _ = psutil.wait_procs([worker], timeout=10)
        assert gone, "the worker outlived its killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_fork_pool_uses_a_forkserver_once_a_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pool, forked = workers.fork_pool(1, load_settings().model_dump_json())
        try:
            assert not forked  # forking now could copy a lock the other thread holds
            assert pool.submit(os.getpid).result(timeout=120) != os.getpid()
        finally:
            pool.shutdown()
    finally:
        stop.set()
        thread.join()


def _cached() -> dict[str, int]:
    return {"pipelines": pipeline_for.cache_info().currsize}


def test_call_releases_the_cleaning_caches_only_when_asked():
    workers.release_caches()  # earlier tests in this process may have cached other settings
    pipeline_for(load_settings().model_dump_json())
    assert workers.call(_cached)["pipelines"] == 1
    assert workers.call(_cached, release=True)["pipelines"] == 0
    workers.trim()  # harmless anywhere


def test_trim_hands_freed_heap_back():
    if workers._libc() is None or not hasattr(workers._libc(), "malloc_trim"):
        return  # not glibc
    blocks = [bytes(2000) for _ in range(50_000)]  # ~100 MB of small malloc chunks (above pymalloc's 512 B)
    keep = blocks[-1]  # the heap's top stays in use: free() alone cannot give the pages back
    del blocks
    before = psutil.Process().memory_info().rss
    workers.trim()
    after = psutil.Process().memory_info().rss
    assert len(keep) == 2000
    assert before - after > 50 * 2**20, (before, after)
