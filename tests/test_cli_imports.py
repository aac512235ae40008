"""The CLI process (which hosts Prefect) never imports the cleaners or numpy: only workers do."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from flows import workers

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "ftfy", "regex", "langdetect", "flows.stages", "flows.pipeline", "cleaners.lsh")


def _loaded_after(code: str) -> list[str]:
    probe = f"import sys\n{code}\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_config_and_cli_modules_import_no_cleaner() -> None:
    code = ("import flows.cli, flows.config, flows.work, flows.workers, flows.prefect_server, flows.reaper\n"
            "from flows.config import load_settings\nload_settings()")
    assert _loaded_after(code) == []


def test_the_probe_sees_a_cleaner_import() -> None:  # the check above can fail
    assert "numpy" in _loaded_after("import flows.stages")


def test_a_step_named_resolves_in_flows_stages() -> None:
    from flows import stages

    assert workers.step("clean_shard") is stages.clean_shard
    assert workers.step(len) is len
    with pytest.raises(AttributeError):
        workers.step("no_such_step")


def test_options_models_are_the_cleaners_own() -> None:
    from cleaners import encoding, minhash, options
    from flows.config import Settings, load_settings

    assert encoding.EncodingOptions is options.EncodingOptions
    assert minhash.MinHashOptions is options.MinHashOptions
    settings = load_settings()
    assert isinstance(settings, Settings)
    with pytest.raises(ValueError, match="unknown code page"):  # the moved validator still runs
        options.EncodingOptions.model_validate({**settings.encoding.model_dump(), "legacy_codecs": ["nope-42"]})
