"""Language from the text: clear evidence gives a code, anything else gives None."""

from __future__ import annotations

import pytest

from pipeline.extract.language import detect_language

TEXTS = {
    "en": "The council said on Tuesday that the bridge would reopen to traffic in the spring, and that "
          "the repairs had cost more than the city had planned when the work began two years ago.",
    "de": "Der Stadtrat teilte am Dienstag mit, dass die Brücke im Frühjahr wieder für den Verkehr "
          "geöffnet wird und dass die Reparaturen mehr gekostet haben, als die Stadt geplant hatte.",
    "fr": "Le conseil a annoncé mardi que le pont rouvrira à la circulation au printemps, et que les "
          "réparations ont coûté plus que ce que la ville avait prévu pour cette année.",
    "pt": "O conselho disse na terça-feira que a ponte será reaberta ao tráfego na primavera e que "
          "os reparos custaram mais do que a cidade tinha previsto quando a obra começou.",
    "ru": "Городской совет сообщил во вторник, что мост снова откроется для движения весной, и что "
          "ремонт обошёлся дороже, чем планировал город, когда работы только начинались.",
    "ko": "시의회는 화요일 다리가 봄에 다시 개통될 것이라고 밝혔으며 수리 비용이 예상보다 많이 들었다고 말했다.",
    "ja": "市議会は火曜日、橋は春に再び開通すると発表し、修理費用は市の計画よりも多くかかったと述べた。",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_detects_clear_text(lang: str) -> None:
    assert detect_language(TEXTS[lang]) == lang


@pytest.mark.parametrize("text", [
    "",
    "Home News Sport Weather",  # too few words to say
    "12:45 3-1 2019 100%",
    "Angela Merkel Emmanuel Macron Joe Biden Xi Jinping Narendra Modi Vladimir Putin Lula da Silva "
    "Olaf Scholz Rishi Sunak Justin Trudeau Giorgia Meloni Pedro Sanchez Mark Rutte Ursula",  # names only
], ids=["empty", "short", "numbers", "names-only"])
def test_unclear_text_gives_none(text: str) -> None:
    assert detect_language(text) is None


def test_classify_is_py3langids_classify_on_the_features_the_sample_has() -> None:
    """The same language and (but for float32 rounding) the same confidence as py3langid's dense
    product, on whole texts, prefixes, mixed scripts, a text without features and the names."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from pipeline.extract.language import EXCLUDED, class_scores, classify, identifier

    reference = LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)
    reference.set_languages([lang for lang in reference.nb_classes if lang not in EXCLUDED])
    samples = [text[:n] for text in TEXTS.values() for n in (1, 12, 40, 1000)]
    samples += ["", "\x00\x01", TEXTS["en"] + " " + TEXTS["ru"], "Angela Merkel Emmanuel Macron Joe Biden"]
    for sample in samples:
        expected = reference.nb_classprobs(reference.instance2fv(sample))
        assert class_scores(identifier(), sample) == pytest.approx(expected, rel=1e-6), sample
        expected_lang, expected_confidence = reference.classify(sample)
        lang, confidence = classify(identifier(), sample)
        assert lang == expected_lang, sample
        assert confidence == pytest.approx(float(expected_confidence), abs=1e-4), sample
