"""Foreign fragments: seed 001, what must survive, repair policies, quarantine, no false positives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cleaners.encoding import fix_encoding
from cleaners.fragments import FragmentOptions, Glossary, repair_fragments
from cleaners.language import detect_language
from cleaners.whitespace import normalize_whitespace
from flows.config import config_dir
from flows.documents import RawDoc
from flows.pipeline import Pipeline, load_glossary
from tests.repair_data import articles

CONTEXT = (
    "Belarusian President Alexander Lukashenko said the missiles were intercepted by air defense "
    "systems earlier this week, and officials promised a full investigation of the incident. "
)


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(config_dir() / "glossary")


@pytest.fixture(scope="module")
def opts(settings) -> FragmentOptions:
    return settings.fragments


def _repair(text: str, opts: FragmentOptions, glossary: Glossary, lang: str = "en"):
    return repair_fragments(text, lang, opts, glossary)


def test_seed_001_restored_through_the_pipeline(seed_texts, settings):
    pipeline = Pipeline(settings)
    name = "001_3149a2e69b59ce78.txt"
    raw = RawDoc(name, f"seeds/{name}", "", {}, data=seed_texts[name].encode("utf-8"))
    doc = pipeline.clean(pipeline.prepare(raw), frozenset())
    for phrase in (
        "accused Ukraine of firing",
        "“Thank God, the Pantsir",
        "in March that “vast majority",
        "Meanwhile, the governor",
        ", he said.",
    ):
        assert phrase in doc.text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in doc.text)
    rules = {e["rule"] for e in doc.edits if e["stage"] == "fragments"}
    assert rules == {"glossary:zh"}


def test_non_english_and_english_articles_come_out_unchanged(settings, glossary):
    """All 181 real articles: the repair stages change nothing visible (false positives: zero)."""
    changed = []
    for article in articles():
        text = article["text"]
        enc = fix_encoding(text, settings.encoding)
        ws = normalize_whitespace(enc.text, settings.whitespace)
        lang, _ = detect_language(ws.text, settings.language)
        frag = repair_fragments(ws.text, lang, settings.fragments, glossary)
        visible = "".join(text.split()).replace("\u200b", "").replace("\u00ad", "").replace("\u2060", "")
        if enc.edits or frag.edits or frag.reject or "".join(frag.text.split()) != visible:
            changed.append((article["id"][:8], lang))
    assert changed == []


@pytest.mark.parametrize(
    "sentence",
    [
        "In Chinese, the word 乌克兰 (Ukraine) is written with three characters.",
        "The protesters chanted “Слава Україні” outside the embassy.",
        "Ukraine (乌克兰) was the main topic of the summit.",
        "He said the slogan 不忘初心 was painted on every wall.",
        "The newspaper Коммерсантъ reported the deal on Friday.",
        "The β coefficient and the π ratio were unchanged.",
        "The banner read «Нет войне» in large red letters.",
    ],
)
def test_legitimate_foreign_text_survives(sentence, opts, glossary):
    text = CONTEXT + sentence
    out = _repair(text, opts, glossary)
    assert out.text == text and out.reject is None and out.edits == []


def test_unrepaired_mojibake_inside_a_word_is_not_a_fragment(opts, glossary):
    text = CONTEXT + "Nesta pГЎgina vocГЄ terГЎ sempre a classificaГ§ГЈo."
    assert _repair(text, opts, glossary).text == text


def test_foreign_line_of_its_own_survives_unless_glossary_knows_it(opts, glossary):
    text = CONTEXT + "\nСлава Україні\n" + CONTEXT
    assert _repair(text, opts, glossary).text == text
    text = CONTEXT + "\nСсылка скопирована\n" + CONTEXT
    assert _repair(text, opts, glossary).text == CONTEXT + "\nLink copied\n" + CONTEXT


@pytest.mark.parametrize(
    ("damaged", "restored", "rule"),
    [
        ("Officials in 基辅 denied the report.", "Officials in Kyiv denied the report.", "glossary:zh"),
        ("Officials in基辅denied the report.", "Officials in Kyiv denied the report.", "glossary:zh"),
        ("The 导弹袭击 hit a warehouse.", "The missile attack hit a warehouse.", "glossary:zh"),
        ("Officials in Москве denied the report.", "Officials in Moscow denied the report.", "glossary:ru"),
        ("The army of україни moved east.", "The army of Ukraine moved east.", "glossary:uk"),
        ("Talks with ロシアの officials failed.", "Talks with Russia officials failed.", "glossary:ja"),
        ("The 우크라이나는 delegation left.", "The Ukraine delegation left.", "glossary:ko"),
        ("Officials in واشنطن denied it.", "Officials in Washington denied it.", "glossary:ar"),
        ("The report, 他说, was false.", "The report, he said, was false.", "glossary:zh"),
        ("He blamed the الحكومة for it.", "He blamed the government for it.", "glossary:ar"),
        ("He blamed الحكومة for it.", "He blamed the government for it.", "glossary:ar"),
        ("It hurt Jordan’s الاقتصاد badly.", "It hurt Jordan’s economy badly.", "glossary:ar"),
        ("Weeks of anti-الحكومة protests.", "Weeks of anti-government protests.", "glossary:ar"),
        ("To the Ghanaian الحكومة first.", "To the Ghanaian government first.", "glossary:ar"),
        ("The goals,说The company grew.", "The goals, said The company grew.", "glossary:zh"),
    ],
)
def test_restore_from_glossary(damaged, restored, rule, opts, glossary):
    out = _repair(CONTEXT + damaged, opts, glossary)
    assert out.text == CONTEXT + restored
    assert [e.rule for e in out.edits] == [rule]


@pytest.mark.parametrize(
    ("damaged", "dropped"),
    [
        ("Lukashenko has accused 鸡尾酒会 of firing missiles.", "Lukashenko has accused of firing missiles."),
        ("“鸡尾酒会, the Pantsir systems worked,” he said.", "“The Pantsir systems worked,” he said."),
        ("Five houses were destroyed, 鸡尾酒会.", "Five houses were destroyed."),
        ("鸡尾酒会, the governor said.", "The governor said."),
        ("The blast, 鸡尾酒会, damaged houses.", "The blast, damaged houses."),
        ("Lukashenko has accused鸡尾酒会of firing missiles.", "Lukashenko has accused of firing missiles."),
    ],
)
def test_unknown_fragment_dropped_with_spacing_and_punctuation_fixed(damaged, dropped, opts, glossary):
    out = _repair(CONTEXT + damaged, opts, glossary)
    assert out.text == CONTEXT + dropped
    assert [e.rule for e in out.edits] == ["drop:Han"]


def test_drop_policy_drops_even_known_fragments(opts, glossary):
    drop = opts.model_copy(update={"policy": "drop"})
    out = _repair(CONTEXT + "He accused 乌克兰 of firing, 他说.", drop, glossary)
    assert out.text == CONTEXT + "He accused of firing."
    assert [e.rule for e in out.edits] == ["drop:Han", "drop:Han"]


def test_mark_policy_keeps_text_and_flags(opts, glossary):
    mark = opts.model_copy(update={"policy": "mark"})
    text = CONTEXT + "He accused 乌克兰 of firing."
    out = _repair(text, mark, glossary)
    assert out.text == text
    assert [(e.rule, e.before) for e in out.edits] == [("mark:Han", "乌克兰")]


def test_quarantine_when_fragments_dominate(opts, glossary):
    russian = next(a["text"] for a in articles() if "что" in a["text"])[:1500]
    text = CONTEXT + russian.replace("\n", " ") + " " + CONTEXT
    out = _repair(text, opts, glossary)
    assert out.reject is not None and out.reject[0] == "mixed_language"
    assert [e.rule for e in out.edits] == ["quarantine"]
    assert out.text == text


def test_fragment_in_non_english_document_is_dropped_not_translated(opts, glossary):
    russian = next(a["text"] for a in articles() if "что" in a["text"])[:800]
    text = russian + " Он обвинил 乌克兰 в обстреле."
    out = _repair(text, opts, glossary, lang="ru")
    assert "乌克兰" not in out.text and "Ukraine" not in out.text
    assert [e.rule for e in out.edits] == ["drop:Han"]


def test_latin_clause_in_another_language_dropped(opts, glossary):
    article = next(a["text"] for a in articles() if a["text"].startswith("Americans have gone to the polls"))
    clause = "pero el gobierno no ha confirmado todavía los detalles del acuerdo con los sindicatos"
    text = article.replace("In each case, ", f"In each case, {clause}, ", 1)
    assert clause in text
    out = _repair(text, opts, glossary)
    assert out.text == article
    assert [e.rule for e in out.edits] == ["drop:Latin:es"]


def test_latin_names_and_titles_survive(opts, glossary):
    text = CONTEXT + "She starred in La Casa de Papel and later in El Laberinto del Fauno, critics said."
    assert _repair(text, opts, glossary).text == text


def test_glossary_segments_cjk_runs(glossary):
    assert glossary.translate("与此同时", ("zh",)) == ("meanwhile", "zh")
    assert glossary.translate("他说", ("zh",)) == ("he said", "zh")
    assert glossary.translate("乌克兰总统", ("zh",)) == ("Ukraine president", "zh")
    assert glossary.translate("鸡尾酒会", ("zh",)) is None


def test_user_glossary_extends_shipped_one():
    user = Glossary.from_tsv({"zh": "# comment\n鸡尾酒会\tcocktail party\n"})
    assert user.lookup("鸡尾酒会") == "cocktail party"
    assert user.lookup("乌克兰") is None


def test_repair_chain_is_idempotent(seed_texts, settings, glossary):
    def chain(text: str) -> str:
        text = fix_encoding(text, settings.encoding).text
        text = normalize_whitespace(text, settings.whitespace).text
        lang, _ = detect_language(text, settings.language)
        return repair_fragments(text, lang, settings.fragments, glossary).text

    samples = [
        *seed_texts.values(),
        CONTEXT + "He accused 乌克兰 of firing, 他说.",
        CONTEXT + "“鸡尾酒会, the Pantsir systems worked,” he said.",
        CONTEXT + "Five houses were destroyed, 鸡尾酒会.",
    ]
    for text in samples:
        once = chain(text)
        assert chain(once) == once


@hsettings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab .,“”()\n乌克兰他说Путинسلام한국ー́")), max_size=80))
def test_fragments_never_crash_and_edits_rebuild_the_output(text):
    from flows.config import load_settings

    settings = load_settings()
    gloss = load_glossary(config_dir() / "glossary")
    for policy in ("restore", "drop", "mark"):
        opts = settings.fragments.model_copy(update={"policy": policy})
        out = repair_fragments(text, "en", opts, gloss)
        rebuilt, pos = [], 0
        for e in sorted(out.edits, key=lambda e: e.start):
            if e.rule == "quarantine":
                continue
            assert text[e.start : e.end] == e.before
            rebuilt += [text[pos : e.start], e.after]
            pos = e.end
        rebuilt.append(text[pos:])
        assert "".join(rebuilt) == out.text
