"""Regression tests for problems found in the review of 2026-11-22's merges."""

from __future__ import annotations

from flows.config import load_settings


def test_boilerplate_options_stay_hashable() -> None:
    """Stage options are frozen models; like the other category lists, ``title_far_before`` must be a
    tuple so the options hash (usable as a cache key, as ``whitespace._invisible_pass`` does with its own)."""
    opts = load_settings().boilerplate
    assert hash(opts) == hash(opts.model_copy())
    assert opts.title_far_before == ("byline", "timestamp")
