"""Regenerate the bad-input samples in this folder (run by hand; the outputs are committed).

Texts are real: nine short articles from ../shared/bench/news copied into ``articles.jsonl`` here
(see SOURCES), and seed paragraphs for the gzip records. Each sample carries one kind of damage;
tests/flow/test_bad_input.py states what must come out of each.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEEDS = HERE.parent.parent.parent / "seeds"


def png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# sample file -> line of articles.jsonl holding its undamaged text (tests compare with a clean run)
SOURCES = {"legacy_cp1252.txt": 0, "stray_bytes.txt": 3, "utf16le_nobom.txt": 4, "utf16be_nobom.txt": 8,
           "nul_bytes.txt": 7, "bidi.txt": 6}


HOSTILE_TEXT = (
    "An id is only ever data. This record carries an identifier that tries to climb out of the output "
    "folder, hide itself with a right-to-left override and end early with a NUL byte; the text beside it "
    "is an ordinary paragraph that no other record in this folder shares.")


def main() -> None:
    rows = (HERE / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    articles = [json.loads(line) for line in rows]
    texts = {name: articles[i]["text"] for name, i in SOURCES.items()}
    pt, de, it = articles[:3]
    (HERE / "legacy_cp1252.txt").write_bytes(texts["legacy_cp1252.txt"].encode("cp1252"))
    raw = texts["stray_bytes.txt"].encode("utf-8")
    (HERE / "stray_bytes.txt").write_bytes(raw[:150] + b"\xff\xfe" + raw[150:400] + b"\xc3" + raw[400:])
    (HERE / "utf16le_nobom.txt").write_bytes(texts["utf16le_nobom.txt"].encode("utf-16-le"))
    (HERE / "utf16be_nobom.txt").write_bytes(texts["utf16be_nobom.txt"].encode("utf-16-be"))
    (HERE / "image.txt").write_bytes(png_1x1())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("article.txt", it["text"])
    (HERE / "archive.txt").write_bytes(buf.getvalue())
    (HERE / "empty.txt").write_bytes(b"")
    (HERE / "blank.txt").write_bytes(" \t \r\n\n\u00a0\u3000\n   \n".encode())
    raw = texts["nul_bytes.txt"].encode("utf-8")
    (HERE / "nul_bytes.txt").write_bytes(raw[:120] + b"\x00" + raw[120:300] + b"\x00\x00" + raw[300:])
    text = texts["bidi.txt"]
    bidi = (text[:60] + "\u202e" + text[60:90] + "\u202c" + text[90:200] + "\u2067" + text[200:260] + "\u2069"
            + text[260:])
    (HERE / "bidi.txt").write_text(bidi, encoding="utf-8")
    lines = [
        json.dumps({"id": "good-it", "url": "https://example.it/a", "text": it["text"]}),
        '{"id": "cut-off", "text": "Il black Friday incombe',  # malformed: cut in the middle
        json.dumps({"id": "no-text", "title": "A record without text"}),
        json.dumps({"id": "text-number", "text": 42}),
        json.dumps({"id": "text-null", "text": None}),
        json.dumps({"id": "good-it", "text": de["text"]}),  # duplicated id, different article
        "[" * 200_000 + "]" * 200_000,  # very deep nesting
        '{"id": "lone-surrogate", "text": "' + pt["text"][:300].replace('"', "'") + ' \\ud800 fim."}',
        '{"id": "nan-meta", "score": NaN, "text": ' + json.dumps(pt["text"][:200]) + "}",
        '{"id": "huge-int", "n": ' + "9" * 5000 + ', "text": "x"}',
        json.dumps(["an", "array"]),
        "",
        json.dumps({"id": 3.5, "text": de["text"][:400]}),
        json.dumps({"id": "\u202ebidi-id\u0000../../etc/passwd", "text": HOSTILE_TEXT}),
    ]
    (HERE / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    paragraphs = [p for seed in sorted(SEEDS.glob("*.txt"))
                  for p in seed.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    records = [json.dumps({"id": f"gz-{i}", "text": p}) for i, p in enumerate(paragraphs[:40])]
    whole = gzip.compress(("\n".join(records) + "\n").encode("utf-8"), mtime=0)
    (HERE / "truncated.jsonl.gz").write_bytes(whole[: len(whole) * 2 // 3])
    (HERE / "not_gzip.jsonl.gz").write_bytes(b'{"id": "plain", "text": "not compressed at all"}\n')


if __name__ == "__main__":
    main()
