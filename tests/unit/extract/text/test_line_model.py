"""The text line model (``NEWSCLEAN_TEXT_LINE_MODEL``): the shipped file, its features, its
two thresholds, and how what it drops is counted.

The known rows' probabilities are those of the shipped file: retraining it (``make models``)
changes them, and this test must then be updated to the new file's figures.
"""

from __future__ import annotations

import pytest

from pipeline.extract import rules
from pipeline.extract.model import TreeModel
from pipeline.extract.text import line_features
from pipeline.extract.text.capture import clean_text_capture, main_run, model_candidates
from pipeline.extract.text.line_features import (
    FEATURE_NAMES,
    MODEL_PATH,
    line_rows,
    model_keeps_line,
    shipped_line_model,
)
from pipeline.extract.text.lines import split_lines
from pipeline.pipelines.extraction import options_from_settings

STORY = [
    "The first paragraph of the story says what happened and where it happened, in plain words.",
    "A second paragraph adds the details that a reader needs to follow the rest of the story.",
    "The third paragraph quotes a witness, who said the whole street heard the noise that night.",
]
CAPTURE = "\n\n".join(["Home", "News", *STORY, "More from the desk", "Weather"]) + "\n"


def constant_model(probability_score: float, *, threshold: float, drop_threshold: float) -> TreeModel:
    """A model of one leaf: every row gets sigmoid(``probability_score``)."""
    return TreeModel.from_dict({
        "format": "newsclean-trees/1", "features": list(FEATURE_NAMES), "threshold": threshold,
        "trees": [{"feature": [], "threshold": [], "nan_left": [], "left": [], "right": [], "leaf": [probability_score]}],
        "meta": {"drop_threshold": drop_threshold},
    })


def capture_rows() -> list[list[float]]:
    lines = split_lines(CAPTURE)
    start, end = main_run(lines)
    keeps = [start <= line.index < end for line in lines]
    return line_rows(lines, start, end, None, keeps, model_candidates(lines, start, end))


def test_shipped_model_loads_with_the_features_it_was_trained_on() -> None:
    model = shipped_line_model()
    assert model.feature_names == FEATURE_NAMES
    assert 0 <= model.meta["drop_threshold"] <= 1 and 0 <= model.threshold <= 1.01
    assert MODEL_PATH.stat().st_size < 200_000
    assert model.meta["script"] == "bench/train_text_lines.py"


def test_rows_have_one_value_per_feature() -> None:
    rows = capture_rows()
    assert len(rows) == 7
    assert {len(row) for row in rows} == {len(FEATURE_NAMES)}
    # the story's paragraphs are in the run and kept by the rules; the menu lines are not
    rule_keep = FEATURE_NAMES.index("rule_keep")
    assert [row[rule_keep] for row in rows] == [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]


def test_known_rows_probabilities() -> None:
    model = shipped_line_model()
    probabilities = [round(model.probability(row), 6) for row in capture_rows()]
    assert probabilities == KNOWN_PROBABILITIES
    assert clean_text_capture(CAPTURE, line_model=model).paragraphs == STORY


def test_drop_and_add_thresholds() -> None:
    kept_row, dropped_row = [1.0] + [0.0] * (len(FEATURE_NAMES) - 1), [0.0] * len(FEATURE_NAMES)
    middling = constant_model(0.0, threshold=0.9, drop_threshold=0.3)  # probability 0.5
    assert model_keeps_line(middling, kept_row) is True  # 0.5 >= 0.3: a rules' line stays
    assert model_keeps_line(middling, dropped_row) is False  # 0.5 < 0.9: not added
    sure = constant_model(5.0, threshold=0.9, drop_threshold=0.3)  # probability 0.993
    assert model_keeps_line(sure, dropped_row) is True


def test_lines_the_model_drops_are_counted_as_line_model_furniture() -> None:
    drops_all = constant_model(-5.0, threshold=0.9, drop_threshold=0.3)
    result = clean_text_capture(CAPTURE, line_model=drops_all)
    assert result.paragraphs == []
    assert [(rule, cls) for rule, cls, text in result.removed_lines if text in STORY] == [("line_model", rules.FURNITURE)] * 3
    assert rules.STRUCTURAL_RULES["line_model"] == rules.FURNITURE


def test_lines_far_from_the_run_are_left_to_the_rules() -> None:
    far = "\n\n".join(f"Menu entry {n}" for n in range(30))
    lines = split_lines(far + "\n\n" + "\n\n".join(STORY) + "\n")
    start, end = main_run(lines)
    assert (start, end) == (30, 33)
    assert model_candidates(lines, start, end) == list(range(30 - line_features.MODEL_REACH, 33))
    keeps_all = constant_model(5.0, threshold=0.5, drop_threshold=0.5)
    result = clean_text_capture(far + "\n\n" + "\n\n".join(STORY) + "\n", line_model=keeps_all)
    # the last entry above the run is claimed as the headline: no model keeps a claimed line
    assert result.title == "Menu entry 29"
    assert result.paragraphs == [f"Menu entry {n}" for n in range(30 - line_features.MODEL_REACH, 29)] + STORY


@pytest.mark.parametrize("value", [False, True])
def test_setting_switches_the_model(value: bool) -> None:
    from scrapy.settings import Settings

    from pipeline import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings)
    assert settings.getbool("NEWSCLEAN_TEXT_LINE_MODEL") is False
    settings.set("NEWSCLEAN_TEXT_LINE_MODEL", value)
    assert options_from_settings(settings).text_line_model is value


# "Home", "News", the three story paragraphs, "More from the desk", "Weather"
KNOWN_PROBABILITIES = [0.075944, 0.205565, 0.958256, 0.963012, 0.92117, 0.150222, 0.059888]
