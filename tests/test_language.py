"""Language tags: the fast paths must agree with plain seeded langdetect on real articles."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from langdetect import DetectorFactory, detector_factory

from cleaners.language import (
    by_function_words,
    by_script,
    detect_language,
    function_word_index,
    identify,
    sample,
    stopword_table,
)
from flows.config import Settings

ARTICLES = Path(__file__).resolve().parent / "data" / "news" / "articles.jsonl"


@pytest.fixture(scope="module")
def articles() -> list[str]:
    return [json.loads(line)["text"] for line in ARTICLES.open(encoding="utf-8")]


@pytest.fixture(scope="module")
def stock() -> DetectorFactory:
    """Stock langdetect profiles in a factory of their own (the pipeline's module factory is compact)."""
    factory = DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


def plain_detect(stock: DetectorFactory, text: str) -> str:
    """Plain langdetect: stock, seeded, on the whole text."""
    DetectorFactory.seed = 0
    detector = stock.create()
    detector.append(text)
    return str(detector.detect())


@pytest.fixture(scope="module")
def plain(articles: list[str], stock: DetectorFactory) -> list[str]:
    return [plain_detect(stock, text) for text in articles]


def test_tags_agree_with_plain_langdetect(articles: list[str], plain: list[str], settings: Settings) -> None:
    methods: Counter[str] = Counter()
    for text, expected in zip(articles, plain, strict=True):
        lang, _, method = identify(text, settings.language)
        methods[method] += 1
        assert lang == expected, (method, text[:120])
    assert len(set(plain)) >= 5  # several languages, not just English
    # the point of the fast paths: most articles never reach langdetect
    assert methods["langdetect"] < 0.2 * len(articles), methods
    assert methods["script"] >= 2, methods  # the Korean and Japanese articles


def test_without_fast_path_every_document_goes_to_langdetect(articles: list[str], plain: list[str],
                                                              settings: Settings) -> None:
    opts = settings.language.model_copy(update={"fast_path": False})
    for text, expected in list(zip(articles, plain, strict=True))[:20]:
        lang, _, method = identify(text, opts)
        assert method == "langdetect"
        assert lang == expected


def test_script_decides_only_for_one_language_scripts(articles: list[str], plain: list[str],
                                                      settings: Settings) -> None:
    opts = settings.language
    ko = next(t for t, lang in zip(articles, plain, strict=True) if lang == "ko")
    ja = next(t for t, lang in zip(articles, plain, strict=True) if lang == "ja")
    ru = next(t for t, lang in zip(articles, plain, strict=True) if lang == "ru")
    assert by_script(ko, opts) == "ko"
    assert by_script(ja, opts) == "ja"
    # Cyrillic is shared by ru, uk, bg, mk: only Russian's own letters (ы, э) without the neighbours' decide
    assert by_script(ru, opts) == "ru"
    assert by_script(ru.replace("и", "і"), opts) is None  # Ukrainian letters
    bg = ("Българското правителство обяви нови мерки за подкрепа на земеделските производители в страната, "
          "като средствата ще бъдат разпределени до края на годината.")
    assert by_script(bg, opts) is None  # no ы/э
    assert by_script(bg + " Иван Добрынин", opts) is None  # one Russian name is not enough
    # a few Hangul words in an English article do not make it Korean
    en = next(t for t, lang in zip(articles, plain, strict=True) if lang == "en")
    assert by_script(en[:600] + " 뉴스 정부 ", opts) is None


def test_mixed_language_text_fast_path_never_disagrees(articles: list[str], plain: list[str],
                                                       settings: Settings) -> None:
    """Sentences of two languages interleaved: the fast path either abstains or says what langdetect says."""
    opts = settings.language
    slow = opts.model_copy(update={"fast_path": False})
    by_lang: dict[str, list[str]] = {}
    for text, lang in zip(articles, plain, strict=True):
        by_lang.setdefault(lang, []).append(text)
    decided = abstained = 0
    for a, b in [("en", "pt"), ("en", "de"), ("pt", "it"), ("ru", "en"), ("de", "it"), ("id", "en")]:
        for ta, tb in zip(by_lang[a][:2], by_lang[b][:2], strict=False):
            sa, sb = ta.split(". "), tb.split(". ")
            for ratio in (1, 2, 3):
                parts = [x for i in range(40) for x in [*sa[i * ratio:(i + 1) * ratio], *sb[i:i + 1]]]
                mixed = ". ".join(parts)
                lang, _, method = identify(mixed, opts)
                if method == "langdetect":
                    abstained += 1
                    continue
                decided += 1
                assert lang == identify(mixed, slow)[0], (a, b, ratio, method)
    assert abstained >= 5 and decided >= 5, (decided, abstained)


def test_function_words_need_enough_words(settings: Settings) -> None:
    assert by_function_words("The cat sat on the mat and then it was gone.", settings.language) is None


@pytest.mark.parametrize("text", ["", "   \n", "12345 67890 !!!", "OK", "\x00\x01\ufffd"])
def test_too_little_text_is_undetermined(text: str, settings: Settings) -> None:
    assert detect_language(text, settings.language) == ("und", 0.0)


def test_deterministic(articles: list[str], settings: Settings) -> None:
    sample = articles[::15]
    first = [identify(t, settings.language) for t in sample]
    assert first == [identify(t, settings.language) for t in sample]


def test_stopword_lists_langdetect_cannot_answer_are_folded(stock: DetectorFactory) -> None:
    """Malay has a stopword list but no langdetect profile: as a rival it could only abstain."""
    assert "ms" in stopword_table() and "ms" not in stock.langlist
    index = function_word_index()
    assert "ms" not in index.codes
    assert set(index.codes) <= set(stock.langlist)
    malay_only = stopword_table()["ms"] - stopword_table()["id"]
    assert all(index.masks[w] >> index.codes.index("id") & 1 for w in malay_only)
    assert plain_detect(stock, " ".join(sorted(stopword_table()["ms"]))) == "id"


def test_indonesian_articles_need_no_langdetect(articles: list[str], plain: list[str],
                                                settings: Settings) -> None:
    indonesian = [t for t, lang in zip(articles, plain, strict=True) if lang == "id"]
    assert len(indonesian) == 2
    assert [identify(t, settings.language)[::2] for t in indonesian] == [("id", "function-words")] * 2


def test_longer_sample_decides_when_a_foreign_header_and_footer_fill_the_sample(
        articles: list[str], plain: list[str], stock: DetectorFactory, settings: Settings) -> None:
    """English menu text around a German article: the sample abstains, the longer count agrees with langdetect."""
    opts = settings.language
    en = [t for t, lang in zip(articles, plain, strict=True) if lang == "en"]
    decided = 0
    for lang in ("de", "id"):
        for text in [t for t, tag in zip(articles, plain, strict=True) if tag == lang]:
            for n in (150, 250, 350):
                mixed = en[0][:n] + "\n\n" + text + "\n\n" + en[1][-n:]
                found, _, method = identify(mixed, opts)
                if by_function_words(sample(mixed, opts.sample_chars), opts) is None and method == "function-words":
                    decided += 1
                    assert found == plain_detect(stock, mixed) == lang
    assert decided >= 6
    no_retry = opts.model_copy(update={"stopword_retry_chars": 0})
    assert identify(en[0][:250] + "\n\n" + articles[plain.index("de")] + "\n\n" + en[1][-250:],
                    no_retry)[2] == "langdetect"
