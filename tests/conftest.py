"""Shared fixtures. Unit tests here never import Prefect; flow tests live in tests/flow/."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The shipped default configuration."""
    return load_settings()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
