"""The configured rules: categories and languages, user extension, time limit on bad patterns."""

from __future__ import annotations

import time

import pytest

from cleaners.boilerplate_rules import BoilerplateRules, MatchStats
from tests.boilerplate_helpers import pipe, strip

BOILERPLATE = {
    "share": [
        "Share this article",
        "Tweet",
        "Copy link",
        "Teilen",
        "Partager sur Facebook",
        "Compartir",
        "Condividi",
        "Compartilhar",
        "Поделиться",
        "Email this story",
        "Print this page",
    ],
    "navigation": [
        "Back to top",
        "Skip to main content",
        "Startseite",
        "Accueil",
        "Inicio",
        "Главная",
        "Leia mais",
        "Continua a leggere",
        "Next article »",
        "Page 2 of 5",
    ],
    "consent": [
        "We use cookies to give you the best experience. By continuing you agree to our use of cookies.",
        "Wir verwenden Cookies, um Ihnen ein optimales Webseiten-Erlebnis zu bieten.",
        "Nous utilisons des cookies pour améliorer votre expérience sur notre site.",
        "Utilizamos cookies propias y de terceros para mejorar nuestros servicios.",
        "Utilizziamo i cookie per offrirti la migliore esperienza.",
        "Мы используем файлы cookie, чтобы сайт работал лучше.",
        "Accept all",
    ],
    "subscription": [
        "Sign up for our daily newsletter to get the best stories delivered straight to your inbox.",
        "Subscribe to read the full article and get unlimited access to all our journalism.",
        "Newsletter abonnieren",
        "Abonnez-vous",
        "Suscríbete",
        "Iscriviti alla nostra newsletter",
        "Подпишитесь на наш канал в Telegram",
        "Follow us on Twitter",
        'I agree that CBS Sports can send me the "Pick Six Newsletter" newsletter.',
        "Please check the opt-in box to acknowledge that you would like to subscribe.",
        "Tick the box to subscribe to our weekly digest.",
        "See All Newsletters",
    ],
    "advertising": [
        "Advertisement",
        "Anzeige",
        "Publicité",
        "Publicidad",
        "Pubblicità",
        "Реклама",
        "Story continues below advertisement",
    ],
    "copyright": [
        "© 2024 Example Media Group. All rights reserved.",
        "Copyright 2007 SlipperyBrick",
        "Alle Rechte vorbehalten.",
        "Tous droits réservés",
        "Все права защищены",
    ],
    "counter": ["Views: 127", "1,204 views", "Просмотров: 56", "5 min read", "Comments (12)"],
    "timestamp": [
        "01 September 2024 06:59",
        "Published: 12 March 2023",
        "Updated 3 hours ago",
        "2024-09-01 06:59",
        "Jan. 9, 2008 7:48 PM PST",
        "vor 3 Stunden",
        "il y a 2 heures",
        "hace 5 minutos",
        "2 ore fa",
        "3 часа назад",
        "12:45, 3 марта 2024",
        "10:30 AM, March 3, 2024",
    ],
    "byline": [
        "By Anna Schmidt",
        "AP:Associated Press",
        "Von Anna Schmidt",
        "Par Marie Dupont",
        "To contact the reporter on this story: Don Jeffrey in New York at djeffrey1@example.net",
        "John Harris can be reached at jharris@example.com or 412-481-5432.",
        "We pay for your stories! Do you have a story for our news team? Email us at tips@example.co.uk",
        "Have a story? Contact us.",
    ],
    "click": ["Click here to sign up", "Klicken Sie hier für mehr", "Cliquez ici pour lire la suite"],
    "language": ["ru", "EN | DE | FR", "English", "Русский"],
    "embed": ["A post shared by Biography (@biography) on May 20, 2018 at 4:26am PDT"],
    "credit": [
        "Alex Wong/Getty Images",
        "Image copyright Snap Stills/REX/Shutterstock",
        "Photograph by Stephen Voss/Redux.",
        "(Picture: EPIC)",
        "Foto: Michael Kappeler/dpa",
        "(Pic: DS)",
        "Pics: Getty",
    ],
    "media": [
        "Play slideshow",
        "Scroll down for video",
        "Copy link to paste in your message",
        "Getty Images",
        "Image",
        "Download Image",
        "Fullscreen Image",
    ],
    "related": [
        "More stories from BIO",
        "You may also like",
        "Most read",
        "Lire aussi",
        "Читайте также",
        "MOST READ IN NEWS",
        "Most popular in Sport",
    ],
    "pitch": [
        "The news, but shorter, delivered straight to your inbox.",
        "By signing up, you agree to our Privacy Policy and European users agree to the data transfer policy.",
        "Sign up to receive updates from BIO and A+E Networks.",
        "Follow us on Facebook, on Twitter @BBCNewsEnts, or on Instagram at bbcnewsents.",
        "Want more news? Just hit 'Like' on our Facebook page and you're all set.",
    ],
    "age": ["8h", "2d", "1 of 12", "Photo 3/20"],
}

