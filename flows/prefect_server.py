"""A local Prefect API server for one run, started without importing Prefect's server code here.

With no ``PREFECT_API_URL``, Prefect's client starts an ephemeral server itself
(``prefect.server.api.server.SubprocessASGIServer``), and importing that class pulls the whole server
stack (FastAPI, SQLAlchemy, docket, redis, asyncpg, beartype: ~1,100 modules, ~80 MB RSS measured)
into the *calling* process, which never serves a request. :func:`start` launches the same server
subprocess (same uvicorn command and ``PREFECT__SERVER_EPHEMERAL`` flags as Prefect's, so it runs
only the ephemeral set of services) and points ``PREFECT_API_URL`` at it *before* Prefect is
imported, so the CLI keeps only the client, and the server boots while the CLI imports Prefect and
the pool workers load their rules.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


class ServerStartError(RuntimeError):
    """The local API server did not become healthy."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command(port: int) -> list[str]:
    spec = importlib.util.find_spec("prefect")
    app_dir = Path(spec.origin).parent.parent if spec and spec.origin else Path(".")
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]


@dataclass
class LocalServer:
    """A running (or starting) server subprocess and its API URL."""

    port: int
    proc: subprocess.Popen[bytes]
    ready: bool = field(default=False)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until the server answers ``/api/health``; raise if it exits or times out first."""
        if self.ready:
            return
        limit = timeout if timeout is not None else float(os.environ.get(STARTUP_TIMEOUT_ENV, "120"))
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerStartError(f"the local Prefect API server exited with code {self.proc.returncode}")
            if self._healthy():
                self.ready = True
                return
            time.sleep(0.1)
        self.stop()
        raise ServerStartError(f"the local Prefect API server did not start within {limit:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start() -> LocalServer | None:
    """Start a local API server unless ``PREFECT_API_URL`` is set; sets ``PREFECT_API_URL`` to it.

    Call before Prefect is imported (its settings are read at import). Returns at once: the caller
    overlaps its own start-up with the server's and calls :meth:`LocalServer.wait_ready` before the
    flow runs.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
           "PREFECT__SERVER_FINAL": "1"}
    proc = subprocess.Popen(_command(port), env=env, stdin=subprocess.DEVNULL)
    server = LocalServer(port, proc)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server

