"""The CLI's own local Prefect API server (flows/prefect_server.py), without the session server."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.flow.conftest import ROOT, read_jsonl

SCRIPT = """
import sys
from flows.cli import main
sys.argv = ["textwash", "clean", sys.argv[1], "--out", sys.argv[2], "--no-progress", "--workers", "1"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("SERVER-MODULES", sorted({m.split(".")[2] for m in sys.modules if m.startswith("prefect.server.")}))
"""


def test_cli_runs_on_its_own_server_without_importing_prefect_server(tmp_path):
    src = ROOT / "tests" / "data" / "news"
    docs = next(p for p in sorted(src.iterdir()) if p.suffix == ".jsonl")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PYTHONPATH"] = str(ROOT)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(docs), str(out)], capture_output=True, env=env,
                          cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    line = next(ln for ln in proc.stdout.decode().splitlines() if ln.startswith("SERVER-MODULES"))
    # the client side may touch a few schema modules, never the app, database or services
    assert "api" not in line and "database" not in line and "services" not in line, line
    kept = read_jsonl(out / "corpus.jsonl")
    assert len(kept) > 100
    assert (out / "report.json").exists()
