"""The fast paths of the encoding, whitespace and minhash stages give exactly what the plain
algorithms give: each is compared with a reference (the straightforward implementation it
replaced) on real articles, damaged copies of them, and generated strings."""

from __future__ import annotations

import difflib
import random
import unicodedata

import ftfy
import numpy as np
import pytest
from ftfy.badness import is_bad
from ftfy.chardata import HTML_ENTITY_RE
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cleaners import encoding as enc
from cleaners import minhash as mh
from cleaners import whitespace as ws
from cleaners.ftfy_prefilter import ACTIVE, may_be_bad
from cleaners.token_diff import AlternatingMatcher
from tests.repair_data import articles, ftfy_cases

# ---------------------------------------------------------------- references


def ref_shape(text: str) -> bool:
    for m in enc._CANDIDATE.finditer(text):
        lead, cont, after = m.groups()
        if cont is None:
            if lead in (enc._A0_LEAD_CHARS if after == " " else enc._LOSSY_LEAD_CHARS):
                return True
        elif (lead, cont) in enc._PAIRS:
            return True
    return False


def ref_needs_fixing(text: str, normalization: str | None = "NFC") -> bool:
    if enc._SPECIAL.search(text):
        return True
    if "&" in text and HTML_ENTITY_RE.search(text):
        return True
    if normalization and not unicodedata.is_normalized(normalization, text):
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return ref_shape(text)


def ref_whitespace(text: str, opts: ws.WhitespaceOptions) -> tuple[str, list]:
    """All three passes, unconditionally, with the regexes."""
    edits = []
    steps = (
        lambda t: ws._regex_pass(t, ws._invisible_pass(opts)),
        lambda t: ws._regex_pass(t, ws._space_pass(opts)),
        lambda t: ws._blank_pass(t, opts.max_blank_lines),
    )
    for step in steps:
        out = step(text)
        text, edits = out.text, edits + out.edits
    return text, edits


def ref_features(text: str, opts: mh.MinHashOptions) -> tuple[str, np.ndarray]:
    """The features as first written: NFKC of the whole text, boolean token bounds, a loop of sums."""
    norm = unicodedata.normalize("NFKC", text).casefold()
    cps = np.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    cls = mh._char_classes()[cps]
    word, solo = cls == mh._WORD, cls == mh._SOLO
    starts = np.flatnonzero(solo | (word & ~np.concatenate(([False], word[:-1]))))
    ends = np.flatnonzero(solo | (word & ~np.concatenate((word[1:], [False])))) + 1
    if starts.size == 0:
        th = np.zeros(0, dtype=np.uint64)
    else:
        up, down = mh._powers(max(1024, 1 << int(cps.size).bit_length()))
        terms = (cps.astype(np.uint64) + np.uint64(1)) * up[: cps.size]
        prefix = np.concatenate((np.zeros(1, np.uint64), np.cumsum(terms)))
        h = (prefix[ends] - prefix[starts]) * down[starts] + (ends - starts).astype(np.uint64)
        for mult in (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53):
            h ^= h >> np.uint64(33)
            h *= np.uint64(mult)
        h ^= h >> np.uint64(33)
        th = h
    n = opts.shingle_words if th.size >= max(opts.shingle_words, opts.min_words) else th.size

    def combine(k: int) -> np.ndarray:
        count = th.size - k + 1
        acc = np.zeros(count, dtype=np.uint64)
        for i in range(k):
            acc += th[i : i + count] * mh._MIX[i % 63]
        acc ^= acc >> np.uint64(29)
        acc *= mh._MIX[63]
        acc ^= acc >> np.uint64(32)
        return acc & mh._MAX32

    hashes = np.zeros(1, np.uint64) if th.size == 0 else combine(n)
    return mh.xxhash.xxh3_128_hexdigest(th.tobytes()), np.unique(hashes.astype(np.uint32))


# ---------------------------------------------------------------- data


def _mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding, errors="replace")


