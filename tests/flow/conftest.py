"""Flow-level tests run real Prefect flows against one session-scoped test server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def prefect_harness() -> Iterator[None]:
    from flows.prefect_env import configure

    configure()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``textwash`` command line in a subprocess (its own ephemeral Prefect)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "flows", *args], input=stdin, capture_output=True,
                          env=full_env, cwd=cwd, timeout=timeout, check=False)
