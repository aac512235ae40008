"""A local Prefect API server for one run: in this process on a thread (default), or a subprocess.

With no ``PREFECT_API_URL``, Prefect's client starts an ephemeral server itself
(``prefect.server.api.server.SubprocessASGIServer``), and importing that class pulls the whole server
stack (FastAPI, SQLAlchemy, docket, redis, asyncpg, beartype: ~1,100 modules, ~80 MB RSS measured)
into the *calling* process, which never serves a request. :func:`start` launches the same server
subprocess (same uvicorn command and ``PREFECT__SERVER_EPHEMERAL`` flags as Prefect's, so it runs
only the ephemeral set of services) and points ``PREFECT_API_URL`` at it *before* Prefect is
imported, so the CLI keeps only the client, and the server boots while the CLI imports Prefect and
the pool workers load their rules.

``run.api_server = "thread"`` (the default) hosts the same app (``create_app(ephemeral=True,
final=True)``: the ephemeral set of services, no UI) in the CLI process instead, with uvicorn on a
daemon thread. The CLI already holds Prefect's client, pydantic, httpx and anyio, so the server's
own share costs ~100 MB instead of a second ~220 MB interpreter (measured, ``bench/RESULTS-mem.md``),
and a ``kill -9`` of the run ends the server with it. Its CPU (~10 s on 20,000 documents) then shares
the CLI's interpreter lock with the flow's task threads, which mostly wait on the process pool.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"

# Server settings for the run's own API server (each only a default: the user's environment wins).
# Registering block types at start first imports every installed Prefect collection (its
# ``prefect.collections`` entry points: prefect-dask, and with it dask.distributed, ~17 MB RSS of
# the CLI, measured) to hash their blocks, even when the database already holds them. The run's
# server has no UI, and the client registers a block's type itself when it saves one.
LOCAL_SERVER_SETTINGS = {
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}


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


def _await_start(started: Callable[[], bool], ended: Callable[[], str | None], stop: Callable[[], None],
                 timeout: float | None, poll_s: float) -> None:
    """Poll until ``started()``; raise if ``ended()`` gives a reason first or the time limit
    (``timeout``, else ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS``, else 120 s) passes."""
    limit = timeout if timeout is not None else float(os.environ.get(STARTUP_TIMEOUT_ENV, "120"))
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if started():
            return
        reason = ended()
        if reason:
            raise ServerStartError(reason)
        time.sleep(poll_s)
    stop()
    raise ServerStartError(f"the local Prefect API server did not start within {limit:.0f} s")


class _OnLocalPort:
    """A server on 127.0.0.1:``port``."""

    port: int

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"


@dataclass
class LocalServer(_OnLocalPort):
    """A running (or starting) server subprocess and its API URL."""

    port: int
    proc: subprocess.Popen[bytes]
    ready: bool = field(default=False)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until the server answers ``/api/health``; raise if it exits or times out first."""
        if not self.ready:
            _await_start(self._healthy, self._exited, self.stop, timeout, poll_s=0.1)
            self.ready = True

    def _exited(self) -> str | None:
        code = self.proc.poll()
        return None if code is None else f"the local Prefect API server exited with code {code}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class ThreadServer(_OnLocalPort):
    """The API server app served by uvicorn on a daemon thread of this process."""

    port: int
    server: Any  # uvicorn.Server
    thread: threading.Thread
    ready: bool = field(default=False)

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until uvicorn has started (the app's lifespan ran: database migrated, services up)."""
        if not self.ready:
            _await_start(lambda: bool(self.server.started), self._ended, self.stop, timeout, poll_s=0.05)
            self.ready = True

    def _ended(self) -> str | None:
        return None if self.thread.is_alive() else "the local Prefect API server thread ended before it started"

    def stop(self) -> None:
        """Shut uvicorn down (lifespan exit stops the services) and wait a little for the thread."""
        # events still buffered by the services are dropped at shutdown, as when the subprocess is
        # terminated; their ERROR lines would only confuse the CLI's own output
        for name in ("prefect.server", "uvicorn", "docket"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self.server.should_exit = True
        self.thread.join(timeout=10)


def drain_client(timeout: float = 10) -> None:
    """Send the events and logs Prefect's client still holds, while the server is up.

    Prefect drains these background services when the interpreter exits, after the run has stopped
    its server; they then retry against a closed port (measured: ~7 s added to every run's exit).
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (EventsWorker, APILogWorker):
        service.drain_all(timeout=timeout, at_exit=False)


_REVISION = re.compile(r"^revision\s*=\s*[\"']([0-9a-f]+)[\"']", re.M)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(.*)$", re.M)


def _newest_revision(versions: Path) -> str | None:
    """The one head of the Alembic migration scripts in ``versions`` (read as text, not imported), or
    None when there is not exactly one."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in versions.glob("*.py"):
        text = script.read_text(encoding="utf-8")
        found, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if found is None or down is None:
            return None  # not a script this reader understands: let Alembic decide
        revisions.add(found[1])
        parents.update(re.findall(r"[0-9a-f]{6,}", down[1]))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def database_is_current(url: str, versions: Path) -> bool:
    """True if ``url`` is a SQLite file whose Alembic revision is already the newest script in ``versions``.

    Prefect runs ``alembic upgrade`` at every server start; with nothing to do it still imports Alembic,
    Mako, Pygments and every migration script (~9 MB RSS of the CLI, measured), which stay loaded.
    Any doubt (another database, no file, several heads, unreadable): False, and Prefect migrates.
    """
    match = re.match(r"sqlite\+aiosqlite:///([^?]+)$", url)
    if not match or match[1] == ":memory:" or not Path(match[1]).is_file():
        return False
    head = _newest_revision(versions)
    if head is None:
        return False
    try:
        with contextlib.closing(sqlite3.connect(f"file:{match[1]}?mode=ro", uri=True, timeout=5)) as con:
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    return rows == [(head,)]


def _serve_current(server: Any) -> None:
    """``server.run()``, with Prefect's migrations at start skipped when the database needs none."""
    import prefect.server.database
    from prefect.settings import (
        PREFECT_API_DATABASE_CONNECTION_URL,
        PREFECT_API_DATABASE_MIGRATE_ON_START,
        temporary_settings,
    )

    versions = Path(prefect.server.database.__file__).parent / "_migrations" / "versions" / "sqlite"
    current = (PREFECT_API_DATABASE_MIGRATE_ON_START.value()
               and database_is_current(str(PREFECT_API_DATABASE_CONNECTION_URL.value()), versions))
    with temporary_settings({PREFECT_API_DATABASE_MIGRATE_ON_START: False}) if current else contextlib.nullcontext():
        server.run()


def _serve_in_thread(port: int) -> ThreadServer:
    import uvicorn
    from prefect.server.api.server import create_app

    app = create_app(ephemeral=True, final=True)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="on"))
    thread = threading.Thread(target=_serve_current, args=(server,), name="prefect-api-server", daemon=True)
    thread.start()
    return ThreadServer(port, server, thread)


