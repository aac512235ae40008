"""The boilerplate stage on real text: seeds, clean articles, audit, repetition guard, edge cases."""

from __future__ import annotations

import pytest

from cleaners.boilerplate import line_key
from tests.boilerplate_helpers import apply_edits, load_jsonl, strip


def _removed(res) -> dict[str, str]:
    return {e.before.strip(): e.rule for e in res.edits if e.before.strip()}


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def test_seed_003_loses_page_furniture_keeps_article(seed_texts):
    text = seed_texts["003_e856de51a3451b38.txt"]
    res = strip(text)
    removed = _removed(res)
    for line in [
        "twitter",
        "youtube",
        "instagram",
        "facebook",
        "telegram",
        "apple store",
        "play market",
        "night_theme",
        "ru",
        "arm",
        "search",
        "WHAT ARE YOU LOOKING FOR ?",
        "A+",
        "A-",
        "print",
        "copy link",
        "Views: 127",
        "Ссылка скопирована",
        "Caliber.az © 2024. .",
        "share-lineLiked the story? Share it on social media!",
        "Any use of materials is allowed only if there is a hyperlink to Caliber.az",
        "Azerbaijan Airlines plane crashes in Aktau, Kazakhstan",
        "01 September 2024 06:59",
    ]:
        assert line in removed, line
    assert removed["Views: 127"] == "rule:counter:counter"
    assert removed["copy link"].startswith("rule:share:")
    kept = _lines(res.text)
    assert kept[0] == "Is Belarus preparing to invade Ukraine?"
    body = [ln for ln in _lines(text) if len(ln) > 150]
    assert len(body) == 9 and all(ln in kept for ln in body)


def test_seed_000_and_004_edges(seed_texts):
    res = strip(seed_texts["000_8cac10d750b4a1f9.txt"])
    assert set(_removed(res)) == {"World News", "Back to top button"}
    assert _lines(res.text)[0] == "Belarus claims it overran Ukraine. Aerospace Defense Missile"
    text = seed_texts["004_3331ead1135ad25f.txt"]
    res = strip(text)
    assert set(_removed(res)) == {".", "source site-34"}
    assert _lines(res.text) == [ln for ln in _lines(text) if ln not in {".", "source site-34"}]
    assert _lines(res.text)[:3] == [
        "Joint maneuvers announced: Russia brings missile defense to Belarus",
        "Joint maneuver announced",
        "Russia brings anti-missile defense to Belarus",
    ]


def test_other_seeds_untouched_in_their_sentences(seed_texts):
    for name, text in seed_texts.items():
        res = strip(text)
        kept = _lines(res.text)
        for line in _lines(text):
            if len(line) > 120 and line.rstrip()[-1:] in '.!?"”':
                assert line in kept, (name, line[:60])


def test_audit_edits_rebuild_output_and_name_a_rule(seed_texts):
    for text in seed_texts.values():
        res = strip(text)
        assert apply_edits(text, res.edits) == res.text
        for e in res.edits:
            assert e.stage == "boilerplate" and e.after == ""
            assert e.rule.startswith(("rule:", "classifier:", "repeated-line", "blank-line")), e.rule
    res = strip(seed_texts["003_e856de51a3451b38.txt"])
    assert "\n\n\n" not in res.text and not res.text.startswith("\n")


def test_clean_articles_lose_under_one_percent():
    arts = load_jsonl("clean-articles-subset.jsonl")
    total = removed = 0
    for art in arts:
        res = strip(art["text"])
        total += len(art["text"])
        removed += len(art["text"]) - len(res.text)
    assert removed / total < 0.01


def test_repeated_lines_go_but_story_copies_keep_their_body(seed_texts):
    text = seed_texts["000_8cac10d750b4a1f9.txt"]
    footer = (
        "Support our journalism with a donation to the foundation that keeps this site free for all readers."
    )
    doc = text + "\n\n" + footer
    res = strip(doc, repeated=frozenset({line_key(footer)}))
    assert _removed(res)[footer] == "repeated-line"
    # a near-copy of a story seen many times: every line is "repeated", the body must survive
    every = frozenset(line_key(ln) for ln in doc.split("\n") if ln.strip())
    res = strip(doc, repeated=every)
    body = [ln for ln in _lines(text) if len(ln) > 150]
    assert all(ln in res.text for ln in body)
    assert "World News" not in _lines(res.text)


def test_language_without_stoplist_and_unknown_language():
    text = (
        "Home\nNews\n\n"
        + "\n\n".join(
            "東京都は本日、新しい交通計画を発表した。計画では二〇三〇年までに市内のバス路線を大幅に見直し、"
            "高齢者や観光客にも使いやすい公共交通網を整備するとしている。" * 2
            for _ in range(4)
        )
        + "\n\nCopyright © 2024 Example News. All rights reserved."
    )
    for lang in ("ja", None, "und"):
        res = strip(text, lang=lang)
        kept = _lines(res.text)
        assert len(kept) == 4, lang
        assert _removed(res)["Copyright © 2024 Example News. All rights reserved."].startswith(
            "rule:copyright"
        )


