"""Scheduled ingestion: each run cleans only the input files not processed before into a new dated partition.

``textwash serve --cron ... --input DIR --out DIR`` serves :func:`ingest_flow` with ``flow.serve``;
``prefect.yaml`` at the repository root deploys the same flow to a work pool. Schedules need a real
Prefect server (``PREFECT_API_URL``): the ephemeral server never creates scheduled runs.

Each run:
1. lists the input files under ``input_dir`` and keeps those not in ``OUT/ingest-state.json``
   (path + size + mtime, see :mod:`flows.ingest_state`);
2. cleans them with the normal clean flow (a subflow, local process pool) into
   ``OUT/<YYYY-MM-DDTHHMMSSZ>/`` named after the run's scheduled time, so a retried run reuses its
   partition and resumes from the partition's work folder;
3. deduplicates against everything ingested earlier through the persistent dedup index
   (``index.path``; default ``OUT/dedup-index.sqlite``);
4. records the files as processed only after the partition is complete.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows.config import Settings, load_settings, parse_override
from flows.ingest_state import STATE_NAME, IngestState, candidate_files

DEFAULT_INDEX_NAME = "dedup-index.sqlite"


def ingest_settings(out_root: Path, config_files: list[str] | None = None, sets: list[str] | None = None,
                    index: str | None = None, workers: int | None = None) -> Settings:
    """The settings of an ingestion run; the dedup index defaults to one inside ``out_root``."""
    overrides: list[dict[str, Any]] = [parse_override(s) for s in sets or []]
    if workers is not None:
        overrides.append({"run": {"workers": workers}})
    if not index:
        index = str(out_root.resolve() / DEFAULT_INDEX_NAME)
    elif "://" not in index:
        index = str(Path(index).resolve())
    overrides.append({"index": {"path": index}})
    return load_settings([Path(c) for c in config_files or []], overrides)


def partition_name(when: datetime | None = None) -> str:
    when = (when or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H%M%SZ")


def _free_partition(out: Path, name: str) -> Path:
    """``out/name``, unless a completed partition has that name (two runs in one second): then ``name-N``."""
    partition, n = out / name, 1
    while (partition / "report.json").exists():
        partition, n = out / f"{name}-{n}", n + 1
    return partition


def _scheduled_time() -> datetime | None:
    try:
        from prefect.runtime import flow_run

        value = flow_run.scheduled_start_time
        return value if isinstance(value, datetime) else None
    except Exception:  # outside a flow run
        return None


@flow(name="textwash-ingest", log_prints=False, validate_parameters=True)
def ingest_flow(input_dir: str, out_root: str, config_files: list[str] | None = None,
                sets: list[str] | None = None, index: str | None = None,
                workers: int | None = None) -> dict[str, Any]:
    """Clean the new files of ``input_dir`` into a new partition of ``out_root``."""
    from flows.flow import run_local

    logger = get_run_logger()
    out = Path(out_root)
    settings = ingest_settings(out, config_files, sets, index, workers)
    state = IngestState(out / STATE_NAME)
    exts = settings.input.text_extensions + settings.input.jsonl_extensions
    new = state.new_files(candidate_files(Path(input_dir), exts))
    if not new:
        logger.info("no new input files in %s", input_dir)
        return {"new_files": 0, "partition": None}
    partition = _free_partition(out, partition_name(_scheduled_time()))
    logger.info("%d new input files -> %s", len(new), partition)
    report = run_local([s.path for s in new], partition, settings)
    state.record(new, partition.name)
    return {"new_files": len(new), "partition": str(partition), "counts": report["counts"]}


def deployment_parameters(input_dir: Path, out: Path, config_files: tuple[str, ...] = (),
                          sets: tuple[str, ...] = (), index: str | None = None,
                          workers: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"input_dir": str(input_dir.resolve()), "out_root": str(out.resolve())}
    if config_files:
        params["config_files"] = [str(Path(c).resolve()) for c in config_files]
    if sets:
        params["sets"] = list(sets)
    if index:
        params["index"] = index
    if workers is not None:
        params["workers"] = workers
    return params


def build_deployment(name: str, cron: str, parameters: dict[str, Any]) -> Any:
    """The served deployment (a ``RunnerDeployment``); building it needs no server."""
    return ingest_flow.to_deployment(name=name, cron=cron, parameters=parameters,
                                     description="textwash scheduled ingestion: new files -> dated partition")


def serve(name: str, cron: str, parameters: dict[str, Any]) -> None:
    """Serve the ingestion deployment until interrupted (needs ``PREFECT_API_URL``)."""
    from prefect import serve as prefect_serve

    prefect_serve(build_deployment(name, cron, parameters))
