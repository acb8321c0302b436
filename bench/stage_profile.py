"""Where ``extract_article``'s CPU goes: each stage timed in place, on aeb-dev, in one process.

    nice -n 5 .venv/bin/python bench/stage_profile.py [--passes 3] [--set-dir DIR]

Every named function below is wrapped by a timer (CPU time, ``time.process_time``) in the
module namespace its caller reads it from; a function that calls itself, or whose callers are
timed too, is counted once per outermost call (inclusive time). The rows are inclusive, so a
row's children are indented under it and "rest" is what no child covers. One warm-up pass
first (lazy imports, caches), then ``--passes`` timed passes; figures are ms a page, averaged
over every page and pass. The worker's story signature and the pickling of a record on both
sides of the socket are timed after, outside ``extract_article``.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
# As pipeline/extract/__init__.py does for the workers, but before trafilatura loads numpy (it
# imports py3langid): OpenBLAS's spinning threads were timed into every stage otherwise (36.7
# CPU-ms a page in all instead of 13.5, language 7.4 ms instead of 0.8).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import trafilatura.core  # noqa: E402
import trafilatura.external  # noqa: E402
import trafilatura.htmlprocessing  # noqa: E402
import trafilatura.main_extractor  # noqa: E402

from pipeline.extract import article, readability_gate, trafilatura_input  # noqa: E402
from pipeline.extract.html import preclean as preclean_module  # noqa: E402
from pipeline.items import ExtractOptions, Page  # noqa: E402

AEB_DEV = PROJECT_DIR.parent / "shared" / "benchmarks" / "aeb-dev"

TOTALS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
DEPTH: dict[str, int] = defaultdict(int)

# (label, parent label, module, attribute): the tree printed; a label may wrap several attributes.
STAGES: list[tuple[str, str | None, Any, str]] = [
    ("extract_article", None, article, "extract_article"),
    ("decode", "extract_article", article, "decode_page"),
    ("check_elements", "extract_article", article, "check_elements"),
    ("extract_html", "extract_article", article, "extract_html"),
    ("parse (selectolax)", "extract_html", article, "LexborHTMLParser"),
    ("metadata", "extract_html", article, "html_metadata"),
    ("protect_standfirst", "extract_html", article, "protect_standfirst"),
    ("pre-clean", "extract_html", article, "preclean"),
    ("open_panels", "pre-clean", preclean_module, "open_panels"),
    ("extract_body", "extract_html", article, "extract_body"),
    ("trafilatura.extract", "extract_body", article.trafilatura, "extract"),
    ("load_html (lxml parse)", "trafilatura.extract", trafilatura.core, "load_html"),
    ("load_html (lxml parse)", "trafilatura.extract", trafilatura_input, "_load_html"),  # inside quick_repair
    ("trafilatura_sequence", "trafilatura.extract", trafilatura.core, "trafilatura_sequence"),
    ("prune_unwanted_nodes", "trafilatura_sequence", trafilatura.core, "prune_unwanted_nodes"),
    ("tree_cleaning", "trafilatura_sequence", trafilatura.core, "tree_cleaning"),
    ("convert_tags", "trafilatura_sequence", trafilatura.core, "convert_tags"),
    ("copy (tree copies)", "trafilatura_sequence", trafilatura.core, "copy"),
    ("extract_content", "trafilatura_sequence", trafilatura.core, "extract_content"),
    ("handle_textelem", "extract_content", trafilatura.main_extractor, "handle_textelem"),
    ("compare_extraction", "trafilatura_sequence", trafilatura.external, "compare_extraction"),
    ("readability bound (gate)", "trafilatura_sequence", readability_gate, "readability_text_bound"),
    ("readability bound (gate)", "trafilatura_sequence", readability_gate, "collapsed_text_length"),
    ("page measure bound (gate)", "trafilatura_sequence", readability_gate, "html2txt_bound"),
    ("try_readability", "compare_extraction", trafilatura.external, "try_readability"),
    ("justext_rescue", "compare_extraction", trafilatura.external, "justext_rescue"),
    ("baseline / html2txt", "trafilatura_sequence", trafilatura.core, "html2txt"),
    ("baseline / html2txt", "trafilatura_sequence", trafilatura.core, "baseline"),
    ("baseline / html2txt", "trafilatura_sequence", readability_gate.baseline, "html2txt"),  # when the gate measures
    ("determine_returnstring", "trafilatura.extract", trafilatura.core, "determine_returnstring"),
    ("xmltotxt", "determine_returnstring", trafilatura.core, "xmltotxt"),
    ("retry measures", "extract_body", article, "article_text_length"),
    ("retry measures", "extract_body", article, "free_prose_length"),
    ("retry measures", "extract_body", article, "page_text_length"),
    ("retry measures", "extract_body", article, "distinct_length"),
    ("shield_prose", "extract_body", article, "shield_prose"),
    ("with_loose_prose", "extract_html", article, "with_loose_prose"),
    ("post-clean (assemble_blocks)", "extract_html", article, "assemble_blocks"),
    ("htmldate", "extract_html", article, "find_date"),
    ("normalize_text", "extract_article", article, "normalize_text"),
    ("not_prose", "extract_article", article, "not_prose"),
    ("article_urls", "extract_article", article, "article_urls"),
    ("language", "extract_article", article, "detect_language"),
    ("word_count + content_hash", "extract_article", article, "word_count"),
    ("word_count + content_hash", "extract_article", article, "content_hash"),
]


def timed(label: str, function: Callable) -> Callable:
    clock = time.process_time

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if DEPTH[label]:
            return function(*args, **kwargs)
        DEPTH[label] += 1
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            TOTALS[label] += clock() - start
            CALLS[label] += 1
            DEPTH[label] -= 1

    return wrapper


def install() -> None:
    for label, _, module, name in STAGES:
        setattr(module, name, timed(label, getattr(module, name)))


def pages() -> list[Page]:
    found = []
    for path in sorted((AEB_DEV / "html").glob("*.html.gz")):
        found.append(Page(source_url=f"file:///aeb/{path.name}", body=path.read_bytes(), kind_hint="html"))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    corpus = pages()
    options = ExtractOptions()
    for page in corpus:  # warm-up, untimed
        try:
            article.extract_article(page, options)
        except Exception:  # noqa: BLE001 - rejects count as pages too
            pass
    install()
    extract = article.extract_article
    start = time.process_time()
    records = []
    for _ in range(args.passes):
        for page in corpus:
            try:
                records.append(extract(page, options))
            except Exception:  # noqa: BLE001
                pass
    total = time.process_time() - start
    n = len(corpus) * args.passes
    children: dict[str | None, list[str]] = defaultdict(list)
    for label, parent, _, _ in STAGES:
        if label not in children[parent]:
            children[parent].append(label)

    print(f"aeb-dev: {len(corpus)} pages x {args.passes} passes; {1000 * total / n:.2f} CPU-ms a page in all "
          "(timers included)")
    print(f"{'stage':<40} {'ms/page':>8} {'calls/page':>10}")

    def show(label: str, indent: int) -> None:
        print(f"{'  ' * indent + label:<40} {1000 * TOTALS[label] / n:>8.2f} {CALLS[label] / n:>10.2f}")
        kids = children.get(label, [])
        for kid in kids:
            show(kid, indent + 1)
        if kids:
            rest = TOTALS[label] - sum(TOTALS[k] for k in kids)
            print(f"{'  ' * (indent + 1) + '(rest)':<40} {1000 * rest / n:>8.2f}")

    for root in children[None]:
        show(root, 0)

    # Outside extract_article: the worker's signature, and the record crossing the socket.
    from pipeline.stories.index import signature, signature_bytes

    texts = [r.text for r in records if r.text]
    t0 = time.process_time()
    for text in texts:
        signature_bytes(signature(text))
    sig = time.process_time() - t0
    t0 = time.process_time()
    frames = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in records]
    dumps = time.process_time() - t0
    t0 = time.process_time()
    for f in frames:
        pickle.loads(f)
    loads = time.process_time() - t0
    t0 = time.process_time()
    page_frames = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in corpus * args.passes]
    page_dumps = time.process_time() - t0
    t0 = time.process_time()
    for f in page_frames:
        pickle.loads(f)
    page_loads = time.process_time() - t0
    print(f"story signature (worker): {1000 * sig / len(texts):.2f} ms a record")
    print(f"pickle a record: dumps (worker) {1000 * dumps / len(records):.3f} ms, loads (reactor) "
          f"{1000 * loads / len(records):.3f} ms; a page: dumps (reactor) {1000 * page_dumps / n:.3f} ms, "
          f"loads (worker) {1000 * page_loads / n:.3f} ms")


if __name__ == "__main__":
    main()
