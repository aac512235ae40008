"""Redis-specific behaviour: an unreachable server gives a clear, bounded error."""

from __future__ import annotations

import time

import pytest

from flows.config import load_settings
from flows.index import IndexUnreachableError, open_index
from tests.conftest_redis import free_port, redis_url  # noqa: F401 - fixture


def test_unreachable_redis_names_the_address() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    settings = load_settings(overrides=[{"index": {"redis_retries": 3, "redis_retry_delay_s": 0.05}}])
    started = time.monotonic()
    with pytest.raises(IndexUnreachableError, match=f"{url} is unreachable after 3 attempts"):
        open_index(url, settings)
    assert time.monotonic() - started < 5


def test_meta_written_once_and_other_prefixes_independent(redis_url: str) -> None:  # noqa: F811
    a = load_settings(overrides=[{"index": {"redis_prefix": "pa"}}])
    b = load_settings(overrides=[{"index": {"redis_prefix": "pb"}, "minhash": {"shingle_words": 3}}])
    open_index(redis_url, a).close()
    open_index(redis_url, b).close()  # another prefix: another index with its own settings
    import redis

    client = redis.Redis.from_url(redis_url)
    assert client.hget("pa:meta", "format") == b"textwash-dedup-index"
    assert b'"shingle_words": 3' in client.hget("pb:meta", "params")
    client.close()
