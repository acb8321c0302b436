"""The duplicate index: which earlier record, if any, carries the same story as a new one.

A record joins an earlier record's story, in this order of evidence:

1. ``seen``: the same article URL was written before (a re-run over the same inputs, a
   refresh): the record keeps its story, and is no new story;
2. ``canonical``: its ``canonical_url`` (a canonical naming another site: how syndication is
   declared) is an earlier record's URL or canonical, or its URL is the canonical an earlier
   copy declared (the original arriving after its copy);
3. ``exact``: the same ``content_hash`` (text after NFKC, case folding, whitespace collapsing);
4. ``near``: an estimated Jaccard similarity of word 5-shingles at least ``threshold`` with an
   earlier record, found by MinHash LSH (rensa) and confirmed on the two signatures; the most
   similar one wins.

Otherwise it starts a new story. LSH is rensa's (``RMinHashLSH``), not ours: on 2,000
synthetic 500-word texts it hashed a text in 35 us against datasketch 2.0.0's 956 us, and
queried plus inserted in 5.6 against 107 us, with no scipy to import (datasketch's import took
0.67 s); measured 2026-11-29.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from rensa import RMinHash, RMinHashLSH

from pipeline.utils.url import url_key

SHINGLE_WORDS = 5
# Labelled set (bench/duplicates.py), pair precision/recall: 128 values 0.9963/0.9981, 64 values
# 0.9962/0.9962 with half the LSH memory (32 bands instead of 64 at threshold 0.5).
NUM_PERM = 64
SEED = 20261129  # part of the stored signatures: changing it orphans every persisted row
WORD = re.compile(r"\w+")
# LSH bands: the fewest (longest rows, fewest false candidates) that still make a pair at the
# threshold a candidate with at least this probability; each candidate is then confirmed.
CANDIDATE_RECALL = 0.99


def shingles(text: str) -> list[str]:
    """Word 5-shingles of the text, normalised as ``content_hash`` normalises it (NFKC, case
    folding); a text shorter than one shingle is one shingle."""
    words = WORD.findall(unicodedata.normalize("NFKC", text).casefold())
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words)] if words else []
    # Repeats are harmless to MinHash; zip is faster than slicing (143 against 233 us a text).
    return list(map(" ".join, zip(*(words[i:] for i in range(SHINGLE_WORDS)))))


def signature(text: str) -> RMinHash:
    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(shingles(text))
    return minhash


def signature_bytes(minhash: RMinHash) -> bytes:
    """rensa's own versioned serialisation (what pickle uses), for storage."""
    return minhash.__getstate__()


def signature_from_bytes(data: bytes) -> RMinHash:
    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.__setstate__(data)
    return minhash


def lsh_bands(threshold: float, num_perm: int = NUM_PERM) -> int:
    """Bands for ``threshold``: rows per band as many as possible while a pair whose
    similarity is exactly the threshold still shares a band with probability
    ``CANDIDATE_RECALL`` (1 - (1 - t^r)^b)."""
    best = num_perm  # one row per band: every shared value makes a candidate
    for rows in range(1, num_perm + 1):
        if num_perm % rows:
            continue
        bands = num_perm // rows
        if 1 - (1 - threshold ** rows) ** bands >= CANDIDATE_RECALL:
            best = bands
    return best


def story_id_for(first_url: str) -> str:
    """Stable id of a story: derived from the URL of its first record."""
    return hashlib.blake2b(url_key(first_url).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class StoryRow:
    """One written record as the index keeps it (and a storage backend stores it)."""

    url: str
    canonical_url: str | None
    content_hash: str
    story_id: str
    first_url: str  # url of the story's first record
    signature: RMinHash
    written_at: str | None = None  # ISO 8601 UTC; None for rows stored before it was kept


class Match(NamedTuple):
    story_id: str
    duplicate_of: str | None  # first record's url, or None when this record is the first
    evidence: str  # new, seen, canonical, exact, near
    similarity: float | None = None  # estimated Jaccard, for ``near``


class StoryIndex:
    """In memory: URL keys, content hashes and MinHash LSH of every record written so far."""

    def __init__(self, threshold: float):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold {threshold!r}: expected a number in (0, 1]")
        self.threshold = threshold
        self.lsh = RMinHashLSH(threshold=threshold, num_perm=NUM_PERM, num_bands=lsh_bands(threshold))
        self.rows: list[StoryRow] = []
        self.by_url: dict[str, int] = {}  # url key -> row
        self.by_canonical: dict[str, int] = {}  # key of a declared cross-site canonical -> row
        self.by_hash: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def load(self, rows: Iterable[StoryRow]) -> None:
        for row in rows:
            self.add(row)

    def match(self, url: str, canonical_url: str | None, content_hash: str, minhash: RMinHash) -> Match:
        key = url_key(url)
        canonical = url_key(canonical_url) if canonical_url else None
        for evidence, position in (
                ("seen", self.by_url.get(key)),
                ("canonical", self.by_canonical.get(key)),
                ("canonical", self.by_url.get(canonical) if canonical else None),
                ("canonical", self.by_canonical.get(canonical) if canonical else None),
                ("exact", self.by_hash.get(content_hash))):
            if position is not None:
                return self._join(self.rows[position], url, evidence)
        best, best_similarity = None, 0.0
        for position in self.lsh.query(minhash):
            similarity = minhash.jaccard(self.rows[position].signature)
            if similarity >= self.threshold and (similarity > best_similarity or
                                                 similarity == best_similarity and position < best):
                best, best_similarity = position, similarity
        if best is not None:
            return self._join(self.rows[best], url, "near", best_similarity)
        return Match(story_id_for(url), None, "new")

    @staticmethod
    def _join(row: StoryRow, url: str, evidence: str, similarity: float | None = None) -> Match:
        first = row.first_url if url_key(row.first_url) != url_key(url) else None
        return Match(row.story_id, first, evidence, similarity)

    def add(self, row: StoryRow) -> None:
        """Index a written record. A URL already indexed keeps its first row (its story)."""
        position = len(self.rows)
        self.rows.append(row)
        self.lsh.insert(position, row.signature)
        self.by_url.setdefault(url_key(row.url), position)
        if row.canonical_url:
            self.by_canonical.setdefault(url_key(row.canonical_url), position)
        self.by_hash.setdefault(row.content_hash, position)