@pytest.fixture(scope="module")
def lines() -> list[str]:
    """Lines of the real articles, and of mojibake copies of some of them in ftfy's encodings."""
    out = []
    for i, art in enumerate(articles()):
        text = art["text"]
        out += text.split("\n")
        if i % 6 == 0:
            codec = ["sloppy-windows-1252", "macroman", "sloppy-windows-1251", "latin-1", "windows-1253"][i % 5]
            out += _mojibake(text, codec).split("\n")[:8]
    for name in ("in-the-wild", "negative"):
        for case in ftfy_cases(name):
            out += [case["original"], case.get("fixed", "")]
    return [ln for ln in out if ln]


SPACE_CHARS = " \n\r\t\u00a0\u2009\u200b\u200d\u3000\ufeff\u00ad\u202ex.é"


# ---------------------------------------------------------------- encoding


def test_badness_prefilter_is_active_and_sound(lines):
    assert ACTIVE, "ftfy's badness pattern changed: re-check cleaners/ftfy_prefilter.py against it"
    bad = [ln for ln in lines if is_bad(ln)]
    assert len(bad) > 50  # the mojibake copies and ftfy's cases
    assert all(may_be_bad(ln) for ln in bad)
    # and it is selective: most clean lines (English, Russian, Chinese articles) pass it
    clean = [ln for art in articles() for ln in art["text"].split("\n") if ln]
    assert sum(map(may_be_bad, clean)) < 0.2 * len(clean)


@hsettings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(set("abcXY .?!\u00a0°µ€ВГРСвЂΒΓΞΟβāÃÂØÙ‚âóàä×²³√≈«»“”’–—…") |
                                               set(map(chr, range(0x80, 0x180))))), max_size=12))
def test_badness_prefilter_never_misses(text):
    if is_bad(text):
        assert may_be_bad(text)


def test_gate_equals_reference(lines):
    for ln in lines:
        for norm in ("NFC", None):
            assert enc.needs_fixing(ln, norm) == ref_needs_fixing(ln, norm), ln[:80]
        assert enc._mojibake_shape(ln) == ref_shape(ln), ln[:80]


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(sorted(set("a ?\n&;#\x00\x1b\ufffd\ud800e\u0301") | set(enc._LEADS) |
                                               set("\x80\x9f\xa0©”’–Ђ¤"))), max_size=16))
def test_gate_equals_reference_generated(text):
    assert enc.needs_fixing(text) == ref_needs_fixing(text)
    assert enc._mojibake_shape(text) == ref_shape(text)


def test_skipped_text_really_unchanged(lines, settings):
    """Whatever the one-scan checks let through untouched, ftfy and the repairs leave as it is."""
    opts = settings.encoding
    ungated = opts.model_copy(update={"gate": False})
    cleared = [ln for ln in lines if enc._gate(ln, opts) == enc._CLEAN]
    assert 0.3 * len(lines) < len(cleared) < len(lines)
    beyond = [ln for ln in cleared if ref_needs_fixing(ln)]  # the reference gate would run ftfy on these
    assert len(beyond) > 10
    for ln in beyond:
        out = enc.fix_encoding(ln, ungated)
        assert out.text == ln and not out.edits, ln[:80]
    config = enc._ftfy_config(opts)
    leaves = [ln for ln in lines if enc._verdict(ln, "NFC") == enc._SHAPE_ONLY and enc._ftfy_leaves(ln, opts)]
    assert len(leaves) > 10  # Russian lines: shapes everywhere, no badness
    for ln in leaves:
        assert tuple(ftfy.fix_and_explain(ln, config=config)) == (ln, [])


def test_fix_encoding_equals_line_by_line_reference(settings):
    """Gated repair = ftfy (ungated) on exactly the lines the reference gate flags."""
    opts = settings.encoding
    ungated = opts.model_copy(update={"gate": False})
    rng = random.Random(5)
    for i, art in enumerate(articles()[:60]):
        text = art["text"]
        if i % 2:
            parts = text.split("\n")
            k = rng.randrange(len(parts))
            parts[k] = _mojibake(parts[k], rng.choice(["sloppy-windows-1252", "macroman", "sloppy-windows-1251"]))
            text = "\n".join(parts)
        expected = "".join(enc.fix_encoding(ln, ungated).text if ref_needs_fixing(ln) else ln
                           for ln in enc._lines(text))
        assert enc.fix_encoding(text, opts).text == expected


# ---------------------------------------------------------------- whitespace


