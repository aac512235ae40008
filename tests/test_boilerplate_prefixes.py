"""Rules added for generality (issue 4, held-out check): lead-phrase rules (``[[prefixes]]``) and the
multilingual consent, pitch and credit patterns; article lines of the same shape match nothing."""

from __future__ import annotations

import pytest

from cleaners.boilerplate_rules import BoilerplateRules
from cleaners.stopwords import Stopwords
from tests.boilerplate_helpers import pipe

BOILERPLATE = {
    "teaser": [
        "Read more: How astronomers weigh planets they cannot see",
        "Lesen Sie auch: Was die Reform für Beschäftigte unter 40 bedeutet",
        "Lire aussi | Réforme des retraites : ce qui change au 1er avril",
        "Leggi anche: Caro biglietti, le nuove tariffe dei treni regionali",
        "Leia também: Dólar fecha em alta após decisão do Copom",
        "Lees ook: Hypotheekrente daalt voor het eerst in maanden",
        "Czytaj także: Ceny biletów lotniczych rosną przed wakacjami",
        "Читайте также: Как изменятся тарифы на проезд",
    ],
    "navigation": [
        "Home > Binnenland",
        "Startseite › Politik › Deutschland",
        "Strona główna > Kraj",
        "Главная / Общество",
        "Culture > Music > News",
        "Sign in / Register",
        "Tags: semiconductors, Ohio, manufacturing, jobs",
        "Теги: погода, жара, Гидрометцентр",
        "Zum Inhalt springen",
        "Ga naar de inhoud",
        "Jump to Recipe",
    ],
    "consent": [
        "En poursuivant votre navigation sur ce site, vous acceptez l'utilisation de cookies.",
        "Wij gebruiken cookies om de website goed te laten werken.",
        "Używamy plików cookies, aby ułatwić Ci korzystanie z naszego serwisu.",
        "Le Monde utilise des cookies pour mesurer l'audience et vous proposer des publicités.",
        "Akkoord",
        "Akceptuję",
    ],
    "subscription": [
        "You have read 3 of your 5 free articles this month. Subscribe now for unlimited access.",
        "Meld je aan voor onze nieuwsbrief",
        "Get Metro Headlines in your inbox",
        "Thank you for subscribing.",
        "Scarica l'app e ricevi le notizie in tempo reale.",
        "Laden Sie jetzt unsere App herunter und verpassen Sie keine Eilmeldung mehr.",
    ],
    "share": ["Get the app", "Install our apps"],
    "credit": [
        "Einsatzkräfte sichern am Morgen einen Deich bei Pirna. Foto: Robert Michael/dpa",
        "Smoke rises over the canyon on Monday evening. (John Carter / The Daily Times)",
        "Иллюстрация: Shutterstock",
        "Courtesy: NASA",
    ],
    "byline": ["Door Pieter de Vries", "di Marco Rossi", "EFE | Zaragoza", "Agência Brasil", "Redazione"],
    "timestamp": ["Published March 4, 2025 at 6:12 a.m. | Updated March 4, 2025 at 9:40 a.m.", "2 uur geleden"],
    "copyright": ["Alle rechten voorbehouden.", "© Riproduzione riservata"],
    "related": ["More Michigan News »", "Mehr Sport-News", "Next Up In Politics & Policy"],
}

ARTICLE = [
    "Home: the new normal for remote workers",
    "Photos: Mass shooting at Las Vegas music festival",
    "Reuters/Ipsos poll shows Labour ahead by five points",
    "AFP - Le président a annoncé mardi de nouvelles mesures pour les agriculteurs.",
    "The regulator said Google uses cookies to track users across websites.",
    "Customers can download the app from Tuesday, the bank said.",
    "Read the full report on the council's website.",
    "Si continúa la sequía, el gobierno restringirá el riego.",
    "Der Bericht zeigt: Mieten steigen weiter.",
    "News of the merger sent shares higher.",
]


def _match(line: str):
    return pipe().rules.match(line, 0.05)


@pytest.mark.parametrize(("category", "line"), [(c, ln) for c, lines in BOILERPLATE.items() for ln in lines])
def test_new_rules_match(category, line):
    rule = _match(line)
    assert rule is not None, line
    assert rule.category == category, (line, rule.label)


@pytest.mark.parametrize("line", ARTICLE)
def test_article_lines_of_the_same_shape_match_nothing(line):
    rule = _match(line)
    assert rule is None, (line, rule.label)


def test_prefix_rule_needs_its_separator_and_a_short_line():
    rules = BoilerplateRules.from_mapping(
        {"prefixes": [{"name": "crumb", "category": "navigation", "separators": ">", "phrases": ["Home"]}]}
    )
    assert rules.match("Home > World > Europe", 0.05).label == "rule:navigation:crumb"
    assert rules.match("Home: the new normal", 0.05) is None  # ":" is not its separator
    assert rules.match("Home >", 0.05) is None  # nothing after the separator
    assert rules.match("Home > " + "x" * 300, 0.05) is None  # too long for a lead-and-link line
    with pytest.raises(ValueError, match="empty"):
        BoilerplateRules.from_mapping({"prefixes": [{"name": "bad", "phrases": ["::"]}]})


def test_core_stopwords_are_the_most_frequent():
    sw = Stopwords.from_words({"it": ["di", "e", "il", "stati", "uniti"]})
    full = sw.get("it")
    assert sw.core(full, 3) == {"di", "e", "il"}
    assert sw.core(full, 0) is full
    assert sw.core(frozenset({"x"}), 3) == {"x"}  # not one of the lists: returned as is
