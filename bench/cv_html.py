#!/usr/bin/env python3
"""Site-grouped cross-validation of the HTML path, and ablation of its heuristics.

Nothing in the HTML path is fitted, but its heuristics were chosen while looking at aeb-dev,
so the dev F1 is optimistic. This script estimates how much of the gain over bare trafilatura
generalises: it splits the pages into folds BY SITE (registrable domain, from tldextract's
bundled suffix list, no network), so every page of a site falls in one fold, and prints per
fold the F1 of the pipeline (``extract_article``, exactly what ``scrapy evaluate`` runs per
page) and of bare trafilatura (favor_precision, comments off, same options as the bare loop
of ``scrapy evaluate``) on the same pages, and the gain. It also counts sites where the
pipeline wins and loses against bare trafilatura (F1 of the site's pages, same metric), and
the spread of the gain when whole sites are resampled (1000 rounds, fixed seed).

``--ablate`` switches off one heuristic at a time (``--list`` names them; ``all`` runs every one)
and prints, per fold, what the heuristic adds: F1(pipeline) - F1(pipeline without it), how
many pages and sites it helps or hurts, and what the HTML noise fixtures leak (or lose)
without it: a heuristic that moves no dev page may still be the one that keeps a named
noise class out. Keep a heuristic that gains on most folds; one
that helps a single fold or a handful of pages is tuned to dev.

``--collateral`` lists the ground-truth text that pre-clean removes (even where trafilatura
would drop it anyway): the risk a heuristic carries to templates dev does not have.

usage: .venv/bin/python bench/cv_html.py [DIR ...] [--folds 5] [--ablate all|NAME[,NAME...]]
                                         [--list] [--pages] [--collateral] [--json OUT]
                                         [--predictions OUT]
default DIRs: ../shared/benchmarks/aeb-dev and wcxb-dev (beside the clone), pooled: folds are
made over the sites of both, and every figure is given per set. The reference is the issue's
bare ``trafilatura.extract(html, url=url, include_comments=False)``; the same with
``favor_precision=True`` (the pipeline's own option) is shown too.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

# First, before trafilatura loads numpy: the package sets one BLAS thread (see its __init__);
# imported after it, extract_article took 31-36 CPU-ms a page instead of 15 (aeb-dev, 2 busy cores).
import pipeline.extract  # noqa: E402, F401

# isort: split
import tldextract  # noqa: E402
import trafilatura  # noqa: E402

from pipeline.discovery.files import page_kind  # noqa: E402
from pipeline.extract import article, paragraphs, rules  # noqa: E402
from pipeline.extract.article import ExtractOptions, extract_article  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.extract.html import preclean  # noqa: E402
from pipeline.items import KnownMetadata, Page  # noqa: E402
from pipeline.utils.benchmark import (  # noqa: E402
    PageScore,
    WordScore,
    aggregate,
    leak_report,
    load_benchmark,
    load_fixtures,
    score_page,
    word_score,
)

BENCHMARKS = PROJECT_DIR.parent / "shared" / "benchmarks"
HTML_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "noise" / "html"
TIE = 1e-9


# --- folds -----------------------------------------------------------------------------------
def site_of(url: str, extractor: tldextract.TLDExtract) -> str:
    parts = extractor(url)
    return parts.top_domain_under_public_suffix or parts.domain or url


def make_folds(sites: dict[str, str], k: int) -> list[list[str]]:
    """Page ids in ``k`` folds, whole sites per fold, balanced by page count; sites are placed
    largest first, ties in the order of a hash of the site name (stable, and not alphabetical)."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for page_id, site in sites.items():
        by_site[site].append(page_id)
    order = sorted(by_site, key=lambda s: (-len(by_site[s]), hashlib.sha1(s.encode()).hexdigest()))
    folds: list[list[str]] = [[] for _ in range(k)]
    for site in order:
        min(folds, key=len).extend(sorted(by_site[site]))
    return folds