def _plain_damage(text: str, rng: random.Random) -> str:
    lines = [rng.choice(["", " ", "   "]) + ln.replace(" ", rng.choice([" ", "  "])) + rng.choice(["", " "])
             for ln in text.split("\n")]
    return rng.choice(["", " "]) + "\n".join(lines) + rng.choice(["", " ", "\n \n"])


@pytest.mark.parametrize("variant", [{}, {"strip_indentation": False}, {"collapse_spaces": False},
                                     {"remove_bidi_controls": False, "max_blank_lines": 0}])
def test_whitespace_equals_reference(settings, variant):
    opts = settings.whitespace.model_copy(update=variant)
    rng = random.Random(9)
    plain = 0
    for art in articles()[:80]:
        odd = art["text"].replace("\n", "\r\n").replace(" ", "\u00a0", 3)
        for text in (art["text"], _plain_damage(art["text"], rng), odd):
            out = ws.normalize_whitespace(text, opts)
            assert (out.text, out.edits) == ref_whitespace(text, opts)
            plain += out.edits != [] and not ws._ANY_SPECIAL.search(text)
    assert plain > 40  # the fast space pass was exercised


@hsettings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(SPACE_CHARS), max_size=24), st.booleans(), st.booleans())
def test_whitespace_equals_reference_generated(text, indent, collapse):
    opts = ws.WhitespaceOptions(enabled=True, strip_indentation=indent, collapse_spaces=collapse,
                                remove_bidi_controls=True, remove_joiners_in_words=True, max_blank_lines=1)
    out = ws.normalize_whitespace(text, opts)
    assert (out.text, out.edits) == ref_whitespace(text, opts)


# ---------------------------------------------------------------- minhash


def test_features_equal_reference(settings):
    opts = settings.minhash
    variants = [opts, opts.model_copy(update={"shingle_words": 1, "min_words": 1}),
                opts.model_copy(update={"shingle_words": 3, "min_words": 100})]
    for art in articles():
        for o in variants:
            key, hashes = mh.features(art["text"], o)
            ref_key, ref_hashes = ref_features(art["text"], o)
            assert key == ref_key and hashes.dtype == np.uint32 and np.array_equal(hashes, ref_hashes)


TRICKY = "ab Aé e\u0301ß İ ﬁ½…\u00a0\n\t中文ไทย𠀀\U000e0100ǅΣσς1２\u1100\u1161\u11a8"


@hsettings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(TRICKY), max_size=30))
def test_features_equal_reference_generated(text):
    opts = mh.MinHashOptions(num_perm=16, seed=1, scheme="affine32", shingle_words=2, min_words=2, batch_docs=4)
    key, hashes = mh.features(text, opts)
    ref_key, ref_hashes = ref_features(text, opts)
    assert key == ref_key and np.array_equal(hashes, ref_hashes)
    assert mh._normalized(text) == unicodedata.normalize("NFKC", text).casefold()


# ---------------------------------------------------------------- token diff

WORDS = st.sampled_from(["a", "b", "c", "ab", "Ã©", "é", "10."])
SPACES = st.sampled_from([" ", "  ", "\u00a0", "\n"])


@st.composite
def alternating(draw) -> list[str]:
    n = draw(st.integers(0, 24))
    first_space = draw(st.booleans())
    return [draw(SPACES) if (k % 2 == 0) == first_space else draw(WORDS) for k in range(n)]


@hsettings(max_examples=600, deadline=None)
@given(alternating(), alternating())
def test_token_matcher_equals_difflib(a, b):
    assert AlternatingMatcher(a, b).get_opcodes() == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def test_token_matcher_on_mojibake_lines():
    """Mojibake whose repair merges tokens (a no-break space inside it), the case that needs the diff."""
    compared = 0
    for art in articles():
        for line in art["text"].split("\n"):
            bad = line.encode("utf-8").decode("sloppy-windows-1252")
            old, new = enc._TOKEN.findall(bad), enc._TOKEN.findall(line)
            if len(old) != len(new):
                ref = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
                assert AlternatingMatcher(old, new).get_opcodes() == ref
                compared += 1
    assert compared > 20
    # not alternating: falls back to difflib's own search
    a, b = ["x", " ", " ", "y"], [" ", " ", "y"]
    assert AlternatingMatcher(a, b).get_opcodes() == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
