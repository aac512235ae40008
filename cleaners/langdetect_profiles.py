"""langdetect's language profiles held compactly, every probability unchanged.

Stock langdetect keeps, for each of its ~88,000 n-grams, a Python list with one float per language
(55): about 65 MB per process, although an n-gram occurs in 2 languages on average. Here each n-gram
maps to its non-zero ``(language index, probability)`` pairs packed in ``bytes`` (about 15 MB), and
item access rebuilds the dense list langdetect indexes. The profiles are read by langdetect's own
``DetectorFactory.load_profile`` (its profile files, its file order) and each probability is computed
by the same expression as ``DetectorFactory.add_profile``, so detection results are bit-identical;
``tests/test_language.py`` compares them with a stock factory.
"""

from __future__ import annotations

import re
import struct
import threading
from typing import Any

import numpy as np
from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.ngram import NGram

_PAIR = struct.Struct("<Hd")  # language index, probability (IEEE double: exact round trip)
_CACHE_SIZE = 4096  # dense lists kept for the n-grams in use (a detection touches a few hundred)
_lock = threading.Lock()
_SPACES = re.compile(" {2,}")
_ASCII_LETTERS = re.compile("[A-z]+")  # langdetect's 'A' <= ch <= 'z' (with [\\]^_`)
_FROM_U0300 = re.compile("[\u0300-\U0010ffff]+")


class _Normalized(dict):  # type: ignore[type-arg]
    """``str.translate`` table: code point → ``NGram.normalize`` of its character, filled on first use."""

    def __missing__(self, code: int) -> str:
        self[code] = value = NGram.normalize(chr(code))
        return value


_NORMALIZED = _Normalized()


class SparseProbabilities(dict):  # type: ignore[type-arg]
    """n-gram → packed non-zero probabilities; ``self[ngram]`` is langdetect's dense per-language list.

    Membership (``in``) is the plain dict's; only item access decodes, into a small cache.
    """

    __slots__ = ("_arrays", "_dense", "size")

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self._dense: dict[str, list[float]] = {}
        self._arrays: dict[str, np.ndarray] = {}

    def array(self, ngram: str) -> np.ndarray:
        """``self[ngram]`` as a float64 array (cached like the lists)."""
        found = self._arrays.get(ngram)
        if found is None:
            found = np.array(self[ngram], dtype=np.float64)
            if len(self._arrays) >= _CACHE_SIZE:
                self._arrays.clear()
            self._arrays[ngram] = found
        return found

    def __getitem__(self, ngram: str) -> list[float]:
        dense = self._dense.get(ngram)
        if dense is None:
            dense = [0.0] * self.size
            for index, prob in _PAIR.iter_unpack(dict.__getitem__(self, ngram)):
                dense[index] = prob
            if len(self._dense) >= _CACHE_SIZE:
                self._dense.clear()
            self._dense[ngram] = dense
        return dense


