"""Rules for site furniture added after the blind held-out round (batch 3): players, live-blog labels and
clocks, market tickers, see-all/more-news links, author boxes, paywalls, comment logins, follow/app
pitches. Lines here are new (not in the fragments); each must match its rule, and look-alike article
sentences must match none."""

from __future__ import annotations

import pytest

from tests.boilerplate_helpers import load_jsonl, pipe, strip

FURNITURE = {
    "media:player-controls": ["Audio abspielen", "Plein écran", "Sottotitoli", "Ouça a notícia", "Субтитры"],
    "media:player-position": ["0:12 / 4:05", "1:02:11 / 1:30:00"],
    "timestamp:live-label": ["Live updates", "EN DIRECTO", "Прямой эфир", "Ζωντανά"],
    "clock:live-clock": ["7h05", "21 h 40"],
    "advertising:ticker-quote": ["DAX 18.450,12 -0,35%", "FTSE 100 7,712.3 ▼ 0.2%", "Brent 79,10 +1,2 %"],
    "navigation:see-all": [
        "See all podcasts",
        "Voir toutes les vidéos",
        "Vedi tutti gli eventi",
        "Показать все материалы",
    ],
    "related:more-news-of": ["Altre notizie di Sport", "Mais notícias de Política", "Plus d'actualités"],
    "author:author-box": ["Über den Autor", "Sobre a autora", "Об авторе"],
    "bio:author-bio": [
        "Tom Becker ist Korrespondent in Brüssel und berichtet über die EU.",
        "Ana Ruiz es periodista de la sección de Cultura.",
        "Sam Lee covers technology and startups for the paper.",
    ],
    "subscription:paywall-line": [
        "Nur für Abonnenten",
        "Riservato agli abbonati",
        "Sie sind bereits Abonnent? Hier einloggen",
        "Abonnez-vous pour lire la suite de l'article",
    ],
    "subscription:paywall-offer": ["3 Monate für 1 € lesen – Abo", "Try 1 month for $1"],
    "comments:comment-login": ["Sign in to join the comments", "Connectez-vous pour commenter cet article"],
    "subscription:follow-pitch-more": ["Follow us on Google News", "Iscriviti al nostro canale Telegram"],
    "subscription:app-pitch-more": ["Open in app", "Установите приложение и читайте новости"],
}

LOOK_ALIKES = [
    "Inflation rose to 2.4% in March, up from 2.1% in February.",
    "The index closed 0.4% higher on Friday after a volatile week.",
    "Subscribers will pay €9.99 a month from April, the company said.",
    "Bitcoin tests $100,000 again",
    "Streaming service raises prices for subscribers to $18",
    "The live concert drew more than 40,000 fans to the stadium.",
    "She said she would see all the documents before deciding.",
    "The author of the report, a former judge, said the findings were clear.",
    "Readers can log in to the archive to read older editions.",
    "The minister said the app would be available from next week.",
    "Marie Curie is a pioneer whose work changed physics and chemistry.",
    "Turnout 2019 - 65%",  # a statistic line, not a ticker quote (the sign does not touch the number)
]


def _match(line: str):
    return pipe().rules.match(line, 0.05)


@pytest.mark.parametrize(("label", "line"), [(k, ln) for k, lines in FURNITURE.items() for ln in lines])
def test_furniture_matches_its_rule(label, line):
    rule = _match(line)
    assert rule is not None, line
    assert rule.label.endswith(label), (line, rule.label)


@pytest.mark.parametrize("line", LOOK_ALIKES)
def test_look_alike_sentences_match_no_rule(line):
    assert _match(line) is None, (line, _match(line).label)


def test_author_box_after_article_goes():
    """An author box below a real article (seed-like text) goes with its audit reason, the article stays."""
    body = [
        "Heat pumps outsell gas boilers for the first time",
        "More heat pumps than gas boilers were sold in the country last year, according to figures published"
        " by the industry association on Monday, a first since the association began collecting data.",
        "Subsidies of up to 70 percent of the installation cost and higher gas prices drove the change,"
        " the association said, adding that installers were struggling to keep up with demand.",
        "Share this article",
        "About the author",
        "Lena Fischer is a business reporter based in Berlin who writes about energy and housing.",
    ]
    res = strip("\n".join(body))
    assert res.text.startswith(body[0])
    assert body[2] in res.text
    assert "About the author" not in res.text and "Lena Fischer" not in res.text
    rules = {e.before.strip(): e.rule for e in res.edits if e.before.strip()}
    assert rules["About the author"] == "rule:author:author-box"
    assert rules[body[-1]] == "rule:bio:author-bio"



