"""The fast paths of reading JSONL records give exactly what the plain standard-library way gives."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.inputs import _SIMPLE_URL, _loads_record, _reject_constant, _site_from_record

NEWS = Path(__file__).parent / "data" / "news"


def _plain(line: bytes) -> str:
    """The old way: ``json.loads`` with non-standard constants refused; the value's repr or the error."""
    try:
        return repr(json.loads(line, parse_constant=_reject_constant))
    except RecursionError:
        return "RecursionError"
    except ValueError as exc:
        return f"{type(exc).__name__}: {exc}"


def _fast(line: bytes) -> str:
    try:
        return repr(_loads_record(line))
    except RecursionError:
        return "RecursionError"
    except ValueError as exc:
        return f"{type(exc).__name__}: {exc}"


TRICKY = [
    b'{"x":18446744073709551615}', b'{"x":18446744073709551616}', b'{"x":-9223372036854775809}',
    b'{"m":{"n":[1,99999999999999999999999,"s"]}}', b'{"x":' + b"1" * 300 + b"}", b'{"x":' + b"1" * 5000 + b"}",
    b'{"x":1E400}', b'{"x":-1e309}', b'{"x":1e19}', b'{"x":NaN}', b'{"x":-Infinity}', b'{"x":-0}', b'{"x":-0.0}',
    b'{"x":0.1000000000000000055511151231257827}', b'{"x":5e-324}', b'{"x":1e-400}',
    b'{"x":"\\ud800"}', b'{"x":"\\ud83d\\ude00"}', b'{"x":"\xed\xa0\x80"}', b'{"x":"\xff"}', b'{"x":"a\x01b"}',
    b'{"a":1,"b":2,"a":3}', b'{"x":1}\x00', b'{"x":1.}', b'{"x":01}', b'\xff\xfe{\x00}\x00', b"",
    b'{"x":"\\u0000"}', b'  {"t":"a"}  \r\n',
    *(b"[" * d + b"]" * d for d in (99, 100, 101, 500, 990, 1000, 1024, 1025)),
    *(b'{"a":' * d + b"1" + b"}" * d for d in (100, 101, 1000, 1030)),
]


@pytest.mark.parametrize("line", TRICKY)
def test_record_parse_equals_json_on_edge_cases(line: bytes) -> None:
    assert _fast(line) == _plain(line)


def test_record_parse_equals_json_on_real_articles() -> None:
    lines = [ln for f in sorted(NEWS.glob("*.jsonl")) for ln in f.read_bytes().splitlines()]
    assert lines
    for line in lines:
        assert _fast(line) == _plain(line)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_record_parse_equals_json_on_generated_values(value: object) -> None:
    for line in (json.dumps(value).encode(), json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")):
        assert _fast(line) == _plain(line)


URL_PARTS = st.sampled_from(["http://", "https://", "HTTP://", "www.", "a", "B", "-", ".", ":", "80", "@", "/",
                             "?", "#", "\n", "\t", " ", "[", "]", "é", "x.com", "\x00", "\\", "%", "ex-1"])


def _hostname(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


@settings(max_examples=1500, deadline=None)
@given(st.lists(URL_PARTS, max_size=10).map("".join))
def test_simple_url_host_is_urlsplit_hostname(url: str) -> None:
    simple = _SIMPLE_URL.match(url)
    if simple:
        assert simple[1] == _hostname(url)


@pytest.mark.parametrize(("url", "site"), [
    ("https://news11.example.com/a/8836", "news11.example.com"), ("https://www.example.org", "example.org"),
    ("http://a.com:80/x", "a.com"), ("https://A.COM/x", "a.com"), ("https://a.com\n", "a.com"),
    ("https://user@a.com/", "a.com"), ("https://[::1]/", "::1"), ("https:/a.com", "default"), ("x", "default"),
])
def test_site_from_url(url: str, site: str) -> None:
    assert _site_from_record({"url": url}, "default") == site
