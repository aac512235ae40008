"""The CLI's own local Prefect API server (flows/prefect_server.py), without the session server:
in the CLI process on a thread (``run.api_server = "thread"``, the default) or a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.flow.conftest import ROOT, read_jsonl

SCRIPT = """
import sys, threading
from flows.cli import main
sys.argv = ["textwash", "clean", sys.argv[1], "--out", sys.argv[2], "--no-progress", "--workers", "1",
            "--set", "run.api_server=" + sys.argv[3]]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("SERVER-MODULES", sorted({m.split(".")[2] for m in sys.modules if m.startswith("prefect.server.")}))
print("THREADS", [t.name for t in threading.enumerate() if t.name == "prefect-api-server"])
print("LOADED", sorted({m for m in ("distributed", "prefect_dask", "alembic") if m in sys.modules}))
"""


def _run(tmp_path: Path, mode: str, env_extra: dict[str, str] | None = None) -> tuple[str, Path]:
    src = ROOT / "tests" / "data" / "news"
    docs = next(p for p in sorted(src.iterdir()) if p.suffix == ".jsonl")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = str(ROOT)
    env.update(env_extra or {})
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(docs), str(out), mode], capture_output=True,
                          env=env, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert "Traceback" not in proc.stderr.decode(), proc.stderr.decode()[-2000:]  # a quiet shutdown
    kept = read_jsonl(out / "corpus.jsonl")
    assert len(kept) > 100
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["counts"]["kept"] == len(kept)
    return proc.stdout.decode(), out


def test_cli_serves_prefect_api_on_a_thread_and_stops_it(tmp_path):
    home = tmp_path / "prefect-home"  # a new database: the server must migrate it
    stdout, _ = _run(tmp_path, "thread", {"PREFECT_HOME": str(home)})
    modules = next(ln for ln in stdout.splitlines() if ln.startswith("SERVER-MODULES"))
    assert "api" in modules and "database" in modules, modules  # the app ran in this process
    assert "THREADS []" in stdout  # and its thread ended with the run
    # no block registration at start: installed collections (prefect-dask, dask.distributed) not imported
    loaded = next(ln for ln in stdout.splitlines() if ln.startswith("LOADED"))
    assert "distributed" not in loaded and "prefect_dask" not in loaded, loaded
    # Alembic migrated the new database to the revision our text reading of the scripts finds newest,
    # so the next run skips the migrations
    import prefect.server.database

    from flows.prefect_server import database_is_current

    versions = Path(prefect.server.database.__file__).parent / "_migrations" / "versions" / "sqlite"
    assert database_is_current(f"sqlite+aiosqlite:///{home / 'prefect.db'}", versions)


@pytest.mark.slow
def test_cli_runs_on_a_server_subprocess_without_importing_prefect_server(tmp_path):
    stdout, _ = _run(tmp_path, "subprocess")
    line = next(ln for ln in stdout.splitlines() if ln.startswith("SERVER-MODULES"))
    # the client side may touch a few schema modules, never the app, database or services
    assert "api" not in line and "database" not in line and "services" not in line, line