def test_bio_like_sentences_inside_an_article_stay():
    """News about reporters reads like an author bio ("<Name> is a ... reporter ..."): inside the article such
    lines stay (`inside_keep_categories`); with the option off the bio rule takes them."""
    body = [
        "Court extends detention of reporter",
        "A Moscow court on Tuesday extended the pre-trial detention of an American journalist by three months,"
        " his lawyers said after the closed hearing.",
        "Evan Gershkovich is a Wall Street Journal reporter who was detained in Yekaterinburg in March and"
        " accused of espionage, which he and his employer deny.",
        "The court rejected an appeal by his lawyers, who had asked for house arrest instead of detention in"
        " Lefortovo prison.",
        "Maria Petrova is a journalist for a regional newspaper and said she had been followed for weeks.",
        "The United States has called the charges baseless and demanded his release, the State Department said.",
        "Share this article",
        "About the author",
        "Lena Fischer is a business reporter based in Berlin who writes about energy and housing.",
    ]
    res = strip("\n".join(body))
    assert body[2] in res.text and body[4] in res.text
    assert "Lena Fischer" not in res.text  # after the article: still an author box
    off = strip("\n".join(body), inside_keep_categories=())
    assert body[2] not in off.text and body[4] not in off.text


def test_bio_like_lead_paragraph_stays():
    """A news lead right under the headline that reads like a bio opens the article and stays."""
    body = [
        "Court extends detention of reporter",
        "Evan Gershkovich is a reporter for The Wall Street Journal who was detained in Yekaterinburg in March"
        " and accused of espionage, which he and his employer deny.",
        "A Moscow court on Tuesday extended his pre-trial detention by three months, his lawyers said after"
        " the closed hearing, rejecting their request for house arrest.",
        "The United States has called the charges baseless and demanded his release, the State Department said.",
        "Share this article",
        "About the author",
        "Lena Fischer is a business reporter based in Berlin who writes about energy and housing.",
    ]
    res = strip("\n".join(body))
    assert body[1] in res.text and body[0] in res.text
    assert "Lena Fischer" not in res.text

def _page_flags(page: dict, **over) -> dict[str, bool]:
    lines = [ln["text"] for ln in page["lines"]]
    res = strip("\n".join(lines), **over)
    gone = {e.before.strip() for e in res.edits if e.before.strip()}
    return {t: t not in gone for t in lines}


def test_headline_above_byline_and_gallery_stays():
    """A real page (GoogleTrends train gt_81): headline, byline, date, then a photo gallery of 17 lines,
    then the article. The headline is the title-like line right before the byline, 20 lines above the
    article, and stays; without that signal (title_far_window = 0) it goes. The author box goes."""
    page = load_jsonl("googletrends-train-header.jsonl")[0]
    head = "Amber Alert issued for 6-year-old boy abducted from his Modesto home"
    kept = _page_flags(page)
    assert kept[head]
    assert kept[page["lines"][47]["text"]]  # the article's first paragraph
    assert not kept["By Jill Tucker"] and not kept["Most Popular"]
    assert not kept[page["lines"][53]["text"]]  # "Jill Tucker is a San Francisco Chronicle staff writer. ..."
    assert not _page_flags(page, title_far_window=0)[head]


def test_live_blog_clock_lines_do_not_cut_entries():
    """Clock lines of a live blog go (category `clock`) but do not make a short entry between them bad."""
    lines = [
        "Live updates",
        "Storm Ciarán: thousands without power in Cornwall",
        "More than 150,000 homes in Cornwall and Devon were left without electricity on Thursday after Storm"
        " Ciarán brought gusts of up to 100 mph to the south-west coast, the network operator said.",
        "10:42 GMT",
        "Engineers have restored power to about a third of the affected homes, the operator said.",
        "10:15 GMT",
        "Great Western Railway has cancelled all trains west of Exeter until at least midday.",
        "Share this post",
        "Most read",
    ]
    res = strip("\n".join(lines))
    rules = {e.before.strip(): e.rule for e in res.edits if e.before.strip()}
    assert rules["10:42 GMT"] == "rule:clock:live-clock"
    assert lines[4] in res.text and lines[6] in res.text
    skip = [c for c in pipe().s.boilerplate.context_skip_categories if c != "clock"]
    assert lines[6] not in strip("\n".join(lines), context_skip_categories=skip).text


def test_section_labels_inside_an_article_do_not_cut_it():
    """Widget labels ("Tiempo", "Agenda") used as headings inside an article: the context pass looks past
    them (category `label` in context_skip_categories) and they stay inside (inside_keep_categories); the
    same labels after the article go. Before, the lead paragraph next to one was lost as well."""
    body = [
        "Storm brings snow chaos to Madrid",
        "Heavy snowfall paralysed traffic in Madrid on Saturday, with hundreds of drivers trapped on the M-30"
        " ring road overnight, officials said.",
        "Tiempo",
        "The state weather agency said the storm was the heaviest in fifty years and warned of ice on Sunday as"
        " temperatures fall to minus ten.",
        "Agenda",
        "Schools will remain closed on Monday and the army has been sent to clear the main roads, the regional"
        " government said in a statement.",
        "Share this article",
        "Tiempo",
        "Agenda",
    ]
    res = strip("\n".join(body))
    assert res.text.split("\n")[:6] == body[:6]
    gone = [e.rule for e in res.edits if e.before.strip() in ("Tiempo", "Agenda")]
    assert gone == ["rule:label:weather-ticker-label"] * 2