# --- predictions -----------------------------------------------------------------------------
@dataclass
class Pool:
    """Pages of one or more benchmark folders, keyed ``<set>/<id>``: the sites of aeb-dev and
    wcxb-dev are folded together, and every figure is also given per set."""

    paths: dict[str, Path] = field(default_factory=dict)
    truth: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    set_of: dict[str, str] = field(default_factory=dict)

    def add(self, folder: Path) -> None:
        bench = load_benchmark(folder)
        for page_id in sorted(bench.truth):
            path = folder / "html" / f"{page_id}.html.gz"
            if path.is_file():
                key = f"{folder.name}/{page_id}"
                self.paths[key], self.truth[key], self.set_of[key] = path, bench.truth[page_id], folder.name
                if bench.urls.get(page_id):
                    self.urls[key] = bench.urls[page_id]

    def sets(self) -> list[str]:
        return sorted(set(self.set_of.values()))


def pipeline_predictions(pool: Pool, ids: list[str]) -> dict[str, str]:
    options = ExtractOptions()
    out: dict[str, str] = {}
    for page_id in ids:
        path = pool.paths[page_id]
        page = Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint=page_kind(path) or "",
                    known=KnownMetadata(url=pool.urls.get(page_id)))
        try:
            out[page_id] = extract_article(page, options).text
        except PageProblem:
            out[page_id] = ""
    return out


def bare_predictions(pool: Pool, ids: list[str], favor_precision: bool = False) -> dict[str, str]:
    """Bare ``trafilatura.extract(html, url=url, include_comments=False)`` (the issue's reference),
    or the same with ``favor_precision=True``."""
    out: dict[str, str] = {}
    extra = {"favor_precision": True} if favor_precision else {}
    for page_id in ids:
        html = gzip.decompress(pool.paths[page_id].read_bytes()).decode("utf-8", "replace")
        out[page_id] = trafilatura.extract(html, url=pool.urls.get(page_id), include_comments=False, **extra) or ""
    return out


def fixture_leaks() -> tuple[int, int]:
    """(leaked noise strings, lost article paragraphs) over the HTML noise fixtures."""
    fixtures = load_fixtures(HTML_FIXTURES)
    texts: dict[Path, str] = {}
    for fx in fixtures:
        meta_path = fx.path.with_name(fx.path.name.rsplit(".", 1)[0] + ".meta.json")
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        page = Page(source_url=fx.path.as_uri(), body=fx.path.read_bytes(), kind_hint=page_kind(fx.path) or "",
                    known=KnownMetadata(url=meta.get("url")))
        try:
            texts[fx.path.resolve()] = extract_article(page, ExtractOptions()).text
        except PageProblem:
            texts[fx.path.resolve()] = ""
    report = leak_report(fixtures, texts)
    return report.leak_count, len(report.lost)


def collateral(pool: Pool, ids: list[str]) -> dict[str, list[tuple[str, int, str]]]:
    """Ground-truth text that pre-clean removes, per noise class: ``[(page id, true shingles in
    the removed element, the element's class/id)]``. Trafilatura may drop the same text anyway,
    so this does not move F1 on dev; it is the risk a heuristic carries to unseen templates."""
    from selectolax.lexbor import LexborHTMLParser

    from pipeline.utils.benchmark import shingles

    found: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    current: dict[str, Any] = {}
    apply = preclean._Removals.apply

    def recording_apply(self: Any, removed: Any) -> None:
        ids_ = set(self.nodes)
        for node, noise_class in self.nodes.values():
            if preclean._has_ancestor_in(node, ids_):
                continue
            hits = sum((shingles(node.text(deep=True, separator=" ")) & current["truth"]).values())
            if hits >= 3:
                names = f"{node.tag}.{node.attributes.get('class') or ''}#{node.attributes.get('id') or ''}"
                found[noise_class].append((current["id"], hits, names[:60]))
        apply(self, removed)

    with patched(preclean._Removals, apply=recording_apply):
        for page_id in ids:
            html = gzip.decompress(pool.paths[page_id].read_bytes()).decode("utf-8", "replace")
            current.update(id=page_id, truth=shingles(pool.truth[page_id]))
            preclean.preclean(LexborHTMLParser(html))
    return found


def f1_of(scores: dict[str, PageScore], ids: list[str]) -> float:
    return aggregate([scores[i] for i in ids])["f1"] if ids else 0.0


def word_f1_of(scores: dict[str, WordScore], ids: list[str]) -> float:
    return sum(scores[i].f1 for i in ids) / len(ids) if ids else 0.0


