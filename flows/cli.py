"""The ``textwash`` command line."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from flows.config import ConfigError, Settings, load_settings, parse_override

EXIT_OK, EXIT_RUNTIME, EXIT_USAGE = 0, 1, 2


def _settings(config: tuple[str, ...], sets: tuple[str, ...], extra: list[dict[str, Any]]) -> Settings:
    try:
        overrides = [parse_override(s) for s in sets] + extra
        return load_settings([Path(c) for c in config], overrides)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textwash")
def cli() -> None:
    """textwash: clean, repair and deduplicate scraped news text into an audited corpus."""


def _summary(report: dict[str, Any], out: Path, seconds: float) -> str:
    c = report["counts"]
    lines = [
        f"textwash: {c.get('input', 0)} documents in {seconds:.1f}s → {out}",
        f"  kept {c.get('kept', 0)}, duplicates {c.get('duplicates_exact', 0)} exact + "
        f"{c.get('duplicates_near', 0)} near in {c.get('clusters', 0)} clusters, rejected {c.get('rejected', 0)}",
    ]
    if report.get("reject_reasons"):
        reasons = ", ".join(f"{k} {v}" for k, v in report["reject_reasons"].items())
        lines.append(f"  reject reasons: {reasons}")
    if report.get("docs_changed_by_stage"):
        changed = ", ".join(f"{k} {v}" for k, v in sorted(report["docs_changed_by_stage"].items()))
        lines.append(f"  documents changed per stage: {changed}")
    return "\n".join(lines)


class _Progress:
    """A rich progress bar over shard tasks, shown only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self.bar = Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), transient=True)
            self.task = self.bar.add_task("shards", total=None)

    def __enter__(self) -> _Progress:
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar:
            self.bar.stop()

    def __call__(self, step: str, n: int) -> None:
        if not self.bar:
            return
        if step == "total":
            self.bar.update(self.task, total=n)
        else:
            self.bar.update(self.task, advance=n, description=step)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder.")
@click.option("--config", "-c", multiple=True, type=click.Path(dir_okay=False),
              help="TOML file overlaid on config/default.toml (repeatable).")
@click.option("--set", "sets", multiple=True, metavar="SECTION.KEY=VALUE", help="Override one setting.")
@click.option("--workers", "-w", type=click.IntRange(min=0), help="Worker processes (0 = all cores).")
@click.option("--verbose", "-v", is_flag=True, help="Show Prefect's INFO lines.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--index", "index", metavar="PATH|redis://HOST:PORT/DB",
              help="Persistent dedup index: dedup against all earlier runs, then add this run's documents.")
@click.option("--dask-address", metavar="tcp://HOST:PORT",
              help="Run the shard tasks on an existing Dask cluster (extra 'dask'; shared filesystem).")
def clean(inputs: tuple[str, ...], out: Path, config: tuple[str, ...], sets: tuple[str, ...],
          workers: int | None, verbose: bool, no_progress: bool, index: str | None,
          dask_address: str | None) -> None:
    """Clean INPUTs (folders, .txt/.md/.jsonl/.jsonl.gz files, or - for JSONL on stdin) into OUT."""
    extra: list[dict[str, Any]] = []
    if workers is not None:
        extra.append({"run": {"workers": workers}})
    if index:
        from flows.index import is_redis

        extra.append({"index": {"path": index if is_redis(index) else str(Path(index).resolve())}})
    settings = _settings(config, sets, extra)
    for arg in inputs:
        if arg != "-" and not Path(arg).exists():
            raise click.UsageError(f"input not found: {arg}")
    if out.exists() and not out.is_dir():
        raise click.UsageError(f"--out {out} exists and is not a folder")

    if settings.index.path:  # fail before any work if the index is unreachable, damaged or incompatible
        from flows.index import DedupIndexError, open_index

        try:
            open_index(settings.index.path, settings).close()
        except DedupIndexError as exc:
            raise click.ClickException(str(exc)) from exc
    from flows.prefect_env import configure

    configure(verbose)
    from flows import prefect_server, reaper, workers

    # the pool first: forked while this process has one thread and no Prefect (flows/workers.py)
    pool, forked = None, True
    if not dask_address:
        pool, forked = workers.fork_pool(settings.run.workers or os.cpu_count() or 1, settings.model_dump_json())
    in_process = settings.run.api_server == "thread"
    # after a kill -9 the watchdog ends what would outlive this process: a server subprocess, a
    # forkserver pool (forked workers and a server thread end with it)
    watchdog = None if forked and in_process else reaper.start()
    # a subprocess server boots while Prefect is imported here (it needs PREFECT_API_URL first)
    api_server = prefect_server.start_in_process() if in_process else prefect_server.start()
    from flows.flow import run_local
    from flows.inputs import InputError

    started = time.perf_counter()
    try:
        with _Progress(settings.run.progress and not no_progress) as progress:
            report = run_local(list(inputs), out, settings, progress, dask_address=dask_address,
                               api_server=api_server, watchdog=watchdog or False, pool=pool)
    except InputError as exc:
        raise click.UsageError(str(exc)) from exc
    except Exception as exc:
        # imported only now: flows.index needs numpy, which this process otherwise never loads
        from flows.index import DedupIndexError

        if isinstance(exc, DedupIndexError):
            raise click.ClickException(str(exc)) from exc
        raise
    click.echo(_summary(report, out, time.perf_counter() - started), err=True)


