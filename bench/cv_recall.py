#!/usr/bin/env python3
"""Nested, site-grouped cross-validation of the recall fallback's two thresholds.

``extract_body`` (``pipeline/extract/article.py``) runs trafilatura again without
favor_precision when the precise text is under ``RECALL_CHECK_SHARE`` of the pre-cleaned page's
text, and takes the wider text when the precise one is under ``PRECISE_MAX_SHARE`` of its
distinct text. Both constants were first chosen on all the dev pages; this script checks them
on pages they were not chosen on. For each of the folds of ``cv_html.py`` (grouped by
registrable domain over aeb-dev + wcxb-dev), the pair is picked on the other folds (best mean
of shingle and word F1 over both sets; ties go to the pair that runs trafilatura again on fewer
pages) and scored on the held-out fold, against bare trafilatura on the same pages.

Every page is extracted once with the precise text and once with the wider one (the rest of the
pipeline replayed on each, as ``ablation.py`` does for line rules), so every pair of the grid
is a lookup: ``--cache`` keeps those texts between runs.

usage: .venv/bin/python bench/cv_recall.py [DIR ...] [--folds 5] [--cache build/cv_recall.json]
                                           [--check 0,0.1,...,1] [--max 0.3,...,0.8]
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

import tldextract  # noqa: E402
from ablation import PostCleanCache  # noqa: E402
from cv_html import (  # noqa: E402
    BENCHMARKS,
    Pool,
    bare_predictions,
    f1_of,
    make_folds,
    patched,
    site_of,
    word_f1_of,
)

from pipeline.extract import article  # noqa: E402
from pipeline.extract.paragraphs import not_prose  # noqa: E402
from pipeline.utils.benchmark import score_page, word_score  # noqa: E402

Pair = tuple[float, float]


def as_record_text(text: str) -> str:
    """What the pipeline writes for a replayed text: nothing when it would reject it."""
    return text if text and not not_prose(text) else ""


def replay_two_bodies(pool: Pool, ids: list[str], bodies: Callable[..., tuple[str, str, dict[str, int]]],
                      names: tuple[str, str], no_body: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Per page: the record's text with each of the two bodies ``bodies(real_extract_body, tree,
    page_url, options)`` gives (the pipeline goes on with the first), as ``<name>_text``, and the
    lengths it gives (``no_body`` for a page that never reached trafilatura)."""
    lengths: dict[str, dict[str, int]] = {}
    second: dict[str, str] = {}
    current: dict[str, str] = {}
    real_body = article.extract_body

    def recording_body(tree: Any, page_url: str, options: article.ExtractOptions) -> str:
        first, second[current["id"]], lengths[current["id"]] = bodies(real_body, tree, page_url, options)
        return first

    cache = PostCleanCache()
    records: dict[str, str] = {}
    with patched(article, extract_body=recording_body):
        for page_id in ids:
            current["id"] = page_id
            records.update(cache.fill(pool, [page_id]))
    # a page read as a text capture (or rejected before trafilatura) has no body: its record stands
    first_texts = {**records, **cache.predictions(list(second))}
    for page_id, body in second.items():
        cache.inputs[page_id] = (body, cache.inputs[page_id][1])
    second_texts = {**records, **cache.predictions(list(second))}
    return {i: {f"{names[0]}_text": as_record_text(first_texts[i]), f"{names[1]}_text": as_record_text(second_texts[i]),
                **lengths.get(i, no_body)} for i in ids}


def precise_and_wider(real_body: Callable[..., str], tree: Any, page_url: str,
                      options: article.ExtractOptions) -> tuple[str, str, dict[str, int]]:
    """The precise body, the wider one, and the three lengths the fallback compares (precise
    body, pre-cleaned page text, wider distinct text)."""
    with patched(article, RECALL_CHECK_SHARE=0.0):
        precise = real_body(tree, page_url, options)
    wider = real_body(tree, page_url, dataclasses.replace(options, favor_precision=False))
    return precise, wider, {"precise": len(precise), "page": article.page_text_length(tree),
                            "wider_distinct": article.distinct_length(wider)}


