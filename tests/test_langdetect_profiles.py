"""Compact langdetect profiles and the faster detector give exactly stock langdetect's results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langdetect import detector_factory
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from cleaners.langdetect_profiles import CompactFactory, FastDetector, SparseProbabilities, install
from cleaners.language import sample

ARTICLES = Path(__file__).resolve().parent / "data" / "news" / "articles.jsonl"
CASES = Path(__file__).resolve().parent / "data" / "repair" / "ftfy-cases"


@pytest.fixture(scope="module")
def stock() -> DetectorFactory:
    factory = DetectorFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


@pytest.fixture(scope="module")
def compact() -> CompactFactory:
    factory = CompactFactory()
    factory.load_profile(detector_factory.PROFILES_DIRECTORY)
    return factory


@pytest.fixture(scope="module")
def texts() -> list[str]:
    articles = [json.loads(line)["text"] for line in ARTICLES.open(encoding="utf-8")]
    out = [sample(t, 2000) for t in articles[::4]] + [sample(t, 2000) for t in articles if not t.isascii()][:20]
    out += [t[:n] for t in articles[:12] for n in (3, 40, 150)]  # short clauses, as the fragment stage sends
    for path in sorted(CASES.glob("*.json")):  # mojibake, odd scripts, Vietnamese marks, very short texts
        out += [case["original"] for case in json.loads(path.read_text(encoding="utf-8"))]
    out += ["", "   ", "a  b   c", "ABC DEF ghi JKL", "http://example.com/x  mail@example.com  Straße",
            "Tiếng Việt có dấu", "日本語のテキストとカタカナ", "한국어 텍스트입니다", "ﾊﾝｶｸ ｶﾀｶﾅ"]
    return out


def _run(factory: DetectorFactory, text: str) -> tuple[str, list[str], object]:
    detector = factory.create()
    detector.seed = 0
    detector.append(text)
    detector.cleaning_text()
    cleaned, ngrams = detector.text, detector._extract_ngrams()
    detector = factory.create()
    detector.seed = 0
    detector.append(text)
    try:
        probs: object = [(p.lang, p.prob) for p in detector.get_probabilities()]
    except LangDetectException as exc:
        probs = exc.code
    return cleaned, ngrams, probs


def test_same_languages_ngrams_and_probabilities(stock: DetectorFactory, compact: CompactFactory) -> None:
    assert compact.langlist == stock.langlist
    assert isinstance(compact.word_lang_prob_map, SparseProbabilities)
    assert set(compact.word_lang_prob_map) == set(stock.word_lang_prob_map)
    for ngram, dense in stock.word_lang_prob_map.items():
        assert compact.word_lang_prob_map[ngram] == dense, ngram  # == on floats: bit-identical values


def test_detection_is_bit_identical(stock: DetectorFactory, compact: CompactFactory, texts: list[str]) -> None:
    assert isinstance(compact.create(), FastDetector)
    expected = [_run(stock, t) for t in texts]
    got = [_run(compact, t) for t in texts]
    assert [t[:60] for t, a, b in zip(texts, expected, got, strict=True) if a != b] == []
    assert len({str(r[2]) for r in got}) > 20  # the texts exercise many outcomes


def test_compact_profiles_take_a_fraction_of_the_memory(stock: DetectorFactory, compact: CompactFactory) -> None:
    def size(table: dict[str, object]) -> int:
        total = sys.getsizeof(table)
        for value in dict.values(table):
            total += sys.getsizeof(value)
            if isinstance(value, list):
                total += sum(sys.getsizeof(p) for p in value if p)  # the non-zero floats (0.0 is shared)
        return total

    assert size(compact.word_lang_prob_map) * 4 < size(stock.word_lang_prob_map)


def test_warm_up_installs_the_compact_factory_for_plain_langdetect_too() -> None:
    """In a fresh process, the pipeline's warm-up makes langdetect's own module factory the compact one."""
    code = (
        "import cleaners.language as language; language.warm_up()\n"
        "from langdetect import DetectorFactory, detect, detector_factory\n"
        "DetectorFactory.seed = 0\n"
        "print(type(detector_factory._factory).__name__, detect('Die Regierung hat am Montag neue Maßnahmen "
        "angekündigt, sagte ein Sprecher.'))\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root,
                         env={**os.environ, "PYTHONPATH": str(root)})
    assert out.stdout.split() == ["CompactFactory", "de"]
    assert install() is detector_factory._factory
