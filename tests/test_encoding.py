"""Mojibake repair: ftfy's own cases through textwash's function, and the gate's agreement with ftfy."""

from __future__ import annotations

import random

import ftfy
import ftfy.bad_codecs
import pytest

from cleaners.encoding import EncodingOptions, _ftfy_config, fix_encoding, needs_fixing
from tests.repair_data import articles, ftfy_cases

PASS_FILES = ("in-the-wild", "synthetic", "language-names")


def _pass_cases() -> list[dict[str, str]]:
    return [c for name in PASS_FILES for c in ftfy_cases(name) if c["expect"] == "pass"]


@pytest.fixture(scope="module")
def opts(settings) -> EncodingOptions:
    return settings.encoding


@pytest.mark.parametrize("case", _pass_cases(), ids=lambda c: c["label"][:60])
def test_ftfy_pass_cases_come_out_right(case, opts):
    out = fix_encoding(case["original"], opts).text
    # Our configuration keeps curly quotes, ligatures and widths: ftfy's fix_encoding result
    # ("fixed-encoding") is the reference where it differs from fix_text's.
    assert out in (case["fixed"], case.get("fixed-encoding", case["fixed"]))


@pytest.mark.parametrize("case", ftfy_cases("negative"), ids=lambda c: c["label"][:60])
def test_negative_cases_unchanged(case, opts):
    out = fix_encoding(case["original"], opts).text
    if case["original"] != case.get("fixed-encoding", case["fixed"]):
        # the one negative case with C1 controls: ftfy must fix only those
        assert out == case["fixed"]
    else:
        assert out == case["original"]


def _all_cases() -> list[str]:
    names = (*PASS_FILES, "negative")
    return [c["original"] for name in names for c in ftfy_cases(name)]


def test_gate_agrees_with_unconditional_ftfy_on_all_cases(opts):
    config = _ftfy_config(opts)
    missed = [t for t in _all_cases() if not needs_fixing(t) and ftfy.fix_text(t, config=config) != t]
    assert missed == []


def _inject(text: str, rng: random.Random) -> str:
    """Mojibake a random span (or all) of ``text`` the ways real pipelines do."""
    kinds = ["sloppy-windows-1252", "latin-1", "macroman", "sloppy-windows-1251", "double", "cp437"]
    kind = rng.choice(kinds)
    if rng.random() < 0.5:
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(20, 400))
    else:
        start, end = 0, len(text)
    span = text[start:end]
    raw = span.encode("utf-8")
    if kind == "double":
        bad = raw.decode("sloppy-windows-1252").encode("utf-8").decode("sloppy-windows-1252")
    elif kind == "latin-1":
        bad = raw.decode("latin-1")
    else:
        bad = raw.decode(kind, errors="replace")
    return text[:start] + bad + text[end:]


def test_gate_agrees_with_ftfy_on_articles_with_injected_mojibake(opts):
    rng = random.Random(7)
    config = _ftfy_config(opts)
    texts = [a["text"] for a in articles()]
    damaged = [_inject(t, rng) for t in texts for _ in range(2)]
    samples = texts + damaged
    missed = [t[:80] for t in samples if not needs_fixing(t) and ftfy.fix_text(t, config=config) != t]
    assert missed == []
    # and the gate is not trivially "always yes": most clean articles pass untouched
    assert sum(needs_fixing(t) for t in texts) < len(texts) * 0.1


def test_injected_windows_1252_mojibake_is_repaired_exactly(opts):
    for article in articles()[:40]:
        text = article["text"]
        if not needs_fixing(text):
            bad = text.encode("utf-8").decode("sloppy-windows-1252")
            if bad != text:
                assert fix_encoding(bad, opts).text == text


def test_fix_plan_is_recorded(opts):
    result = fix_encoding("The ceremony was held at the cafÃ© in SÃ£o Paulo.", opts)
    assert result.text == "The ceremony was held at the café in São Paulo."
    assert "encode" in result.info["ftfy_plan"] and "decode utf-8" in result.info["ftfy_plan"]
    assert result.edits and all(e.rule.startswith("ftfy: ") for e in result.edits)
    assert [(e.before, e.after) for e in result.edits] == [("cafÃ©", "café"), ("SÃ£o", "São")]


@pytest.mark.parametrize(
    "text",
    [
        "“Curly quotes” and ‘single’ ones stay.",
        "The ﬁnal oﬀer stays ligated.",
        "Fullwidth ＡＢＣ１２３ stays wide.",
        "Line\u2028separator and\u2029paragraph separator stay.",
        "Ελληνικά, русский, 中文, 한국어 and العربية are not mojibake.",
        "naïve café — résumé",
    ],
)
def test_correct_text_is_never_degraded(text, opts):
    assert fix_encoding(text, opts).text == text


def test_gate_off_and_on_give_same_result(opts):
    ungated = opts.model_copy(update={"gate": False})
    rng = random.Random(3)
    for article in articles()[:30]:
        bad = _inject(article["text"], rng)
        assert fix_encoding(bad, opts).text == fix_encoding(bad, ungated).text


def test_disabled_stage_is_identity(opts):
    off = opts.model_copy(update={"enabled": False})
    assert fix_encoding("cafÃ©", off).text == "cafÃ©"


def test_mojibake_hidden_by_zero_width_and_thin_spaces_is_repaired(opts):
    orig = "Nesta página você terá sempre a classificação atualizada da NASCAR até a última corrida!"
    bad = orig.encode("utf-8").decode("macroman").replace(" ", "\u2009", 3).replace(" ", "\u200b ", 2)
    out = fix_encoding(bad, opts)
    assert out.text == orig
    assert any("plain-spaces" in e.rule for e in out.edits)


def test_lines_are_repaired_independently(opts):
    # the first line is legitimately outside windows-1252 (Cyrillic), the second is mojibake
    text = "Москва, 12 марта.\r\nThe cafÃ© was closed.\nLast line."
    out = fix_encoding(text, opts)
    assert out.text == "Москва, 12 марта.\r\nThe café was closed.\nLast line."
    assert [(e.start, e.before) for e in out.edits] == [(23, "cafÃ©")]


def test_macroman_punctuation_in_a_mixed_line_is_repaired(opts):
    # a line with a real CJK character (not MacRoman-encodable) and MacRoman mojibake of ’ and ”
    line = "WeWork‚Äôs parent company said ‚ÄúNo comment‚Äù in Tokyo (東京)."
    out = fix_encoding(line, opts)
    assert out.text == "WeWork’s parent company said “No comment” in Tokyo (東京)."
    assert all("punctuation-mojibake" in e.rule for e in out.edits)


def test_mojibake_after_a_no_break_space_is_repaired(opts):
    line = (
        "MADRID\u00a0Ã¢â‚¬â€\u009d Rafael Nadal kept his \u2018calm\u2019,"
        " which is in\u00a0Ã¢â‚¬Ëœpoor\u2019 shape."
    )
    assert fix_encoding(line, opts).text == "MADRID — Rafael Nadal kept his ‘calm’, which is in ‘poor’ shape."