ARTICLE = [
    "The company said the share price fell sharply after the announcement on Monday.",
    "Shares of Apple rose 3% in early trading.",
    "He declined to comment.",
    "Police said the suspect had been arrested at his home in Leeds.",
    "The newsletter, first printed in 1911, was later digitised by the university library.",
    "Die Regierung will das Gesetz noch vor der Sommerpause verabschieden.",
    "Le gouvernement a annoncé de nouvelles mesures pour soutenir les agriculteurs.",
    "Правительство объявило о новых мерах поддержки фермеров.",
    "By Christmas the bridge should be open again, the council said.",
    "The president said on Monday he would follow us on Twitter.",
    "The company said it had sold 1 of 12 units this year.",
    "He said the Getty Images archive held more than 80 million pictures.",
    "More than 200 people attended the funeral on Friday.",
    "— Pittsburgh Steelers (@steelers) September 25, 2018",  # a quoted tweet's attribution stays
    "Those looking for friends and family can call the hotline or sign up to receive updates by text.",
    "I agree that the council should send more officers, she said.",
    "Voters had to check the box next to the candidate's name.",
    "Image is everything in politics, the adviser said.",
    "Pictures of the flood spread quickly on social media.",
    "Most read in the region were the local papers, the study found.",
    "They have a story to tell about the war, and they tell it well.",
]


EVIL = r"(?:sponsored content by our partners here){e<=10}"


def _match(line: str):
    return pipe().rules.match(line, 0.05)


@pytest.mark.parametrize(("category", "line"), [(c, ln) for c, lines in BOILERPLATE.items() for ln in lines])
def test_boilerplate_lines_match_their_category(category, line):
    rule = _match(line)
    assert rule is not None, line
    allowed = {category, "comments", "navigation", "share", "subscription", "related", "counter", "timestamp", "byline"}
    assert rule.category in allowed, (line, rule.label)


@pytest.mark.parametrize("line", ARTICLE)
def test_article_sentences_match_no_rule(line):
    assert _match(line) is None, (line, _match(line).label)


def test_user_rules_extend_and_bad_pattern_is_reported():
    data = {
        "rule": [{"name": "promo", "category": "advertising", "patterns": [r"buy \d+ get \d+ free\W*"]}],
        "phrases": [{"name": "house", "category": "navigation", "phrases": ["Our Sister Sites"]}],
    }
    rules = BoilerplateRules.from_mapping(data)
    assert rules.match("Buy 2 get 1 free!", 0.05).label == "rule:advertising:promo"
    assert rules.match("OUR SISTER SITES:", 0.05).label == "rule:navigation:house"
    with pytest.raises(ValueError, match="bad pattern"):
        BoilerplateRules.from_mapping({"rule": [{"name": "x", "patterns": ["(unclosed"]}]})


def test_catastrophic_pattern_times_out_instead_of_hanging():
    evil = {
        "rule": [
            # fuzzy matching with many errors allowed is exponential even in the regex module
            {"name": "evil", "category": "x", "search": True, "max_chars": 100_000, "patterns": [EVIL]},
            {
                "name": "ok",
                "category": "y",
                "search": True,
                "max_chars": 100_000,
                "patterns": [r"sponsored by"],
            },
        ]
    }
    rules = BoilerplateRules.from_mapping(evil)
    line = "word " * 100 + "sponsored by nobody!"
    stats = MatchStats()
    t0 = time.perf_counter()
    rule = rules.match(line, 0.02, stats)
    assert time.perf_counter() - t0 < 5.0
    assert stats.timeouts >= 1
    assert rule is not None and rule.name == "ok"  # the other pattern of the group still ran


def test_stage_survives_a_catastrophic_user_rule(seed_texts):
    from cleaners.boilerplate import strip_boilerplate
    from flows.config import config_dir
    from flows.pipeline import load_rules_file

    p = pipe()
    shipped = load_rules_file(config_dir() / p.s.boilerplate.rules_file)
    evil = {
        "rule": [{"name": "evil", "category": "x", "search": True, "max_chars": 100_000, "patterns": [EVIL]}]
    }
    rules = BoilerplateRules.from_mapping(shipped, evil)
    text = seed_texts["000_8cac10d750b4a1f9.txt"]
    t0 = time.perf_counter()
    res = strip_boilerplate(
        text, p.s.boilerplate.model_copy(update={"pattern_timeout_s": 0.01}), rules, p.stopwords, "en"
    )
    assert time.perf_counter() - t0 < 30
    assert res.info["boilerplate_rule_timeouts"] >= 1
    assert "World News" not in res.text
    assert "Belarus claims it shot down a Ukrainian air defense missile" in res.text


def test_rule_edit_names_category_and_rule():
    res = strip(
        "Advertisement\n" + "The council approved the new budget on Tuesday after a long debate. " * 5
    )
    assert res.edits[0].rule == "rule:advertising:advertisement"