# --- ablations: each a context manager that switches one heuristic off -------------------------
@contextlib.contextmanager
def patched(obj: Any, **attrs: Any) -> Iterator[None]:
    saved = {name: getattr(obj, name) for name in attrs}
    for name, value in attrs.items():
        setattr(obj, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(obj, name, value)


def without_container_class(noise_class: str) -> Callable[[], contextlib.AbstractContextManager]:
    def ablation() -> contextlib.AbstractContextManager:
        kept = {c: n for c, n in preclean.NOISE_CONTAINERS.items() if c != noise_class}
        any_name = preclean.NoiseNames(tuple(w for n in kept.values() for w in n.words),
                                       tuple(t for n in kept.values() for t in n.tokens))
        return patched(preclean, _CLASS_PATTERNS=[(c, re.compile(n.pattern())) for c, n in kept.items()],
                       _ANY_NOISE_NAME=re.compile(any_name.pattern()))
    return ablation


def without_marker_class(noise_class: str) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(preclean, WIDGET_MARKERS=tuple(m for m in preclean.WIDGET_MARKERS
                                                           if m.noise_class != noise_class))


def without_heading_class(noise_class: str) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(preclean, SECTION_HEADINGS={c: p for c, p in preclean.SECTION_HEADINGS.items()
                                                        if c != noise_class})


def without_line_rule(name: str) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(rules, LINE_RULES=tuple(r for r in rules.LINE_RULES if r.name != name),
                           HTML_LINE_RULES=tuple(r for r in rules.HTML_LINE_RULES if r.name != name))


def without_never_content(tags: tuple[str, ...]) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(preclean, NEVER_CONTENT_TAGS=tuple(t for t in preclean.NEVER_CONTENT_TAGS
                                                               if t not in tags))


def trafilatura_options(**override: Any) -> Callable[[], contextlib.AbstractContextManager]:
    """An alternative, not an ablation: the pipeline with other trafilatura options (a negative
    figure means the alternative scores better). ``override`` takes ``article.extractor``'s
    arguments (``include_tables``, ``favor_precision``, ``favor_recall``, ``fast``): the pipeline
    hands trafilatura a whole ``Extractor``, which its keyword arguments would not change."""
    original = article.extractor

    def extractor_with(page_url: str, include_tables: bool, **kwargs: Any) -> Any:
        merged = {"include_tables": include_tables, **kwargs, **override}
        return original(page_url, merged.pop("include_tables"), **merged)
    return lambda: patched(article, extractor=extractor_with)


def extraction_options(**override: Any) -> Callable[[], contextlib.AbstractContextManager]:
    """An alternative: the pipeline with other ``ExtractOptions`` for its trafilatura runs (the
    recall check of ``extract_body`` included)."""
    original = article.extract_body

    def extract_body(tree: Any, page_url: str, options: ExtractOptions) -> str:
        return original(tree, page_url, dataclasses.replace(options, **override))
    return lambda: patched(article, extract_body=extract_body)


def _noop(*_args: Any, **_kwargs: Any) -> None:
    return None


def _identity_clean(paragraphs: list[str]) -> tuple[list[str], Any, list]:
    from collections import Counter
    return [" ".join(p.split()) for p in paragraphs if p.strip()], Counter(), []


def _no_preclean(_tree: Any) -> Any:
    from collections import Counter
    return Counter()


def ablations() -> dict[str, Callable[[], contextlib.AbstractContextManager]]:
    table: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
        "preclean": lambda: patched(article, preclean=_no_preclean),
        "postclean": lambda: patched(article, clean_paragraphs=_identity_clean),
        "forms": lambda: patched(preclean, _remove_forms=_noop),
        "never_content:nav": without_never_content(("nav",)),
        "never_content:controls": without_never_content(("button", "input", "select", "textarea")),
        "never_content:embeds": without_never_content(("iframe", "object", "embed", "svg", "canvas", "dialog")),
        "containers": lambda: patched(preclean, _remove_containers=_noop),
        "figcaption": lambda: patched(preclean, NOISE_TAGS={}),
        "widgets": lambda: patched(preclean, _remove_widgets=_noop),
        "markers": lambda: patched(preclean, _remove_markers=_noop),
        "sections": lambda: patched(preclean, _remove_sections=_noop),
        "sections:following_links": lambda: patched(preclean, _add_following_links=_noop),
        "link_cards": lambda: patched(preclean, _remove_link_cards=_noop),
        "guard:page_share": lambda: patched(preclean, MAX_SHARE_OF_PAGE_TEXT=10.0),
        "guard:article_markers": lambda: patched(preclean, ARTICLE_MARKERS="article, [itemprop='articleBody']"),
        "guard:main_text": lambda: patched(preclean, main_text_path=lambda _tree: frozenset()),
        "guard:main_text+article_markers": lambda: patched(preclean, main_text_path=lambda _tree: frozenset(),
                                                           ARTICLE_MARKERS="article, [itemprop='articleBody']"),
        "guard:prose": lambda: patched(preclean, has_prose=lambda _node: False),
        "guard:table_parts": lambda: patched(preclean, TABLE_PARTS=frozenset()),
        "post:feeds": lambda: patched(paragraphs, mark_feeds=_noop),
        "post:line_rules": lambda: patched(paragraphs, mark_line_rules=_noop),
        "post:headline": lambda: patched(article, drop_headline=lambda paragraphs, _headlines, _removed: paragraphs),
        "post:headline:h1": lambda: patched(article, HEADLINE_TAGS="h1.__ablated__"),
        "post:headline:first_only": lambda: patched(article, HEADLINE_REACH=1),
    }
    table["recall_retry"] = extraction_options(recall_retry_share=0.0)
    table["recall_retry:shield"] = lambda: patched(article, shield_prose=lambda html: html)
    table["open_panels"] = lambda: patched(preclean, open_panels=lambda tree: 0)
    table["loose_prose"] = lambda: patched(article, with_loose_prose=lambda tree, body, url, options: body)
    table["embedded_posts"] = lambda: patched(preclean, open_embedded_posts=lambda tree: 0)
    table["alt:favor_precision_on"] = extraction_options(favor_precision=True)
    table["alt:favor_recall"] = trafilatura_options(favor_precision=False, favor_recall=True)
    table["alt:fast"] = trafilatura_options(fast=True)
    table["alt:tables_off"] = trafilatura_options(include_tables=False)
    for noise_class in preclean.NOISE_CONTAINERS:
        table[f"containers:{noise_class}"] = without_container_class(noise_class)
    for noise_class in sorted({m.noise_class for m in preclean.WIDGET_MARKERS}):
        table[f"markers:{noise_class}"] = without_marker_class(noise_class)
    for noise_class in preclean.SECTION_HEADINGS:
        table[f"sections:{noise_class}"] = without_heading_class(noise_class)
    for rule in rules.LINE_RULES + rules.HTML_LINE_RULES:
        table[f"post:rule:{rule.name}"] = without_line_rule(rule.name)
    return table


