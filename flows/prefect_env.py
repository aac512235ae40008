"""Quiet, local-first Prefect settings, applied before Prefect is imported."""

from __future__ import annotations

import os


def configure(verbose: bool = False) -> None:
    """Ephemeral local mode unless ``PREFECT_API_URL`` is set; no telemetry; no INFO lines unless verbose."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # a loaded machine can need more than the default 20 s to start the ephemeral server
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_TELEMETRY_ENABLE_RESOURCE_METRICS", "false")
    level = "INFO" if verbose else "WARNING"
    # a failed run: the CLI prints one line itself; Prefect's ERROR lines carry tracebacks (--verbose)
    run_level = "INFO" if verbose else "CRITICAL"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", run_level)
    os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_TASK_RUNS_LEVEL", run_level)
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "WARNING")
