#!/usr/bin/env python3
"""Train the text-capture line model (keep/drop of the lines no named rule claims) and judge it
by site-grouped, nested cross-validation against the rules and the references.

Candidates and features: what ``clean_text_capture`` passes to its line model (the real
extraction, ``extract_article`` on each capture, with a recording model that answers as the
rules do). Label of a line: its words are in the page's ground truth (for four words or more,
at least half of its word 4-shingles are among the truth's; for fewer, the truth has a line of
exactly these words). Weight: each page counts the same (the benchmarks' figures are per-page means), its
lines by their words.

Folds: ``bench/cv_text.py``'s (registrable domain, aeb-dev-text and wcxb-dev-text pooled, 5
folds). For each held-out fold the model is trained on the other four only, and its threshold
is picked on those four alone (each scored by a model trained on the other three: nested); the
held-out fold is then scored with the rules (the current pipeline), the model, the raw capture
and jusText, on the same pages in the same run.

The shipped model (``make models``): trained on every dev page, its threshold picked the same
way over the five folds. Deterministic (fixed seed, one thread, sorted inputs): re-running gives
a byte-identical file.

usage: .venv/bin/python bench/train_text_lines.py [--cv] [--out pipeline/extract/models/text-lines.json]
       [--cache /tmp/newsclean-text-lines.pkl] [--rebuild]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from cv_text import assign_folds, load_pool  # noqa: E402
from score_text import BENCHMARKS, load_scorer  # noqa: E402

from pipeline.extract import article  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.extract.paragraphs import normalize_text  # noqa: E402
from pipeline.extract.text.line_features import FEATURE_NAMES, MODEL_PATH  # noqa: E402
from pipeline.items import ExtractOptions, KnownMetadata, Page  # noqa: E402
from pipeline.utils.benchmark import word_score  # noqa: E402

FOLDS = 5
SEED = 0
PARAMS = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 15, "min_data_in_leaf": 20,
    "lambda_l2": 1.0, "feature_fraction": 1.0, "bagging_fraction": 1.0, "seed": SEED,
    "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1, "num_iterations": 60,
}
# Two thresholds: a line the rules keep is dropped when its probability is under DROP; a line
# they drop is kept when it is at least ADD. Picked as a pair on the grid (nested).
# 0 never drops, above 1 never adds: the model may leave either side to the rules.
DROP_THRESHOLDS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
ADD_THRESHOLDS = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]
LABEL_SHINGLE = 4
LABEL_MIN_SHARE = 0.5
PAGE_WEIGHT = 100.0  # each page's lines together
BALANCE_SETS = True
WORD = re.compile(r"\w+")
DEFAULT_FOLDERS = [BENCHMARKS / "aeb-dev-text", PROJECT_DIR / "build" / "wcxb-dev-text"]


class Recorder:
    """A stand-in line model that keeps what the rules keep and remembers every row it saw."""

    threshold = 0.5
    meta = {"drop_threshold": 0.5}
    feature_names = FEATURE_NAMES

    def __init__(self) -> None:
        self.rows: list[list[float]] = []

    def probability(self, row) -> float:
        self.rows.append(list(row))
        return row[0]


def candidate_texts(page: Page) -> tuple[list[str], list[list[float]]]:
    """The text of each line the line model decides on, and its feature row, for one capture."""
    from pipeline.extract.text import capture

    recorder = Recorder()
    texts: list[str] = []
    original = capture.line_rows

    def recording(lines, start, end, anchor, rule_keeps, candidates):
        texts.extend(lines[i].text for i in candidates)
        return original(lines, start, end, anchor, rule_keeps, candidates)

    shipped = article.shipped_line_model
    capture.line_rows, article.shipped_line_model = recording, lambda: recorder
    try:
        article.extract_article(page, ExtractOptions(text_line_model=True))
    except PageProblem:
        pass
    finally:
        capture.line_rows, article.shipped_line_model = original, shipped
    assert len(texts) == len(recorder.rows), (page.source_url, len(texts), len(recorder.rows))
    return texts, recorder.rows


def shingles(tokens: list[str], n: int = LABEL_SHINGLE) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def label_lines(texts: list[str], truth: str) -> list[int]:
    truth_tokens = WORD.findall(truth.lower())
    truth_shingles = shingles(truth_tokens)
    truth_lines = {tuple(WORD.findall(line.lower())) for line in truth.splitlines()}
    labels = []
    for text in texts:
        tokens = WORD.findall(text.lower())
        if not tokens:
            labels.append(0)
        elif len(tokens) < LABEL_SHINGLE:
            # a short line (a heading, a list item, a date) is article text only as a line of the
            # truth: its words found anywhere in it ("Nov 18") would be chance
            labels.append(int(tuple(tokens) in truth_lines))
        else:
            own = shingles(tokens)
            labels.append(int(len(own & truth_shingles) >= LABEL_MIN_SHARE * len(own)))
    return labels


def cache_key(folders: list[Path]) -> str:
    """Hash of what the cached features depend on: the text-capture code and the dev sets."""
    digest = hashlib.sha256()
    code = sorted((PROJECT_DIR / "pipeline" / "extract" / "text").glob("*.py")) + [
        PROJECT_DIR / "pipeline" / "extract" / name for name in ("rules.py", "byline.py", "dates.py", "article.py")]
    for path in code + [f / "ground-truth.json" for f in folders]:
        digest.update(path.read_bytes())
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            digest.update(path.name.encode() + str(path.stat().st_size).encode())
    return digest.hexdigest()


def build_cache(folders: list[Path], scorer) -> dict:
    truth, sites, set_of, paths = load_pool(folders, scorer)
    pages = {}
    started = time.process_time()
    for key in sorted(truth):
        path = paths[key]
        meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
        page = Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint="text",
                    known=KnownMetadata(url=meta.get("url")))
        texts, rows = candidate_texts(page)
        pages[key] = {"texts": texts, "rows": rows, "labels": label_lines(texts, truth[key])}
    print(f"# features of {len(pages)} captures in {time.process_time() - started:.1f} CPU-s", file=sys.stderr)
    from pipeline.commands.evaluate import justext_of_lines
    raw = {k: paths[k].read_text(encoding="utf-8", errors="replace") for k in sorted(truth)}
    references = {"raw capture": raw, "jusText": {k: justext_of_lines(t) for k, t in raw.items()}}
    return {"key": cache_key(folders), "truth": truth, "sites": sites, "set": set_of, "pages": pages,
            "references": references}


def page_text(texts: list[str], keeps) -> str:
    seen: set[str] = set()
    kept = []
    for text, keep in zip(texts, keeps):
        if keep and text not in seen:
            seen.add(text)
            kept.append(text)
    return normalize_text(kept)


def training_arrays(data: dict, keys: list[str]):
    import numpy as np

    rows, labels, weights = [], [], []
    # Each set weighs the same in all (its pages share it), as in the threshold's objective.
    sizes = {name: sum(data["set"][k] == name for k in keys) for name in set(data["set"][k] for k in keys)}
    set_weight = {name: (len(keys) / len(sizes) / size if BALANCE_SETS else 1.0) for name, size in sizes.items()}
    for key in keys:
        page = data["pages"][key]
        if not page["rows"]:
            continue
        words = [len(WORD.findall(t)) + 1 for t in page["texts"]]
        total = sum(words) / set_weight[data["set"][key]]
        rows.extend(page["rows"])
        labels.extend(page["labels"])
        weights.extend(PAGE_WEIGHT * w / total for w in words)
    return np.asarray(rows, dtype=np.float64), np.asarray(labels), np.asarray(weights)


def train(data: dict, keys: list[str]):
    import lightgbm as lgb

    x, y, w = training_arrays(data, sorted(keys))
    dataset = lgb.Dataset(x, label=y, weight=w, feature_name=list(FEATURE_NAMES), free_raw_data=False)
    return lgb.train(PARAMS, dataset)


def predict(booster, data: dict, keys: list[str]) -> dict[str, list[float]]:
    import numpy as np

    out = {}
    for key in keys:
        rows = data["pages"][key]["rows"]
        out[key] = list(booster.predict(np.asarray(rows, dtype=np.float64))) if rows else []
    return out


class Scores:
    """Per-page shingle and word scores, memoised by the page's text."""

    def __init__(self, data: dict, scorer) -> None:
        self.data, self.scorer = data, scorer
        self.memo: dict[tuple[str, str], tuple] = {}

    def page(self, key: str, text: str):
        memo_key = (key, text)
        if memo_key not in self.memo:
            truth = self.data["truth"][key]
            self.memo[memo_key] = (self.scorer.score_page(truth, text), word_score(truth, text).f1)
        return self.memo[memo_key]

    def figures(self, texts: dict[str, str]) -> tuple[float, float]:
        """(shingle F1 as aeb_score aggregates it, mean word F1) over the pages of ``texts``."""
        scored = [self.page(k, t) for k, t in texts.items()]
        return self.scorer.aggregate([s for s, _ in scored])["f1"], sum(w for _, w in scored) / len(scored)


