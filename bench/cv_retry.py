#!/usr/bin/env python3
"""Nested, site-grouped cross-validation of the recall retry's trigger: share, ratio and measure.

Without favor_precision, ``extract_body`` (``pipeline/extract/article.py``) runs trafilatura
again with favor_recall when its text holds under ``recall_retry_share`` of the pre-cleaned
page's text, and takes that wider text when its distinct text is more than
``RECALL_RETRY_RATIO`` times as long. The page's text is measured two ways: ``page``
(``page_text_length``, all of the body) and ``article`` (``article_text_length``, without the
``OUTSIDE_ARTICLE`` elements: what the pipeline uses). For each of the folds of ``cv_html.py``
(grouped by registrable domain over aeb-dev + wcxb-dev), the (share, ratio) of each measure is
picked on the other folds (best mean of shingle and word F1 over both sets; ties go to the
fewest second runs over both sets, then the smaller share and ratio) and scored on the held-out fold
against bare trafilatura on the same pages. Each row also counts the second runs per set: the
cost (about 6 ms of trafilatura each on a pre-cleaned aeb-dev page).

``--prose`` adds the retry's second condition to the grid: the page's prose the first text lacks
(``free_prose_length``) of at least that share of the first text's length
(``RECALL_RETRY_MIN_FREE_PROSE``; 0 leaves it out). Share, ratio and that minimum are picked
together on the other folds.

Every page is extracted once with the first run's text and once with the retry's (the rest of
the pipeline replayed on each), so every cell of the grid is a lookup: ``--cache`` keeps them.

usage: .venv/bin/python bench/cv_retry.py [DIR ...] [--folds 5] [--cache build/cv_retry.json]
                                          [--shares 0,0.5,...,1] [--ratios 1.1,1.2,1.5]
                                          [--prose 0,0.01,...] [--json OUT]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

# First, before trafilatura loads numpy: the package sets one BLAS thread (see its __init__);
# imported after it, extract_article took 31-36 CPU-ms a page instead of 15 (aeb-dev, 2 busy cores).
import pipeline.extract  # noqa: F401

# isort: split
from cv_html import BENCHMARKS, Pool, f1_of, patched, word_f1_of
from cv_recall import pooled_pages, replay_two_bodies, scores_of

from pipeline.extract import article

MEASURES = ("page", "article")
Cell = tuple[str, float, float, float]  # measure, share, ratio, least free prose (share of the first text)


def first_and_retry(real_body: Callable[..., str], tree: Any, page_url: str,
                    options: article.ExtractOptions) -> tuple[str, str, dict[str, int]]:
    """The first run's body, the retry's, and the lengths the trigger compares (first body, page
    text both ways, retry's distinct text)."""
    first = real_body(tree, page_url, dataclasses.replace(options, recall_retry_share=0.0))
    # share 2 and no least prose: the retry always runs; ratio 0: its text is always taken
    with patched(article, RECALL_RETRY_RATIO=0.0, RECALL_RETRY_MIN_FREE_PROSE=0.0):
        wider = real_body(tree, page_url, dataclasses.replace(options, recall_retry_share=2.0))
    return first, wider, {"first": len(first), "page": article.page_text_length(tree),
                          "article": article.article_text_length(tree), "wider_distinct": article.distinct_length(wider),
                          "free_prose": article.free_prose_length(tree, first)}


def extract_both(pool: Pool, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per page: the record's text with the first run's body and with the retry's, and the lengths."""
    return replay_two_bodies(pool, ids, first_and_retry, ("first", "wider"),
                             {"first": 0, "page": 0, "article": 0, "wider_distinct": 0, "free_prose": 0})


def runs_again(page: dict[str, Any], cell: Cell) -> bool:
    measure, share, _, prose = cell
    return page["first"] < share * page[measure] and page["free_prose"] >= prose * page["first"]


def takes_wider(page: dict[str, Any], cell: Cell) -> bool:
    return runs_again(page, cell) and page["wider_distinct"] > cell[2] * page["first"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, default=[BENCHMARKS / "aeb-dev", BENCHMARKS / "wcxb-dev"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", type=Path, help="read the per-page texts from here, or write them here")
    ap.add_argument("--shares", default="0,0.3,0.5,0.6,0.7,0.75,0.8,0.83,0.85,0.9,0.95,1")
    ap.add_argument("--ratios", default="1.1,1.2,1.5")
    ap.add_argument("--prose", default="0", help="least free prose, shares of the first text (e.g. 0,0.01,0.03,0.1)")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)

    pool, ids, folds, pages = pooled_pages(args.folders, args.folds, args.cache, extract_both)

    (first_s, first_w), (wider_s, wider_w), (bare_s, bare_w) = (
        scores_of(pool, pages, f"{name}_text") for name in ("first", "wider", "bare"))
    shares, ratios = [float(s) for s in args.shares.split(",")], [float(r) for r in args.ratios.split(",")]
    proses = [float(p) for p in args.prose.split(",")]
    grids = {m: [(m, s, r, p) for s in shares for r in ratios for p in proses] for m in MEASURES}
    chosen = {cell: {i for i in ids if takes_wider(pages[i], cell)} for grid in grids.values() for cell in grid}
    sets = pool.sets()

    def figures(cell: Cell, subset: list[str]) -> dict[str, tuple[float, float]]:
        shingle = {i: (wider_s if i in chosen[cell] else first_s)[i] for i in subset}
        word = {i: (wider_w if i in chosen[cell] else first_w)[i] for i in subset}
        return {n: (f1_of(shingle, [i for i in subset if pool.set_of[i] == n]),
                    word_f1_of(word, [i for i in subset if pool.set_of[i] == n])) for n in sets}

    def bare_figures(subset: list[str]) -> dict[str, tuple[float, float]]:
        return {n: (f1_of(bare_s, [i for i in subset if pool.set_of[i] == n]),
                    word_f1_of(bare_w, [i for i in subset if pool.set_of[i] == n])) for n in sets}

    def runs(cell: Cell, subset: list[str]) -> dict[str, int]:
        return {n: sum(1 for i in subset if pool.set_of[i] == n and runs_again(pages[i], cell)) for n in sets}

    def best(measure: str, subset: list[str]) -> Cell:
        def objective(cell: Cell) -> tuple[float, int, float, float]:
            fig = figures(cell, subset)
            second_runs = sum(runs(cell, subset).values())
            return round(sum(s + w for s, w in fig.values()) / (2 * len(fig)), 6), -second_runs, -cell[1], -cell[2]
        return max(grids[measure], key=objective)

    report: dict[str, Any] = {"grid": {}, "folds": []}
    all_bare = bare_figures(ids)
    print(f"{' + '.join(sets)}: {len(ids)} pages, {args.folds} folds by site; gain over bare trafilatura "
          "(shingle F1 / word F1); second runs and wider texts taken per set")
    for measure, grid in grids.items():
        print(f"\nin-sample, measure '{measure}':")
        for cell in grid:
            fig, count = figures(cell, ids), runs(cell, ids)
            taken = {n: sum(1 for i in chosen[cell] if pool.set_of[i] == n) for n in sets}
            report["grid"][f"{measure}/{cell[1]}/{cell[2]}/{cell[3]}"] = {"runs": count, "taken": taken, **fig}
            print(f"  share {cell[1]:<5} ratio {cell[2]:<4} prose {cell[3]:<5}" + "".join(
                f"  {n} runs {count[n]:>3} taken {taken[n]:>2} {fig[n][0] - all_bare[n][0]:+.4f} / "
                f"{fig[n][1] - all_bare[n][1]:+.4f}" for n in sets))
    print("\nnested: (share, ratio, prose) picked on the other folds per measure, scored on the held-out fold")
    for measure in MEASURES:
        picks = [best(measure, [i for j, other in enumerate(folds) if j != k for i in other])
                 for k in range(len(folds))]
        for n in sets:
            gains = []
            for k, fold in enumerate(folds):
                got, ref = figures(picks[k], fold)[n], bare_figures(fold)[n]
                gains.append((got[0] - ref[0], got[1] - ref[1]))
                report["folds"].append({"measure": measure, "set": n, "fold": k, "picked": list(picks[k][1:]),
                                        "gain": gains[-1], "runs": runs(picks[k], fold)[n]})
            print(f"  {measure:>7} {n:>9}: picks " + " ".join(f"{p[1]}/{p[2]}/{p[3]}" for p in picks) + "; folds "
                  + " ".join(f"{g[0]:+.4f}/{g[1]:+.4f}" for g in gains)
                  + f"; mean {sum(g[0] for g in gains) / len(gains):+.4f} / {sum(g[1] for g in gains) / len(gains):+.4f}"
                  + "; second runs " + "+".join(str(runs(p, fold)[n]) for p, fold in zip(picks, folds)))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