# --- report ----------------------------------------------------------------------------------
def site_bootstrap(sites: dict[str, str], a: dict[str, PageScore], b: dict[str, PageScore],
                   rounds: int = 1000, seed: int = 0) -> tuple[float, float]:
    """(std of the gain, share of resamples with gain <= 0), resampling whole sites."""
    import random

    by_site: dict[str, list[str]] = defaultdict(list)
    for page_id, site in sites.items():
        by_site[site].append(page_id)
    groups = list(by_site.values())
    rng = random.Random(seed)
    gains = []
    for _ in range(rounds):
        pages = [i for group in rng.choices(groups, k=len(groups)) for i in group]
        gains.append(aggregate([a[i] for i in pages])["f1"] - aggregate([b[i] for i in pages])["f1"])
    mean = sum(gains) / len(gains)
    std = (sum((g - mean) ** 2 for g in gains) / (len(gains) - 1)) ** 0.5
    return std, sum(g <= 0 for g in gains) / len(gains)


def fold_table(folds: list[list[str]], a: dict[str, PageScore], b: dict[str, PageScore]) -> list[float]:
    return [f1_of(a, ids) - f1_of(b, ids) for ids in folds]


def site_wins(sites: dict[str, str], a: dict[str, PageScore], b: dict[str, PageScore]) -> tuple[int, int]:
    by_site: dict[str, list[str]] = defaultdict(list)
    for page_id, site in sites.items():
        by_site[site].append(page_id)
    deltas = [f1_of(a, ids) - f1_of(b, ids) for ids in by_site.values()]
    return sum(d > TIE for d in deltas), sum(d < -TIE for d in deltas)


def page_wins(a: dict[str, PageScore], b: dict[str, PageScore]) -> tuple[int, int]:
    deltas = [a[i].f1 - b[i].f1 for i in a]
    return sum(d > TIE for d in deltas), sum(d < -TIE for d in deltas)


def fmt(values: list[float]) -> str:
    return " ".join(f"{v:+.4f}" for v in values)


