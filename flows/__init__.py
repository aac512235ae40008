"""textwash orchestration: configuration, input/output, the Prefect flow and the CLI."""