@cli.command()
@click.option("--cron", required=True, help='Schedule, e.g. "0 * * * *" (UTC).')
@click.option("--input", "input_dir", required=True, help="Folder watched for new input files.",
              type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output root: one dated partition per run, plus ingest-state.json.")
@click.option("--index", metavar="PATH|redis://HOST:PORT/DB",
              help="Persistent dedup index (default: OUT/dedup-index.sqlite).")
@click.option("--name", default="textwash-ingest", show_default=True, help="Deployment name.")
@click.option("--config", "-c", multiple=True, type=click.Path(dir_okay=False))
@click.option("--set", "sets", multiple=True, metavar="SECTION.KEY=VALUE")
@click.option("--workers", "-w", type=click.IntRange(min=0), help="Worker processes per run (0 = all cores).")
def serve(cron: str, input_dir: Path, out: Path, index: str | None, name: str, config: tuple[str, ...],
          sets: tuple[str, ...], workers: int | None) -> None:
    """Serve scheduled ingestion: each run cleans the new files of --input into a dated partition of --out."""
    import os

    from flows.serve import deployment_parameters, ingest_settings
    from flows.serve import serve as serve_deployment

    try:
        ingest_settings(out, list(config), list(sets), index, workers)  # validate before serving
    except (ConfigError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    if not os.environ.get("PREFECT_API_URL"):
        click.echo("textwash: warning: PREFECT_API_URL is not set; schedules need a Prefect server "
                   "(prefect server start), the ephemeral one never creates scheduled runs", err=True)
    from flows.prefect_env import configure

    configure(False)
    serve_deployment(name, cron, deployment_parameters(input_dir, out, config, sets, index, workers))


@cli.command("config")
@click.option("--config", "-c", multiple=True, type=click.Path(dir_okay=False))
@click.option("--set", "sets", multiple=True, metavar="SECTION.KEY=VALUE")
def show_config(config: tuple[str, ...], sets: tuple[str, ...]) -> None:
    """Validate and print the effective configuration as JSON."""
    click.echo(json.dumps(_settings(config, sets, []).dump(), indent=2))


@cli.command()
@click.argument("doc_id")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder of a run (duplicates.jsonl, clusters.jsonl).")
@click.option("--index", "index", metavar="PATH|redis://HOST:PORT/DB", help="Dedup index to look in.")
@click.option("--config", "-c", multiple=True, type=click.Path(dir_okay=False))
@click.option("--set", "sets", multiple=True, metavar="SECTION.KEY=VALUE")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def explain(doc_id: str, out: Path | None, index: str | None, config: tuple[str, ...], sets: tuple[str, ...],
            as_json: bool) -> None:
    """Explain the dedup decision for DOC_ID: what it duplicated, the similarity, and its cluster."""
    from flows.explain import explain_doc, render

    if out is None and index is None:
        raise click.UsageError("give --out (a run's output folder) and/or --index")
    if out is not None and not out.is_dir():
        raise click.UsageError(f"--out {out} is not a folder")
    from flows.index import DedupIndexError

    try:
        info = explain_doc(doc_id, out, index, _settings(config, sets, []) if index else None)
    except DedupIndexError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(info, ensure_ascii=False, indent=2) if as_json else render(info))
    if not info["found"]:
        sys.exit(EXIT_RUNTIME)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_RUNTIME)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if isinstance(exc, click.UsageError | click.BadParameter) else exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if "-v" in sys.argv or "--verbose" in sys.argv:
            import traceback

            traceback.print_exc()
        click.echo(f"textwash: error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_RUNTIME)


if __name__ == "__main__":
    main()
