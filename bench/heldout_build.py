"""Build the held-out repair/dedup cases in tests/data/heldout_repair/ (run by hand; output is committed).

Written blind (before running the repair stages on them), with damage the shared benchmarks do not
inject: other codec pairs (double/triple cp1252, cp1250, cp1253, cp1257, legacy single-byte Cyrillic
and CJK read as cp1252), HTML entities and numeric references, C1 controls, BOMs and zero-width
characters inside words, partly damaged lines next to correct non-ASCII text. Foreign fragments in
other scripts and directions, fragments that must be kept, and near-duplicates built by other
recipes from the copied articles in tests/data/dedup. Deterministic: no randomness.

    PYTHONPATH=$PWD python bench/heldout_build.py
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-* for the injection)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "heldout_repair"

# Clean sentences (written for this set), each with the non-ASCII it carries.
CLEAN = {
    "de-names": "Chancellor Friedrich Müller met São Paulo’s mayor on Tuesday — the first visit since 2019.",
    "cz-music": "The Czech Philharmonic played Dvořák’s “New World” symphony in Brno, and Jiří Bělohlávek’s "
    "widow attended.",
    "pl-budget": "Minister Łukasz Żółtowski przyznał, że budżet na przyszły rok będzie trudny dla gmin.",
    "ru-budget": "Министр финансов заявил, что бюджет на следующий год будет сбалансирован.",
    "el-athens": "Ο πρωθυπουργός συναντήθηκε με τον δήμαρχο της Αθήνας την Τρίτη.",
    "tr-istanbul": "İstanbul’daki toplantıya katılan bakan, ekonominin güçlü olduğunu söyledi.",
    "lt-vilnius": "Vilniaus meras pažadėjo, kad naujasis tiltas bus atidarytas rudenį.",
    "ja-tokyo": "東京都は新しい防災計画を発表した。",
    "zh-beijing": "北京市政府周二宣布了新的交通规则。",
    "emoji-cafe": "Fans cheered 🎉 as the café on Rue de Rivoli reopened… “Finally!” one said.",
    "fr-ete": "À l’été 2023, la ville a accueilli 40 000 visiteurs ; ça n’était jamais arrivé.",
    "es-nino": "El niño pidió un café con leche en la estación de Logroño.",
    "quote-dash": "He said: “It’s not over” – and left the room at 5 p.m. ‘Really?’ she asked.",
}


def utf8_as(text: str, encoding: str, times: int = 1) -> str:
    for _ in range(times):
        text = text.encode("utf-8").decode(encoding)
    return text


def legacy_as(text: str, source: str, shown_as: str) -> str:  # cp1252 as browsers show it (WHATWG)
    """Text saved in a legacy code page ``source`` and shown as ``shown_as`` (not UTF-8 mojibake)."""
    return text.encode(source).decode(shown_as, errors="replace")


def damage_cases() -> list[dict[str, str]]:
    """``damaged`` must come out of encoding + whitespace as ``original`` does."""
    cases: list[dict[str, str]] = []

    def add(cid: str, original: str, damaged: str, note: str) -> None:
        cases.append({"id": cid, "original": original, "damaged": damaged, "note": note})

    # UTF-8 read through other single-byte code pages, once, twice, three times.
    add("cp1252-double", CLEAN["de-names"], utf8_as(CLEAN["de-names"], "sloppy-windows-1252", 2),
        "double cp1252")
    add("cp1252-triple", CLEAN["emoji-cafe"], utf8_as(CLEAN["emoji-cafe"], "sloppy-windows-1252", 3),
        "triple cp1252 incl. emoji")
    add("latin1-c1", CLEAN["fr-ete"], utf8_as(CLEAN["fr-ete"], "latin-1"), "latin-1: C1 controls in the garble")
    add("cp1250-czech", CLEAN["cz-music"], utf8_as(CLEAN["cz-music"], "sloppy-windows-1250"), "cp1250 Czech")
    add("cp1250-polish", CLEAN["pl-budget"], utf8_as(CLEAN["pl-budget"], "sloppy-windows-1250"), "cp1250 Polish")
    add("cp1251-russian", CLEAN["ru-budget"], utf8_as(CLEAN["ru-budget"], "sloppy-windows-1251"),
        "UTF-8 Russian read as cp1251")
    add("cp1253-greek", CLEAN["el-athens"], utf8_as(CLEAN["el-athens"], "sloppy-windows-1253"), "cp1253 Greek")
    add("cp1254-turkish", CLEAN["tr-istanbul"], utf8_as(CLEAN["tr-istanbul"], "sloppy-windows-1254"),
        "cp1254 Turkish")
    add("cp1257-lithuanian", CLEAN["lt-vilnius"], utf8_as(CLEAN["lt-vilnius"], "sloppy-windows-1257"),
        "cp1257 Lithuanian")
    add("cp1252-japanese", CLEAN["ja-tokyo"], utf8_as(CLEAN["ja-tokyo"], "sloppy-windows-1252"),
        "UTF-8 Japanese read as cp1252")
    add("cp1252-quotes", CLEAN["quote-dash"], utf8_as(CLEAN["quote-dash"], "sloppy-windows-1252"),
        "curly quotes and dashes only")
    # Legacy (non-UTF-8) code pages shown as cp1252/latin-1: the bytes were never UTF-8.
    add("cp1251-as-cp1252", CLEAN["ru-budget"], legacy_as(CLEAN["ru-budget"], "cp1251", "cp1252"),
        "cp1251 Russian shown as cp1252 (Ìèíèñòð)")
    add("koi8r-as-latin1", CLEAN["ru-budget"], legacy_as(CLEAN["ru-budget"], "koi8-r", "latin-1"),
        "koi8-r Russian shown as latin-1")
    add("cp1250-as-cp1252", CLEAN["pl-budget"], legacy_as(CLEAN["pl-budget"], "cp1250", "cp1252"),
        "cp1250 Polish shown as cp1252")
    add("sjis-as-cp1252", CLEAN["ja-tokyo"], legacy_as(CLEAN["ja-tokyo"], "shift_jis", "sloppy-windows-1252"),
        "Shift-JIS Japanese shown as cp1252")
    add("gbk-as-latin1", CLEAN["zh-beijing"], legacy_as(CLEAN["zh-beijing"], "gbk", "latin-1"),
        "GBK Chinese shown as latin-1")
    # Entities, numeric references, C1 controls, invisible characters.
    add("html-entities", "The café’s owner said “no” & left; prices rose 5 % to €12.",
        "The caf&eacute;&rsquo;s owner said &#8220;no&#8221; &amp; left; prices rose 5&nbsp;% to &euro;12.",
        "named and numeric entities")
    add("html-hex-refs", "Zoë Ñúñez won the “Best Film” award — again.",
        "Zo&#xEB; &#209;&#250;&#241;ez won the &#x201C;Best Film&#x201D; award &#8212; again.",
        "hex and decimal references")
    add("html-double-escaped", "The minister’s “plan” failed.",
        "The minister&amp;#8217;s &amp;ldquo;plan&amp;rdquo; failed.", "entities escaped twice")
    add("c1-quotes", "He called it “a disaster” – twice.", "He called it \x93a disaster\x94 \x96 twice.",
        "cp1252 punctuation bytes read as latin-1 C1 controls")
    add("zero-width-midword", "The government announced new measures in Zürich.",
        "The gov\u200bern\u200dment announ\u2060ced new mea\ufeffsures in Zü\u200brich.",
        "zero-width and BOM inside words")
    add("bom-start-and-soft-hyphen", "Parliament approved the bill.", "\ufeffParlia\u00adment approved the bill.",
        "leading BOM, soft hyphen")
    # A damaged span next to correct non-ASCII text on the same line, which must stay.
    mixed_ok = "Dvořák’s symphony opened the festival in São Paulo"
    add("mixed-line-latin", f"{mixed_ok}; the café was full.",
        f"{mixed_ok}; the {utf8_as('café', 'sloppy-windows-1252')} was full.", "one broken word, correct Czech name")
    add("mixed-line-greek", "Ο δήμαρχος said the “new” plan works.",
        "Ο δήμαρχος said the " + utf8_as("“new”", "sloppy-windows-1252") + " plan works.",
        "broken quotes next to correct Greek")
    add("mixed-line-emoji", "🎉 Müller’s team won 3–1 in München.",
        "🎉 Müller’s team won 3" + utf8_as("–", "sloppy-windows-1252") + "1 in "
        + utf8_as("München", "sloppy-windows-1252") + ".", "broken dash and city next to correct emoji and umlaut")
    add("mixed-paragraphs", CLEAN["cz-music"] + "\n\n" + CLEAN["de-names"],
        CLEAN["cz-music"] + "\n\n" + utf8_as(CLEAN["de-names"], "sloppy-windows-1252"),
        "clean paragraph, then a broken one")
    # Correct text that must come out unchanged.
    for key in ("de-names", "cz-music", "pl-budget", "ru-budget", "el-athens", "tr-istanbul", "lt-vilnius",
                "ja-tokyo", "zh-beijing", "emoji-cafe", "fr-ete", "es-nino", "quote-dash"):
        add(f"clean-{key}", CLEAN[key], CLEAN[key], "correct text")
    for i, text in enumerate([
        "The band Motörhead and the café Ça Va opened in Neuchâtel.",
        "Prices: £5, ¥300, ₹120 and 20 °C; the ratio was ½ ± 0.1.",
        "Åsa Ñandú and Øyvind Ångström visited Ærø.",
        "He wrote “Ã” as an example of a Portuguese letter with a tilde? No: Ã is not Portuguese.",
        "Le président a déclaré : « Nous sommes prêts ».",
    ]):
        add(f"clean-tricky-{i}", text, text, "correct text that looks unusual")
    return cases


def damage_round2() -> list[dict[str, str]]:
    """Written after the first fixes, to check that they generalise (other languages, other pairs)."""
    cases: list[dict[str, str]] = []
    for cid, text, source, shown in [
        ("r2-uk-cp1251", "Президент України заявив, що переговори триватимуть у п’ятницю.", "cp1251",
         "sloppy-windows-1252"),
        ("r2-bg-cp1251", "Правителството одобри бюджета за следващата година.", "cp1251", "latin-1"),
        ("r2-ko-euckr", "서울시는 화요일 새로운 교통 계획을 발표했다.", "euc-kr", "latin-1"),
        ("r2-zhtw-big5", "台北市政府週二宣布新的交通規則。", "big5", "sloppy-windows-1252"),
        ("r2-el-cp1253", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", "cp1253", "sloppy-windows-1252"),
        ("r2-hu-latin2", "A kormány szerdán új költségvetést nyújtott be a parlamentnek.", "iso-8859-2",
         "latin-1"),
        ("r2-cz-cp1250", "Vláda schválila rozpočet na příští rok, řekl ministr financí.", "cp1250",
         "sloppy-windows-1252"),
        ("r2-ru-koi8-with-ascii", "Reuters: Министр финансов Антон Силуанов заявил в среду, что инфляция "
         "замедлится.", "koi8-r", "sloppy-windows-1252"),
        ("r2-ja-eucjp", "大阪府は新しい観光政策を発表した。", "euc-jp", "latin-1"),
        ("r2-pl-cp1250-latin1", "Sąd Najwyższy orzekł, że ustawa jest zgodna z konstytucją.", "cp1250", "latin-1"),
    ]:
        cases.append({"id": cid, "original": text, "damaged": legacy_as(text, source, shown),
                      "note": f"round 2: {source} shown as {shown}"})
    return cases


EN = "Officials said on Tuesday that"


def fragment_cases() -> list[dict[str, object]]:
    """``expect``: ``keep`` (text unchanged) or ``fix`` (one of ``accept`` texts; ``gone`` must not remain)."""
    cases: list[dict[str, object]] = []

    def fix(cid: str, text: str, gone: str, accept: list[str], lang: str) -> None:
        cases.append({"id": cid, "text": text, "expect": "fix", "gone": gone, "accept": accept, "lang": lang})

    def keep(cid: str, text: str, lang: str) -> None:
        cases.append({"id": cid, "text": text, "expect": "keep", "lang": lang})

    ctx = ("The central bank kept interest rates unchanged at its meeting this week, and analysts expect "
           "no change before the end of the year. ")
    fix("en-ru-word", ctx + "The ministry said talks with the правительство would resume in May.", "правительство",
        [ctx + "The ministry said talks with the government would resume in May.",
         ctx + "The ministry said talks with the would resume in May."], "en")
    fix("en-ar-word", ctx + "Officials in Amman said الحكومة will announce the plan next week.", "الحكومة",
        [ctx + "Officials in Amman said the government will announce the plan next week.",
         ctx + "Officials in Amman said government will announce the plan next week.",
         ctx + "Officials in Amman said will announce the plan next week."], "en")
    fix("en-ja-conj", ctx + "The chief executive said しかし the results were strong.", "しかし",
        [ctx + "The chief executive said however the results were strong.",
         ctx + "The chief executive said but the results were strong.",
         ctx + "The chief executive said the results were strong."], "en")
    fix("en-ko-word", ctx + "Analysts said 경제 growth slowed in the third quarter.", "경제",
        [ctx + "Analysts said economic growth slowed in the third quarter.",
         ctx + "Analysts said economy growth slowed in the third quarter.",
         ctx + "Analysts said growth slowed in the third quarter."], "en")
    fix("en-hi-word", ctx + "The minister said सरकार would not raise fuel prices.", "सरकार",
        [ctx + "The minister said the government would not raise fuel prices.",
         ctx + "The minister said government would not raise fuel prices.",
         ctx + "The minister said would not raise fuel prices."], "en")
    fix("en-hi-phrase", ctx + "Farmers in Punjab, उन्होंने कहा, are worried about the monsoon.", "उन्होंने कहा",
        [ctx + "Farmers in Punjab, he said, are worried about the monsoon.",
         ctx + "Farmers in Punjab, they said, are worried about the monsoon.",
         ctx + "Farmers in Punjab are worried about the monsoon."], "en")
    fix("en-zh-word", ctx + "Beijing said 经济 growth would reach five percent this year.", "经济",
        [ctx + "Beijing said economic growth would reach five percent this year.",
         ctx + "Beijing said economy growth would reach five percent this year.",
         ctx + "Beijing said growth would reach five percent this year."], "en")
    fix("en-ru-sentence-start", ctx + "Однако the governor refused to comment.", "Однако",
        [ctx + "However, the governor refused to comment.", ctx + "However the governor refused to comment.",
         ctx + "The governor refused to comment."], "en")
    fix("en-th-word", ctx + "Tourism in Phuket รัฐบาล has recovered since the pandemic.", "รัฐบาล",
        [ctx + "Tourism in Phuket government has recovered since the pandemic.",
         ctx + "Tourism in Phuket has recovered since the pandemic."], "en")
    fix("en-he-word", ctx + "The court in Tel Aviv said הממשלה must respond by Sunday.", "הממשלה",
        [ctx + "The court in Tel Aviv said the government must respond by Sunday.",
         ctx + "The court in Tel Aviv said government must respond by Sunday.",
         ctx + "The court in Tel Aviv said must respond by Sunday."], "en")
    de = ("Die Bundesregierung hat am Mittwoch einen neuen Entwurf für den Haushalt vorgelegt, der im Bundestag "
          "noch beraten werden muss. ")
    fix("de-zh-word", de + "Der Minister sagte, 政府 werde die Steuern nicht erhöhen.", "政府",
        [de + "Der Minister sagte, werde die Steuern nicht erhöhen.",
         de + "Der Minister sagte, government werde die Steuern nicht erhöhen.",
         de + "Der Minister sagte, die Regierung werde die Steuern nicht erhöhen."], "de")
    fix("de-en-clause", de + "Die Opposition kritisierte den Plan, but the government said it would not change "
        "the budget, und kündigte Widerstand an.", "but the government",
        [de + "Die Opposition kritisierte den Plan, und kündigte Widerstand an.",
         de + "Die Opposition kritisierte den Plan und kündigte Widerstand an."], "de")
    fr = ("Le gouvernement a présenté mercredi un nouveau projet de budget, qui doit encore être examiné par "
          "l’Assemblée nationale. ")
    fix("fr-en-clause", fr + "Le ministre a annoncé un plan, but the details of the plan remain unclear for "
        "now, et les syndicats ont protesté.", "but the details",
        [fr + "Le ministre a annoncé un plan, et les syndicats ont protesté.",
         fr + "Le ministre a annoncé un plan et les syndicats ont protesté."], "fr")
    fix("fr-ru-word", fr + "Le président a rencontré le правительство hier soir.", "правительство",
        [fr + "Le président a rencontré le hier soir.", fr + "Le président a rencontré le government hier soir.",
         fr + "Le président a rencontré le gouvernement hier soir."], "fr")
    es = ("El Gobierno presentó el miércoles un nuevo proyecto de presupuesto, que todavía debe ser debatido en "
          "el Congreso. ")
    fix("es-en-clause", es + "El presidente dijo que, according to the latest figures from the ministry, la "
        "economía crece.", "according to",
        [es + "El presidente dijo que, la economía crece.", es + "El presidente dijo que la economía crece."], "es")
    fix("es-zh-word", es + "El ministro dijo que 中国 apoyará el acuerdo comercial.", "中国",
        [es + "El ministro dijo que apoyará el acuerdo comercial.",
         es + "El ministro dijo que China apoyará el acuerdo comercial."], "es")
    # Legitimately foreign: must be kept.
    keep("keep-quoted-slogan-ru", ctx + "Protesters chanted “Свободу!” outside the court until late evening.", "en")
    keep("keep-name-bracket-uk", ctx + "President Volodymyr Zelensky (Володимир Зеленський) spoke to parliament.",
         "en")
    keep("keep-film-quoted-ja", ctx + "The Japanese film “万引き家族” won the Palme d’Or in 2018.", "en")
    keep("keep-slogan-hi", ctx + "The slogan “जय हिंद” was painted on the walls of the station.", "en")
    keep("keep-film-translated-ko", ctx + "Bong Joon-ho’s film 기생충 (Parasite) won four Academy Awards.", "en")
    keep("keep-novel-title-ru", ctx + "Leo Tolstoy’s novel Война и мир was first published in 1869.", "en")
    keep("keep-film-title-zh", ctx + "Zhang Yimou’s film 英雄 opened the festival on Friday night.", "en")
    keep("keep-name-zh", ctx + "The artist Ai Weiwei, known in China as 艾未未, opened a show in Berlin.", "en")
    keep("keep-name-el", ctx + "Greek Prime Minister Kyriakos Mitsotakis (Κυριάκος Μητσοτάκης) visited Paris.",
         "en")
    keep("keep-de-en-quote", de + "„We will never give up“, sagte der Trainer nach dem Spiel in München.", "de")
    keep("keep-fr-en-band", fr + "Le groupe The Rolling Stones a joué au Stade de France samedi soir.", "fr")
    keep("keep-es-en-title", es + "La película Everything Everywhere All at Once ganó el Óscar.", "es")
    keep("keep-ru-article", "Компания Apple представила новый iPhone в Москве. Продажи начнутся в сентябре, "
         "сообщил представитель компании.", "ru")
    keep("keep-ja-article", "トヨタ自動車は新しい電気自動車を発表した。価格は約500万円になる見込みだ。", "ja")
    keep("keep-hi-article", "सरकार ने बुधवार को नई योजना की घोषणा की। मंत्री ने कहा कि किसानों को लाभ होगा।", "hi")
    keep("keep-el-article", "Ο πρωθυπουργός συναντήθηκε με τον δήμαρχο της Αθήνας την Τρίτη και συζήτησαν "
         "για τον προϋπολογισμό.", "el")
    return cases


def _paras(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def dedup_cases() -> list[dict[str, object]]:
    """Groups of texts; ``dup`` lists index pairs that must be merged, ``apart`` pairs that must not."""
    arts = [json.loads(line) for line in (ROOT / "tests" / "data" / "dedup" / "articles.jsonl").open()]
    texts = [a["text"] for a in arts if len(_paras(a["text"])) >= 6][:8]
    cases: list[dict[str, object]] = []
    recipes: dict[str, Callable[[list[str]], str]] = {
        "rewritten-lead": lambda p: "\n\n".join(
            ["In a move that surprised few observers, officials confirmed the news late on Monday.", *p[1:]]),
        "reordered-paragraphs": lambda p: "\n\n".join([p[0], p[3], p[1], p[2], *p[4:]]),
        "correction-note": lambda p: "\n\n".join([
            *p, "Correction: An earlier version of this story misstated the date of the announcement. "
            "It was made on Wednesday, not Tuesday."]),
        "other-boilerplate": lambda p: "\n\n".join(
            ["Sign up for our morning briefing", "Advertisement", *p, "Share this article on Facebook",
             "© 2026 Herald Media Group. All rights reserved.", "Related: Weather warnings issued for the coast"]),
        "two-wires": lambda p: "\n\n".join(
            ["NEW YORK (Reuters) - " + p[0], *p[1:-1], "(Reporting by Jane Doe; Editing by John Smith)"]),
        "lead-and-tail-edited": lambda p: "\n\n".join(
            ["UPDATED: " + p[0].replace(" said", " told reporters", 1), *p[1:-1],
             "This story has been updated with additional reporting."]),
    }
    for k, (name, recipe) in enumerate(recipes.items()):
        base = texts[k % len(texts)]
        cases.append({"id": f"dup-{name}", "texts": [base, recipe(_paras(base))], "dup": [[0, 1]], "apart": []})
    # Non-duplicates that share a template: market reports and match reports with other slots.
    market = ("{co} shares {dir} {pct} percent to {price} dollars on {day}, after the company reported "
              "quarterly revenue of {rev} billion dollars. Analysts at {bank} had expected revenue of {exp} "
              "billion dollars. The company said it would {plan} in the coming months and expects demand "
              "in {region} to {trend} next year. Trading volume was {vol} million shares, against a "
              "three-month average of {avg} million. The stock has {ytd} so far this year.")
    slots = [
        dict(co="Acme Corp", dir="rose", pct="4.2", price="51.30", day="Tuesday", rev="3.1", bank="Goldman Sachs",
             exp="2.9", plan="open two new plants", region="Asia", trend="grow", vol="12.4", avg="8.1",
             ytd="gained 18 percent"),
        dict(co="Borealis Energy", dir="fell", pct="6.8", price="17.05", day="Thursday", rev="0.8",
             bank="Morgan Stanley", exp="1.1", plan="cut 500 jobs", region="Europe", trend="weaken",
             vol="30.2", avg="11.7", ytd="lost a third of its value"),
    ]
    cases.append({"id": "apart-market-template", "texts": [market.format(**s) for s in slots], "dup": [],
                  "apart": [[0, 1]]})
    match = ("{home} beat {away} {score} at {ground} on {day}. {scorer} opened the scoring in the {m1}th minute "
             "and {scorer2} added a second after the break. {coach}, the {home} coach, said his side had "
             "{verdict}. The result leaves {home} {pos} in the table with {games} games left, while {away} "
             "stay {pos2}. Attendance was {att}.\n\n{extra}")
    common_extra = ("The league said all matches this weekend would start with a minute of silence. Tickets for "
                    "the next round go on sale on Monday through the clubs' websites and at the stadium ticket "
                    "offices, which open at nine in the morning.")
    slots2 = [
        dict(home="Riverside", away="Northgate", score="2-0", ground="Mill Lane", day="Saturday", scorer="Tom Hale",
             m1="12", scorer2="Ivo Petrov", coach="Sam Reid", verdict="deserved the win", pos="third", games="six",
             pos2="bottom", att="18,204", extra=common_extra),
        dict(home="Eastfield", away="Harbour Town", score="3-1", ground="Kings Park", day="Sunday",
             scorer="Luis Ortega", m1="34", scorer2="Ben Cole", coach="Mark Dunn", verdict="fought hard",
             pos="first", games="four", pos2="ninth", att="22,870", extra=common_extra),
    ]
    cases.append({"id": "apart-match-template", "texts": [match.format(**s) for s in slots2], "dup": [],
                  "apart": [[0, 1]]})
    # Two different articles carrying the same long press-release footer.
    footer = ("About the company: Northwind Analytics is a provider of data services to the public sector and "
              "to financial institutions in more than forty countries. Founded in 1998, it employs about "
              "3,000 people and is headquartered in Dublin. Forward-looking statements in this release involve "
              "risks and uncertainties, and actual results may differ materially from those expressed.")
    a, b = _paras(texts[6])[:2], _paras(texts[7])[:2]
    cases.append({"id": "apart-shared-footer", "texts": ["\n\n".join([*a, footer]), "\n\n".join([*b, footer])],
                  "dup": [], "apart": [[0, 1]]})
    return cases


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sets = (("damage", damage_cases() + damage_round2()), ("fragments", fragment_cases()), ("dedup", dedup_cases()))
    for name, rows in sets:
        with (OUT / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{name}: {len(rows)} cases")


if __name__ == "__main__":
    main()
