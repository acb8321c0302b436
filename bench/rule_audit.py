#!/usr/bin/env python3
"""Per rule, how many of the lines it removed are in the ground truth (a wrong removal) and how
many are not, over a whole aeb-style text folder; and how many kept lines are not in the truth.

A line counts as "in the truth" when its words occur, in order, in the page's true body (as in
``bench/show_text.py``). For tuning, not for tests.

usage: .venv/bin/python bench/rule_audit.py [DIR] [--rule NAME]  (--rule lists that rule's lines)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from pipeline.extract.text.capture import clean_text_capture  # noqa: E402

sys.path.insert(0, str(PROJECT_DIR / "bench"))
from cv_text import assign_folds, registrable_domain  # noqa: E402

WORD = re.compile(r"\w+")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", type=Path,
                    default=PROJECT_DIR.parent / "shared" / "benchmarks" / "aeb-dev-text")
    ap.add_argument("--rule", help="list the lines this rule removed (or 'kept')")
    ap.add_argument("--holdout", type=int, help="leave out this fold of bench/cv_text.py (kept unread)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--pattern", help="a candidate rule: list every line it would match (case-insensitive)")
    ap.add_argument("--max-words", type=int, default=40, help="with --pattern: longer lines do not match")
    args = ap.parse_args(argv)
    truth_all = json.loads((args.folder / "ground-truth.json").read_text(encoding="utf-8"))
    good, bad, words_bad = Counter(), Counter(), Counter()
    metas = {path.stem: json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
             for path in args.folder.glob("*.txt")}
    fold_of = assign_folds({i: registrable_domain(m.get("url", "")) for i, m in metas.items()}, args.folds)
    for path in sorted(args.folder.glob("*.txt")):
        if fold_of[path.stem] == args.holdout:
            continue
        meta = metas[path.stem]
        truth = " ".join(WORD.findall(truth_all[path.stem]["articleBody"]))
        text = path.read_text(encoding="utf-8")
        result = clean_text_capture(text, url=meta.get("url"))
        lines = [" ".join(raw.split()) for raw in text.splitlines() if raw.strip()]
        for line, decision in zip(lines, result.trace):
            words = " ".join(WORD.findall(line))
            in_truth = bool(words) and f" {words} " in f" {truth} "
            if args.pattern:
                if len(line.split()) <= args.max_words and re.search(args.pattern, line, re.IGNORECASE):
                    print(f"{'TRUTH' if in_truth else 'noise'} {'kept' if decision is None else decision[0]:<18} "
                          f"{path.stem[:8]} | {line[:130]}")
                continue
            name = "kept" if decision is None else decision[0]
            # for a removal, "bad" means the line was in the truth; for "kept", that it was not
            wrong = in_truth if decision is not None else not in_truth
            (bad if wrong else good)[name] += 1
            if wrong:
                words_bad[name] += len(words.split())
            if args.rule == name and (wrong or args.rule != "kept"):
                print(f"{'WRONG' if wrong else 'ok   '} {path.stem[:10]} {meta.get('url', '')[:40]:<40} | {line[:140]}")
    if args.rule or args.pattern:
        return 0
    print(f"{'rule':<28} {'right':>6} {'wrong':>6} {'wrong words':>11}")
    for name in sorted(set(good) | set(bad), key=lambda n: -words_bad[n]):
        print(f"{name:<28} {good[name]:>6} {bad[name]:>6} {words_bad[name]:>11}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
