"""Base class for stage options. Values come from ``config/default.toml``; models hold no defaults."""

from pydantic import BaseModel, ConfigDict


class Options(BaseModel):
    """Strict, immutable options: unknown keys and wrong types are configuration errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)
