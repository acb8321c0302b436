import math

import pytest

from pipeline.extract.model import (
    FORMAT,
    ModelFormatError,
    TreeModel,
    compact_lightgbm,
    compiled_scorer,
    write_model,
)

# A LightGBM dump_model() of two trees over features a, b (hand-written in its format).
DUMP = {
    "num_class": 1,
    "objective": "binary sigmoid:1",
    "average_output": False,
    "feature_names": ["a", "b"],
    "tree_info": [
        {"num_cat": 0, "shrinkage": 1, "tree_structure": {
            "split_feature": 0, "threshold": 0.5, "decision_type": "<=", "default_left": True,
            "missing_type": "NaN",
            "left_child": {"leaf_value": -1.0},
            "right_child": {
                "split_feature": 1, "threshold": 2.0, "decision_type": "<=", "default_left": False,
                "missing_type": "None",
                "left_child": {"leaf_value": 0.5},
                "right_child": {"leaf_value": 2.0},
            },
        }},
        {"num_cat": 0, "shrinkage": 0.1, "tree_structure": {"leaf_value": 0.25}},
    ],
}


def model(threshold=0.5):
    return TreeModel.from_dict(compact_lightgbm(DUMP, threshold=threshold, meta={"trained_on": "test"}))


@pytest.mark.parametrize(("row", "raw"), [
    ([0.0, 9.0], -0.75),          # a <= 0.5: left leaf
    ([0.5, 9.0], -0.75),          # the threshold itself goes left, as in LightGBM
    ([1.0, 2.0], 0.75),           # a > 0.5, b <= 2
    ([1.0, 3.0], 2.25),           # a > 0.5, b > 2
    ([math.nan, 3.0], -0.75),     # missing_type NaN: default_left
    ([1.0, math.nan], 0.75),      # missing_type None: NaN reads as 0.0, left of 2.0
])
def test_raw_scores_follow_the_trees(row, raw):
    assert model().raw_score(row) == pytest.approx(raw)


def test_probability_is_the_sigmoid_and_keeps_uses_the_stored_threshold():
    m = model(threshold=0.6)
    assert m.probability([1.0, 2.0]) == pytest.approx(1 / (1 + math.exp(-0.75)))
    assert m.keeps([1.0, 2.0]) is True       # 0.679
    assert m.keeps([0.0, 0.0]) is False      # 0.321
    assert m.probability([1.0, 1e9]) < 1.0
    assert model().probability([-1e9, 0.0]) > 0.0


def test_round_trip_through_the_file_is_exact(tmp_path):
    path = tmp_path / "m.json"
    write_model(compact_lightgbm(DUMP, threshold=0.4, meta={"k": 1}), path)
    first = path.read_bytes()
    loaded = TreeModel.load(path)
    assert loaded.feature_names == ("a", "b")
    assert loaded.threshold == 0.4 and loaded.meta == {"k": 1}
    assert loaded.raw_score([1.0, 3.0]) == pytest.approx(2.25)
    write_model(compact_lightgbm(DUMP, threshold=0.4, meta={"k": 1}), path)
    assert path.read_bytes() == first


def test_wrong_width_and_foreign_files_are_refused():
    with pytest.raises(ValueError, match="expected 2 features, got 1"):
        model().raw_score([1.0])
    with pytest.raises(ModelFormatError, match="not a newsclean-trees/1 model"):
        TreeModel.from_dict({"format": "other"})
    categorical = {**DUMP, "tree_info": [{"num_cat": 1, "tree_structure": {"leaf_value": 0.0}}]}
    with pytest.raises(ModelFormatError, match="categorical"):
        compact_lightgbm(categorical, threshold=0.5)
    with pytest.raises(ModelFormatError, match="only binary"):
        compact_lightgbm({**DUMP, "objective": "regression"}, threshold=0.5)
    assert FORMAT == "newsclean-trees/1"


def test_matches_lightgbm_itself_when_it_is_installed():
    lgb = pytest.importorskip("lightgbm", reason="lightgbm is a training-only dependency (make models)")
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(7)
    x = rng.normal(size=(400, 4))
    x[::17, 2] = np.nan
    y = ((x[:, 0] + np.nan_to_num(x[:, 2]) ** 2) > 0.3).astype(int)
    booster = lgb.train({"objective": "binary", "num_leaves": 7, "verbose": -1, "deterministic": True,
                         "num_threads": 1, "seed": 3, "learning_rate": 0.2},
                        lgb.Dataset(x, y, feature_name=["f0", "f1", "f2", "f3"]), num_boost_round=12)
    ours = TreeModel.from_dict(compact_lightgbm(booster.dump_model(), threshold=0.5))
    expected = booster.predict(x, raw_score=True)
    got = [ours.raw_score(list(row)) for row in x]
    assert got == pytest.approx(list(expected), abs=1e-9)


def test_compiled_scorer_gives_the_tree_models_probability_over_the_mapped_columns():
    dump = {"num_class": 1, "objective": "binary sigmoid:1", "feature_names": ["a", "b"], "tree_info": [
        {"num_cat": 0, "tree_structure": {
            "split_feature": 0, "threshold": 0.5, "decision_type": "<=", "default_left": True, "missing_type": "None",
            "left_child": {"leaf_value": -1.0},
            "right_child": {"split_feature": 1, "threshold": 2.0, "decision_type": "<=", "default_left": True,
                            "missing_type": "None", "left_child": {"leaf_value": 0.5}, "right_child": {"leaf_value": 2.0}}}},
        {"num_cat": 0, "tree_structure": {"leaf_value": 0.25}},
    ]}
    model = TreeModel.from_dict(compact_lightgbm(dump, threshold=0.5))
    scorer = compiled_scorer(model, [2, 0])  # feature a is column 2 of the row, b column 0
    for a, b in [(0.0, 0.0), (0.5, 9.0), (0.6, 2.0), (0.6, 2.1), (7.0, -3.0)]:
        assert scorer([b, 99.0, a]) == model.probability([a, b])
