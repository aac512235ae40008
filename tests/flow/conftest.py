"""Flow-level tests run real Prefect flows against one session-scoped test server.

CLI subprocesses are pointed at the same server through ``PREFECT_API_URL``, so each pays ~2 s
instead of starting its own ephemeral server (~10 s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
_API_URL: dict[str, str] = {}


@pytest.fixture(autouse=True, scope="session")
def prefect_harness() -> Iterator[None]:
    from flows.prefect_env import configure

    configure()
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        _API_URL["url"] = str(PREFECT_API_URL.value())
        yield
    _API_URL.clear()


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``textwash`` command line in a subprocess against the test Prefect server."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    if "url" in _API_URL:
        full_env.setdefault("PREFECT_API_URL", _API_URL["url"])
    return subprocess.run([sys.executable, "-m", "flows", *args], input=stdin, capture_output=True,
                          env=full_env, cwd=cwd or ROOT, timeout=timeout, check=False)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def outputs(out: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: read_jsonl(out / f"{name}.jsonl")
            for name in ("corpus", "duplicates", "rejects", "clusters", "audit")}


def assert_invariant(out: Path, expected_ids: set[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every input id exactly once across corpus, duplicates and rejects; audit has one line each."""
    o = outputs(out)
    ids = [r["id"] for name in ("corpus", "duplicates", "rejects") for r in o[name]]
    assert len(ids) == len(set(ids)), "an id appears more than once across corpus/duplicates/rejects"
    assert sorted(r["id"] for r in o["audit"]) == sorted(ids), "audit lines differ from the documents"
    if expected_ids is not None:
        assert set(ids) == expected_ids
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["input"] == len(ids)
    return o
