#!/usr/bin/env python3
"""How often the text cleaner's title agrees with the same page's HTML metadata title.

aeb-dev-text holds the same pages as aeb-dev (same ids): the HTML page's title (og:title,
JSON-LD headline or <title>, by ``pipeline.extract.html.metadata``) is a fair reference for the headline
the text cleaner picks from the capture. A title agrees when the two share at least 60% of
the shorter one's words (site suffixes such as "| Site" do not then count against it).
For tuning, not for tests.

usage: .venv/bin/python bench/title_text.py [--show]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from pipeline.extract.html.metadata import html_metadata  # noqa: E402
from pipeline.extract.text.capture import clean_text_capture  # noqa: E402

BENCHMARKS = PROJECT_DIR.parent / "shared" / "benchmarks"
WORD = re.compile(r"\w+")


def words(text: str | None) -> set[str]:
    return {w.lower() for w in WORD.findall(text or "")}


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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