def rule_texts(data: dict, keys) -> dict[str, str]:
    return {k: page_text(data["pages"][k]["texts"], [r[0] for r in data["pages"][k]["rows"]]) for k in keys}


def decide(probability: float, rule_keep: float, thresholds: tuple[float, float]) -> bool:
    drop, add = thresholds
    return probability >= (drop if rule_keep else add)


def model_texts(data: dict, probabilities: dict[str, list[float]], thresholds: tuple[float, float]) -> dict[str, str]:
    return {k: page_text(data["pages"][k]["texts"],
                         [decide(p, row[0], thresholds) for p, row in zip(probs, data["pages"][k]["rows"])])
            for k, probs in probabilities.items()}


def set_figures(scores: Scores, data: dict, texts: dict[str, str]) -> list[float]:
    """Per set, (shingle F1 + word F1) / 2."""
    values = []
    for name in sorted(set(data["set"].values())):
        in_set = {k: t for k, t in texts.items() if data["set"][k] == name}
        if in_set:
            values.append(sum(scores.figures(in_set)) / 2)
    return values


def pick_threshold(scores: Scores, data: dict, probabilities: dict[str, list[float]]) -> tuple[float, float]:
    """The (drop, add) pair of the grid whose smallest gain over the rules, across the sets, is
    the largest (the model must pay on every set, not on the larger one at the other's cost);
    then the larger mean gain; ties to the pair nearest the rules (never drop, never add)."""
    rules = set_figures(scores, data, rule_texts(data, probabilities))
    grid = [(d, a) for d in DROP_THRESHOLDS for a in ADD_THRESHOLDS]

    def key(pair: tuple[float, float]) -> tuple[float, float, float]:
        gains = [m - r for m, r in zip(set_figures(scores, data, model_texts(data, probabilities, pair)), rules)]
        return round(min(gains), 6), round(sum(gains) / len(gains), 6), -pair[0] + pair[1]

    return max(grid, key=key)