class FastDetector(Detector):
    """langdetect's ``Detector`` with its inner loops written for speed, results unchanged.

    ``append`` collapses space runs with one regex, ``_extract_ngrams`` is ``NGram.add_char``
    inlined over the text normalised once by ``str.translate`` (same n-grams, same order), and
    each probability is computed by the same floating-point operations in the same order
    (``p * (weight + q)``; ``p / sum(prob)``), so every trial and result is bit-identical.
    """

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # langdetect's loop keeps a space only when the input character before it is not one
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        """As langdetect: drop ASCII letters from text with over twice as many characters from U+0300 on.

        (langdetect means to exempt Latin Extended Additional, but compares its block number with
        a block name, so every character from U+0300 on counts; so it does here.)
        """
        latin = sum(map(len, _ASCII_LETTERS.findall(self.text)))
        non_latin = sum(map(len, _FROM_U0300.findall(self.text)))
        if latin * 2 < non_latin:
            self.text = _ASCII_LETTERS.sub("", self.text)

    def _extract_ngrams(self) -> list[str]:
        known = self.word_lang_prob_map
        result: list[str] = []
        grams = " "
        capital = False
        for ch in self.text.translate(_NORMALIZED):  # NGram.add_char, inlined
            last = grams[-1]
            if last == " ":
                grams = " "
                capital = False
                if ch == " ":
                    continue
            elif len(grams) >= 3:
                grams = grams[1:]
            grams += ch
            if ch.isupper():
                if last.isupper():
                    capital = True
            else:
                capital = False
            if capital:
                continue
            if grams[-1] != " " and grams[-1] in known:
                result.append(grams[-1])
            if len(grams) >= 2:
                w = grams[-2:]
                if w in known:
                    result.append(w)
                if len(grams) >= 3:
                    w = grams[-3:]
                    if w in known:
                        result.append(w)
        return result

    def _detect_block(self) -> None:
        """langdetect's trials with the per-language products done by numpy.

        Elementwise ``p * (weight + q)`` and ``p / sump`` are the same IEEE operations numpy or not;
        the sum stays Python's left-to-right ``sum`` and the random draws are the same calls in the
        same order, so the result is bit-identical.
        """
        table = self.word_lang_prob_map
        if self.verbose or not isinstance(table, SparseProbabilities):
            return super()._detect_block()
        self.cleaning_text()
        ngrams = self._extract_ngrams()
        if not ngrams:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        self.langprob = [0.0] * len(self.langlist)
        self.random.seed(self.seed)
        choice = self.random.choice
        for _ in range(self.n_trial):
            prob = np.array(self._init_probability(), dtype=np.float64)
            alpha = self.alpha + self.random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            i = 0
            while True:
                prob *= weight + table.array(choice(ngrams))
                if i % 5 == 0:
                    prob = prob / sum(prob.tolist())
                    maxp = 0.0
                    for p in prob.tolist():  # as langdetect: the first maximum above 0.0
                        if maxp < p:
                            maxp = p
                    if maxp > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT:
                        break
                i += 1
            for j, p in enumerate(prob.tolist()):
                self.langprob[j] += p / self.n_trial


class CompactFactory(DetectorFactory):
    """A ``DetectorFactory`` whose ``word_lang_prob_map`` is a :class:`SparseProbabilities`,
    creating :class:`FastDetector` s."""

    def _create_detector(self) -> Detector:
        if not self.langlist:
            return super()._create_detector()  # langdetect's error: profiles not loaded
        return FastDetector(self)

    def add_profile(self, profile: Any, index: int, langsize: int) -> None:
        """As ``DetectorFactory.add_profile``, storing ``(index, prob)`` pairs instead of dense lists."""
        lang = profile.name
        if lang in self.langlist:
            # stock langdetect raises here too (a duplicate profile name)
            return super().add_profile(profile, index, langsize)
        if not isinstance(self.word_lang_prob_map, SparseProbabilities):
            self.word_lang_prob_map = SparseProbabilities(langsize)
        self.langlist.append(lang)
        table = self.word_lang_prob_map
        get = dict.get
        for word in profile.freq:
            packed = get(table, word, b"")  # present with no pairs = langdetect's all-zero list
            length = len(word)
            if 1 <= length <= 3:
                prob = 1.0 * profile.freq.get(word) / profile.n_words[length - 1]
                packed += _PAIR.pack(index, prob)
            dict.__setitem__(table, word, packed)


def install() -> DetectorFactory:
    """Make langdetect's module-level factory a :class:`CompactFactory` (loading it once) and return it.

    A stock factory loaded earlier (someone called ``langdetect.detect`` first) is kept as it is.
    """
    with _lock:
        if detector_factory._factory is None:
            factory = CompactFactory()
            factory.load_profile(detector_factory.PROFILES_DIRECTORY)
            detector_factory._factory = factory
        return detector_factory._factory
