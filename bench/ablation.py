#!/usr/bin/env python3
"""Ablation report: what each cleaning rule is worth, per dev set, on folds grouped by site.

For every rule (or stage) switched off alone, the change of shingle F1 and of word F1 on each
set, F1(pipeline) - F1(pipeline without it): positive means the rule pays. Beside each figure, how
many held-out folds (five, grouped by registrable domain over all sets, as in ``cv_html.py``) it
helps and hurts. A rule earns its place when it helps on both HTML sets (or both text sets)
without hurting most folds of either; one that helps a single set by a few pages is tuned to it.

The rules are data (``pipeline/extract/rules.py``: ``LINE_RULES``, ``TEXT_LINE_RULES``;
``pipeline/extract/html/preclean.py``: the container names, widget markers and section headings
per noise class), so switching one off is removing it from its table for the run; the HTML
ablations are ``cv_html.py``'s. Line-rule rows re-use what the HTML path gave its post-clean
(trafilatura's text and the headlines do not change when only a line rule is off), so they take
seconds. A pre-clean row re-extracts only the pages whose pre-cleaned HTML it changes (the rest
of the extraction sees nothing else), so it takes the time of a pre-clean pass (about 15 s for
802 pages) plus a few pages; the other stage rows and the trafilatura alternatives re-run the
whole extraction (about 40 s per row for 802 pages on one core).

usage: .venv/bin/python bench/ablation.py [--html DIR ...] [--text DIR ...] [--only html|text]
                                          [--names NAME[,NAME...] | --groups rules,preclean,stages,alt]
                                          [--json OUT]
default sets: ../shared/benchmarks/aeb-dev, wcxb-dev, aeb-dev-text and build/wcxb-dev-text
(`make benchmarks-text`); default groups: rules (every line rule, on both input kinds).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "bench"))

import tldextract  # noqa: E402
from cv_html import BENCHMARKS, Pool, ablations, make_folds, patched, pipeline_predictions, site_of  # noqa: E402
from cv_text import assign_folds, registrable_domain  # noqa: E402

from pipeline.extract import article, paragraphs, rules  # noqa: E402
from pipeline.extract.article import ExtractOptions, extract_article  # noqa: E402
from pipeline.extract.decode import decode_page  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.extract.text import capture  # noqa: E402
from pipeline.items import KnownMetadata, Page  # noqa: E402
from pipeline.utils.benchmark import aggregate, load_benchmark, score_page, word_score  # noqa: E402

TIE = 1e-9
# Text-capture stages that can be switched off (each a marking step of capture.clean_text_capture).
TEXT_STAGES = ("mark_feeds", "mark_sections", "mark_item_lists", "mark_inline_boxes", "mark_glued_blocks")
# cv_html ablations of the pre-clean (each re-runs trafilatura).
PRECLEAN_PREFIXES = ("containers:", "markers:", "sections:", "never_content:", "figcaption", "forms", "link_cards",
                     "guard:")
# Stage rows that act in the pre-clean alone (so they take the pre-cleaned-HTML fast path too).
PRECLEAN_STAGES = ("stage:preclean", "stage:containers", "stage:widgets", "stage:markers", "stage:sections",
                   "stage:sections:following_links")


class PostCleanCache:
    """What the HTML path gives its post-clean, per page: trafilatura's text and the headlines.
    A line-rule ablation changes nothing before that, so its rows re-run the post-clean alone
    (the record's text is ``normalize_text(drop_headline(clean_paragraphs(...)))``)."""

    def __init__(self) -> None:
        self.inputs: dict[str, tuple[str, list[str]]] = {}

    def fill(self, pool: Pool, ids: list[str]) -> dict[str, str]:
        seen: dict[str, Any] = {}
        real_body, real_drop = article.extract_body, article.drop_headline

        def body(*args: Any, **kwargs: Any) -> str:
            seen["body"] = real_body(*args, **kwargs)
            return seen["body"]

        def drop(paragraphs: list[str], headlines: list[str], removed: Any) -> list[str]:
            seen["headlines"] = headlines
            return real_drop(paragraphs, headlines, removed)

        out: dict[str, str] = {}
        with patched(article, extract_body=body, drop_headline=drop):
            for page_id in ids:
                seen.clear()
                out.update(pipeline_predictions(pool, [page_id]))
                if "body" in seen:
                    self.inputs[page_id] = (seen["body"], seen.get("headlines", []))
        return out

    def predictions(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for page_id in ids:
            body, headlines = self.inputs.get(page_id, ("", []))
            kept, _, _ = paragraphs.clean_paragraphs(body.split("\n"))
            out[page_id] = paragraphs.normalize_text(article.drop_headline(kept, headlines, Counter()))
        return out


class PrecleanedPages:
    """Each page's HTML as trafilatura gets it (after metadata, standfirst and pre-clean, as in
    ``extract_html``). A pre-clean ablation changes the record only where it changes that HTML,
    so only those pages need extracting again."""

    def __init__(self, pool: Pool, ids: list[str]) -> None:
        self.pool = pool
        self.baseline = {i: self.precleaned(i) for i in ids}

    def precleaned(self, page_id: str) -> str | None:
        path = self.pool.paths[page_id]
        try:
            decoded = decode_page(path.read_bytes(), compressed=path.name.endswith(".gz"),
                                  max_bytes=ExtractOptions().max_page_bytes)
        except PageProblem:
            return None
        tree = article.LexborHTMLParser(decoded.text)
        article.html_metadata(tree)
        article.protect_standfirst(tree)
        article.preclean(tree)
        return tree.html

    def changed(self, ids: list[str]) -> list[str]:
        return [i for i in ids if self.precleaned(i) != self.baseline[i]]


def without_rule(name: str) -> Callable[[], contextlib.AbstractContextManager]:
    def ablation() -> contextlib.AbstractContextManager:
        stack = contextlib.ExitStack()
        stack.enter_context(patched(rules, LINE_RULES=tuple(r for r in rules.LINE_RULES if r.name != name),
                                    TEXT_LINE_RULES=tuple(r for r in rules.TEXT_LINE_RULES if r.name != name)))
        return stack
    return ablation


def without_stage(name: str) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(capture, **{name: lambda *_a, **_k: None})


class TextPool:
    def __init__(self, folders: list[Path]) -> None:
        self.paths: dict[str, Path] = {}
        self.truth: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.set_of: dict[str, str] = {}
        for folder in folders:
            bench = load_benchmark(folder)
            for page_id in sorted(bench.truth):
                key = f"{folder.name}/{page_id}"
                self.paths[key], self.truth[key], self.set_of[key] = (folder / f"{page_id}.txt").resolve(), \
                    bench.truth[page_id], folder.name
                if bench.urls.get(page_id):
                    self.urls[key] = bench.urls[page_id]

    def sets(self) -> list[str]:
        return sorted(set(self.set_of.values()))

    def predictions(self, ids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for page_id in ids:
            path = self.paths[page_id]
            page = Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint="text",
                        known=KnownMetadata(url=self.urls.get(page_id)))
            try:
                out[page_id] = extract_article(page, ExtractOptions()).text
            except PageProblem:
                out[page_id] = ""
        return out


def set_figures(pool: Any, ids: list[str], texts: dict[str, str]) -> dict[str, Any]:
    """Per page shingle and word scores of one prediction set."""
    return {"shingle": {i: score_page(i, pool.truth[i], texts.get(i)) for i in ids},
            "word": {i: word_score(pool.truth[i], texts.get(i)).f1 for i in ids}}


def f1(scores: dict[str, Any], ids: list[str]) -> tuple[float, float]:
    if not ids:
        return 0.0, 0.0
    return aggregate([scores["shingle"][i] for i in ids])["f1"], sum(scores["word"][i] for i in ids) / len(ids)


def compare(pool: Any, folds: list[list[str]], full: dict[str, Any], ablated: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in pool.sets():
        ids = [i for i in pool.truth if pool.set_of[i] == name]
        (fs, fw), (as_, aw) = f1(full, ids), f1(ablated, ids)
        fold_deltas = []
        for fold in folds:
            in_fold = [i for i in fold if pool.set_of[i] == name]
            if in_fold:
                fold_deltas.append(f1(full, in_fold)[0] - f1(ablated, in_fold)[0])
        out[name] = {"shingle": fs - as_, "word": fw - aw, "folds_up": sum(d > TIE for d in fold_deltas),
                     "folds_down": sum(d < -TIE for d in fold_deltas),
                     "pages_changed": sum(1 for i in ids if abs(full["shingle"][i].f1 - ablated["shingle"][i].f1) > TIE)}
    return out


def html_table(groups: set[str]) -> dict[str, Callable[[], contextlib.AbstractContextManager]]:
    table = ablations()
    chosen: dict[str, Callable[[], contextlib.AbstractContextManager]] = {}
    for name, make in table.items():
        if name.startswith("post:rule:"):
            if "rules" in groups:
                chosen[f"rule:{name.removeprefix('post:rule:')}"] = make
        elif name.startswith("alt:"):
            if "alt" in groups:
                chosen[name] = make
        elif name.startswith(PRECLEAN_PREFIXES):
            if "preclean" in groups:
                chosen[f"preclean:{name}"] = make
        elif "stages" in groups:
            chosen[f"stage:{name}"] = make
    return chosen


def text_table(groups: set[str]) -> dict[str, Callable[[], contextlib.AbstractContextManager]]:
    chosen: dict[str, Callable[[], contextlib.AbstractContextManager]] = {}
    if "rules" in groups:
        for rule in rules.LINE_RULES + rules.TEXT_LINE_RULES:
            chosen[f"rule:{rule.name}"] = without_rule(rule.name)
    if "stages" in groups:
        for stage in TEXT_STAGES:
            chosen[f"stage:text:{stage}"] = without_stage(stage)
    return chosen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--html", nargs="*", type=Path, default=[BENCHMARKS / "aeb-dev", BENCHMARKS / "wcxb-dev"])
    ap.add_argument("--text", nargs="*", type=Path,
                    default=[BENCHMARKS / "aeb-dev-text", PROJECT_DIR / "build" / "wcxb-dev-text"])
    ap.add_argument("--only", choices=("html", "text"))
    ap.add_argument("--groups", default="rules", help="comma-separated: rules, preclean, stages, alt")
    ap.add_argument("--names", default="", help="only these ablations (names as printed)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    wanted = {n for n in args.names.split(",") if n}
    groups = {"rules", "preclean", "stages", "alt"} if wanted else set(args.groups.split(","))
    report: dict[str, Any] = {}
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    kinds = []
    if args.only != "text":
        pool = Pool()
        for folder in args.html:
            pool.add(folder)
        cache = PostCleanCache()
        # the cache records the pipeline's own run only: an ablated run must not overwrite what
        # the line-rule rows replay
        kinds.append(("html", pool, lambda ids, p=pool: pipeline_predictions(p, ids), html_table(groups)))
    if args.only != "html":
        text_folders = [f for f in args.text if (f / "ground-truth.json").is_file()]
        tpool = TextPool(text_folders)
        kinds.append(("text", tpool, tpool.predictions, text_table(groups)))

    for kind, pool, predict, table in kinds:
        ids = sorted(pool.truth)
        if kind == "html":
            folds = make_folds({i: site_of(pool.urls.get(i, i), extractor) for i in ids}, args.folds)
        else:
            fold_of = assign_folds({i: registrable_domain(pool.urls.get(i, "")) for i in ids}, args.folds)
            folds = [[i for i in ids if fold_of[i] == k] for k in range(args.folds)]
        started = time.perf_counter()
        texts = cache.fill(pool, ids) if kind == "html" else predict(ids)
        full = set_figures(pool, ids, texts)
        if kind == "html":  # the post-clean replay must give the pipeline's own texts
            replayed = cache.predictions(ids)
            if differ := [i for i in ids if replayed[i] != texts[i]]:
                print(f"  (the post-clean replay differs from the pipeline on {len(differ)} pages, {differ[:3]}: "
                      "the line-rule rows are compared with the replay)")
            full_replay = set_figures(pool, ids, replayed)
        sets = pool.sets()
        print(f"\n{kind}: {' + '.join(sets)}, {len(ids)} pages; pipeline "
              + ", ".join(f"{n} shingle {f1(full, [i for i in ids if pool.set_of[i] == n])[0]:.4f} word "
                          f"{f1(full, [i for i in ids if pool.set_of[i] == n])[1]:.4f}" for n in sets)
              + f" ({time.perf_counter() - started:.0f} s)")
        print(f"  {'F1 change when switched off (+: the rule pays)':<44}"
              + "".join(f"{n[:22]:>34}" for n in sets))
        print(f"  {'':<44}" + "".join(f"{'shingle  word  folds+/-  pages':>34}" for _ in sets))
        report[kind] = {}
        precleaned: PrecleanedPages | None = None
        for name, make in table.items():
            if wanted and name not in wanted:
                continue
            in_preclean = kind == "html" and name.startswith(("preclean:", *PRECLEAN_STAGES))
            if in_preclean and precleaned is None:
                precleaned = PrecleanedPages(pool, ids)  # before any ablation: the pipeline's own
            with make():
                # a line rule acts after trafilatura: its HTML rows re-run the post-clean only
                fast = kind == "html" and name.startswith("rule:")
                if in_preclean:
                    ablated = set_figures(pool, ids, {**texts, **pipeline_predictions(pool, precleaned.changed(ids))})
                else:
                    ablated = set_figures(pool, ids, cache.predictions(ids) if fast else predict(ids))
            row = compare(pool, folds, full_replay if fast else full, ablated)
            report[kind][name] = row
            print(f"  {name:<44}" + "".join(
                f"{row[n]['shingle']:>+10.4f}{row[n]['word']:>+8.4f}{row[n]['folds_up']:>5}/{row[n]['folds_down']:<3}"
                f"{row[n]['pages_changed']:>6}" for n in sets), flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
