"""Cross-document repetition through the real shard steps (no Prefect): counting and the guards."""

from __future__ import annotations

import json

from flows.config import load_settings
from flows.stages import Work, clean_shard, find_repeated_lines, plan, prepare_shard

FOOTER = "Thanks for reading Example Daily, your independent voice in the valley since 1921."
STORY = [
    "The city council voted on Tuesday to approve the new budget after a debate that lasted late.",
    "Council members said the plan would fund road repairs, two new libraries and more staff at the shelter.",
    "Opponents argued that the spending was too high at a time when many residents are struggling with rent.",
]


def _article(i: int) -> str:
    body = [
        f"Story number {i} reports on a different topic of local interest with several facts and quotes.",
        f"The second paragraph of story {i} continues with more detail about what happened and why.",
        f"A third paragraph of story {i} closes the report with a look at what comes next for residents.",
    ]
    return "\n\n".join([*body, FOOTER])


def _run(tmp_path, records):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    work = Work(tmp_path / "work")
    settings = load_settings(overrides=[{"run": {"shard_size": 1000}}])
    info = plan([str(src)], settings, work)
    n = len(info["shards"])
    for i in range(n):
        prepare_shard(str(work.root), i)
    find_repeated_lines(str(work.root), n)
    for i in range(n):
        clean_shard(str(work.root), i)
    out = []
    for i in range(n):
        out += [json.loads(x) for x in work.cleaned(i).read_text(encoding="utf-8").splitlines() if x]
    return out


def test_footer_repeated_across_site_goes_story_copies_keep_body(tmp_path):
    records = [{"id": f"a{i}", "url": f"https://example.com/{i}", "text": _article(i)} for i in range(8)]
    # the same story eight times (exact and near copies) on the same site: its lines are "repeated"
    copies = ["\n\n".join(STORY)] * 2 + [
        "\n\n".join([*STORY, f"Update {k}: the vote was 7 to 2."]) for k in range(6)
    ]
    records += [
        {"id": f"c{k}", "url": f"https://example.com/story-{k}", "text": t} for k, t in enumerate(copies)
    ]
    records.append({"id": "other", "url": "https://other.org/x", "text": _article(99)})
    docs = {d["id"]: d for d in _run(tmp_path, records)}
    for i in range(8):
        assert FOOTER not in docs[f"a{i}"]["text"]
        assert any(e["rule"] == "repeated-line" for e in docs[f"a{i}"]["edits"])
        assert f"Story number {i}" in docs[f"a{i}"]["text"]
    for k in range(8):
        assert all(p in docs[f"c{k}"]["text"] for p in STORY), k
    assert FOOTER in docs["other"]["text"]  # another site: not repeated there