def out_of_fold(data: dict, fold_of: dict[str, int], folds: list[int]) -> dict[str, list[float]]:
    """Probabilities of every page of ``folds``, each by a model trained on the other ``folds``."""
    out = {}
    for fold in folds:
        train_keys = [k for k in data["pages"] if fold_of[k] in folds and fold_of[k] != fold]
        test_keys = sorted(k for k in data["pages"] if fold_of[k] == fold)
        out.update(predict(train(data, train_keys), data, test_keys))
    return out


def cross_validate(data: dict, scorer, fold_of: dict[str, int]) -> None:
    scores = Scores(data, scorer)
    refs = data["references"]
    sets = sorted(set(data["set"].values()))
    rows = {name: [] for name in sets}
    for fold in range(FOLDS):
        inner = [f for f in range(FOLDS) if f != fold]
        threshold = pick_threshold(scores, data, out_of_fold(data, fold_of, inner))
        train_keys = [k for k in data["pages"] if fold_of[k] != fold]
        held = sorted(k for k in data["pages"] if fold_of[k] == fold)
        probs = predict(train(data, train_keys), data, held)
        for name in sets:
            keys = [k for k in held if data["set"][k] == name]
            if not keys:
                continue
            rule = scores.figures(rule_texts(data, keys))
            model = scores.figures(model_texts(data, {k: probs[k] for k in keys}, threshold))
            oracle = scores.figures({k: page_text(data["pages"][k]["texts"], data["pages"][k]["labels"]) for k in keys})
            ref = {r: scores.figures({k: refs[r][k] for k in keys}) for r in refs}
            rows[name].append((fold, len(keys), threshold, rule, model, ref, oracle))
        print(f"# fold {fold} done (threshold {threshold} picked on folds {inner})", file=sys.stderr)
    for name in sets:
        print(f"\n{name}: held-out folds, shingle F1 / word F1 (model trained and its threshold picked on the other four folds)")
        print(f"{'fold':>4} {'pages':>5} {'thr':>7} {'rules':>15} {'model':>15} {'model-rules':>17} "
              f"{'raw capture':>15} {'jusText':>15} {'labels (ceiling)':>17}")
        for fold, n, thr, rule, model, ref, oracle in rows[name]:
            print(f"{fold:>4} {n:>5} {thr[0]:.1f}/{thr[1]:.1f} {rule[0]:.4f} / {rule[1]:.4f} {model[0]:.4f} / {model[1]:.4f} "
                  f"{model[0] - rule[0]:+.4f} / {model[1] - rule[1]:+.4f} "
                  f"{ref['raw capture'][0]:.4f} / {ref['raw capture'][1]:.4f} {ref['jusText'][0]:.4f} / {ref['jusText'][1]:.4f} "
                  f"{oracle[0]:.4f} / {oracle[1]:.4f}")
        deltas = [(m[0] - r[0], m[1] - r[1]) for _, _, _, r, m, _, _ in rows[name]]
        mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
        print(f"mean model-rules {mean([d[0] for d in deltas]):+.4f} / {mean([d[1] for d in deltas]):+.4f}; "
              f"folds up (shingle) {sum(d[0] > 0 for d in deltas)}/{len(deltas)}, (word) {sum(d[1] > 0 for d in deltas)}/{len(deltas)}")
        for r in ("raw capture", "jusText"):
            print(f"mean gain over {r}: rules {mean([x[3][0] - x[5][r][0] for x in rows[name]]):+.4f} / "
                  f"{mean([x[3][1] - x[5][r][1] for x in rows[name]]):+.4f}, model "
                  f"{mean([x[4][0] - x[5][r][0] for x in rows[name]]):+.4f} / {mean([x[4][1] - x[5][r][1] for x in rows[name]]):+.4f}")