@pytest.mark.parametrize("text", ["", "\n\n", "   ", "Share\nPrint\nTweet", "x" * 5000, "Hello.\n" * 3])
def test_odd_input_does_not_crash(text):
    res = strip(text)
    assert apply_edits(text, res.edits) == res.text
    assert len(res.text) <= len(text)


def test_comment_section_after_article_goes(seed_texts):
    text = seed_texts["000_8cac10d750b4a1f9.txt"].replace("\nBack to top button", "")
    comments = (
        "\n\n12 Comments\n\nComment by Dawn – January 7, 2008 @ 8:48 pm\n\n"
        "I really think the government should have done much more about this, it is a shame that nobody "
        "listens to the people who live near the border and have to deal with all of it every day.\n\n"
        "Comment by DJ – January 7, 2008 @ 9:04 pm\n\nI feel bad for all of them, honestly."
    )
    res = strip(text + comments)
    removed = _removed(res)
    assert removed["12 Comments"].startswith("rule:comments")
    assert any(rule.startswith("classifier:after-comments") for rule in removed.values())
    assert "I feel bad for all of them, honestly." not in res.text
    assert all(ln in res.text for ln in _lines(text) if len(ln) > 150)


def test_related_headline_list_and_teasers_after_article_go(seed_texts):
    text = seed_texts["000_8cac10d750b4a1f9.txt"].replace("\nBack to top button", "")
    related = [
        "More from World",
        "Poland says missile that killed two was Ukrainian stray",
        "Kremlin rejects talks offer as winter sets in",
        "Drone attacks hit power stations across the country",
        "EU agrees new sanctions package on Moscow",
        "Analysis: what the new air defences can and cannot do",
    ]
    teaser = "Officials in Kyiv said on Friday that the new systems would arrive before the end of the..."
    res = strip(text + "\n\n" + "\n".join(related) + "\n" + teaser)
    removed = _removed(res)
    for line in related[1:]:
        assert line in removed, line
    assert removed[teaser] == "classifier:teaser"
    assert all(ln in res.text for ln in _lines(text) if len(ln) > 150)


def _pipeline_with_extra_rules(folder, rules_toml: str):
    """Settings and a pipeline with the shipped rules plus one user rules file holding ``rules_toml``."""
    from flows.config import load_settings
    from flows.pipeline import Pipeline

    extra = folder / "mine.toml"
    extra.write_text(rules_toml, encoding="utf-8")
    settings = load_settings(overrides=[{"boilerplate": {"extra_rules_files": [str(extra)]}}])
    return settings, Pipeline(settings)


def test_user_rules_file_extends_the_shipped_rules(tmp_path, seed_texts):
    settings, pipe = _pipeline_with_extra_rules(
        tmp_path,
        '[[phrases]]\nname = "house-promo"\ncategory = "advertising"\n'
        'phrases = ["Download our app for the latest news"]\n',
    )
    text = seed_texts["000_8cac10d750b4a1f9.txt"] + "\n\nDownload our app for the latest news!"
    from cleaners.boilerplate import strip_boilerplate

    res = strip_boilerplate(text, settings.boilerplate, pipe.rules, pipe.stopwords, "en")
    assert _removed(res)["Download our app for the latest news!"] == "rule:advertising:house-promo"


def test_extra_rules_files_always_run_with_the_time_limit(tmp_path):
    """A user's own rules file cannot opt out of the pattern time limit by saying ``vetted``."""
    _, pipe = _pipeline_with_extra_rules(
        tmp_path,
        "[defaults]\nvetted = true\n[[rule]]\nname = 'evil'\ncategory = 'user'\nvetted = true\n"
        "patterns = ['(a+)+b']\n",
    )
    rules = pipe.rules
    evil = [r for r in rules.rules if r.name == "evil"]
    shipped = [r for r in rules.rules if r.pattern is not None and r.name != "evil"]
    assert evil and not evil[0].vetted
    assert any(r.vetted for r in shipped)  # the shipped file keeps its vetting


def test_hard_wrapped_article_is_judged_by_paragraph(seed_texts):
    import textwrap

    text = seed_texts["000_8cac10d750b4a1f9.txt"]
    paras = text.split("\n\n")
    body = paras[1:-1]
    wrapped = "\n\n".join([paras[0], *("\n".join(textwrap.wrap(p, 72)) for p in body), paras[-1]])
    res = strip(wrapped)
    assert set(_removed(res)) == {"World News", "Back to top button"}
    assert apply_edits(wrapped, res.edits) == res.text
    assert res.text.split() == " ".join(body).split()
