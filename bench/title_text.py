#!/usr/bin/env python3
"""How often the text cleaner's title agrees with the same page's HTML metadata title.

aeb-dev-text holds the same pages as aeb-dev (same ids): the HTML page's title (og:title,
JSON-LD headline or <title>, by ``pipeline.extract.html.metadata``) is a fair reference for the headline
the text cleaner picks from the capture. A title agrees when the two share at least 60% of
the shorter one's words (site suffixes such as "| Site" do not then count against it).
For tuning, not for tests.

Then, for a text folder whose ground truth gives each page's ``title`` (wcxb-dev-text, rendered
by `make benchmarks-text`), the title against it per site fold of ``bench/cv_text.py``: exact
(the same words, case folded) and token F1 (of the two word bags), means over the pages.

usage: .venv/bin/python bench/title_text.py [--show] [--truth-titles DIR]
default DIR: build/wcxb-dev-text
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

sys.path.insert(0, str(PROJECT_DIR / "bench"))

from cv_text import assign_folds, registrable_domain  # noqa: E402

from pipeline.extract.html.metadata import html_metadata  # noqa: E402
from pipeline.extract.text.capture import clean_text_capture  # noqa: E402

BENCHMARKS = PROJECT_DIR.parent / "shared" / "benchmarks"
WORD = re.compile(r"\w+")


def words(text: str | None) -> set[str]:
    return {w.lower() for w in WORD.findall(text or "")}


def title_words(text: str | None) -> list[str]:
    return WORD.findall((text or "").casefold().replace("’", "'"))


def truth_titles(folder: Path, show: bool, folds: int = 5) -> None:
    """Exact and token F1 of the text cleaner's title against the ground truth's, per site fold."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    metas = {i: json.loads((folder / f"{i}.meta.json").read_text(encoding="utf-8")) for i in truth}
    # cv_text.py's folds: made over the sites of aeb-dev-text and this folder pooled
    sites = {f"aeb/{p.stem}": registrable_domain(json.loads(p.read_text(encoding="utf-8")).get("url", ""))
             for p in (BENCHMARKS / "aeb-dev-text").glob("*.meta.json")}
    sites.update({i: registrable_domain(m.get("url", "")) for i, m in metas.items()})
    fold_of = assign_folds(sites, folds)
    scores: dict[int, list[tuple[bool, float]]] = {}
    for page_id in sorted(truth):
        if not truth[page_id].get("title"):
            continue
        text = (folder / f"{page_id}.txt").read_text(encoding="utf-8")
        title = clean_text_capture(text, url=metas[page_id].get("url")).title
        a, b = title_words(title), title_words(truth[page_id]["title"])
        common = sum((Counter(a) & Counter(b)).values())
        f1 = 2 * common / (len(a) + len(b)) if a and b else 0.0
        scores.setdefault(fold_of[page_id], []).append((a == b, f1))
        if show and a != b:
            print(f"  {page_id} fold {fold_of[page_id]} got {title!r}\n{'':13}ref {truth[page_id]['title']!r}")
    print(f"{folder.name}: title against the ground truth's, per site fold (exact / token F1)")
    for fold, rows in sorted(scores.items()):
        print(f"  fold {fold}: {len(rows)} pages, {sum(e for e, _ in rows) / len(rows):.4f} / "
              f"{sum(f for _, f in rows) / len(rows):.4f}")
    every = [r for rows in scores.values() for r in rows]
    print(f"  all: {len(every)} pages, {sum(e for e, _ in every) / len(every):.4f} / "
          f"{sum(f for _, f in every) / len(every):.4f}")


def main(argv: list[str]) -> int:
    show = "--show" in argv
    agree = total = 0
    for path in sorted((BENCHMARKS / "aeb-dev-text").glob("*.txt")):
        html_path = BENCHMARKS / "aeb-dev" / "html" / f"{path.stem}.html.gz"
        if not html_path.exists():
            continue
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", "replace")
        reference = html_metadata(LexborHTMLParser(html)).title
        if not reference:
            continue
        meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
        title = clean_text_capture(path.read_text(encoding="utf-8"), url=meta.get("url")).title
        a, b = words(title), words(reference)
        ok = bool(a and b) and len(a & b) >= 0.6 * min(len(a), len(b))
        total += 1
        agree += ok
        if show and not ok:
            print(f"  {path.stem[:10]} got {title!r}\n{'':13}ref {reference!r}")
    print(f"titles agreeing with the HTML metadata title: {agree}/{total}")
    folder = Path(argv[argv.index("--truth-titles") + 1]) if "--truth-titles" in argv else PROJECT_DIR / "build" / "wcxb-dev-text"
    if (folder / "ground-truth.json").is_file():
        truth_titles(folder, show)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
