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

usage: .venv/bin/python bench/cv_html.py [DIR] [--folds 5] [--ablate all|NAME[,NAME...]]
                                         [--list] [--pages] [--collateral] [--json OUT]
default DIR: ../shared/benchmarks/aeb-dev (beside the clone)
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

import tldextract  # noqa: E402
import trafilatura  # noqa: E402

from pipeline.extract import article, paragraphs, rules  # noqa: E402
from pipeline.extract.article import ExtractOptions, extract_article  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.extract.html import preclean  # noqa: E402
from pipeline.items import KnownMetadata, Page  # noqa: E402
from pipeline.utils.benchmark import (  # noqa: E402
    PageScore,
    aggregate,
    leak_report,
    load_benchmark,
    load_fixtures,
    score_page,
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
def pipeline_predictions(root: Path, urls: dict[str, str], ids: list[str]) -> dict[str, str]:
    options = ExtractOptions()
    out: dict[str, str] = {}
    for page_id in ids:
        path = root / "html" / f"{page_id}.html.gz"
        page = Page(source_url=path.as_uri(), body=path.read_bytes(),
                    known=KnownMetadata(url=urls.get(page_id)))
        try:
            out[page_id] = extract_article(page, options).text
        except PageProblem:
            out[page_id] = ""
    return out


def bare_predictions(root: Path, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for page_id in ids:
        html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        out[page_id] = trafilatura.extract(html, include_comments=False, favor_precision=True,
                                           deduplicate=False) or ""
    return out


def fixture_leaks() -> tuple[int, int]:
    """(leaked noise strings, lost article paragraphs) over the HTML noise fixtures."""
    fixtures = load_fixtures(HTML_FIXTURES)
    texts: dict[Path, str] = {}
    for fx in fixtures:
        meta_path = fx.path.with_name(fx.path.name.rsplit(".", 1)[0] + ".meta.json")
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        page = Page(source_url=fx.path.as_uri(), body=fx.path.read_bytes(),
                    known=KnownMetadata(url=meta.get("url")))
        try:
            texts[fx.path.resolve()] = extract_article(page, ExtractOptions()).text
        except PageProblem:
            texts[fx.path.resolve()] = ""
    report = leak_report(fixtures, texts)
    return report.leak_count, len(report.lost)


def collateral(root: Path, truth: dict[str, str], ids: list[str]) -> dict[str, list[tuple[str, int, str]]]:
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
            html = gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
            current.update(id=page_id, truth=shingles(truth[page_id]))
            preclean.preclean(LexborHTMLParser(html))
    return found


def f1_of(scores: dict[str, PageScore], ids: list[str]) -> float:
    return aggregate([scores[i] for i in ids])["f1"]


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
    return lambda: patched(rules, LINE_RULES=tuple(r for r in rules.LINE_RULES if r.name != name))


def without_never_content(tags: tuple[str, ...]) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: patched(preclean, NEVER_CONTENT_TAGS=tuple(t for t in preclean.NEVER_CONTENT_TAGS
                                                               if t not in tags))


def trafilatura_options(**override: Any) -> Callable[[], contextlib.AbstractContextManager]:
    """An alternative, not an ablation: the pipeline with other trafilatura options (a negative
    figure means the alternative scores better)."""
    def extract_with(*args: Any, **kwargs: Any) -> str | None:
        return trafilatura.extract(*args, **{**kwargs, **override})
    return lambda: patched(article, trafilatura=SimpleNamespace(extract=extract_with))


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
    table["alt:favor_precision_off"] = trafilatura_options(favor_precision=False)
    table["alt:favor_recall"] = trafilatura_options(favor_precision=False, favor_recall=True)
    table["alt:fast"] = trafilatura_options(fast=True)
    table["alt:tables_off"] = trafilatura_options(include_tables=False)
    for noise_class in preclean.NOISE_CONTAINERS:
        table[f"containers:{noise_class}"] = without_container_class(noise_class)
    for noise_class in sorted({m.noise_class for m in preclean.WIDGET_MARKERS}):
        table[f"markers:{noise_class}"] = without_marker_class(noise_class)
    for noise_class in preclean.SECTION_HEADINGS:
        table[f"sections:{noise_class}"] = without_heading_class(noise_class)
    for rule in rules.LINE_RULES:
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=BENCHMARKS / "aeb-dev")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--ablate", default="", help="'all' or comma-separated names (see --list)")
    ap.add_argument("--list", action="store_true", help="list the ablation names and exit")
    ap.add_argument("--pages", action="store_true", help="with --ablate: list the pages each ablation changes")
    ap.add_argument("--collateral", action="store_true",
                    help="list the ground-truth text pre-clean removes, per noise class")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    table = ablations()
    if args.list:
        print("\n".join(table))
        return 0

    bench = load_benchmark(args.folder)
    ids = sorted(i for i in bench.truth if (args.folder / "html" / f"{i}.html.gz").is_file())
    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    sites = {i: site_of(bench.urls.get(i, i), extractor) for i in ids}
    folds = make_folds(sites, args.folds)

    def scores(predictions: dict[str, str]) -> dict[str, PageScore]:
        return {i: score_page(i, bench.truth[i], predictions.get(i)) for i in ids}

    bare = scores(bare_predictions(args.folder, ids))
    full = scores(pipeline_predictions(args.folder, bench.urls, ids))
    figures: dict[str, Any] = {"folds": [], "ablations": {}}
    print(f"{args.folder.name}: {len(ids)} pages, {len(set(sites.values()))} sites, {args.folds} folds by site")
    print(f"  all pages: pipeline F1 {f1_of(full, ids):.4f}  bare trafilatura F1 {f1_of(bare, ids):.4f}  "
          f"gain {f1_of(full, ids) - f1_of(bare, ids):+.4f}")
    print("  fold  pages sites  pipeline   bare     gain")
    for n, fold in enumerate(folds):
        p, b = f1_of(full, fold), f1_of(bare, fold)
        figures["folds"].append({"pages": len(fold), "sites": len({sites[i] for i in fold}), "pipeline": p,
                                 "bare": b, "gain": p - b})
        print(f"  {n:>4} {len(fold):>6} {len({sites[i] for i in fold}):>5}  {p:.4f}   {b:.4f}  {p - b:+.4f}")
    gains = [f["gain"] for f in figures["folds"]]
    won, lost = site_wins(sites, full, bare)
    pw, pl = page_wins(full, bare)
    print(f"  gain: mean {sum(gains) / len(gains):+.4f}, min {min(gains):+.4f}, "
          f"{sum(g > 0 for g in gains)}/{len(gains)} folds up; sites won/lost vs bare {won}/{lost}, "
          f"pages {pw}/{pl}")
    std, p_none = site_bootstrap(sites, full, bare)
    print(f"  gain over bare, resampling sites 1000 times: std {std:.4f}, share of resamples with no gain "
          f"{p_none:.3f}")
    figures.update(gain_site_bootstrap_std=std, gain_site_bootstrap_p_le_0=p_none)
    leaked, lost_paragraphs = fixture_leaks()
    print(f"  HTML noise fixtures: {leaked} leaked noise strings, {lost_paragraphs} lost article paragraphs")
    figures.update(pipeline=f1_of(full, ids), bare=f1_of(bare, ids), sites_won=won, sites_lost=lost,
                   fixtures_leaked=leaked, fixtures_lost=lost_paragraphs)

    if args.collateral:
        found = collateral(args.folder, bench.truth, ids)
        total = sum(hits for rows in found.values() for _, hits, _ in rows)
        elements = sum(len(rows) for rows in found.values())
        pages = len({i for rows in found.values() for i, _, _ in rows})
        print(f"\n  collateral: {total} true shingles in elements pre-clean removes "
              f"({elements} elements on {pages} pages)")
        for noise_class, rows in sorted(found.items()):
            for page_id, hits, names in rows:
                print(f"    {noise_class:<12} {hits:>4} {page_id[:16]} {names}")
        figures["collateral"] = {c: [list(r) for r in rows] for c, rows in found.items()}

    names = list(table) if args.ablate == "all" else [n for n in args.ablate.split(",") if n]
    if names:
        print("\n  ablation: what each heuristic adds = F1(pipeline) - F1(without it)")
        print(f"  {'heuristic':<36} {'all':>8}  per fold{' ' * (8 * args.folds - 6)} folds+/-  sites+/-  pages+/-"
              "  fixtures leaked/lost without it")
    for name in names:
        if name not in table:
            print(f"  unknown ablation {name!r}; see --list")
            return 2
        with table[name]():
            ablated = scores(pipeline_predictions(args.folder, bench.urls, ids))
            leaked, lost_paragraphs = fixture_leaks()
        deltas = fold_table(folds, full, ablated)
        won, lost = site_wins(sites, full, ablated)
        pw, pl = page_wins(full, ablated)
        total = f1_of(full, ids) - f1_of(ablated, ids)
        up, down = sum(d > TIE for d in deltas), sum(d < -TIE for d in deltas)
        figures["ablations"][name] = {"all": total, "folds": deltas, "sites": [won, lost], "pages": [pw, pl],
                                      "fixtures_leaked": leaked, "fixtures_lost": lost_paragraphs}
        print(f"  {name:<36} {total:+.4f}  {fmt(deltas)}  {up:>2}/{down:<2}    {won:>2}/{lost:<2}    {pw:>2}/{pl:<2}"
              f"    {leaked:>2}/{lost_paragraphs}")
        if args.pages:
            for i in ids:
                d = full[i].f1 - ablated[i].f1
                if abs(d) > TIE:
                    print(f"      {d:+.4f} {i[:16]} {bench.urls.get(i, '')}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
