"""Held-out check: scraped-page fragments written for this test (tests/data/boilerplate_heldout), in
English, German, French, Spanish, Italian, Portuguese, Dutch, Russian, Polish, Ukrainian and Greek, with
page furniture (share bars, consent banners and cookie walls, newsletter and app pitches, read-also links,
bylines and author boxes, photo credits and galleries, audio/video players, paywalls, live-blog clocks,
market tickers, event listings, "most read" widgets, comment sections, counters, timestamps, copyright,
language switchers, "back to top", print/AMP links) around article
text. Every boilerplate line must go and every article line (headline, subheadings, paragraphs) stay;
the few known misses are listed with their reason and must keep failing until fixed (strict xfail)."""

from __future__ import annotations

import pytest

from tests.boilerplate_heldout import Fragment, load_fragments
from tests.boilerplate_helpers import strip

FRAGMENTS = {f.name: f for f in load_fragments()}

KNOWN_MISSES = {
    # the headline shares one content word with the article's first paragraphs (a compound: "Mieten" /
    # "Angebotsmieten"; "Wildfire" / "fire"), too few to tell it from a related-story line
    "de-wohnungsmarkt": "headline shares only compound parts with the body",
    "en-wildfire-ads": "headline shares one content word with the body",
    # 2 of 8 headline words occur in the body (coffee, harvest): below title_min_share
    "en-language-switch": "headline shares 2 of 8 content words",
    # "Stati Uniti", "italiano" are among the 1000 most frequent Italian stopwords ("sono stati")
    "it-vino": "headline words are frequent Italian stopwords",
    # batch 3 (written blind): headlines sharing < 2 content words with the body ("shipping"/"ships",
    # "costs"/"cost"; "Retraites ... France"; "Москве" among the frequent Russian stopwords)
    "en-b3-podcast-player": "headline shares no 5-letter stem with the body",
    "fr-b3-direct-manif": "headline shares one content word with the body",
    "ru-b3-onlayn-foto": "headline shares one content word outside the stoplist core",
    # batch 4 (written blind after the batch-3 fixes): a player's "Watch: <video title>" line; a "Watch:" lead
    # rule costs GoogleTrends train/dev 0.834 -> 0.830 char-F1 (it labels in-article video titles content)
    "en-b4-video-authorbox": "'Watch: <video title>' line above the headline",
}


def _removed(fr: Fragment) -> dict[int, str]:
    """Line index -> audit rule of each line the real stage removed (one edit per removed line)."""
    res = strip("\n".join(fr.lines))
    starts, pos = {}, 0
    for i, line in enumerate(fr.lines):
        starts[pos] = i
        pos += len(line) + 1
    out = {}
    for e in res.edits:
        if e.before.strip():
            i = starts[e.start + 1] if e.before.startswith("\n") else starts[e.start]
            assert e.stage == "boilerplate" and e.rule and e.after == ""
            out[i] = e.rule
    return out


def test_fragments_cover_the_languages():
    langs = {name.split("-")[0] for name in FRAGMENTS}
    assert {"en", "de", "fr", "es", "it", "pt", "nl", "ru", "pl", "uk", "el"} <= langs
    assert len(FRAGMENTS) >= 70


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[n])) if n in KNOWN_MISSES else n
        for n in sorted(FRAGMENTS)
    ],
)
def test_fragment(name):
    fr = FRAGMENTS[name]
    removed = _removed(fr)
    lost = [(fr.lines[i], removed[i]) for i, k in enumerate(fr.keep) if k and i in removed]
    left = [fr.lines[i] for i, k in enumerate(fr.keep) if not k and i not in removed]
    assert not lost, f"article lines removed: {lost}"
    assert not left, f"boilerplate lines kept: {left}"


def test_overall_quality():
    """Over all fragments (known misses included): nearly all boilerplate goes, nearly no article text."""
    bp_lines = bp_gone = art_chars = art_lost = 0
    for fr in FRAGMENTS.values():
        removed = _removed(fr)
        for i, (line, keep) in enumerate(zip(fr.lines, fr.keep, strict=True)):
            if keep:
                art_chars += len(line)
                art_lost += len(line) * (i in removed)
            else:
                bp_lines += 1
                bp_gone += i in removed
    assert bp_gone >= 0.98 * bp_lines
    assert art_lost <= 0.02 * art_chars


def test_check_can_fail():
    """A stage that removes nothing fails the fragment check (the fragments do hold boilerplate)."""
    fr = FRAGMENTS["fr-greve-cookie"]
    res = strip("\n".join(fr.lines), enabled=False)
    assert res.text == "\n".join(fr.lines)
    assert not all(fr.keep)


def test_audit_names_the_signal():
    """Removed lines carry the rule or signal that removed them."""
    fr = FRAGMENTS["nl-woningmarkt-cookie"]
    removed = _removed(fr)
    by_text = {fr.lines[i]: why for i, why in removed.items()}
    assert by_text["Home > Binnenland"] == "rule:navigation:breadcrumb"
    assert by_text["Lees ook: Hypotheekrente daalt voor het eerst in maanden"] == "rule:teaser:read-also"
    assert by_text["Door Pieter de Vries"] == "rule:byline:byline"
    assert by_text["Terug naar boven"].startswith("rule:navigation:")
