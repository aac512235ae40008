"""Scheduled ingestion: deployment schedule, only-new-files runs into dated partitions, a real server run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from flows.ingest_state import STATE_NAME
from flows.serve import build_deployment, deployment_parameters, ingest_flow
from tests.flow.corpus import ARTICLES

pytestmark = pytest.mark.flow
ROOT = Path(__file__).resolve().parents[2]


def _write_docs(path: Path, start: int, count: int) -> list[str]:
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()[start:start + count]
    ids = []
    with path.open("w", encoding="utf-8") as fh:
        for line in lines:
            rec = json.loads(line)
            ids.append(rec["id"])
            fh.write(json.dumps({"id": rec["id"], "text": rec["text"]}, ensure_ascii=False) + "\n")
    return ids


def _corpus_ids(partition: Path) -> set[str]:
    return {json.loads(line)["id"] for line in (partition / "corpus.jsonl").open(encoding="utf-8")}


def _partitions(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_prefect_yaml_deployment_carries_the_cron_schedule() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (dep,) = spec["deployments"]
    assert dep["schedules"][0]["cron"] == "0 * * * *"
    assert dep["entrypoint"] == "flows/serve.py:ingest_flow"
    from prefect.flows import load_flow_from_entrypoint

    loaded = load_flow_from_entrypoint(str(ROOT / dep["entrypoint"]))
    assert loaded.name == "textwash-ingest"
    assert set(dep["parameters"]) <= set(loaded.parameters.properties)


def test_served_deployment_carries_the_cron_schedule(tmp_path: Path) -> None:
    params = deployment_parameters(tmp_path, tmp_path / "out", workers=1)
    dep = build_deployment("nightly", "30 2 * * *", params)
    assert dep.name == "nightly"
    assert [s.schedule.cron for s in dep.schedules] == ["30 2 * * *"]
    assert dep.parameters["input_dir"] == str(tmp_path.resolve())


def test_each_run_ingests_only_new_files(tmp_path: Path) -> None:
    incoming, out = tmp_path / "in", tmp_path / "out"
    incoming.mkdir()
    first = _write_docs(incoming / "a.jsonl", 0, 6) + _write_docs(incoming / "b.jsonl", 6, 6)
    r1 = ingest_flow(str(incoming), str(out), workers=1)
    assert r1["new_files"] == 2
    (p1,) = _partitions(out)
    assert _corpus_ids(p1) == set(first)
    assert json.loads((p1 / "report.json").read_text(encoding="utf-8"))["counts"]["input"] == 12

    second = _write_docs(incoming / "c.jsonl", 20, 5)
    r2 = ingest_flow(str(incoming), str(out), workers=1)
    assert r2["new_files"] == 1
    p2 = Path(r2["partition"])
    assert p2 != p1 and p2 in _partitions(out)
    assert _corpus_ids(p2) == set(second)  # a.jsonl and b.jsonl were not processed again

    assert ingest_flow(str(incoming), str(out), workers=1) == {"new_files": 0, "partition": None}
    assert len(_partitions(out)) == 2

    time.sleep(0.01)
    _write_docs(incoming / "a.jsonl", 30, 3)  # rewritten file: ingested again
    r4 = ingest_flow(str(incoming), str(out), workers=1)
    assert r4["new_files"] == 1
    state = json.loads((out / STATE_NAME).read_text(encoding="utf-8"))["files"]
    assert sorted(Path(p).name for p in state) == ["a.jsonl", "b.jsonl", "c.jsonl"]
    assert state[str((incoming / "a.jsonl").resolve())]["partition"] == Path(r4["partition"]).name


def test_later_runs_dedup_against_earlier_partitions(tmp_path: Path) -> None:
    incoming, out = tmp_path / "in", tmp_path / "out"
    incoming.mkdir()
    first = _write_docs(incoming / "a.jsonl", 40, 4)
    r1 = ingest_flow(str(incoming), str(out), workers=1)
    assert (out / "dedup-index.sqlite").exists()
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()
    syndicated = json.loads(lines[41])["text"]
    with (incoming / "b.jsonl").open("w", encoding="utf-8") as fh:  # a re-post of one earlier article
        fh.write(json.dumps({"id": "repost", "text": "Breaking\n\n" + syndicated}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "fresh", "text": json.loads(lines[50])["text"]}, ensure_ascii=False) + "\n")
    r2 = ingest_flow(str(incoming), str(out), workers=1)
    p2 = Path(r2["partition"])
    dups = [json.loads(line) for line in (p2 / "duplicates.jsonl").open(encoding="utf-8")]
    assert [(d["id"], d["duplicate_of"]) for d in dups] == [("repost", first[1])]
    assert dups[0]["duplicate_of_run"] and Path(r1["partition"]).name in dups[0]["duplicate_of_run"]
    assert _corpus_ids(p2) == {"fresh"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("prefect server exited")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("prefect server did not become healthy")


@pytest.mark.slow
def test_real_server_runs_the_served_deployment(tmp_path: Path) -> None:
    """``prefect server start`` + ``textwash serve``; a triggered run writes a partition."""
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_HOME": str(tmp_path / "prefect-home"),
           "PREFECT_API_URL": api, "PREFECT_RUNNER_POLL_FREQUENCY": "2",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    incoming, out = tmp_path / "in", tmp_path / "out"
    incoming.mkdir()
    ids = _write_docs(incoming / "a.jsonl", 40, 8)
    prefect = str(Path(sys.executable).parent / "prefect")
    server = subprocess.Popen([prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env={k: v for k, v in env.items() if k != "PREFECT_API_URL"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        _wait_healthy(api, server)
        served = subprocess.Popen([sys.executable, "-m", "flows", "serve", "--cron", "0 0 1 1 *",
                                   "--input", str(incoming), "--out", str(out), "--name", "test",
                                   "--workers", "1"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        from prefect.client.orchestration import get_client
        from prefect.deployments import run_deployment
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: api}):
            deadline = time.monotonic() + 120
            deployment = None
            while deployment is None and time.monotonic() < deadline:
                try:
                    with get_client(sync_client=True) as client:
                        deployment = client.read_deployment_by_name("textwash-ingest/test")
                except Exception:
                    time.sleep(1)
            assert deployment is not None, "textwash serve did not register its deployment"
            assert [s.schedule.cron for s in deployment.schedules] == ["0 0 1 1 *"]
            run = run_deployment("textwash-ingest/test", timeout=300, poll_interval=2)
            assert run.state is not None and run.state.is_completed(), run.state
        (partition,) = _partitions(out)
        assert _corpus_ids(partition) == set(ids)
        assert (out / STATE_NAME).exists()
    finally:
        for proc in (served, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
