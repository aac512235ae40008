"""Bytes to text: BOMs, strict UTF-8, then a detected legacy encoding; binary data is rejected."""

from __future__ import annotations

import codecs
import unicodedata
from typing import TYPE_CHECKING

from cleaners.edits import Edit, StageResult
from cleaners.legacy import implausibility

if TYPE_CHECKING:
    from charset_normalizer.models import CharsetMatch
from cleaners.options import DecodeOptions

STAGE = "decode"

# (BOM, codec) — UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of common binary formats a scraper may save with a text name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"%PDF-", "pdf"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x7fELF", "elf"),
    (b"RIFF", "riff"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)




def _binary_kind(data: bytes, opts: DecodeOptions) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    head = data[: opts.sniff_bytes]
    if not head:
        return None
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls / len(head) > opts.max_control_share:
        return "control-bytes"
    return None


def _bomless_utf16(data: bytes, opts: DecodeOptions) -> str | None:
    """Guess UTF-16 without a BOM from NULs concentrated on one byte parity (ASCII-heavy text)."""
    head = data[: opts.sniff_bytes]
    if len(head) < 4 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 4:
        return None
    half = len(head) // 2
    even_nul = head[0::2].count(0) / half
    odd_nul = head[1::2].count(0) / half
    if odd_nul >= opts.utf16_nul_share and even_nul < 0.05:
        return "utf-16-le"
    if even_nul >= opts.utf16_nul_share and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _utf16_by_decoding(data: bytes, opts: DecodeOptions) -> tuple[str, str] | None:
    """BOM-less UTF-16 recognised by decoding: strictly valid (random bytes almost never are: lone
    surrogates) and text-like: no controls or unassigned/private characters, mostly letters, and
    spaces or punctuation between them (repetitive binary decodes to unbroken "letters")."""
    if len(data) % 2 or len(data) < 32:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        head = text[: opts.sniff_bytes // 2]
        categories = [unicodedata.category(ch) for ch in head if ch not in "\t\n\r\f"]
        if any(c in ("Cc", "Cn", "Co", "Cs") for c in categories):
            continue
        letters = sum(c[0] == "L" for c in categories)
        breaks = sum(c[0] in "ZP" for c in categories) + head.count("\n")
        if letters >= opts.utf16_min_letters * len(categories) and breaks >= opts.utf16_min_breaks * len(categories):
            return codec, text
    return None


def _audit(encoding: str, how: str) -> list[Edit]:
    return [Edit(STAGE, f"decode:{how}", 0, 0, "", encoding)]


def decode_bytes(data: bytes, opts: DecodeOptions) -> StageResult:
    """Decode ``data``; the result's ``info['encoding']`` names the codec, ``reject`` says why not."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec.removesuffix("-sig"))
            except UnicodeDecodeError as exc:
                return StageResult("", reject=("undecodable", f"{codec} BOM but invalid data: {exc.reason}"))
            return StageResult(text, _audit(codec, "bom"), info={"encoding": codec})
    guess16 = _bomless_utf16(data, opts)
    if guess16:
        try:
            text = data.decode(guess16)
        except UnicodeDecodeError:
            pass
        else:
            return StageResult(text, _audit(guess16, "utf16-nul-pattern"), info={"encoding": guess16})
    kind = _binary_kind(data, opts)
    if kind == "control-bytes":
        # UTF-16 of non-Latin text (Cyrillic 0x04xx, CJK) has no NUL pattern but many "control" bytes
        found = _utf16_by_decoding(data, opts)
        if found:
            return StageResult(found[1], _audit(found[0], "utf16-text-check"), info={"encoding": found[0]})
    if kind:
        return StageResult("", reject=("binary", f"looks like {kind} data, not text"))
    try:
        return StageResult(data.decode("utf-8"), info={"encoding": "utf-8"})
    except UnicodeDecodeError as exc:
        utf8_error = f"invalid UTF-8 at byte {exc.start}"
    if opts.detect_legacy:
        from charset_normalizer import from_bytes  # imported lazily: only needed for legacy files

        matches = list(from_bytes(data))
        if matches:
            best = min(matches, key=lambda m: m.chaos)
            if best.chaos > opts.max_chaos:
                return StageResult("", reject=("binary", f"no encoding gives text (chaos {best.chaos:.2f})"))
            encoding, match = _preferred(matches, best, opts)
            return StageResult(str(match), _audit(encoding, "detected"), info={"encoding": encoding})
    return StageResult("", reject=("undecodable", utf8_error))


def _preferred(
    matches: list[CharsetMatch], best: CharsetMatch, opts: DecodeOptions
) -> tuple[str, CharsetMatch]:
    """charset-normalizer ranks look-alike code pages (cp1250 vs cp1252) by noise alone; among
    guesses about as clean as the best, take the most common web encoding."""
    close = [m for m in matches if m.chaos <= best.chaos + opts.prefer_max_chaos]
    # Equally clean is not enough: koi8-r Russian is as clean read as cp932 half-width katakana. Among
    # the clean guesses, those showing the fewest signs of a wrong reading (cleaners.legacy) stay.
    if len(close) > 1:
        # the head of each reading only: str(m) would decode the whole document for every guess
        wrongness = [implausibility(m.raw[: opts.sniff_bytes].decode(m.encoding, "ignore")) for m in close]
        close = [m for m, w in zip(close, wrongness, strict=True) if w == min(wrongness)]
    for name in opts.prefer_encodings:
        for m in close:
            if name in m.could_be_from_charset:
                return name, m
    best = best if best in close else close[0]
    return best.encoding, best
