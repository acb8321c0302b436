#!/usr/bin/env python3
"""How right the records' metadata is: title, authors and publication date against wcxb-dev's
ground truth (``title``, ``author``, ``publish_date``), for the pipeline and, on the same pages in
the same run, trafilatura's own metadata (``trafilatura.extract_metadata(html, default_url=url)``).

    .venv/bin/python bench/metadata_eval.py                     # wcxb-dev HTML, and its text captures if rendered
    .venv/bin/python bench/metadata_eval.py --worst 20          # also list the pages each field gets wrong

Figures, per field, over the pages whose truth gives that field:
- title: exact (case, spacing and Unicode form aside) and the mean word F1;
- author: found (the truth's first name, before any comma, "and", "&" or "|", is among the record's authors), wrong
  (authors given, that name not among them) or missing;
- date: right (same day), wrong (another day) or missing.
Text captures (``build/wcxb-dev-text``, ``make benchmarks-text``) have no reference: the pipeline's
figures only. Nothing is asserted; the script prints.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
from pipeline.discovery.files import page_kind  # noqa: E402 - needs the project on sys.path
from pipeline.extract.article import ExtractOptions, extract_article  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.items import KnownMetadata, Page  # noqa: E402

WCXB_DEV = PROJECT_DIR.parent / "shared" / "benchmarks" / "wcxb-dev"
WCXB_DEV_TEXT = PROJECT_DIR / "build" / "wcxb-dev-text"
WORD = re.compile(r"\w+")
FIELDS = ("title", "author", "date")


def normalized(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split()).strip(" \"'“”‘’«»-–—|:")


def word_f1(truth: str, found: str | None) -> float:
    want, got = Counter(WORD.findall(normalized(truth))), Counter(WORD.findall(normalized(found)))
    hits = sum((want & got).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(got.values()), hits / sum(want.values())
    return 2 * precision * recall / (precision + recall)


# Where the truth's first author ends: "Jared Newman and Sam Singleton", "Maria & Katerina", "Jane Doe | The Newsroom".
TRUTH_AUTHOR_SPLIT = re.compile(r"\s*[,;|]\s*|\s+(?:and|&)\s+")


def author_verdict(truth: str, authors: list[str]) -> str:
    if not authors:
        return "missing"
    first = normalized(TRUTH_AUTHOR_SPLIT.split(truth)[0])
    return "found" if any(first == normalized(a) or first in normalized(a) for a in authors) else "wrong"


def date_verdict(truth: str, published: str | None) -> str:
    if not published:
        return "missing"
    return "right" if published[:10] == truth[:10] else "wrong"


def pipeline_metadata(args: tuple[Path, str | None]) -> dict[str, Any]:
    path, url = args
    page = Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint=page_kind(path) or "",
                known=KnownMetadata(url=url))
    try:
        record = extract_article(page, ExtractOptions())
    except PageProblem as problem:
        return {"title": None, "authors": [], "published": None, "problem": type(problem).__name__}
    return {"title": record.title, "authors": list(record.authors), "published": record.published}


def trafilatura_metadata(args: tuple[Path, str | None]) -> dict[str, Any]:
    import gzip

    import trafilatura

    path, url = args
    html = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
    document = trafilatura.extract_metadata(html, default_url=url)
    if document is None:
        return {"title": None, "authors": [], "published": None}
    authors = [a.strip() for a in (document.author or "").split(";") if a.strip()]
    return {"title": document.title, "authors": authors, "published": document.date}


def judge(truth: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    verdicts: dict[str, dict[str, str | float]] = {field: {} for field in FIELDS}
    for page_id, want in truth.items():
        got = found[page_id]
        if want.get("title"):
            verdicts["title"][page_id] = word_f1(want["title"], got["title"]) if normalized(
                want["title"]) != normalized(got["title"]) else 1.0
        if want.get("author"):
            verdicts["author"][page_id] = author_verdict(want["author"], got["authors"])
        if want.get("publish_date"):
            verdicts["date"][page_id] = date_verdict(want["publish_date"], got["published"])
    return verdicts


def summary(verdicts: dict[str, dict[str, Any]]) -> str:
    titles = list(verdicts["title"].values())
    exact = sum(v == 1.0 for v in titles) / len(titles)
    parts = [f"title exact {exact:.4f}, word F1 {sum(titles) / len(titles):.4f} ({len(titles)} pages)"]
    for field in ("author", "date"):
        counts = Counter(verdicts[field].values())
        total = sum(counts.values())
        parts.append(f"{field} " + ", ".join(f"{k} {counts[k] / total:.4f}" for k in sorted(counts))
                     + f" ({total} pages)")
    return "; ".join(parts)


def worst(label: str, truth: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]],
          verdicts: dict[str, dict[str, Any]], count: int) -> None:
    print(f"  {label}: pages it gets wrong (first {count} of each field)")
    titles = sorted((v, k) for k, v in verdicts["title"].items() if v < 1.0)[:count]
    for score, page_id in titles:
        print(f"    title {page_id} {score:.2f}: {found[page_id]['title']!r} | truth {truth[page_id]['title']!r}")
    for field, key, wrong in (("author", "authors", "found"), ("date", "published", "right")):
        bad = [k for k, v in sorted(verdicts[field].items()) if v != wrong][:count]
        truth_key = "author" if field == "author" else "publish_date"
        for page_id in bad:
            print(f"    {field} {page_id} {verdicts[field][page_id]}: {found[page_id][key]!r} | truth "
                  f"{truth[page_id][truth_key]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--benchmark", type=Path, default=WCXB_DEV)
    parser.add_argument("--text", type=Path, default=WCXB_DEV_TEXT, help="rendered captures of the same pages")
    parser.add_argument("--worst", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    truth = json.loads((args.benchmark / "ground-truth.json").read_text())
    html = {i: (args.benchmark / "html" / f"{i}.html.gz", t.get("url")) for i, t in sorted(truth.items())
            if (args.benchmark / "html" / f"{i}.html.gz").is_file()}
    truth = {i: truth[i] for i in html}
    with ProcessPoolExecutor(args.workers) as pool:
        ours = dict(zip(html, pool.map(pipeline_metadata, html.values(), chunksize=8)))
        reference = dict(zip(html, pool.map(trafilatura_metadata, html.values(), chunksize=8)))
        captures = {i: (args.text / f"{i}.txt", html[i][1]) for i in html if (args.text / f"{i}.txt").is_file()}
        text = dict(zip(captures, pool.map(pipeline_metadata, captures.values(), chunksize=8)))
    print(f"{args.benchmark.name}: {len(truth)} pages")
    rows = [("pipeline, HTML", ours, truth), ("trafilatura.extract_metadata, HTML", reference, truth)]
    if captures:
        rows.append(("pipeline, text captures", text, {i: truth[i] for i in captures}))
    for label, found, want in rows:
        verdicts = judge(want, found)
        print(f"  {label}: {summary(verdicts)}")
        if args.worst:
            worst(label, want, found, verdicts, args.worst)


if __name__ == "__main__":
    main()