def ship(data: dict, scorer, fold_of: dict[str, int], out: Path) -> None:
    from pipeline.extract.model import compact_lightgbm, write_model

    scores = Scores(data, scorer)
    threshold = pick_threshold(scores, data, out_of_fold(data, fold_of, list(range(FOLDS))))
    booster = train(data, list(data["pages"]))
    drop_threshold, add_threshold = threshold
    compact = compact_lightgbm(booster.dump_model(), threshold=add_threshold,
                               meta={"drop_threshold": drop_threshold, "name": "text-lines", "trained_on": sorted({Path(k).parent.name for k in data["pages"]}),
                                     "pages": len(data["pages"]), "params": PARAMS,
                                     "script": "bench/train_text_lines.py"})
    out.parent.mkdir(parents=True, exist_ok=True)
    write_model(compact, out)
    print(f"wrote {out} ({out.stat().st_size} bytes, threshold {threshold})")


def measure_cost(folders: list[Path], rounds: int) -> None:
    """CPU-ms per capture of ``extract_article`` without and with the shipped line model, the two
    alternated in the same process (``rounds`` each), every dev capture read beforehand."""
    pages = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
            pages.append(Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint="text",
                              known=KnownMetadata(url=meta.get("url"))))
    article.shipped_line_model()  # loaded once per worker, before its first page
    timings: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(rounds):
        for on in (False, True):
            options = ExtractOptions(text_line_model=on)
            started = time.process_time()
            for page in pages:
                try:
                    article.extract_article(page, options)
                except PageProblem:
                    pass
            timings[on].append((time.process_time() - started) * 1000 / len(pages))
    off, on = min(timings[False]), min(timings[True])
    print(f"{len(pages)} captures, best of {rounds} rounds: {off:.2f} CPU-ms per capture without the model, "
          f"{on:.2f} with it ({on / off - 1:+.1%}); rounds without {', '.join(f'{t:.2f}' for t in timings[False])}, "
          f"with {', '.join(f'{t:.2f}' for t in timings[True])}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cv", action="store_true", help="print the nested, site-grouped cross-validation instead of training")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/newsclean-text-lines.pkl"),
                    help="features of the dev captures, reused while the text-capture code and the sets are the same")
    ap.add_argument("--rebuild", action="store_true", help="recompute the cached features")
    ap.add_argument("--cost", type=int, metavar="ROUNDS", help="measure the shipped model's extraction cost instead")
    ap.add_argument("--rounds", type=int, default=PARAMS["num_iterations"], help="(experiment) boosting rounds")
    ap.add_argument("--leaves", type=int, default=PARAMS["num_leaves"], help="(experiment) leaves per tree")
    ap.add_argument("--drop-only", action="store_true", help="(experiment) the model only drops lines the rules keep")
    ap.add_argument("--no-balance", action="store_true", help="(experiment) pages weigh the same whatever their set")
    ap.add_argument("--scorer", type=Path, default=BENCHMARKS / "aeb_score.py")
    args = ap.parse_args(argv)

    global BALANCE_SETS, ADD_THRESHOLDS
    BALANCE_SETS = not args.no_balance
    if args.drop_only:
        ADD_THRESHOLDS = [1.01]
    PARAMS.update(num_iterations=args.rounds, num_leaves=args.leaves)
    scorer = load_scorer(args.scorer)
    folders = [f for f in DEFAULT_FOLDERS if (f / "ground-truth.json").is_file()]
    if len(folders) != len(DEFAULT_FOLDERS):
        raise SystemExit("needs ../shared/benchmarks/aeb-dev-text and build/wcxb-dev-text (`make benchmarks-text`)")
    if args.cost:
        measure_cost(folders, args.cost)
        return 0
    data = None
    if args.cache.is_file() and not args.rebuild:
        data = pickle.loads(args.cache.read_bytes())
        if data.get("key") != cache_key(folders):
            data = None
    if data is None:
        data = build_cache(folders, scorer)
        args.cache.parent.mkdir(parents=True, exist_ok=True)
        args.cache.write_bytes(pickle.dumps(data))
    fold_of = assign_folds(data["sites"], FOLDS)
    if args.cv:
        cross_validate(data, scorer, fold_of)
    else:
        ship(data, scorer, fold_of, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