def start_in_process() -> ThreadServer | None:
    """Serve the local API in this process unless ``PREFECT_API_URL`` is set; sets it to the server.

    Imports Prefect's server stack (call it after the pool workers were forked: it starts threads).
    Returns once uvicorn runs on its thread; :meth:`ThreadServer.wait_ready` waits for the start-up.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"  # before Prefect reads its settings
    for key, value in LOCAL_SERVER_SETTINGS.items():
        os.environ.setdefault(key, value)
    try:
        return _serve_in_thread(port)
    except BaseException:
        del os.environ["PREFECT_API_URL"]
        raise


def start() -> LocalServer | None:
    """Start a local API server subprocess unless ``PREFECT_API_URL`` is set; sets ``PREFECT_API_URL`` to it.

    Call before Prefect is imported (its settings are read at import). Returns at once: the caller
    overlaps its own start-up with the server's and calls :meth:`LocalServer.wait_ready` before the
    flow runs.
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    env = {**LOCAL_SERVER_SETTINGS, **os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
           "PREFECT__SERVER_FINAL": "1"}
    proc = subprocess.Popen(_command(port), env=env, stdin=subprocess.DEVNULL)
    server = LocalServer(port, proc)
    os.environ["PREFECT_API_URL"] = server.api_url
    return server

