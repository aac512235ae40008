"""Workers run each stage over a batch of documents; the results must not depend on the batching."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows import stages
from flows.config import RunOptions, Settings
from flows.documents import RawDoc, Reject
from flows.pipeline import Pipeline
from tests.repair_data import articles

DATA = Path(__file__).parent / "data"
HEADER = "Menu | World | Business | Tech | Sport\nSubscribe to our newsletter for the latest stories"
FOOTER = "© 2019 Example Media. All rights reserved.\nShare this article: Facebook | Twitter | Email"


def _corpus(folder: Path) -> list[str]:
    """Real articles (with a shared header and footer on two sites), exact and near copies, the
    ``bad`` files (binary, empty, legacy encodings) and the seeds: inputs for every kind of result."""
    folder.mkdir()
    arts = articles()[:120]
    with (folder / "news.jsonl").open("w", encoding="utf-8") as fh:
        for k, art in enumerate(arts):
            site = "https://a.example/" if k % 3 == 0 else "https://b.example/" if k % 3 == 1 else art["url"]
            text = f"{HEADER}\n\n{art['text']}\n\n{FOOTER}" if k % 3 < 2 else art["text"]
            fh.write(json.dumps({"id": f"n{k}", "url": f"{site}{k}", "text": text}) + "\n")
        for k in range(0, 30, 3):  # an exact copy and a near copy (last paragraph dropped)
            fh.write(json.dumps({"id": f"copy{k}", "url": arts[k]["url"], "text": arts[k]["text"]}) + "\n")
            near = arts[k]["text"].rsplit("\n", 1)[0]
            fh.write(json.dumps({"id": f"near{k}", "url": arts[k]["url"], "text": near}) + "\n")
        fh.write(json.dumps({"id": "empty", "text": "   \n"}) + "\n")
        fh.write("not json\n")
    shutil.copytree(DATA / "bad", folder / "bad", ignore=shutil.ignore_patterns("*.py"))
    shutil.copytree(Path(__file__).parent.parent / "seeds", folder / "seeds")
    return [str(folder)]


def _run(inputs: list[str], settings: Settings, root: Path) -> dict[str, bytes]:
    """All steps of a run, in this process (no Prefect); the output files' bytes."""
    work = stages.Work(root / "work")
    data = stages.plan(inputs, settings, work)
    n = len(data["shards"])
    for i in range(n):
        stages.prepare_shard(str(work.root), i)
    stages.find_repeated_lines(str(work.root), n)
    for i in range(n):
        stages.clean_shard(str(work.root), i)
    stages.dedup(str(work.root), n)
    for i in range(n):
        stages.render_shard(str(work.root), i)
    stages.write_outputs(str(work.root), n, str(root / "out"))
    return {f.name: f.read_bytes() for f in sorted((root / "out").iterdir()) if f.name != "report.json"}


def test_outputs_do_not_depend_on_the_batches(settings: Settings, tmp_path: Path) -> None:
    inputs = _corpus(tmp_path / "in")
    outputs = []
    for name, docs, chars in (("one", 1, 10**9), ("default", None, None), ("odd", 7, 5_000)):
        run = settings.run.model_copy(update={"shard_size": 50, "batch_docs": docs or settings.run.batch_docs,
                                              "batch_chars": chars or settings.run.batch_chars})
        outputs.append(_run(inputs, settings.model_copy(update={"run": run}), tmp_path / name))
    assert outputs[0] == outputs[1] == outputs[2]
    corpus = outputs[0]["corpus.jsonl"].decode()
    assert corpus.count("\n") > 100 and HEADER.split("\n")[1] not in corpus  # repeated lines went
    assert outputs[0]["rejects.jsonl"] and outputs[0]["duplicates.jsonl"]  # bad inputs and copies are in it


def test_batched_stages_equal_one_document_at_a_time(settings: Settings) -> None:
    raws = [RawDoc(f"a{k}", "t", "s", {}, text=art["text"]) for k, art in enumerate(articles()[:40])]
    raws.insert(3, RawDoc("blank", "t", "s", {}, text=" \n\t"))
    raws.insert(9, RawDoc("png", "t", "s", {}, data=b"\x89PNG\r\n\x1a\n" + bytes(300)))
    legacy = "Caf\u00e9 cr\u00e8me: na\u00efve d\u00e9j\u00e0 vu. ".encode("cp1252") * 8
    raws.insert(12, RawDoc("cp1252", "t", "s", {}, data=legacy))
    one, many = Pipeline(settings), Pipeline(settings)
    alone = [one.prepare(raw) for raw in raws]
    together = many.prepare_many(raws)
    assert [_state(d) for d in alone] == [_state(d) for d in together]
    assert sum(isinstance(d, Reject) for d in together) == 2
    repeated = frozenset({"menu | world"})
    docs_one = [d for d in alone if not isinstance(d, Reject)]
    docs_many = [d for d in together if not isinstance(d, Reject)]
    cleaned_one = [one.clean(d, repeated) for d in docs_one]
    cleaned_many = many.clean_many([(d, repeated) for d in docs_many])
    assert [_state(d) for d in cleaned_one] == [_state(d) for d in cleaned_many]
    kept = [d for d in cleaned_many if not isinstance(d, Reject)]
    for (k1, h1), (k2, h2) in zip([one.features(d) for d in kept], many.features_many(kept), strict=True):
        assert k1 == k2 and h1.tobytes() == h2.tobytes()
    assert set(many.take_timings()) == {"decode", "encoding", "whitespace", "language", "boilerplate",
                                        "fragments", "minhash"}


def _state(doc: object) -> object:
    if isinstance(doc, Reject):
        return ("reject", doc.id, doc.reason, doc.detail, doc.edits, doc.info)
    return doc.to_json()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("docs", "chars", "expected"), [
    (3, 100, [[5, 5, 5], [5, 5]]),
    (2, 100, [[5, 5], [5, 5], [5]]),
    (10, 9, [[5, 5], [5, 5], [5]]),
    (10, 1, [[5], [5], [5], [5], [5]]),
])
def test_batches_cut_by_documents_and_characters(docs: int, chars: int, expected: list[list[int]]) -> None:
    run = RunOptions(workers=1, shard_size=10, progress=False, keep_work_dir=False, batch_docs=docs,
                     batch_chars=chars, api_server="thread")
    assert list(stages._batches([5] * 5, lambda n: n, run)) == expected
    assert list(stages._batches([], lambda n: n, run)) == []
