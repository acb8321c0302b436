#!/usr/bin/env python3
"""Score the text-capture cleaner on an aeb-style text folder (``<id>.txt`` + ``<id>.meta.json``
+ ``ground-truth.json``), with the reference scorer ``aeb_score.py`` beside the benchmarks.

Runs ``extract_article`` on each capture as a ``Page(kind_hint="text", known=KnownMetadata(url=...))``,
writes ``{"id", "articleBody"}`` JSONL and prints the scorer's table (and, with ``--worst N``,
the N worst pages by F1).

usage: .venv/bin/python bench/score_text.py [DIR] [--out PRED.jsonl] [--worst 10]
default DIR: ../shared/benchmarks/aeb-dev-text (beside the clone)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from pipeline.extract.article import ExtractOptions, extract_article  # noqa: E402
from pipeline.extract.errors import PageProblem  # noqa: E402
from pipeline.items import KnownMetadata, Page  # noqa: E402

BENCHMARKS = PROJECT_DIR.parent / "shared" / "benchmarks"


def load_scorer(path: Path):
    spec = importlib.util.spec_from_file_location("aeb_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(folder: Path) -> dict[str, str]:
    options = ExtractOptions()
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        meta_path = path.with_name(path.stem + ".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        page = Page(source_url=path.as_uri(), body=path.read_bytes(), kind_hint="text",
                    known=KnownMetadata(url=meta.get("url")))
        try:
            out[path.stem] = extract_article(page, options).text
        except PageProblem:
            out[path.stem] = ""
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path, default=BENCHMARKS / "aeb-dev-text")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "output" / "score_text.jsonl")
    ap.add_argument("--scorer", type=Path, default=BENCHMARKS / "aeb_score.py")
    ap.add_argument("--worst", type=int, default=10, help="print the N worst pages (0: none)")
    args = ap.parse_args(argv)

    started = time.perf_counter()
    pred = predict(args.folder)
    elapsed = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for page_id, text in pred.items():
            f.write(json.dumps({"id": page_id, "articleBody": text}, ensure_ascii=False) + "\n")
    scorer = load_scorer(args.scorer)
    scorer.main(["--gt", str(args.folder / "ground-truth.json"), str(args.out)])
    print(f"{len(pred)} pages in {elapsed:.2f} s ({len(pred) / elapsed:.1f} pages/s); predictions: {args.out}")
    if args.worst:
        truth = scorer.load_truth(args.folder / "ground-truth.json")
        scores = {i: scorer.score_page(truth[i], pred.get(i)) for i in truth}
        print(f"worst {args.worst} by F1:  id  F1  precision  recall")
        for page_id, s in sorted(scores.items(), key=lambda kv: kv[1].f1)[:args.worst]:
            p = "-" if s.precision is None else f"{s.precision:.3f}"
            r = "-" if s.recall is None else f"{s.recall:.3f}"
            print(f"  {page_id[:16]}  {s.f1:.3f}  {p}  {r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
