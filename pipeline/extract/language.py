"""The language of an article's text, for records whose source declares none.

py3langid (langid.py's maintained fork: 97 languages, a small bundled model, no download)
decides from a sample of the text. The answer is ``None`` unless the evidence is clear: a wrong
language is worse than none. So:

1. too little text (under ``MIN_LETTERS`` letters) or a confidence under ``MIN_CONFIDENCE``
   gives ``None``;
2. languages the model cannot reliably tell apart (Indonesian, Malay, Javanese and Sundanese;
   Bosnian, Croatian and Serbian; Danish and Norwegian) are answered only when the page
   declares one of the same group, and then with the page's choice;
3. Latin is never answered: in news pages it is a template's lorem ipsum.

The hand-made detector this replaces (writing systems, then function words of 13 languages)
called Catalan Spanish, Galician Portuguese, Persian and Urdu Arabic, Marathi Hindi.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

# The first characters of the text: cost grows with length (0.5 ms of CPU per 1,000 characters,
# less than the hand-made detector cost per whole text); on aeb-dev + wcxb-dev the answer from
# 1,000 characters equalled the whole text's on 798 of 799 pages.
SAMPLE_CHARS = 1000
MIN_LETTERS = 40  # a short sentence; kana, Han and Hangul carry a word in one or two letters
MIN_CONFIDENCE = 0.9
CLOSE_RELATIVES = (frozenset({"id", "ms", "jv", "su"}), frozenset({"bs", "hr", "sr"}),
                   frozenset({"da", "nb", "nn", "no"}))
# Never an article's language, often a template's placeholder text (lorem ipsum).
EXCLUDED = frozenset({"la"})
LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
LANGUAGE_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$", re.IGNORECASE)


def normalize_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag (``en-US`` -> ``en``), or ``None`` if it is not one."""
    m = LANGUAGE_TAG.match((tag or "").strip())
    return m.group(1).lower() if m else None


@lru_cache(maxsize=1)
def identifier() -> LanguageIdentifier:
    """The model, loaded once per process (0.3 s). ``pipeline.extract.article`` loads it at import,
    so extraction workers share the forkserver's copy; the reactor process never loads it."""
    model = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    model.set_languages([lang for lang in model.nb_classes if lang not in EXCLUDED])
    # Row by row (``classify`` reads the rows of a sample's features; set_languages leaves the
    # matrix column-major, so each row was spread over 96 cache lines).
    model.nb_ptc = np.ascontiguousarray(model.nb_ptc)
    output_table(model)  # here, in the forkserver: the workers share it
    return model


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` when the evidence is not clear.
    ``declared``: the page's own ``lang``, consulted only within a group of close relatives."""
    sample = text[:SAMPLE_CHARS]
    if sum(1 for _ in islice(LETTER.finditer(sample), MIN_LETTERS)) < MIN_LETTERS:  # stops at the 40th
        return None
    lang, confidence = classify(identifier(), sample)
    if confidence < MIN_CONFIDENCE:
        return None
    for group in CLOSE_RELATIVES:
        if lang in group:
            return declared if declared in group else None
    return lang


def classify(model: LanguageIdentifier, sample: str) -> tuple[str, float]:
    """``model.classify(sample)``, scoring only the features ``sample`` has: py3langid multiplies
    a vector of all 7,480 feature counts by its 2.9 MB weight matrix (mostly out of cache by the
    time a worker asks), when a sample of ``SAMPLE_CHARS`` has about 180 of them (at most 481 on
    aeb-dev + wcxb-dev). The same language, with a confidence that differs in float32 rounding
    only (at most 8e-7 on those pages, summed in another order; the decision at
    ``MIN_CONFIDENCE`` is the same on every one). The confidence is the winner's normalised
    probability, the only one asked for."""
    scores = class_scores(model, sample)
    best = int(np.argmax(scores))
    with np.errstate(over="ignore"):
        return model.nb_classes[best], float(1 / np.exp(scores - scores[best]).sum())


def class_scores(model: LanguageIdentifier, sample: str) -> np.ndarray:
    """py3langid's ``nb_classprobs(instance2fv(sample))`` (each class's log-probability of the
    sample), from the rows of the sample's features only."""
    nextmove, output = model.tk_nextmove, output_table(model)
    state, indexes = 0, []
    for letter in sample.encode("utf8", errors="surrogatepass"):
        state = nextmove[(state << 8) + letter]
        found = output[state]
        if found:
            indexes += found
    if not indexes:  # no feature: every class scores its prior alone
        return model.nb_pc
    counts = np.bincount(np.array(indexes, dtype=np.intp))
    features = np.flatnonzero(counts)
    return counts[features].astype(np.float64) @ model.nb_ptc[features] + model.nb_pc


@lru_cache(maxsize=1)
def output_table(model: LanguageIdentifier) -> list[tuple[int, ...]]:
    """``model.tk_output`` (automaton state -> the features it completes) as a list by state, an
    empty tuple for the states that complete none: one list index a byte instead of a dict
    lookup or two (0.09 against 0.13 ms a sample of 1,000 characters)."""
    table: list[tuple[int, ...]] = [()] * (len(model.tk_nextmove) >> 8)
    for state, features in model.tk_output.items():
        table[state] = tuple(features)
    return table
