"""End-to-end: the real CLI on the seeds, on real clean articles, and on first bad inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import regex

from tests.flow.conftest import ROOT, assert_invariant, run_cli

SEEDS = ROOT / "seeds"
ARTICLES = ROOT / "tests" / "data" / "news" / "articles.jsonl"


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "out"
    proc = run_cli("clean", str(SEEDS), "--out", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert "kept 5" in proc.stderr.decode()  # the human summary
    return out


def _texts(out: Path) -> dict[str, str]:
    return {r["id"]: r["text"] for r in assert_invariant(out)["corpus"]}


def test_seeds_all_kept_no_rejects_no_clusters(seeds_out: Path) -> None:
    o = assert_invariant(seeds_out, {p.name for p in SEEDS.glob("*.txt")})
    assert len(o["corpus"]) == 5
    assert o["rejects"] == [] and o["duplicates"] == [] and o["clusters"] == []
    assert all(r["cluster"] is None and r["lang"] == "en" for r in o["corpus"])
    assert not list(seeds_out.glob(".*tmp*")), "temporary files left behind"


def test_seed_001_fragments_repaired_and_indentation_gone(seeds_out: Path) -> None:
    text = _texts(seeds_out)["001_3149a2e69b59ce78.txt"]
    assert not regex.search(r"\p{Han}", text)
    assert not regex.search(r"(?m)^[ \t]", text)
    for phrase in ("accused Ukraine of firing", "“Thank God, the Pantsir", "in March that “vast majority",
                   "Meanwhile, the governor", ", he said."):
        assert phrase in text, phrase


SEED_003_JUNK = (
    "twitter", "youtube", "instagram", "facebook", "telegram", "apple store", "play market",
    "night_theme", "ru", "arm", "search", "print", "copy link", "Views: 127",
    "Ссылка скопирована", "Link copied", "Caliber.az © 2024. .",
    "Any use of materials is allowed only if there is a hyperlink to Caliber.az",
    "Azerbaijan Airlines plane crashes in Aktau, Kazakhstan",
    "share-lineLiked the story? Share it on social media!",
)


def test_seed_003_boilerplate_gone_article_kept(seeds_out: Path) -> None:
    text = _texts(seeds_out)["003_e856de51a3451b38.txt"]
    lines = set(text.split("\n"))
    for junk in SEED_003_JUNK:
        assert junk not in lines, junk
    assert "Is Belarus preparing to invade Ukraine?" in lines
    assert "Azerbaijan Airlines" not in text


def test_seeds_000_and_004_edges_cleaned(seeds_out: Path) -> None:
    texts = _texts(seeds_out)
    t000 = texts["000_8cac10d750b4a1f9.txt"].split("\n")
    assert "World News" not in t000 and "Back to top button" not in t000
    t004 = texts["004_3331ead1135ad25f.txt"].split("\n")
    assert "source site-34" not in t004 and "." not in t004


def test_seed_sentences_otherwise_unchanged(seeds_out: Path) -> None:
    """Every long line of every seed except 001 (whose fragments are repaired) survives verbatim."""
    texts = _texts(seeds_out)
    for path in sorted(SEEDS.glob("*.txt")):
        if path.name.startswith("001"):
            continue
        out = texts[path.name]
        assert "\n\n\n" not in out
        for line in path.read_text(encoding="utf-8").split("\n"):
            if len(line.split()) >= 8 and line not in SEED_003_JUNK:
                assert line.strip() in out, (path.name, line)


def test_clean_articles_kept_and_barely_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = run_cli("clean", str(ARTICLES), "--out", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    originals = {json.loads(line)["id"]: json.loads(line)["text"] for line in ARTICLES.open(encoding="utf-8")}
    o = assert_invariant(out, set(originals))
    assert len(o["corpus"]) == 181
    before = sum(len(t) for t in originals.values())
    after = sum(len(r["text"]) for r in o["corpus"])
    assert (before - after) / before < 0.01
    assert {r["lang"] for r in o["corpus"]} >= {"en", "ru", "ko", "ja", "pt"}


def test_missing_input_exits_2(tmp_path: Path) -> None:
    proc = run_cli("clean", str(tmp_path / "missing-dir"), "--out", str(tmp_path / "x"))
    assert proc.returncode == 2
    assert "missing-dir" in proc.stderr.decode() and "Traceback" not in proc.stderr.decode()


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[lsh]\nthreshhold = 0.5\n", encoding="utf-8")
    proc = run_cli("clean", str(SEEDS), "--out", str(tmp_path / "x"), "--config", str(cfg))
    assert proc.returncode == 2 and "lsh.threshhold" in proc.stderr.decode()
    proc = run_cli("clean", str(SEEDS), "--out", str(tmp_path / "x"), "--set", "lsh.threshold=1.5")
    assert proc.returncode == 2 and "lsh.threshold" in proc.stderr.decode()


def test_first_bad_inputs_rejected_with_reasons(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text((SEEDS / "002_81c0bf131cfcbb7c.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "undecodable.txt").write_bytes(bytes(range(256)) * 4)
    good = json.dumps({"id": "j1", "text": "A short but real sentence about the weather today.", "url": "http://x.org/a"})
    (src / "docs.jsonl").write_text(good + "\n{not json\n" + json.dumps({"id": "j3"}) + "\n"
                                    + json.dumps({"text": 5}) + "\n", encoding="utf-8")
    with gzip.open(src / "more.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"text": "Another document that is compressed on disk."}) + "\n")
    out = tmp_path / "out"
    proc = run_cli("clean", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    o = assert_invariant(out)
    reasons = {r["id"]: r["reason"] for r in o["rejects"]}
    assert reasons["empty.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["undecodable.txt"] in {"binary", "undecodable"}
    assert reasons["docs.jsonl:2"] == "malformed_json"
    assert reasons["j3"] == "missing_text"
    assert reasons["docs.jsonl:4"] == "text_not_string"
    kept = {r["id"] for r in o["corpus"]}
    assert {"good.txt", "j1", "more.jsonl.gz:1"} <= kept
    meta = next(r["meta"] for r in o["corpus"] if r["id"] == "j1")
    assert meta == {"url": "http://x.org/a"}


def test_stdin_jsonl(tmp_path: Path) -> None:
    data = "".join(json.dumps({"text": f"Document number {i} is about a different topic entirely, {i}."}) + "\n"
                   for i in range(3))
    out = tmp_path / "out"
    proc = run_cli("clean", "-", "--out", str(out), stdin=data.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    o = assert_invariant(out, {"stdin:1", "stdin:2", "stdin:3"})
    assert len(o["corpus"]) == 3
