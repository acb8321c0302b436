#!/usr/bin/env python3
"""Show how the text cleaner classified each line of one capture, beside the ground truth.

Each line prints as ``<in truth?> <kept?> <rule/class> | text``: ``T`` when the line's words occur
in the page's ground-truth body, ``+`` when the cleaner kept it. For tuning, not for tests.

usage: .venv/bin/python bench/show_text.py ID-PREFIX [DIR]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from pipeline.extract.text.capture import clean_text_capture  # noqa: E402

WORD = re.compile(r"\w+")


def main(argv: list[str]) -> int:
    prefix = argv[0]
    folder = Path(argv[1]) if len(argv) > 1 else PROJECT_DIR.parent / "shared" / "benchmarks" / "aeb-dev-text"
    path = next(folder.glob(prefix + "*.txt"))
    meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))[path.stem]["articleBody"]
    truth_words = " ".join(WORD.findall(truth))
    text = path.read_text(encoding="utf-8")
    result = clean_text_capture(text, url=meta.get("url"))
    trace = iter(result.trace)  # one entry per non-blank line, in page order
    print(f"# {path.name} {meta.get('url')}\n# title={result.title!r} authors={result.authors} "
          f"published={result.published}")
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            print()
            continue
        words = " ".join(WORD.findall(line))
        in_truth = "T" if words and words in truth_words else " "
        decision = next(trace)
        mark, label = ("+", "") if decision is None else (" ", "/".join(decision))
        print(f"{in_truth}{mark} {label[:34]:<34}| {line[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
