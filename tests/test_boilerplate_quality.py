"""Quality mechanisms of the boilerplate stage on real GoogleTrends-2017 train pages (labelled lines):
topic continuity of blocks, the headline window past hard lines, furniture in the context pass, and the
related-stories tail. Each test also runs with the mechanism off, so it shows the mechanism's effect."""

from __future__ import annotations

from cleaners.boilerplate import classify_lines
from cleaners.language import detect_language
from tests.boilerplate_helpers import load_jsonl, pipe, strip

PAGES = {p["id"]: p for p in load_jsonl("googletrends-train-cases.jsonl")}


def _drop(page_id: str, **over) -> tuple[list[dict], dict[int, str]]:
    page = PAGES[page_id]
    lines = [ln["text"] for ln in page["lines"]]
    p = pipe()
    opts = p.s.boilerplate.model_copy(update=over) if over else p.s.boilerplate
    lang = detect_language("\n".join(lines), p.s.language)[0]
    return page["lines"], classify_lines(lines, opts, p.rules, p.stopwords, lang)


def _kept_content_chars(lines: list[dict], drop: dict[int, str]) -> int:
    return sum(len(ln["text"]) for i, ln in enumerate(lines) if ln["content"] and i not in drop)


def _find(lines: list[dict], start: str) -> int:
    return next(i for i, ln in enumerate(lines) if ln["text"].startswith(start))


def test_block_after_video_player_continues_the_article():
    """CNN: the article goes on after an embedded player's hundred lines of menus; its paragraphs
    share the article's words (Paddock, Vegas, shooting) and stay; with the topic test off they go."""
    lines, drop = _drop("gt_137")
    i = _find(lines, "(CNN)Stephen Paddock, who sent bullets")
    assert i not in drop
    _, off = _drop("gt_137", topic_min_share=0.0)
    assert off[i] == "classifier:outside-main"
    assert _kept_content_chars(lines, drop) > _kept_content_chars(lines, off)


def test_unrelated_blocks_still_go():
    """The topic test keeps continuations only: on the same page the related-video teasers and the
    footer stay removed."""
    lines, drop = _drop("gt_137")
    boiler = [i for i, ln in enumerate(lines) if not ln["content"]]
    removed = sum(len(lines[i]["text"]) for i in boiler if i in drop)
    assert removed >= 0.9 * sum(len(lines[i]["text"]) for i in boiler)


def test_promo_block_on_topic_is_kept():
    """finder.com: a second block about the same fight after a promo box stays (outside-main before)."""
    lines, drop = _drop("gt_170")
    i = _find(lines, "The biggest fight in history has arrived.")
    assert i not in drop
    assert _drop("gt_170", topic_min_share=0.0)[1][i] == "classifier:outside-main"


def test_headline_found_past_byline_and_tags():
    """Deadspin: author, date and "Filed to" lines between headline and body do not use up the
    headline window."""
    lines, drop = _drop("gt_18")
    i = _find(lines, "Report: Vikings Lineman Everson Griffen")
    assert lines[i]["cls"] == "title" and i not in drop
    assert i in _drop("gt_18", title_skip_hard=False)[1]


def test_gallery_furniture_does_not_sink_captions():
    """CNN gallery: "Hide Caption" and "16 of 30" are removed by rules, but the context pass looks past
    them, so the captions between article paragraphs are judged by the paragraphs around them."""
    lines, drop = _drop("gt_137")
    counter = _find(lines, "16 of 30")
    assert drop[counter] == "rule:counter:gallery-counter"
    caption = _find(lines, "Victims of the shooting are tended to in the street.")
    assert caption not in drop
    assert caption in _drop("gt_137", context_skip_categories=())[1]


RELATED_TAIL = """Officials in the coastal town said on Tuesday that the new sea wall would be finished before the \
winter storms, after two years of delays caused by a shortage of materials and a dispute with the contractor.
The wall, which runs for almost two kilometres along the harbour, is meant to protect about 3,000 homes that \
flooded twice in the past decade, the mayor told reporters at the site.
Residents have complained that the works closed the promenade for most of the summer, hurting the cafes and \
shops that depend on visitors, but most said they were relieved that the project was nearly done.
The regional government paid for two thirds of the cost and the town borrowed the rest, according to the budget \
published last month.
Share this article
More stories
Celebrity chef opens new restaurant in the capital and it is already fully booked until spring next year.
Share this article"""


def test_related_stories_heading_ends_the_article():
    """A "More stories" heading after the article, followed by a short teaser that does not continue
    the article's topic: the teaser goes, with the heading named in the audit."""
    res = strip(RELATED_TAIL, lang="en")
    removed = {e.before.strip(): e.rule for e in res.edits if e.before.strip()}
    teaser = "Celebrity chef opens new restaurant in the capital and it is already fully booked until spring next year."
    assert removed[teaser] == "classifier:after-related"
    assert removed["More stories"] == "rule:related:related-heading"
    assert "The regional government paid for two thirds" in res.text
    off = strip(RELATED_TAIL, lang="en", tail_max_after_share=0.0)
    assert teaser in off.text


def test_headline_ending_a_menu_run_is_kept():
    """finder.com: the headline is the last of a run of short lines (menu, "Advertiser Disclosure")
    taken as a link list; it shares the article's words and is rescued as the title. The menu lines stay
    removed. (The page's breadcrumb line, a rule line that would break the run, is left out here.)"""
    page = PAGES["gt_170"]
    lines = [ln for ln in page["lines"] if ln["text"] != "finder.com > Internet TV"]
    texts = [ln["text"] for ln in lines]
    p = pipe()
    lang = detect_language("\n".join(texts), p.s.language)[0]

    def drop_with(**over) -> dict[int, str]:
        opts = p.s.boilerplate.model_copy(update=over) if over else p.s.boilerplate
        return classify_lines(texts, opts, p.rules, p.stopwords, lang)

    drop = drop_with()
    i = _find(lines, "How to watch Mayweather vs McGregor online")
    assert lines[i]["cls"] == "title" and i not in drop
    assert drop_with(title_list_lines=0)[i] == "classifier:link-list"
    assert drop[i - 1] == "classifier:link-list"