def fold_rows(pool: Pool, folds: list[list[str]], sites: dict[str, str], a: dict[str, PageScore],
              b: dict[str, PageScore], wa: dict[str, WordScore], wb: dict[str, WordScore]) -> dict[str, Any]:
    """Per set: per fold the pipeline's and the reference's shingle and word F1 and the gains."""
    table: dict[str, Any] = {}
    for name in pool.sets():
        rows = []
        for fold in folds:
            ids = [i for i in fold if pool.set_of[i] == name]
            rows.append({"pages": len(ids), "sites": len({sites[i] for i in ids}),
                         "pipeline": f1_of(a, ids), "bare": f1_of(b, ids), "gain": f1_of(a, ids) - f1_of(b, ids),
                         "word_pipeline": word_f1_of(wa, ids), "word_bare": word_f1_of(wb, ids),
                         "word_gain": word_f1_of(wa, ids) - word_f1_of(wb, ids)})
        table[name] = rows
    return table


def print_folds(name: str, rows: list[dict[str, Any]], reference: str) -> None:
    print(f"  {name}, pipeline vs {reference}, per held-out fold:")
    print("    fold  pages sites   shingle F1 pipe   bare     gain    word F1 pipe   bare     gain")
    for n, r in enumerate(rows):
        print(f"    {n:>4} {r['pages']:>6} {r['sites']:>5}   {r['pipeline']:.4f}  {r['bare']:.4f}  {r['gain']:+.4f}"
              f"    {r['word_pipeline']:.4f}  {r['word_bare']:.4f}  {r['word_gain']:+.4f}")
    gains, word_gains = [r["gain"] for r in rows if r["pages"]], [r["word_gain"] for r in rows if r["pages"]]
    print(f"    mean gain over folds: shingle {sum(gains) / len(gains):+.4f} (min {min(gains):+.4f}, "
          f"{sum(g > 0 for g in gains)}/{len(gains)} folds up), word {sum(word_gains) / len(word_gains):+.4f} "
          f"(min {min(word_gains):+.4f}, {sum(g > 0 for g in word_gains)}/{len(word_gains)} folds up)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folders", nargs="*", type=Path, default=[BENCHMARKS / "aeb-dev", BENCHMARKS / "wcxb-dev"])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--ablate", default="", help="'all' or comma-separated names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the ablation names and exit")
    ap.add_argument("--pages", action="store_true", help="with --ablate: list the pages each ablation changes")
    ap.add_argument("--collateral", action="store_true",
                    help="list the ground-truth text pre-clean removes, per noise class")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--predictions", type=Path, help="write each page's pipeline and bare texts (JSON) here")
    args = ap.parse_args(argv)
    table = ablations()
    if args.list:
        print("\n".join(table))
        return 0

    pool = Pool()
    for folder in args.folders:
        pool.add(folder)
    ids = sorted(pool.truth)
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    sites = {i: site_of(pool.urls.get(i, i), extractor) for i in ids}
    folds = make_folds(sites, args.folds)

    def scores(predictions: dict[str, str]) -> tuple[dict[str, PageScore], dict[str, WordScore]]:
        return ({i: score_page(i, pool.truth[i], predictions.get(i)) for i in ids},
                {i: word_score(pool.truth[i], predictions.get(i)) for i in ids})

    bare_texts, full_texts = bare_predictions(pool, ids), pipeline_predictions(pool, ids)
    bare, word_bare = scores(bare_texts)
    bare_fp, word_bare_fp = scores(bare_predictions(pool, ids, favor_precision=True))
    full, word_full = scores(full_texts)
    if args.predictions:
        args.predictions.write_text(json.dumps({i: {"pipeline": full_texts[i], "bare": bare_texts[i]} for i in ids}))
    figures: dict[str, Any] = {"sets": {}, "ablations": {}}
    print(f"{' + '.join(pool.sets())}: {len(ids)} pages, {len(set(sites.values()))} sites, "
          f"{args.folds} folds by site (registrable domain)")
    for name in pool.sets():
        in_set = [i for i in ids if pool.set_of[i] == name]
        row = {"pipeline": f1_of(full, in_set), "bare": f1_of(bare, in_set), "bare_favor_precision": f1_of(bare_fp, in_set),
               "word_pipeline": word_f1_of(word_full, in_set), "word_bare": word_f1_of(word_bare, in_set),
               "word_bare_favor_precision": word_f1_of(word_bare_fp, in_set)}
        figures["sets"][name] = row
        print(f"  {name}: {len(in_set)} pages; shingle F1 pipeline {row['pipeline']:.4f}, bare {row['bare']:.4f}, "
              f"bare favor_precision {row['bare_favor_precision']:.4f}; word F1 pipeline {row['word_pipeline']:.4f}, "
              f"bare {row['word_bare']:.4f}, bare favor_precision {row['word_bare_favor_precision']:.4f}")
    figures["folds"] = fold_rows(pool, folds, sites, full, bare, word_full, word_bare)
    figures["folds_favor_precision"] = fold_rows(pool, folds, sites, full, bare_fp, word_full, word_bare_fp)
    for name in pool.sets():
        print_folds(name, figures["folds"][name], "bare trafilatura (url, include_comments=False)")
    for name in pool.sets():
        print_folds(name, figures["folds_favor_precision"][name], "bare trafilatura, favor_precision")
    for name in pool.sets():
        in_set = {i: sites[i] for i in ids if pool.set_of[i] == name}
        won, lost = site_wins(in_set, full, bare)
        std, p_none = site_bootstrap(in_set, full, bare)
        print(f"  {name}: sites won/lost vs bare {won}/{lost}; gain over bare resampling sites 1000 times: "
              f"std {std:.4f}, share of resamples with no gain {p_none:.3f}")
        figures["sets"][name].update(sites_won=won, sites_lost=lost, gain_site_bootstrap_std=std,
                                     gain_site_bootstrap_p_le_0=p_none)
    leaked, lost_paragraphs = fixture_leaks()
    print(f"  HTML noise fixtures: {leaked} leaked noise strings, {lost_paragraphs} lost article paragraphs")
    figures.update(fixtures_leaked=leaked, fixtures_lost=lost_paragraphs)

    if args.collateral:
        found = collateral(pool, ids)
        total = sum(hits for rows in found.values() for _, hits, _ in rows)
        elements = sum(len(rows) for rows in found.values())
        pages = len({i for rows in found.values() for i, _, _ in rows})
        print(f"\n  collateral: {total} true shingles in elements pre-clean removes "
              f"({elements} elements on {pages} pages)")
        for noise_class, rows in sorted(found.items()):
            for page_id, hits, names in rows:
                print(f"    {noise_class:<12} {hits:>4} {page_id[:24]} {names}")
        figures["collateral"] = {c: [list(r) for r in rows] for c, rows in found.items()}

    names = list(table) if args.ablate == "all" else [n for n in args.ablate.split(",") if n]
    if names:
        print("\n  ablation: what each heuristic adds = F1(pipeline) - F1(without it), shingle F1 per set, "
              "then per fold (all sets)")
        print(f"  {'heuristic':<36} " + " ".join(f"{n[:10]:>10}" for n in pool.sets())
              + f"  per fold{' ' * (8 * args.folds - 6)} folds+/-  pages+/-  fixtures leaked/lost without it")
    for name in names:
        if name not in table:
            print(f"  unknown ablation {name!r}; see --list")
            return 2
        with table[name]():
            ablated, _ = scores(pipeline_predictions(pool, ids))
            leaked, lost_paragraphs = fixture_leaks()
        deltas = fold_table(folds, full, ablated)
        per_set = {n: f1_of(full, [i for i in ids if pool.set_of[i] == n])
                   - f1_of(ablated, [i for i in ids if pool.set_of[i] == n]) for n in pool.sets()}
        pw, pl = page_wins(full, ablated)
        up, down = sum(d > TIE for d in deltas), sum(d < -TIE for d in deltas)
        figures["ablations"][name] = {"sets": per_set, "folds": deltas, "pages": [pw, pl],
                                      "fixtures_leaked": leaked, "fixtures_lost": lost_paragraphs}
        print(f"  {name:<36} " + " ".join(f"{per_set[n]:>+10.4f}" for n in pool.sets())
              + f"  {fmt(deltas)}  {up:>2}/{down:<2}    {pw:>3}/{pl:<3}    {leaked:>2}/{lost_paragraphs}")
        if args.pages:
            for i in ids:
                d = full[i].f1 - ablated[i].f1
                if abs(d) > TIE:
                    print(f"      {d:+.4f} {i[:24]} {pool.urls.get(i, '')}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
