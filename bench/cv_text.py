#!/usr/bin/env python3
"""Per-site folds of an aeb-style text folder: how the text cleaner does on sites grouped apart.

The cleaner is rules, not a trained model, so "cross-validation" here means judging a change
fold by fold: the dev pages are split into K folds BY SITE (registrable domain of the URL in
``<id>.meta.json``), each fold is scored like ``aeb_score.py`` (F1 of the mean precision and mean
recall), and a change is worth keeping when it helps (or does not hurt) every fold, not when it
lifts the total through a handful of pages of one site. Keep one fold (``--holdout``) unread
while tuning: its figure is the honest estimate for sites the rules were not written on.

Ablations without editing code: ``--set textclean.WEIGHT_ANCHOR_BONUS=0`` overrides a module
constant (a Python literal; constants live in ``textclean``, ``textlines`` and ``textmeta``, and
a name another module imported by value keeps its old value there), ``--drop-rule NAME``
removes a named line rule, ``--noop textclean.mark_teaser_alternation`` turns a marking stage
into a no-op. ``--save F`` writes the
per-page scores, ``--compare F`` prints the per-fold change against a saved run and the pages
that moved.

usage: .venv/bin/python bench/cv_text.py [DIR] [--folds 5] [--set M.NAME=VALUE ...]
       [--drop-rule NAME ...] [--noop M.FUNC ...] [--save F.json] [--compare F.json]
       [--worst N] [--holdout K]
default DIR: ../shared/benchmarks/aeb-dev-text (beside the clone)
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=BENCHMARKS / "aeb-dev-text")
    ap.add_argument("--scorer", type=Path, default=BENCHMARKS / "aeb_score.py")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--set", dest="sets", action="append", default=[], metavar="MODULE.NAME=VALUE")
    ap.add_argument("--drop-rule", dest="drops", action="append", default=[], metavar="NAME")
    ap.add_argument("--noop", dest="noops", action="append", default=[], metavar="MODULE.FUNC")
    ap.add_argument("--save", type=Path, help="write per-page scores (JSON) for a later --compare")
    ap.add_argument("--compare", type=Path, help="per-fold change against a --save'd run")
    ap.add_argument("--worst", type=int, default=0, help="list the N worst pages (outside --holdout)")
    ap.add_argument("--holdout", type=int, help="fold kept unread while tuning: left out of --worst")
    args = ap.parse_args(argv)

    apply_overrides(args.sets, args.drops, args.noops)
    scorer = load_scorer(args.scorer)
    truth = scorer.load_truth(args.folder / "ground-truth.json")
    sites = {}
    for page_id in truth:
        meta = json.loads((args.folder / f"{page_id}.meta.json").read_text(encoding="utf-8"))
        sites[page_id] = registrable_domain(meta.get("url", ""))
    fold_of = assign_folds(sites, args.folds)
    pred = predict(args.folder)
    per_page = {i: scorer.score_page(truth[i], pred.get(i)) for i in truth}
    f1_of = {i: s.f1 for i, s in per_page.items()}
    before = json.loads(args.compare.read_text()) if args.compare else None

    print(f"# {args.folder.name}: {len(truth)} pages, {len(set(sites.values()))} sites, {args.folds} folds by site")
    print(f"{'fold':>6} {'pages':>5} {'sites':>5} {'P':>6} {'R':>6} {'F1':>6}"
          + (f" {'F1 was':>6} {'delta':>7} {'up':>3} {'down':>4}" if before else ""))
    fold_f1s, fold_before = [], []
    for fold in range(args.folds):
        ids = sorted(i for i in truth if fold_of[i] == fold)
        agg = scorer.aggregate([per_page[i] for i in ids])
        fold_f1s.append(agg["f1"])
        row = (f"{fold:>6} {len(ids):>5} {len({sites[i] for i in ids}):>5} {agg['precision']:.3f} "
               f"{agg['recall']:.3f} {agg['f1']:.4f}")
        if before:
            fold_before.append(before["folds"][str(fold)])
            up = sum(f1_of[i] > before["pages"][i] + MOVED for i in ids)
            down = sum(f1_of[i] < before["pages"][i] - MOVED for i in ids)
            row += f" {fold_before[-1]:.4f} {agg['f1'] - fold_before[-1]:+.4f} {up:>3} {down:>4}"
        print(row + ("  (holdout)" if fold == args.holdout else ""))
    total = scorer.aggregate(list(per_page.values()))
    mean = sum(fold_f1s) / len(fold_f1s)
    line = f"  mean of folds F1 {mean:.4f}  min {min(fold_f1s):.4f}  all pages F1 {total['f1']:.4f}"
    if before:
        line += (f"  (was mean {sum(fold_before) / len(fold_before):.4f}, all {before['all']:.4f}; "
                 f"folds up/down {sum(a > b for a, b in zip(fold_f1s, fold_before))}/"
                 f"{sum(a < b for a, b in zip(fold_f1s, fold_before))})")
        moved = sorted((f1_of[i] - before["pages"][i], i) for i in truth
                       if abs(f1_of[i] - before["pages"][i]) > MOVED)
        for delta, i in moved:
            print(f"    {delta:+.3f} {before['pages'][i]:.3f} -> {f1_of[i]:.3f} fold {fold_of[i]} {i[:16]} {sites[i]}")
    print(line)
    if args.worst:
        print(f"worst {args.worst} by F1 (fold {args.holdout} hidden):" if args.holdout is not None
              else f"worst {args.worst} by F1:")
        shown = [i for i in sorted(truth, key=f1_of.get) if fold_of[i] != args.holdout][:args.worst]
        for i in shown:
            s = per_page[i]
            print(f"  {s.f1:.3f} P {s.precision or 0:.3f} R {s.recall or 0:.3f} fold {fold_of[i]} {i[:16]} {sites[i]}")
    if args.save:
        args.save.write_text(json.dumps({"all": total["f1"], "folds": {str(k): v for k, v in enumerate(fold_f1s)},
                                         "pages": f1_of}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
