"""Cost of the story index (pipeline/stories/): time per record at 1k and 100k records in the
index, memory of the index per 100k records, and loading it back from the SQLite state.

    .venv/bin/python bench/story_index.py                  # sizes 1,000 and 100,000
    .venv/bin/python bench/story_index.py --sizes 1000,10000,100000 --probe 2000

Synthetic texts (Zipf-distributed words over a 30,000-word vocabulary, 300-700 words; one text
in ten a copy of an earlier one with a paragraph cut and words changed, so LSH finds real
candidates). For each size N: the index is filled with N records, then ``--probe`` more records
are timed through what the pipeline does per record (shingles, MinHash signature, ``match``,
``add``; plus ``content_hash``, which the extraction workers compute); the reference is the same
step timed at the smallest size in the same run, printed as a ratio of wall and of CPU time
(flat cost: near 1; on a shared machine trust the CPU ratio). Memory is the process's resident set (``/proc/self/statm``:
rensa's signatures and LSH live outside Python's allocator) before and after filling, scaled
to 100k. Then the rows are written to a SQLite file as the pipeline stores them and timed
loading back. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.extract.paragraphs import content_hash
from pipeline.stories.index import StoryIndex, StoryRow, signature
from pipeline.stories.sqlite import SqliteStoryRows

VOCABULARY = 30_000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Texts:
    def __init__(self, seed: int = 1):
        self.rng = np.random.default_rng(seed)
        self.words = np.array([f"w{i}" for i in range(VOCABULARY)])
        self.made: list[str] = []

    def next(self) -> str:
        if self.made and self.rng.random() < 0.1:  # a copy with edits
            paragraphs = self.made[int(self.rng.integers(len(self.made)))].split("\n")
            if len(paragraphs) > 2:
                del paragraphs[int(self.rng.integers(len(paragraphs)))]
            words = "\n".join(paragraphs).split(" ")
            for i in self.rng.integers(len(words), size=5):
                words[i] = str(self.words[int(self.rng.integers(VOCABULARY))])
            text = " ".join(words)
        else:
            n = int(self.rng.integers(300, 700))
            ids = np.minimum(self.rng.zipf(1.2, size=n), VOCABULARY) - 1
            tokens = self.words[ids]
            text = "\n".join(" ".join(tokens[i:i + 60]) for i in range(0, n, 60))
        if len(self.made) < 20_000:
            self.made.append(text)
        return text


def step(index: StoryIndex, text: str, n: int) -> None:
    """What StoryPipeline.process_item does for one record."""
    url = f"https://site{n % 50}.example/news/{n}"
    chash = content_hash(text)
    minhash = signature(text)
    match = index.match(url, None, chash, minhash)
    index.add(StoryRow(url, None, chash, match.story_id, match.duplicate_of or url, minhash))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--probe", type=int, default=2000, help="records timed at each size")
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    texts = Texts()
    pool = [texts.next() for _ in range(sizes[-1] + args.probe * len(sizes))]
    before = rss_mb()
    index = StoryIndex(args.threshold)
    n, reference = 0, None
    print(f"threshold {args.threshold}, {args.probe} records timed at each size")
    for size in sizes:
        fill_start = time.perf_counter()
        while len(index) < size:
            step(index, pool[n], n)
            n += 1
        fill = time.perf_counter() - fill_start
        memory = rss_mb() - before
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.probe):
            step(index, pool[n], n)
            n += 1
        per_record = (time.perf_counter() - start) / args.probe * 1e6
        cpu_per_record = (time.process_time() - cpu) / args.probe * 1e6
        reference = reference or (per_record, cpu_per_record)
        print(f"{size:>9,} records in the index: {per_record:7.1f} us/record wall, {cpu_per_record:.1f} CPU "
              f"(x{per_record / reference[0]:.2f} / x{cpu_per_record / reference[1]:.2f} of the {sizes[0]:,} "
              f"figures); index RSS +{memory:.1f} MB "
              f"(= {memory / size * 100_000:.0f} MB per 100k); filled in {fill:.1f} s")

    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "state.sqlite")
        rows = SqliteStoryRows(db, "bench")
        start = time.perf_counter()
        rows.add(index.rows)
        rows.commit()
        written = time.perf_counter() - start
        size_mb = (Path(tmp) / "state.sqlite").stat().st_size / 2**20
        loaded = StoryIndex(args.threshold)
        start = time.perf_counter()
        loaded.load(rows.load())
        load = time.perf_counter() - start
        print(f"SQLite: {len(index):,} rows written in {written:.1f} s, {size_mb:.0f} MB on disk "
              f"({size_mb / len(index) * 100_000:.0f} MB per 100k); loaded back into an index in {load:.1f} s")


if __name__ == "__main__":
    main()
