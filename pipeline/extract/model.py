"""Small boosted-tree models, evaluated in pure Python from a versioned JSON file.

The models are trained with LightGBM (``make models``, training-only dependencies in
``requirements-train.lock``), but a crawl does not import it: ``compact_lightgbm`` turns
LightGBM's own ``dump_model()`` into flat arrays, and ``TreeModel`` walks them. A few dozen
shallow trees over a page's blocks cost well under a millisecond, and the runtime carries no
numpy, scipy or compiled library for it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

FORMAT = "newsclean-trees/1"


class ModelFormatError(ValueError):
    """The file is not a model this code can evaluate."""


def sigmoid(score: float) -> float:
    """Stable on both sides: exp never overflows."""
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    e = math.exp(score)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Tree:
    """One tree as parallel arrays over its split nodes. A child index ``>= 0`` is a split
    node, ``< 0`` is leaf ``~index``. ``nan_left`` says where a missing value goes."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    nan_left: tuple[bool, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    leaf: tuple[float, ...]

    def value(self, row: Sequence[float]) -> float:
        if not self.feature:
            return self.leaf[0]
        node = 0
        while node >= 0:
            x = row[self.feature[node]]
            if x != x:  # NaN
                go_left = self.nan_left[node]
            else:
                go_left = x <= self.threshold[node]
            node = self.left[node] if go_left else self.right[node]
        return self.leaf[~node]


@dataclass(frozen=True)
class TreeModel:
    """A binary classifier: sigmoid of the sum of its trees. ``keeps`` compares the
    probability with the threshold chosen at training time (stored with the model)."""

    feature_names: tuple[str, ...]
    trees: tuple[Tree, ...]
    threshold: float
    meta: dict[str, Any]

    def raw_score(self, row: Sequence[float]) -> float:
        if len(row) != len(self.feature_names):
            raise ValueError(f"expected {len(self.feature_names)} features, got {len(row)}")
        return sum(tree.value(row) for tree in self.trees)

    def probability(self, row: Sequence[float]) -> float:
        return sigmoid(self.raw_score(row))

    def keeps(self, row: Sequence[float]) -> bool:
        return self.probability(row) >= self.threshold

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeModel:
        if data.get("format") != FORMAT:
            raise ModelFormatError(f"not a {FORMAT} model: format={data.get('format')!r}")
        trees = tuple(
            Tree(feature=tuple(t["feature"]), threshold=tuple(float(v) for v in t["threshold"]),
                 nan_left=tuple(bool(v) for v in t["nan_left"]), left=tuple(t["left"]),
                 right=tuple(t["right"]), leaf=tuple(float(v) for v in t["leaf"]))
            for t in data["trees"]
        )
        return cls(feature_names=tuple(data["features"]), trees=trees,
                   threshold=float(data["threshold"]), meta=dict(data.get("meta") or {}))

    @classmethod
    def load(cls, path: str | Path) -> TreeModel:
        return cls.from_dict(orjson.loads(Path(path).read_bytes()))


def compiled_scorer(model: TreeModel, columns: list[int]) -> Callable[[Sequence[float]], float]:
    """``model.probability`` over ``[row[j] for j in columns]``, as one generated function of
    nested comparisons: the same sums as ``TreeModel`` (trees added in order, then the same
    sigmoid), about 4x faster than walking its arrays per tree, which matters over a page's
    hundred-odd blocks. The code is generated from the model's numbers only (``from_dict``
    made them ints and floats). NaN is not handled: only for rows of counts and shares."""
    lines = ["def raw(row):", "    score = 0.0"]

    def emit(tree: Any, node: int, indent: str) -> None:
        if node < 0:
            lines.append(f"{indent}score += {tree.leaf[~node]!r}")
            return
        lines.append(f"{indent}if row[{columns[tree.feature[node]]}] <= {tree.threshold[node]!r}:")
        emit(tree, tree.left[node], indent + "    ")
        lines.append(f"{indent}else:")
        emit(tree, tree.right[node], indent + "    ")

    for tree in model.trees:
        if tree.feature:
            emit(tree, 0, "    ")
        else:
            lines.append(f"    score += {tree.leaf[0]!r}")
    lines.append("    return score")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<block model {len(model.trees)} trees>", "exec"), namespace)  # noqa: S102
    raw = namespace["raw"]

    return lambda row: sigmoid(raw(row))


def _flatten(structure: dict[str, Any], tree: dict[str, list]) -> int:
    """Append ``structure`` (a LightGBM node) to ``tree``'s arrays; return its child index."""
    if "leaf_value" in structure:
        tree["leaf"].append(structure["leaf_value"])
        return ~(len(tree["leaf"]) - 1)
    if structure.get("decision_type") != "<=":
        raise ModelFormatError(f"unsupported split {structure.get('decision_type')!r} (numeric features only)")
    missing = structure.get("missing_type", "None")
    if missing not in ("None", "NaN"):
        raise ModelFormatError(f"unsupported missing_type {missing!r}")
    index = len(tree["feature"])
    tree["feature"].append(structure["split_feature"])
    tree["threshold"].append(structure["threshold"])
    # missing_type None: LightGBM reads NaN as 0.0, so NaN goes where 0.0 would.
    tree["nan_left"].append(bool(structure["default_left"]) if missing == "NaN" else 0.0 <= structure["threshold"])
    tree["left"].append(0)
    tree["right"].append(0)
    tree["left"][index] = _flatten(structure["left_child"], tree)
    tree["right"][index] = _flatten(structure["right_child"], tree)
    return index


def compact_lightgbm(dump: dict[str, Any], *, threshold: float, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """LightGBM's ``Booster.dump_model()`` of a binary model as this module's JSON-able dict."""
    if dump.get("num_class", 1) != 1 or not str(dump.get("objective", "")).startswith("binary"):
        raise ModelFormatError(f"only binary models: objective={dump.get('objective')!r}")
    if dump.get("average_output"):
        raise ModelFormatError("averaged (random forest) output is not supported")
    trees = []
    for info in dump["tree_info"]:
        if info.get("num_cat"):
            raise ModelFormatError("categorical splits are not supported")
        arrays: dict[str, list] = {"feature": [], "threshold": [], "nan_left": [], "left": [], "right": [], "leaf": []}
        # dump_model's leaf values already include the learning rate (and, in the first tree, the
        # initial score), so the sum of leaves is LightGBM's raw score.
        _flatten(info["tree_structure"], arrays)
        trees.append(arrays)
    return {"format": FORMAT, "features": list(dump["feature_names"]), "threshold": float(threshold),
            "trees": trees, "meta": dict(meta or {})}


def write_model(data: dict[str, Any], path: str | Path) -> None:
    """Write deterministically (sorted keys, one trailing newline), so retraining on the same
    data gives the same bytes and the diff of a retrain is reviewable."""
    Path(path).write_bytes(orjson.dumps(data, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n")
