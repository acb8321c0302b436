#!/usr/bin/env python3
"""Per-site folds of an aeb-style text folder: how the text cleaner does on sites grouped apart.

The cleaner is rules, not a trained model, so "cross-validation" here means judging a change
fold by fold: the dev pages are split into K folds BY SITE (registrable domain of the URL in
``<id>.meta.json``), each fold is scored like ``aeb_score.py`` (F1 of the mean precision and mean
recall), and a change is worth keeping when it helps (or does not hurt) every fold, not when it
lifts the total through a handful of pages of one site. Keep one fold (``--holdout``) unread
while tuning: its figure is the honest estimate for sites the rules were not written on.

Ablations without editing code: ``--set extract.text.capture.WEIGHT_ANCHOR_BONUS=0`` overrides
a module constant (a Python literal; constants live in ``extract.text.capture``,
``extract.text.lines`` and ``extract.text.header``, and a name another module imported by value
keeps its old value there), ``--drop-rule NAME`` removes a named line rule,
``--noop extract.text.capture.mark_glued_blocks`` turns a marking stage into a no-op. ``--save F`` writes the
per-page scores, ``--compare F`` prints the per-fold change against a saved run and the pages
that moved.

usage: .venv/bin/python bench/cv_text.py [DIR ...] [--folds 5] [--set M.NAME=VALUE ...]
       [--drop-rule NAME ...] [--noop M.FUNC ...] [--save F.json] [--compare F.json]
       [--worst N] [--holdout K] [--no-references]
default DIRs: ../shared/benchmarks/aeb-dev-text and build/wcxb-dev-text (`make benchmarks-text`),
pooled: folds are made over the sites of both, every figure is given per set, beside the raw
capture and jusText over the capture's lines (the text references of the benchmark READMEs).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import importlib
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

from score_text import BENCHMARKS, load_scorer, predict  # noqa: E402

from pipeline.commands.evaluate import justext_of_lines  # noqa: E402
from pipeline.utils.benchmark import word_score  # noqa: E402

# Second-level labels under which a registrable domain takes three labels (example.co.uk).
MULTI_LABEL_SUFFIXES = {"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"}
MOVED = 0.005  # a page "moved" when its F1 changed by more than this


def registrable_domain(url: str) -> str:
    host = (urlparse(url).hostname or "").lower().rstrip(".")
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in MULTI_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def assign_folds(sites: dict[str, str], k: int) -> dict[str, int]:
    """``{page id: fold}``: every site in one fold; sites in a fixed pseudo-random order (hash of
    the domain), each into the fold with the fewest pages so far (biggest sites first)."""
    pages_of: dict[str, list[str]] = {}
    for page_id, site in sites.items():
        pages_of.setdefault(site, []).append(page_id)
    order = sorted(pages_of, key=lambda s: (-len(pages_of[s]), hashlib.sha1(s.encode()).hexdigest()))
    sizes = [0] * k
    fold_of: dict[str, int] = {}
    for site in order:
        fold = min(range(k), key=lambda f: (sizes[f], f))
        sizes[fold] += len(pages_of[site])
        for page_id in pages_of[site]:
            fold_of[page_id] = fold
    return fold_of


def apply_overrides(sets: list[str], drops: list[str], noops: list[str]) -> None:
    for spec in sets:
        target, value = spec.split("=", 1)
        module, name = target.rsplit(".", 1)
        mod = importlib.import_module(f"pipeline.{module}")
        if not hasattr(mod, name):
            raise SystemExit(f"pipeline.{module} has no {name}")
        setattr(mod, name, ast.literal_eval(value))
    if drops:
        from pipeline.extract import rules
        known = {r.name for r in rules.LINE_RULES + rules.TEXT_LINE_RULES}
        if missing := set(drops) - known:
            raise SystemExit(f"unknown rules: {sorted(missing)}")
        rules.LINE_RULES = tuple(r for r in rules.LINE_RULES if r.name not in drops)
        rules.TEXT_LINE_RULES = tuple(r for r in rules.TEXT_LINE_RULES if r.name not in drops)
    for target in noops:
        module, name = target.rsplit(".", 1)
        mod = importlib.import_module(f"pipeline.{module}")
        getattr(mod, name)
        setattr(mod, name, lambda *a, **kw: None)


def load_pool(folders: list[Path], scorer) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, Path]]:
    """``(truth, site, set, capture path)`` keyed ``<set>/<id>`` over every folder."""
    truth, sites, set_of, paths = {}, {}, {}, {}
    for folder in folders:
        for page_id, text in scorer.load_truth(folder / "ground-truth.json").items():
            key = f"{folder.name}/{page_id}"
            meta = json.loads((folder / f"{page_id}.meta.json").read_text(encoding="utf-8"))
            truth[key], sites[key], set_of[key] = text, registrable_domain(meta.get("url", "")), folder.name
            paths[key] = folder / f"{page_id}.txt"
    return truth, sites, set_of, paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[BENCHMARKS / "aeb-dev-text", PROJECT_DIR / "build" / "wcxb-dev-text"])
    ap.add_argument("--scorer", type=Path, default=BENCHMARKS / "aeb_score.py")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="MODULE.NAME=VALUE")
    ap.add_argument("--drop-rule", dest="drops", action="append", default=[], metavar="NAME")
    ap.add_argument("--noop", dest="noops", action="append", default=[], metavar="MODULE.FUNC")
    ap.add_argument("--save", type=Path, help="write per-page scores (JSON) for a later --compare")
    ap.add_argument("--compare", type=Path, help="per-fold change against a --save'd run")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages (outside --holdout)")
    ap.add_argument("--holdout", type=int, help="fold kept unread while tuning: left out of --worst")
    ap.add_argument("--no-references", action="store_true", help="skip the raw-capture and jusText figures")
    args = ap.parse_args(argv)

    apply_overrides(args.sets, args.drops, args.noops)
    scorer = load_scorer(args.scorer)
    folders = [f for f in args.folders if (f / "ground-truth.json").is_file()]
    if missing := [str(f) for f in args.folders if f not in folders]:
        print(f"# skipped (no ground-truth.json; `make benchmarks-text` renders wcxb-dev-text): {', '.join(missing)}")
    truth, sites, set_of, paths = load_pool(folders, scorer)
    fold_of = assign_folds(sites, args.folds)
    pred = {f"{folder.name}/{i}": t for folder in folders for i, t in predict(folder).items()}
    per_page = {i: scorer.score_page(truth[i], pred.get(i)) for i in truth}
    words = {i: word_score(truth[i], pred.get(i)) for i in truth}
    f1_of = {i: s.f1 for i, s in per_page.items()}
    references: dict[str, dict[str, str]] = {}
    if not args.no_references:
        raw = {i: paths[i].read_text(encoding="utf-8", errors="replace") for i in truth}
        references = {"raw capture": raw, "jusText": {i: justext_of_lines(t) for i, t in raw.items()}}
    before = json.loads(args.compare.read_text()) if args.compare else None

    print(f"# {' + '.join(f.name for f in folders)}: {len(truth)} pages, {len(set(sites.values()))} sites, "
          f"{args.folds} folds by site")
    fold_f1s, fold_before = [], []
    for name in sorted(set(set_of.values())):
        print(f"{name}: shingle F1 and word F1 per held-out fold (gains: pipeline minus reference)")
        print(f"{'fold':>6} {'pages':>5} {'sites':>5} {'P':>6} {'R':>6} {'F1':>6} {'word':>6}"
              + "".join(f" {r[:8]:>8} {'gain':>7} {'word':>6} {'gain':>7}" for r in references)
              + (f" {'F1 was':>6} {'delta':>7} {'up':>3} {'down':>4} {'word was':>8} {'delta':>7}" if before else ""))
        gains: dict[str, list[float]] = {r: [] for r in references}
        for fold in range(args.folds):
            ids = sorted(i for i in truth if fold_of[i] == fold and set_of[i] == name)
            if not ids:
                continue
            agg = scorer.aggregate([per_page[i] for i in ids])
            word = sum(words[i].f1 for i in ids) / len(ids)
            fold_f1s.append(agg["f1"])
            row = (f"{fold:>6} {len(ids):>5} {len({sites[i] for i in ids}):>5} {agg['precision']:.3f} "
                   f"{agg['recall']:.3f} {agg['f1']:.4f} {word:.4f}")
            for r, texts in references.items():
                ref = scorer.aggregate([scorer.score_page(truth[i], texts[i]) for i in ids])["f1"]
                ref_word = sum(word_score(truth[i], texts[i]).f1 for i in ids) / len(ids)
                gains[r].append(agg["f1"] - ref)
                row += f" {ref:>8.4f} {agg['f1'] - ref:+.4f} {ref_word:.4f} {word - ref_word:+.4f}"
            if before:
                key = f"{name}:{fold}"
                fold_before.append(before["folds"].get(key, 0.0))
                up = sum(f1_of[i] > before["pages"].get(i, 0.0) + MOVED for i in ids)
                down = sum(f1_of[i] < before["pages"].get(i, 0.0) - MOVED for i in ids)
                row += f" {fold_before[-1]:.4f} {agg['f1'] - fold_before[-1]:+.4f} {up:>3} {down:>4}"
                if key in before.get("word_folds", {}):
                    row += f" {before['word_folds'][key]:>8.4f} {word - before['word_folds'][key]:+.4f}"
            print(row + ("  (holdout)" if fold == args.holdout else ""))
        in_set = [i for i in truth if set_of[i] == name]
        total = scorer.aggregate([per_page[i] for i in in_set])
        word_total = sum(words[i].f1 for i in in_set) / len(in_set)
        print(f"  {name}: all pages shingle F1 {total['f1']:.4f}, word F1 {word_total:.4f}"
              + "".join(f"; mean gain over {r} {sum(g) / len(g):+.4f} (min {min(g):+.4f})" for r, g in gains.items()))
    if before:
        print(f"  folds up/down against --compare: {sum(a > b for a, b in zip(fold_f1s, fold_before))}/"
              f"{sum(a < b for a, b in zip(fold_f1s, fold_before))}")
        moved = sorted((f1_of[i] - before["pages"].get(i, 0.0), i) for i in truth
                       if abs(f1_of[i] - before["pages"].get(i, 0.0)) > MOVED)
        for delta, i in moved:
            print(f"    {delta:+.3f} {before['pages'].get(i, 0.0):.3f} -> {f1_of[i]:.3f} fold {fold_of[i]} {i[:24]} "
                  f"{sites[i]}")
    if args.worst:
        print(f"worst {args.worst} by F1 (fold {args.holdout} hidden):" if args.holdout is not None
              else f"worst {args.worst} by F1:")
        shown = [i for i in sorted(truth, key=f1_of.get) if fold_of[i] != args.holdout][:args.worst]
        for i in shown:
            s = per_page[i]
            print(f"  {s.f1:.3f} P {s.precision or 0:.3f} R {s.recall or 0:.3f} fold {fold_of[i]} {i[:24]} {sites[i]}")
    if args.save:
        folds = {f"{set_of[i]}:{fold_of[i]}": 0.0 for i in truth}
        for key in folds:
            name, fold = key.rsplit(":", 1)
            folds[key] = scorer.aggregate([per_page[i] for i in truth if set_of[i] == name
                                           and fold_of[i] == int(fold)])["f1"]
        word_folds = {key: 0.0 for key in folds}
        for key in word_folds:
            name, fold = key.rsplit(":", 1)
            ids = [i for i in truth if set_of[i] == name and fold_of[i] == int(fold)]
            word_folds[key] = sum(words[i].f1 for i in ids) / len(ids)
        args.save.write_text(json.dumps({"folds": folds, "pages": f1_of, "word_folds": word_folds,
                                         "word_pages": {i: w.f1 for i, w in words.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
