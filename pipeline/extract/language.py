"""The language of an article's text, for records whose source declares none.

Writing systems decide first (Hangul, kana, Han, Arabic, Hebrew, Greek, Thai, Devanagari);
Latin and Cyrillic texts are told apart by their commonest function words. The answer is
``None`` unless the evidence is clear: a wrong language is worse than none.
"""

from __future__ import annotations

import re
from collections import Counter

# Function words: frequent in running text of the language, rare in the others listed.
STOP_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the of and to in is that for it with was on as be by this are from at have not has "
              "but they his her which were been would their will said there who what when",
        "de": "der die das und ist nicht ein eine zu den von mit sich des auf für dem im auch "
              "es an werden aus er hat dass sie nach wird bei einer um noch wie über so zum",
        "fr": "le la les et des est une que pour dans qui sur pas par au du ce il avec sont plus "
              "ne se ses mais ou cette été aux leur elle nous comme",
        "es": "el la los las y en que del se por con una para es al lo como más pero sus le ha "
              "este fue entre sobre también desde porque muy",
        "it": "il di che è la per un una del non della sono gli con si nel alla le ma anche dei "
              "più come ha questo delle degli nella stato",
        "pt": "o de que a e do da em um para é com não uma os no se na por mais as dos como mas "
              "foi ao ele das tem à seu sua ou ser quando muito",
        "nl": "de het een van en in is dat op te zijn met voor niet aan er die ook als bij door "
              "maar om dan naar werd wordt nog",
        "id": "yang dan di ini itu dengan untuk dari dalam tidak akan pada juga ke karena ada "
              "oleh atau sudah bisa mereka kami kita saat",
        "ru": "и в не на что с по как это он к но из у за от то о же так для все она его было "
              "уже был были бы или только если",
        "uk": "і в не на що з по як це він до але з у за від та є для все вона його було вже "
              "був були би або тільки якщо який яка",
        "pl": "i w nie na że z się do to jest jak o ale po co tak za od jego przez już przy są",
        "sv": "och i att det som en på är av för med till den har de inte om ett var men",
        "tr": "ve bir bu da de için ile olarak çok daha gibi ama olan en değil sonra kadar",
    }.items()
}
SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),  # kana: Japanese even when Han characters dominate
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
MIN_SCRIPT_SHARE = 0.3  # of all letters
MIN_WORDS = 20
MIN_STOP_SHARE = 0.12  # of words that are the winner's function words
MIN_MARGIN = 1.5  # the winner's count over the runner-up's


LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$", re.IGNORECASE)


def normalize_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag (``en-US`` -> ``en``), or ``None`` if it is not one."""
    m = LANGUAGE_TAG.match((tag or "").strip())
    return m.group(1).lower() if m else None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when the evidence is not clear."""
    sample = text[:20000]
    runs = WORD.findall(sample)
    letters = sum(map(len, runs))
    if not letters:
        return None
    for lang, pattern in SCRIPTS:
        if pattern.search(sample) and len(pattern.findall(sample)) >= MIN_SCRIPT_SHARE * letters:
            if lang == "zh" and SCRIPTS[1][1].search(sample):
                return "ja"
            return lang
    words = [w.lower() for w in runs]
    if len(words) < MIN_WORDS:
        return None
    counts = Counter(words)
    scores = sorted(((sum(counts[w] for w in stops), lang) for lang, stops in STOP_WORDS.items()), reverse=True)
    (best, lang), (second, _) = scores[0], scores[1]
    if best < MIN_STOP_SHARE * len(words) or best < MIN_MARGIN * second:
        return None
    return lang
