"""Stage options: the base class and every cleaner's options model. Values come from
``config/default.toml``; models hold no defaults.

The models live here, not beside their cleaners, so that loading a configuration imports none of
the cleaners' dependencies (numpy, ftfy, regex, langdetect: ~33 MB RSS). The CLI process that hosts
Prefect validates the configuration but never cleans; only its workers import the cleaners. Each
cleaner module re-exports its model.
"""

import codecs

from pydantic import BaseModel, ConfigDict, Field, field_validator

_SCHEMES = "^(affine32|legacy)$"  # cleaners.minhash: datasketch permutation schemes


class Options(BaseModel):
    """Strict, immutable options: unknown keys and wrong types are configuration errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


# cleaners.boilerplate
class BoilerplateOptions(Options):
    enabled: bool
    rules_file: str  # relative to the config folder
    extra_rules_files: tuple[str, ...]  # the user's own rule files, added after rules_file
    stopwords_dir: str  # relative to the config folder; <iso>.txt per language
    pattern_timeout_s: float = Field(gt=0)  # per-line time limit for rule patterns
    length_low: int = Field(ge=1)  # shorter lines are SHORT (decided by context)
    length_high: int = Field(ge=1)  # prose lines at least this long are GOOD outright
    length_sentence: int = Field(ge=1)  # ... and from this length if they end like a sentence
    stopwords_low: float = Field(ge=0, le=1)  # stopword density for NEARGOOD
    stopwords_high: float = Field(ge=0, le=1)  # stopword density for GOOD
    stopwords_sentence: float = Field(ge=0, le=1)  # a long line ending like a sentence needs only this
    stopwords_sample_chars: int = Field(ge=20)  # density of longer lines is measured on their start
    stopwords_guess_share: float = Field(ge=0, le=1)  # unknown language: best list must cover this share
    # a short line ending like a sentence with this many words is NEARGOOD
    short_sentence_words: int = Field(ge=1)
    menu_min_tokens: int = Field(ge=1)  # this many | » › • separators make a line a menu
    capitalised_min_words: int = Field(ge=1)  # capitalised-word runs of at least this many words ...
    capitalised_share: float = Field(ge=0, le=1)  # ... with this share of capitals and no stopwords go
    teaser_max_chars: int = Field(ge=0)  # lines up to this long ending in "..." are teasers
    list_min_run: int = Field(ge=0)  # this many short non-sentence lines in a row are a link list (0: off)
    # good clusters separated by at most this much bad weight are one block
    block_max_gap: float = Field(ge=0)
    block_soft_weight: float = Field(ge=0)  # weight of a bad line without rule/menu evidence (hard ones: 1)
    block_soft_categories: tuple[str, ...]  # rule categories that weigh as soft in gaps (dates, bylines)
    context_skip_categories: tuple[str, ...]  # rule categories the context pass looks past, as past short lines
    # rule categories whose lines stay when they lie inside the article (between two of its good lines) or open it
    inside_keep_categories: tuple[str, ...]
    # other blocks stay if at least this share of the main block's chars ...
    block_keep_share: float = Field(ge=0)
    block_keep_chars: int = Field(ge=0)  # ... or at least this many characters of good lines (0: off)
    topic_min_share: float = Field(ge=0, le=1)  # ... or if this share of their content words is in the main block
    topic_min_chars: int = Field(ge=0)  # ... and they have at least this many characters of good lines
    topic_body_chars: int = Field(ge=1)  # a block's topic is read on its first characters
    # soft signals act only on pages with this many rule/menu/repeated lines
    min_hard_lines: int = Field(ge=0)
    barrier_categories: tuple[str, ...]  # rule categories whose line, after the article began, ends it
    barrier_min_chars: int = Field(ge=0)  # ... once this many characters of good lines came before it
    barrier_min_share: float = Field(ge=0, le=1)  # ... and this share of all the page's good characters
    tail_categories: tuple[str, ...]  # rule categories whose line after the article ends it ...
    tail_max_after_share: float = Field(ge=0)  # ... if the good text below is at most this share of that above
    title_window: int = Field(ge=0)  # lines above the article searched for its headline/subheads
    title_max_words: int = Field(ge=1)
    title_skip_hard: bool  # lines with hard evidence (bylines, share bars) do not count in title_window
    title_list_lines: int = Field(ge=0)  # the nearest link-list lines above the article may be its headline
    subheads: bool  # also rescue title-like lines inside the article right before a good line
    # title-like lines right before a line of these rule categories (a headline above its byline and date)
    # are headline candidates up to title_far_window lines above the article
    title_far_before: tuple[str, ...]
    title_far_window: int = Field(ge=0)
    title_min_shared: int = Field(ge=1)  # content words a title shares with the article body ...
    title_min_share: float = Field(ge=0, le=1)  # ... and as a share of its own content words
    # content words of titles are words not among this many most frequent stopwords (0: the whole list)
    title_stopwords: int = Field(ge=0)
    stem_chars: int = Field(ge=3)  # content words are compared on this many leading characters
    title_body_chars: int = Field(ge=1)  # the article's first characters whose words titles are compared with
    wrap_min_lines: int = Field(ge=1)  # hard-wrapped text is recognised with at least this many lines ...
    wrap_min_width: int = Field(ge=1)  # ... whose wrap width (90th percentile length) lies in this range ...
    wrap_max_width: int = Field(ge=1)
    wrap_full_share: float = Field(ge=0, le=1)  # ... lines this close to the width continue the paragraph
    wrap_min_share: float = Field(ge=0, le=1)  # ... and at least this share of lines are that full
    repeat_min_docs: int = Field(ge=2)
    repeat_min_share: float = Field(ge=0, le=1)
    repeat_max_doc_share: float = Field(ge=0, le=1)
    redetect_language_share: float = Field(ge=0, le=1)  # pipeline: re-detect language if this share went


# cleaners.decode
class DecodeOptions(Options):
    detect_legacy: bool  # try charset-normalizer when strict UTF-8 fails
    prefer_encodings: tuple[str, ...]  # among near-equal guesses, the first of these that fits wins
    prefer_max_chaos: float = Field(ge=0, le=1)  # "near-equal": at most this much more chaos than the best
    max_chaos: float = Field(ge=0, le=1)  # a best guess messier than this is not text: binary
    max_control_share: float = Field(ge=0, le=1)  # share of C0 controls/NULs that marks data as binary
    sniff_bytes: int = Field(gt=0)  # how many leading bytes the binary check looks at
    utf16_nul_share: float = Field(ge=0, le=1)  # NULs on one byte parity that mark BOM-less UTF-16
    utf16_min_letters: float = Field(ge=0, le=1)  # BOM-less UTF-16 without NULs: share of letters ...
    utf16_min_breaks: float = Field(ge=0, le=1)  # ... and of spaces, punctuation and line breaks


# cleaners.encoding
class EncodingOptions(Options):
    enabled: bool
    gate: bool  # skip ftfy on text the gate finds clean
    unescape_html: bool
    uncurl_quotes: bool
    fix_character_width: bool
    fix_latin_ligatures: bool
    fix_line_breaks: bool
    normalization: str | None = Field(pattern="^(NFC|NFKC|NFD|NFKD)$")
    max_diff_chars: int = Field(gt=0)  # above this, an edit spans the changed region instead of a char diff
    legacy_codecs: tuple[str, ...]  # code pages a line shown as cp1252/latin-1 may really be in ([] = off)
    legacy_min_signs: int = Field(ge=1)  # signs of such a reading (cleaners.legacy) before one is tried

    @field_validator("legacy_codecs")
    @classmethod
    def _known_codecs(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            try:
                codecs.lookup(name)
            except LookupError:
                raise ValueError(f"unknown code page {name!r}") from None
        return names


# cleaners.fragments
class FragmentOptions(Options):
    enabled: bool
    policy: str = Field(pattern="^(restore|drop|mark)$")
    glossary_dir: str  # relative to the config folder
    max_foreign_share: float = Field(ge=0, le=1)  # above this share of letters: reject mixed_language
    min_alphabetic_letters: int = Field(ge=1)  # shorter runs of spaced scripts are symbols (π, β)
    max_glossary_pieces: int = Field(ge=0)  # a fragment restored from more glossary pieces is dropped
    keep_names: bool  # keep unknown Titlecase words of cased scripts (probably names)
    latin: bool  # also look for clauses in another Latin-script language
    latin_min_words: int = Field(ge=1)
    latin_min_foreign_stopwords: int = Field(ge=1)  # function words of the other language in the clause
    latin_max_own_stopword_share: float = Field(ge=0, le=1)  # more of the document's own: not foreign
    latin_min_probability: float = Field(ge=0, le=1)  # langdetect's confidence on the clause
    latin_max_checks: int = Field(ge=0)  # langdetect runs per document at most (bounds the cost)
    seed: int  # langdetect seed for clause checks


# cleaners.language
class LanguageOptions(Options):
    seed: int  # langdetect is randomised; a fixed seed makes tags deterministic
    sample_chars: int = Field(gt=0)  # langdetect looks at this many characters at most
    min_letters: int = Field(ge=0)  # fewer letters than this: language "und"
    min_probability: float = Field(ge=0, le=1)  # below this: language "und"
    fast_path: bool  # decide by script / function words when that is unambiguous; else langdetect
    script_min_share: float = Field(gt=0.5, le=1)  # share of letters in a one-language script
    kana_min_share: float = Field(gt=0, le=1)  # kana among letters for ja (Han+kana >= script_min_share)
    russian_letter_min_share: float = Field(gt=0, le=1)  # ы/э among Cyrillic letters for ru (no uk/bg/mk letters)
    stopword_sample_chars: int = Field(gt=0)  # function words are counted in a sample this long
    stopword_retry_chars: int = Field(ge=0)  # undecided: count again in a sample this long (0: no retry)
    stopword_min_tokens: int = Field(ge=1)  # fewer words: no function-word decision
    stopword_min_share: float = Field(gt=0, le=1)  # share of tokens that are stopwords of the language
    stopword_max_rival: float = Field(ge=0, lt=1)  # every other language's share must stay below this x best
    fast_languages: tuple[str, ...]  # languages the function-word path may decide


# cleaners.lsh
class LshOptions(Options):
    threshold: float = Field(gt=0, lt=1)  # Jaccard similarity at which two documents are near-duplicates
    bands: int = Field(ge=0)  # 0: chosen from the S-curve for the threshold
    rows: int = Field(ge=0)
    false_negative_weight: float = Field(gt=0)  # how much worse a missed pair is than a candidate checked
    candidate_threshold: float = Field(gt=0, lt=1)  # with containment: LSH proposes pairs from this Jaccard
    containment: float = Field(
        ge=0, le=1
    )  # 0 = off; else also accept candidates this contained (truncated copies)
    containment_min_shingles: int = Field(
        ge=1
    )  # ... when the smaller document has at least this many shingles
    containment_min_ratio: float = Field(ge=0, le=1)  # ... and it has at least this share of the larger one's
    max_bucket: int = Field(ge=2)  # a band bucket pairs each member with at most this many earlier members


# cleaners.minhash
class MinHashOptions(Options):
    num_perm: int = Field(ge=16, le=1024)
    seed: int
    scheme: str = Field(pattern=_SCHEMES)  # datasketch permutation scheme of the signature values
    shingle_words: int = Field(ge=1, le=63)  # token n-gram size (a token: a word, or one CJK/Thai character)
    min_words: int = Field(ge=1)  # fewer tokens: the whole text is one shingle
    batch_docs: int = Field(ge=1)  # documents permuted together by signatures()


# cleaners.whitespace
class WhitespaceOptions(Options):
    enabled: bool
    strip_indentation: bool  # remove leading whitespace of every line (drifting indentation)
    collapse_spaces: bool  # runs of spaces inside a line become one
    remove_bidi_controls: bool
    remove_joiners_in_words: bool  # ZWJ/ZWNJ between two Latin, Greek or Cyrillic letters
    max_blank_lines: int = Field(ge=0)  # consecutive blank lines kept between paragraphs
