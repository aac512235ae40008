"""Function words of Latin-script languages: a cheap first signal for a clause in another language.

Only the most frequent, unambiguous function words; a clause must still convince langdetect.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the of and to in is that for it was on with as he at by this from they be are his"
        " have not but or had has an which were their been would will she her we you said its"
        " who there after about also more when into than our can could one all only over out a"
        " i no so do me us if up"
    ),
    "de": _words(
        "der die das und ist nicht den dem des ein eine einen einem einer sich mit auf für von"
        " zu im auch als wie wird werden wurde sind hat haben aber oder noch nach bei aus dass"
        " er sie wir ihr sein seine vor über unter durch gegen schon nur sagte"
    ),
    "fr": _words(
        "le la les des du un une et est dans pour que qui sur pas par au aux avec ce cette ces"
        " il elle ils sont ont été être mais ou plus leur leurs son sa ses nous vous selon"
        " avait était fait comme aussi très dit entre"
    ),
    "es": _words(
        "el la los las del un una unos unas y es en que por para con se su sus al lo como pero"
        " más fue son está han ha ser este esta estos estas también sobre entre desde hasta"
        " dijo según muy sin porque cuando donde"
    ),
    "pt": _words(
        "o os a as do da dos das um uma e é em no na nos nas que por para com se seu sua seus"
        " ao pelo pela mais foi são está não também sobre entre como mas muito disse segundo"
        " quando onde isso este esta"
    ),
    "it": _words(
        "il lo la gli le dei delle degli del della un una e è in che con si suo sua al"
        " alla nel nella sono stato anche più ma non questo questa tra fra dopo ha hanno"
        " detto secondo"
    ),
    "nl": _words(
        "de het een en van in is dat op te voor met zijn niet aan er ook als bij door maar om"
        " dan nog wel naar uit worden wordt werd heeft hebben deze dit zij hij over volgens zei"
    ),
}