def extract_both(pool: Pool, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per page: the record's text with the precise body and with the wider one, and the lengths."""
    return replay_two_bodies(pool, ids, precise_and_wider, ("precise", "wider"),
                             {"precise": 0, "page": 0, "wider_distinct": 0})


def takes_wider(page: dict[str, Any], pair: Pair) -> bool:
    check, max_share = pair
    return page["precise"] < check * page["page"] and page["precise"] < max_share * page["wider_distinct"]


def pooled_pages(folders: list[Path], n_folds: int, cache: Path | None,
                 extract: Callable[[Pool, list[str]], dict[str, dict[str, Any]]],
                 ) -> tuple[Pool, list[str], list[list[str]], dict[str, dict[str, Any]]]:
    """The pages of ``folders`` pooled, their ids, their folds by site, and per page what
    ``extract`` records plus bare trafilatura's text (``bare_text``); ``cache`` is read when it
    exists, else written."""
    pool = Pool()
    for folder in folders:
        pool.add(folder)
    ids = sorted(pool.truth)
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    folds = make_folds({i: site_of(pool.urls.get(i, i), extractor) for i in ids}, n_folds)
    if cache and cache.is_file():
        pages = json.loads(cache.read_text())
    else:
        pages = extract(pool, ids)
        bare = bare_predictions(pool, ids)
        for i in ids:
            pages[i]["bare_text"] = bare[i]
        if cache:
            cache.write_text(json.dumps(pages))
    return pool, ids, folds, pages


def scores_of(pool: Pool, pages: dict[str, dict[str, Any]], key: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Shingle and word scores of each page's ``key`` text."""
    return ({i: score_page(i, pool.truth[i], page[key]) for i, page in pages.items()},
            {i: word_score(pool.truth[i], page[key]) for i, page in pages.items()})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, default=[BENCHMARKS / "aeb-dev", BENCHMARKS / "wcxb-dev"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cache", type=Path, help="read the per-page texts from here, or write them here")
    ap.add_argument("--check", default="0,0.1,0.2,0.3,0.4,0.5,0.6,0.8,1", help="RECALL_CHECK_SHARE values (0: fallback off)")
    ap.add_argument("--max", default="0.3,0.4,0.5,0.6,0.8", help="PRECISE_MAX_SHARE values")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args(argv)

    pool, ids, folds, pages = pooled_pages(args.folders, args.folds, args.cache, extract_both)

    (precise_s, precise_w), (wider_s, wider_w), (bare_s, bare_w) = (
        scores_of(pool, pages, f"{name}_text") for name in ("precise", "wider", "bare"))
    grid = [(c, m) for c in map(float, args.check.split(",")) for m in map(float, args.max.split(","))
            if c or m == float(args.max.split(",")[0])]  # with check 0 the second threshold is moot
    chosen = {pair: {i for i in ids if takes_wider(pages[i], pair)} for pair in grid}

    def figures(pair: Pair, subset: list[str]) -> dict[str, tuple[float, float]]:
        """Per set, (shingle F1, word F1) of the pipeline with ``pair`` on ``subset``."""
        shingle = {i: (wider_s if i in chosen[pair] else precise_s)[i] for i in subset}
        word = {i: (wider_w if i in chosen[pair] else precise_w)[i] for i in subset}
        out = {}
        for name in pool.sets():
            in_set = [i for i in subset if pool.set_of[i] == name]
            out[name] = (f1_of(shingle, in_set), word_f1_of(word, in_set))
        return out

    def bare_figures(subset: list[str]) -> dict[str, tuple[float, float]]:
        return {name: (f1_of(bare_s, [i for i in subset if pool.set_of[i] == name]),
                       word_f1_of(bare_w, [i for i in subset if pool.set_of[i] == name])) for name in pool.sets()}

    def best(subset: list[str]) -> Pair:
        def objective(pair: Pair) -> tuple[float, int]:
            fig = figures(pair, subset)
            return (sum(s + w for s, w in fig.values()) / (2 * len(fig)),
                    -sum(1 for i in subset if pages[i]["precise"] < pair[0] * pages[i]["page"]))
        return max(grid, key=objective)

    sets = pool.sets()
    report: dict[str, Any] = {"grid": {}, "folds": []}
    print(f"{' + '.join(sets)}: {len(ids)} pages, {args.folds} folds by site; gain over bare trafilatura "
          "(shingle F1 / word F1)")
    print("\nin-sample, every pair on all pages:")
    print(f"  {'check':>5} {'max':>4} {'runs':>5} {'taken':>5}  " + "".join(f"{n:>24}" for n in sets))
    all_bare = bare_figures(ids)
    for pair in grid:
        fig = figures(pair, ids)
        runs = sum(1 for i in ids if pages[i]["precise"] < pair[0] * pages[i]["page"])
        report["grid"][f"{pair[0]}/{pair[1]}"] = {"runs": runs, "taken": len(chosen[pair]), **fig}
        print(f"  {pair[0]:>5} {pair[1]:>4} {runs:>5} {len(chosen[pair]):>5}  " + "".join(
            f"{fig[n][0] - all_bare[n][0]:>+12.4f}{fig[n][1] - all_bare[n][1]:>+12.4f}" for n in sets))
    in_sample = best(ids)
    print(f"  best on all pages: check {in_sample[0]}, max {in_sample[1]}")

    constants = (article.RECALL_CHECK_SHARE, article.PRECISE_MAX_SHARE)
    chosen.setdefault(constants, {i for i in ids if takes_wider(pages[i], constants)})
    columns = {"held-out": None, f"all pages {in_sample[0]}/{in_sample[1]}": in_sample,
               f"constants {constants[0]}/{constants[1]}": constants}
    print("\nnested: the pair picked on the other folds, scored on the held-out fold; beside it, on the same "
          "fold, the pair picked on all pages (in-sample) and the pair in article.py")
    for n in sets:
        print(f"  {n}: gain over bare, shingle / word F1")
        print(f"  {'fold':>4} {'picked':>9}" + "".join(f"{c:>26}" for c in columns))
        gains: dict[str, list[tuple[float, float]]] = {c: [] for c in columns}
        for k, fold in enumerate(folds):
            train = [i for j, other in enumerate(folds) if j != k for i in other]
            picked = best(train)
            ref = bare_figures(fold)[n]
            for column, pair in columns.items():
                got = figures(pair or picked, fold)[n]
                gains[column].append((got[0] - ref[0], got[1] - ref[1]))
            report["folds"].append({"set": n, "fold": k, "picked": list(picked),
                                    **{c: gains[c][-1] for c in columns}})
            print(f"  {k:>4} {picked[0]:>4}/{picked[1]:<4}" + "".join(
                f"{gains[c][-1][0]:>+13.4f}{gains[c][-1][1]:>+13.4f}" for c in columns))
        print(f"  {'mean':>4} {'':>9}" + "".join(
            f"{sum(g[0] for g in gains[c]) / len(gains[c]):>+13.4f}{sum(g[1] for g in gains[c]) / len(gains[c]):>+13.4f}"
            for c in columns))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
