#!/usr/bin/env python3
"""Train the HTML block keep/drop model, and judge it by site-grouped nested cross-validation.

Per dev page (aeb-dev + wcxb-dev, pooled), the HTML path runs up to trafilatura exactly as
``extract_html`` does (metadata, pre-clean, ``extract_body``); the pre-cleaned page is cut into
candidate blocks (``pipeline/extract/html/blocks.py``) with their features, and each block is
labelled by the share of its word trigrams found in the ground truth (>= ``LABEL_SHARE``: keep).
Rows are weighted by the block's word count, since the metrics count words, and each set weighs
the same in total (``BALANCE_SETS``).

``--cv``: for each of the five folds of ``bench/cv_html.py`` (whole
sites, registrable domain), a model is trained on the other four folds only and the held-out
fold is scored: the model's text (kept blocks, then the same post-clean rules and headline drop
as the pipeline) against the current pipeline and bare trafilatura, on the same pages in the
same run. The two thresholds (keep a block the rules' text holds / add one it does not) are
chosen inside the training folds (inner site-grouped folds), never on the held-out one. Without ``--cv`` it trains on all pages and writes the model JSON
(deterministic: fixed seed, one thread, sorted inputs; re-running gives the same bytes).

Per-page work (trafilatura, pipeline, bare reference, blocks) is cached in ``--cache``
(default /tmp/hmodel/pages.pkl) keyed by the benchmark files and this code's inputs.

usage: .venv/bin/python bench/train_html_blocks.py [--cv [--save-texts OUT]] [--out FILE] [--pick mean|worst_set_gain|add_only]
                                                  [--cost N] [--cache FILE] [--jobs N]
(`make models` runs it without arguments: train on all pages, write the shipped model.)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import pickle
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

import tldextract  # noqa: E402
from cv_html import BENCHMARKS, Pool, make_folds, site_of  # noqa: E402

from pipeline.extract.html import blocks as blocks_module  # noqa: E402
from pipeline.utils.benchmark import aggregate, score_page, word_score  # noqa: E402

MODEL_PATH = PROJECT_DIR / "pipeline" / "extract" / "models" / "html-blocks.json"
LABEL_SHARE = 0.5
SEED = 11
MIN_SITES_PER_TOKEN = 20
# (keep, add): a block the rules' text holds stays when the model gives it at least ``keep``; one
# it does not hold is added at ``add``. (0, above 1) is the rules' text; (t, t) the model alone.
KEEP_THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
ADD_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
PARAMS: dict[str, Any] = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 15, "max_depth": 5,
    "min_data_in_leaf": 40, "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1,
    "lambda_l2": 1.0, "seed": SEED, "deterministic": True, "num_threads": 1, "verbose": -1,
    "force_row_wise": True,
}
ROUNDS = 60
BALANCE_SETS = True
# How the thresholds are picked: "mean" of shingle and word F1 over the sets, or
# "worst_set_gain": the smallest gain over the rules' text of any set (a model must not lose a set).
PICK_BY = "mean"


# --- per-page cache ----------------------------------------------------------------------------
def page_record(args: tuple[str, str, str | None, str]) -> dict[str, Any]:
    """What the model and the scores need of one page: block texts, feature rows and labels,
    the headlines, and the pipeline's and bare trafilatura's texts."""
    key, path, url, truth = args
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    from pipeline.extract import article
    from pipeline.extract.decode import decode_page
    from pipeline.extract.errors import PageProblem
    from pipeline.extract.html.metadata import html_metadata
    from pipeline.extract.html.preclean import preclean, protect_standfirst
    from pipeline.items import ExtractOptions, KnownMetadata, Page

    raw = Path(path).read_bytes()
    options = ExtractOptions()
    page = Page(source_url=Path(path).as_uri(), body=raw, known=KnownMetadata(url=url))
    try:
        pipeline_text = article.extract_article(page, options).text
    except PageProblem:
        pipeline_text = ""
    html = gzip.decompress(raw).decode("utf-8", "replace")
    bare = trafilatura.extract(html, url=url, include_comments=False) or ""
    decoded = decode_page(page.body, content_type=page.content_type, kind_hint=page.kind_hint,
                          compressed=True, max_bytes=options.max_page_bytes)
    page_url = url or page.source_url
    tree = LexborHTMLParser(decoded.text)
    meta = html_metadata(tree)
    headlines = [meta.title or ""] + [n.text(deep=True, separator=" ") for n in tree.css(article.HEADLINE_TAGS)]
    protect_standfirst(tree)
    preclean(tree)
    body = article.extract_body(tree, page_url, options)
    blocks = blocks_module.candidate_blocks(tree)
    clean, _ = article.assemble_blocks(body.split("\n"), headlines)
    rows = blocks_module.block_features(blocks, body, "\n".join(clean))
    texts = [b.text for b in blocks]
    return {"key": key, "texts": texts, "paragraphs": [blocks_module.paragraph_of(b) for b in blocks],
            "rows": rows, "labels": block_labels(texts, truth),
            "headlines": headlines, "pipeline": pipeline_text, "bare": bare, "body": body}


def block_labels(texts: list[str], truth: str) -> list[float]:
    """Per block, the share of its word trigrams found in the ground truth, consumed in document
    order (a sentence the truth holds once is credited to its first block only). A block of
    one or two words is judged with the last two words before it and the first two after it
    (a "Business" label over a teaser is not the "Business" of an article's sentence)."""
    from pipeline.extract.html.blocks import words_of

    remaining = Counter(tuple(g) for g in _grams(words_of(truth)))
    words = [words_of(t) for t in texts]
    labels = []
    for i, w in enumerate(words):
        if len(w) >= 3:
            grams = _grams(w)
            hits = 0
            for g in grams:
                if remaining[g] > 0:
                    remaining[g] -= 1
                    hits += 1
            labels.append(hits / len(grams))
            continue
        before = words[i - 1][-2:] if i else []
        after = words[i + 1][:2] if i + 1 < len(words) else []
        context = before + w + after
        grams = [g for j, g in enumerate(_grams(context)) if j + 3 > len(before) and j < len(before) + len(w)]
        labels.append(sum(remaining[g] > 0 for g in grams) / len(grams) if grams else 0.0)
    return labels


def _grams(words: list[str]) -> list[tuple[str, ...]]:
    return [tuple(words[i:i + 3]) for i in range(len(words) - 2)]


# What the cached pages depend on (the pipeline's text is taken with the block model off).
CACHE_INPUTS = ("pipeline/extract/html/blocks.py", "pipeline/extract/html/preclean.py",
                "pipeline/extract/html/metadata.py", "pipeline/extract/paragraphs.py", "pipeline/extract/rules.py",
                "pipeline/extract/decode.py", "pipeline/extract/text/capture.py",
                "pipeline/items.py",  # ExtractOptions' defaults (the recall retry's share)
                "pipeline/extract/html/shield.py")  # what the recall retry's run reads


def code_hash() -> str:
    import inspect

    from pipeline.extract import article

    digest = hashlib.sha1()
    for name in CACHE_INPUTS:
        digest.update((PROJECT_DIR / name).read_bytes())
    for function in (article.extract_body, article.drop_headline, article.assemble_blocks,
                     article.article_text_length):
        digest.update(inspect.getsource(function).encode())
    return digest.hexdigest()[:12]


def data_hash(pool: Pool, ids: list[str]) -> str:
    """The pages' ids, URLs, ground truth and file sizes: a cache of other data is not reused."""
    digest = hashlib.sha1()
    for i in ids:
        digest.update(f"{i}\t{pool.urls.get(i)}\t{pool.paths[i].stat().st_size}\t{pool.truth[i]}\n".encode())
    return digest.hexdigest()[:12]


def load_pages(pool: Pool, ids: list[str], cache: Path, jobs: int) -> dict[str, dict[str, Any]]:
    stamp = f"{code_hash()}-{data_hash(pool, ids)}"
    if cache.is_file():
        stored = pickle.loads(cache.read_bytes())
        if stored.get("stamp") == stamp:
            return stored["pages"]
    work = [(i, str(pool.paths[i]), pool.urls.get(i), pool.truth[i]) for i in ids]
    with ProcessPoolExecutor(jobs) as executor:
        pages = {r["key"]: r for r in executor.map(page_record, work, chunksize=8)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps({"stamp": stamp, "pages": pages}))
    return pages


# --- model text -------------------------------------------------------------------------------
def model_text(page: dict[str, Any], keep: list[bool]) -> str:
    from pipeline.extract.article import assemble_blocks
    from pipeline.extract.paragraphs import normalize_text

    paragraphs, _ = assemble_blocks([t for t, k in zip(page["paragraphs"], keep) if k], page["headlines"])
    return normalize_text(paragraphs)


def columns(names: list[str], vocabulary: list[str]) -> list[int]:
    """Indices of the feature columns the model uses: all but the name tokens outside ``vocabulary``."""
    allowed = {f"name_{t}" for t in vocabulary}
    return [j for j, n in enumerate(names) if not n.startswith("name_") or n in allowed]


def set_weights(ids: list[str]) -> dict[str, float]:
    """Per set, the weight of its pages' rows: each set (the part of the key before ``/``)
    weighs as much as the others in total, as the scores count them (one figure per set)."""
    sizes = Counter(i.split("/", 1)[0] for i in ids)
    return {name: len(ids) / (len(sizes) * n) for name, n in sizes.items()} if BALANCE_SETS else dict.fromkeys(sizes, 1.0)


def matrix(pages: dict[str, dict[str, Any]], ids: list[str], cols: list[int]) -> tuple[Any, Any, Any]:
    import numpy as np

    per_set = set_weights(ids)
    rows, labels, weights = [], [], []
    for i in ids:
        page, scale = pages[i], per_set[i.split("/", 1)[0]]
        for row, share in zip(page["rows"], page["labels"]):
            rows.append([row[j] for j in cols])
            labels.append(1.0 if share >= LABEL_SHARE else 0.0)
            weights.append(scale * max(1.0, row[1]))
    return (np.asarray(rows, dtype=np.float64).reshape(-1, len(cols)), np.asarray(labels), np.asarray(weights))


def train(pages: dict[str, dict[str, Any]], ids: list[str], cols: list[int], names: list[str]) -> Any:
    import lightgbm

    x, y, w = matrix(pages, sorted(ids), cols)
    data = lightgbm.Dataset(x, label=y, weight=w, feature_name=[names[j] for j in cols], free_raw_data=True)
    return lightgbm.train(PARAMS, data, num_boost_round=ROUNDS)


def probabilities(booster: Any, pages: dict[str, dict[str, Any]], ids: list[str], cols: list[int]) -> dict[str, list[float]]:
    import numpy as np

    out = {}
    for i in ids:
        rows = pages[i]["rows"]
        if not rows:
            out[i] = []
            continue
        x = np.asarray([[r[j] for j in cols] for r in rows], dtype=np.float64)
        out[i] = [float(p) for p in booster.predict(x)]
    return out


def texts_at(pages: dict[str, dict[str, Any]], probs: dict[str, list[float]], thresholds: tuple[float, float]
             ) -> dict[str, str]:
    from pipeline.extract.html.blocks import keeps

    column = blocks_module.feature_names().index("clean_share")
    return {i: model_text(pages[i], [keeps(p, r[column], *thresholds) for p, r in zip(ps, pages[i]["rows"])])
            for i, ps in probs.items()}


def figures(truth: dict[str, str], texts: dict[str, str], ids: list[str]) -> tuple[float, float]:
    if not ids:
        return 0.0, 0.0
    shingle = aggregate([score_page(i, truth[i], texts.get(i)) for i in ids])["f1"]
    word = sum(word_score(truth[i], texts.get(i)).f1 for i in ids) / len(ids)
    return shingle, word


def set_means(pool: Pool, truth: dict[str, str], texts: dict[str, str], ids: list[str]) -> float:
    """Mean over sets of (shingle F1 + word F1) / 2: what a threshold is chosen by."""
    values = []
    for name in pool.sets():
        in_set = [i for i in ids if pool.set_of[i] == name]
        if in_set:
            values.extend(figures(truth, texts, in_set))
    return sum(values) / len(values)


def site_tokens(pages: dict[str, dict[str, Any]], sites: dict[str, str], names: list[str]) -> dict[str, int]:
    """On how many distinct sites each name token occurs (on any block)."""
    seen: dict[str, set[str]] = {n: set() for n in names if n.startswith("name_")}
    index = {n: j for j, n in enumerate(names)}
    for i, page in pages.items():
        for name, on_sites in seen.items():
            j = index[name]
            if any(r[j] for r in page["rows"]):
                on_sites.add(sites[i])
    return {n[5:]: len(s) for n, s in seen.items()}


def pick_threshold(pool: Pool, pages: dict[str, dict[str, Any]], folds: list[list[str]], cols: list[int],
                   names: list[str], pick_by: str = PICK_BY) -> tuple[float, float]:
    """The (keep, add) thresholds with the best out-of-fold score over ``folds`` (each fold scored
    by a model trained on the others); ties go to the pair nearer the rules' text."""
    probs: dict[str, list[float]] = {}
    for k, held in enumerate(folds):
        rest = [i for j, f in enumerate(folds) if j != k for i in f]
        probs.update(probabilities(train(pages, rest, cols, names), pages, held, cols))
    ids = sorted(probs)
    truth = {i: pool.truth[i] for i in ids}
    if pick_by == "worst_set_gain":
        rules = {i: pages[i]["pipeline"] for i in ids}
        base = {name: _set_score(pool, truth, rules, ids, name) for name in pool.sets()}

        def score(texts: dict[str, str]) -> float:
            return min(_set_score(pool, truth, texts, ids, name) - base[name] for name in pool.sets())
    else:
        def score(texts: dict[str, str]) -> float:
            return set_means(pool, truth, texts, ids)
    keep_choices = (0.0,) if pick_by == "add_only" else KEEP_THRESHOLDS
    scored = [(score(texts_at(pages, probs, (keep, add))), add, -keep, (keep, add))
              for keep in keep_choices for add in ADD_THRESHOLDS]
    return max(scored)[3]


def _set_score(pool: Pool, truth: dict[str, str], texts: dict[str, str], ids: list[str], name: str) -> float:
    return sum(figures(truth, texts, [i for i in ids if pool.set_of[i] == name])) / 2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, default=[BENCHMARKS / "aeb-dev", BENCHMARKS / "wcxb-dev"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--cv", action="store_true", help="only the nested site-grouped cross-validation")
    ap.add_argument("--out", type=Path, default=MODEL_PATH, help="where the model trained on all pages goes")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/hmodel/pages.pkl"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cost", type=int, metavar="N",
                    help="only time extract_article with the shipped model off and on over every N-th dev page")
    ap.add_argument("--pick", choices=("mean", "worst_set_gain", "add_only"), default=PICK_BY,
                    help="threshold choice: best mean F1 over the sets, best smallest gain of any set over the "
                         "rules, or best mean F1 with the model only adding blocks (keep 0)")
    ap.add_argument("--save-texts", type=Path, help="with --cv: write the held-out model texts (JSON) here")
    args = ap.parse_args(argv)

    pool = Pool()
    for folder in args.folders:
        pool.add(folder)
    ids = sorted(pool.truth)
    if args.cost:
        return cost(pool, ids[::args.cost])
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    sites = {i: site_of(pool.urls.get(i, i), extractor) for i in ids}
    folds = make_folds(sites, args.folds)
    pages = load_pages(pool, ids, args.cache, args.jobs)
    names = blocks_module.feature_names()
    counts = site_tokens(pages, sites, names)
    vocabulary = [t for t in blocks_module.NAME_TOKENS if counts[t] >= MIN_SITES_PER_TOKEN]
    print(f"{len(ids)} pages, {sum(len(p['rows']) for p in pages.values())} blocks; class/id tokens on "
          f">= {MIN_SITES_PER_TOKEN} sites: {len(vocabulary)} of {len(blocks_module.NAME_TOKENS)} "
          f"(left out: {', '.join(f'{t} {counts[t]}' for t in blocks_module.NAME_TOKENS if t not in vocabulary) or 'none'})")
    cols = columns(names, vocabulary)
    if args.cv:
        cross_validate(pool, pages, folds, sites, cols, names, args.pick, args.save_texts)
    else:
        write_model(pool, pages, folds, ids, cols, names, args.out, args.pick)
    return 0


def cost(pool: Pool, ids: list[str], rounds: int = 3) -> int:
    """CPU time of ``extract_article`` per page, block model off and on, alternating page by page
    (same pages, same run), best of ``rounds`` per page and setting."""
    import dataclasses
    import time

    from pipeline.extract.article import extract_article
    from pipeline.extract.errors import PageProblem
    from pipeline.items import ExtractOptions, KnownMetadata, Page

    off = ExtractOptions()
    on = dataclasses.replace(off, html_block_model=True)
    totals = {False: 0.0, True: 0.0}
    for i in ids:
        path = pool.paths[i]
        page = Page(source_url=path.as_uri(), body=path.read_bytes(), known=KnownMetadata(url=pool.urls.get(i)))
        best = {False: float("inf"), True: float("inf")}
        for _ in range(rounds):
            for options in (off, on):
                start = time.process_time()
                try:
                    extract_article(page, options)
                except PageProblem:
                    pass
                best[options.html_block_model] = min(best[options.html_block_model], time.process_time() - start)
        for key in totals:
            totals[key] += best[key]
    n = len(ids)
    print(f"  extract_article over {n} dev pages (best of {rounds} per page): block model off "
          f"{1000 * totals[False] / n:.2f} CPU-ms per page, on {1000 * totals[True] / n:.2f} "
          f"({totals[True] / totals[False] - 1:+.1%})")
    return 0


def cross_validate(pool: Pool, pages: dict[str, dict[str, Any]], folds: list[list[str]], sites: dict[str, str],
                   cols: list[int], names: list[str], pick_by: str = PICK_BY, save_texts: Path | None = None) -> None:
    truth = pool.truth
    model_texts: dict[str, str] = {}
    picked = []
    for k, held in enumerate(folds):
        rest_folds = [f for j, f in enumerate(folds) if j != k]
        threshold = pick_threshold(pool, pages, rest_folds, cols, names, pick_by)
        booster = train(pages, [i for f in rest_folds for i in f], cols, names)
        model_texts.update(texts_at(pages, probabilities(booster, pages, held, cols), threshold))
        picked.append(threshold)
        print(f"  fold {k}: thresholds keep {threshold[0]:.2f}, add {threshold[1]:.2f} (picked on the other folds)", flush=True)
    if save_texts:
        save_texts.write_text(json.dumps(model_texts))
    pipeline = {i: pages[i]["pipeline"] for i in truth}
    bare = {i: pages[i]["bare"] for i in truth}
    for name in pool.sets():
        print(f"\n  {name}, held-out folds (model trained and its threshold picked on the other four):")
        print("    fold pages sites | shingle F1 model  pipeline  bare   model-bare pipe-bare"
              " | word F1 model  pipeline  bare   model-bare pipe-bare")
        gains: list[list[float]] = [[], [], [], []]
        for k, fold in enumerate(folds):
            ids = [i for i in fold if pool.set_of[i] == name]
            m, p, b = (figures(truth, t, ids) for t in (model_texts, pipeline, bare))
            row = [m[0] - b[0], p[0] - b[0], m[1] - b[1], p[1] - b[1]]
            for g, v in zip(gains, row):
                g.append(v)
            print(f"    {k:>4} {len(ids):>5} {len({sites[i] for i in ids}):>5} |   {m[0]:.4f}   {p[0]:.4f}  {b[0]:.4f}"
                  f"  {row[0]:+.4f}   {row[1]:+.4f} |   {m[1]:.4f}   {p[1]:.4f}  {b[1]:.4f}  {row[2]:+.4f}   {row[3]:+.4f}")
        means = [sum(g) / len(g) for g in gains]
        ups = [sum(v > 0 for v in g) for g in gains]
        print(f"    mean gain over bare: shingle model {means[0]:+.4f} ({ups[0]}/5 up), pipeline {means[1]:+.4f}"
              f" ({ups[1]}/5); word model {means[2]:+.4f} ({ups[2]}/5), pipeline {means[3]:+.4f} ({ups[3]}/5)")
        ids = [i for i in truth if pool.set_of[i] == name]
        m, p, b = (figures(truth, t, ids) for t in (model_texts, pipeline, bare))
        zero = [sum(not t.get(i) or score_page(i, truth[i], t[i]).f1 == 0 for i in ids) for t in (model_texts, pipeline, bare)]
        pr = [aggregate([score_page(i, truth[i], t.get(i)) for i in ids]) for t in (model_texts, pipeline, bare)]
        print(f"    all held-out pages: model {m[0]:.4f} / {m[1]:.4f}, pipeline {p[0]:.4f} / {p[1]:.4f}, "
              f"bare {b[0]:.4f} / {b[1]:.4f} (shingle / word F1); shingle P/R model {pr[0]['precision']:.4f}/"
              f"{pr[0]['recall']:.4f}, pipeline {pr[1]['precision']:.4f}/{pr[1]['recall']:.4f}, bare "
              f"{pr[2]['precision']:.4f}/{pr[2]['recall']:.4f}; pages at F1 0: {zero[0]} / {zero[1]} / {zero[2]}")
    print(f"  thresholds picked (keep/add): {', '.join(f'{k:.2f}/{a:.2f}' for k, a in picked)}")


def write_model(pool: Pool, pages: dict[str, dict[str, Any]], folds: list[list[str]], ids: list[str],
                cols: list[int], names: list[str], out: Path, pick_by: str = PICK_BY) -> None:
    from pipeline.extract.model import compact_lightgbm
    from pipeline.extract.model import write_model as write_json

    keep, add = pick_threshold(pool, pages, folds, cols, names, pick_by)
    booster = train(pages, ids, cols, names)
    meta = {"trained_on": "aeb-dev + wcxb-dev", "pages": len(ids), "label_share": LABEL_SHARE, "add_threshold": add,
            "balance_sets": BALANCE_SETS,
            "rounds": ROUNDS, "params": PARAMS, "script": "bench/train_html_blocks.py"}
    model = compact_lightgbm(booster.dump_model(), threshold=keep, meta=meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_json(model, out)
    print(f"  wrote {out} ({out.stat().st_size:,} bytes), thresholds keep {keep:.2f}, add {add:.2f} "
          "(picked by 5-fold site-grouped CV over all pages)")


if __name__ == "__main__":
    sys.exit(main())
