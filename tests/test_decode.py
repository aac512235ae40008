"""Bytes to text: BOMs, BOM-less UTF-16, legacy encodings on real articles, binary rejection."""

from __future__ import annotations

import gzip
import io
import random
import zipfile

import pytest

from cleaners.decode import DecodeOptions, decode_bytes
from tests.repair_data import articles

CHINESE = (
    "乌克兰总统泽连斯基周日表示，俄罗斯军队在东部地区发动了新的攻势。"
    "与此同时，西方国家宣布了新的制裁措施，外交部发言人说，谈判仍在继续。"
)


@pytest.fixture(scope="module")
def opts(settings) -> DecodeOptions:
    return settings.decode


def _article(word: str) -> str:
    """The first article containing ``word`` (real text in the language we need)."""
    return next(a["text"] for a in articles() if word in a["text"])


def _check(data: bytes, expected: str, opts: DecodeOptions) -> str:
    result = decode_bytes(data, opts)
    assert result.reject is None
    assert result.text == expected
    encoding = result.info["encoding"]
    assert result.edits and result.edits[0].after == encoding  # the audit names the codec
    return encoding


@pytest.mark.parametrize(
    ("word", "codec", "family"),
    [
        ("что", "cp1251", {"cp1251"}),
        ("что", "koi8_r", {"koi8_r", "koi8_u"}),
        ("。", "shift_jis", {"shift_jis", "cp932"}),
        ("the", "cp1252", {"cp1252"}),
        ("ção", "latin-1", {"cp1252", "latin_1", "iso8859_15"}),
        ("für", "latin-1", {"cp1252", "latin_1", "iso8859_15"}),
    ],
)
def test_legacy_encodings_of_real_articles(word, codec, family, opts):
    text = _article(word)[:3000]
    data = text.encode(codec, errors="replace")
    expected = data.decode(codec)  # characters the code page lacks became '?'
    if data.isascii():
        pytest.skip("nothing legacy in this sample")
    assert _check(data, expected, opts) in family


def test_gbk_chinese(opts):
    assert _check(CHINESE.encode("gbk"), CHINESE, opts) in {"gbk", "gb2312", "gb18030"}


def test_short_cp1251_snippet(opts):
    text = "Президент Белоруссии заявил, что ракеты были перехвачены системами ПВО."
    assert _check(text.encode("cp1251"), text, opts) == "cp1251"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_with_and_without_bom(codec, opts):
    text = _article("что")[:2000] if codec in ("utf-16", "utf-32") else _article("the")[:2000]
    result = decode_bytes(text.encode(codec), opts)
    assert result.reject is None and result.text == text
    assert result.info["encoding"].startswith(codec.split("-s")[0][:6])


def test_plain_utf8_is_not_audited_as_detected(opts):
    text = _article("。")
    result = decode_bytes(text.encode("utf-8"), opts)
    assert result.text == text and result.info["encoding"] == "utf-8"
    assert not any(e.rule == "decode:detected" for e in result.edits)


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello " * 100)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"\xff\xd8\xff\xe0" + bytes(random.Random(1).randbytes(2000)),
        b"%PDF-1.7\n" + bytes(random.Random(2).randbytes(2000)),
        gzip.compress(("some text " * 200).encode()),
        _zip_bytes(),
        random.Random(3).randbytes(5000),
        b"abc\x00\x01\x02def" * 100,
    ],
    ids=["png", "jpeg", "pdf", "gzip", "zip", "random", "controls"],
)
def test_binary_is_rejected(data, opts):
    result = decode_bytes(data, opts)
    assert result.reject is not None and result.reject[0] == "binary"
    assert result.text == ""


def test_bad_data_after_bom_is_undecodable(opts):
    result = decode_bytes(b"\xef\xbb\xbfok \xff\xfe broken", opts)
    assert result.reject is not None and result.reject[0] == "undecodable"


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("cp1251", "cp1251"), ("utf-16", "utf-16-le"), ("utf-16-le", "utf-16-le")],
)
def test_pipeline_decodes_and_audits_the_encoding(codec, expected, settings):
    from flows.documents import RawDoc
    from flows.pipeline import Pipeline

    text = (
        "Президент Белоруссии Александр Лукашенко заявил, что ракеты были перехвачены системами "
        "противовоздушной обороны. Он обвинил Украину в провокации."
        if codec == "cp1251"
        else "Belarus claims to have shot down Ukrainian missiles, the café said “no comment”."
    )
    doc = Pipeline(settings).prepare(RawDoc("x", "x.txt", "", {}, data=text.encode(codec)))
    assert doc.text == text
    assert doc.info["encoding"] == expected
    assert any(e["stage"] == "decode" and e["after"] == expected for e in doc.edits)


def test_pipeline_rejects_binary_as_binary(settings):
    from flows.documents import RawDoc, Reject
    from flows.pipeline import Pipeline

    out = Pipeline(settings).prepare(RawDoc("x", "x.txt", "", {}, data=b"\x89PNG\r\n\x1a\n" + bytes(300)))
    assert isinstance(out, Reject) and out.reason == "binary"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_of_every_article_including_non_latin(codec, opts):
    for article in articles():
        text = article["text"]
        result = decode_bytes(text.encode(codec), opts)
        assert result.text == text and result.info["encoding"] == codec
