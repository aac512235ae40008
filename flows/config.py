"""The one validated configuration object, loaded from ``config/default.toml`` plus overrides."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cleaners.options import (  # the models only: no cleaner is imported here (cleaners/options.py)
    BoilerplateOptions,
    DecodeOptions,
    EncodingOptions,
    FragmentOptions,
    LanguageOptions,
    LshOptions,
    MinHashOptions,
    WhitespaceOptions,
)


class ConfigError(ValueError):
    """A configuration file or override is invalid; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunOptions(_Section):
    workers: int = Field(ge=0)
    shard_size: int = Field(ge=1)
    progress: bool
    keep_work_dir: bool
    batch_docs: int = Field(ge=1)  # documents a worker runs through each stage in a row (same output)
    batch_chars: int = Field(ge=1)  # ... fewer once they hold this many characters (bounds memory)
    api_server: Literal["thread", "subprocess"]


class InputOptions(_Section):
    text_extensions: tuple[str, ...]
    jsonl_extensions: tuple[str, ...]
    follow_symlinks: bool
    max_doc_bytes: int = Field(gt=0)
    max_file_bytes: int = Field(gt=0)


class FilterOptions(_Section):
    min_chars: int = Field(ge=1)


class DedupOptions(_Section):
    exact: bool
    near: bool
    keep: str = Field(pattern="^(longest|earliest|first|first-seen)$")
    date_fields: tuple[str, ...]


class IndexOptions(_Section):
    path: str
    lock_timeout_s: float = Field(ge=0)
    check: str = Field(pattern="^(schema|quick)$")
    query_batch: int = Field(ge=1)
    redis_prefix: str = Field(min_length=1)
    redis_retries: int = Field(ge=1)
    redis_retry_delay_s: float = Field(ge=0)
    redis_timeout_s: float = Field(gt=0)
    redis_lock_ttl_s: int = Field(ge=1)


class Settings(_Section):
    run: RunOptions
    input: InputOptions
    decode: DecodeOptions
    encoding: EncodingOptions
    whitespace: WhitespaceOptions
    boilerplate: BoilerplateOptions
    language: LanguageOptions
    fragments: FragmentOptions
    filter: FilterOptions
    minhash: MinHashOptions
    lsh: LshOptions
    dedup: DedupOptions
    index: IndexOptions

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def config_dir() -> Path:
    """The folder with ``default.toml`` and the rule files (``TEXTWASH_CONFIG_DIR`` overrides)."""
    env = os.environ.get("TEXTWASH_CONFIG_DIR")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "config"


def _merge(base: dict[str, Any], over: dict[str, Any], where: str = "") -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        path = f"{where}{key}"
        if key not in base:
            raise ConfigError(f"unknown configuration key {path!r}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise ConfigError(f"configuration key {path!r} must be a table")
            out[key] = _merge(base[key], value, f"{path}.")
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"configuration file {path} is not valid TOML: {exc}") from exc


def parse_override(item: str) -> dict[str, Any]:
    """``section.key=value`` (value parsed as TOML, else taken as a string) to a nested dict."""
    key, sep, raw = item.partition("=")
    if not sep or "." not in key:
        raise ConfigError(f"override {item!r} is not of the form section.key=value")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    nested: dict[str, Any] = value
    for part in reversed(key.strip().split(".")):
        nested = {part: nested}
    return nested


def load_settings(files: list[Path] | None = None, overrides: list[dict[str, Any]] | None = None) -> Settings:
    """Default config, overlaid by ``files`` then ``overrides``; validated. Raises :class:`ConfigError`."""
    data = _read_toml(config_dir() / "default.toml")
    for path in files or []:
        data = _merge(data, _read_toml(Path(path)))
    for over in overrides or []:
        data = _merge(data, over)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
