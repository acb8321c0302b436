"""Post-clean shared by both input kinds: named rules over extracted paragraphs, then
normalisation. For HTML this runs on trafilatura's paragraphs; text captures get the same
rules inside ``pipeline.extract.text.capture`` plus the structural ones only a capture needs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

from pipeline.extract import rules
from pipeline.extract.byline import parse_byline
from pipeline.extract.text.capture import Line, mark_feeds, mark_line_rules, mark_tables_of_contents

WORD = re.compile(r"\w+")


def clean_paragraphs(paragraphs: list[str]) -> tuple[list[str], Counter[str], list[tuple[str, str, str]]]:
    """``(kept, removed counts per class, removed (rule, class, text))`` for extracted paragraphs.

    Every paragraph is its own block (as if blank lines stood between them), so feed items
    and line rules are found the same way as in a text capture. Repeated paragraphs are kept
    (recipe, meal-plan and product lists repeat lines, and their ground truths keep them),
    except a second copy of the text itself (``mark_restarted_copy``).
    """
    lines = [Line(i, " ".join(p.split()), gap_before=True, gap_after=True)
             for i, p in enumerate(p for p in paragraphs if p.strip())]
    mark_restarted_copy(lines)
    mark_feeds(lines)
    mark_line_rules(lines, rules.HTML_LINE_RULES)
    mark_bylines(lines)
    mark_author_box(lines)
    mark_tables_of_contents(lines)
    kept: list[str] = []
    removed: Counter[str] = Counter()
    removed_lines: list[tuple[str, str, str]] = []
    for line in lines:
        if line.noise_class:
            removed[line.noise_class] += 1
            removed_lines.append((line.rule or "", line.noise_class, line.text))
            continue
        kept.append(line.text)
    return kept, removed, removed_lines


def mark_bylines(lines: list[Line]) -> None:
    """A line that is only a byline ("By Jane Doe", "Written by John Roe, May 2, 2025").

    The record's authors come from the page's metadata and byline elements, so the line is noise
    in the body wherever it stands (top, or an author box at the end). A name of one word is a
    heading ("By Audience", "By Function"), not a byline. Text captures read the byline under
    their headline themselves (``pipeline.extract.text.header``) and do not call this.
    """
    for line in lines:
        if line.noise_class is None:
            parsed = parse_byline(line.text)
            if parsed and any(" " in author for author in parsed[0]):
                line.mark("byline")


# An author box is a name, a title and a short bio: more lines under its heading are the
# article going on (a book review's "About the author" section, say).
AUTHOR_BOX_MAX_LINES = 15


def mark_author_box(lines: list[Line]) -> None:
    """From an "About the author" heading in the second half of the body to the end, when at most
    AUTHOR_BOX_MAX_LINES lines follow it: the box templates print under the article."""
    for line in lines[len(lines) // 2:]:
        if line.noise_class is None and rules.AUTHOR_BOX_HEADING.match(line.text):
            if len(lines) - line.index - 1 <= AUTHOR_BOX_MAX_LINES:
                line.mark("author_bio_heading")
                for after in lines[line.index + 1:]:
                    if after.noise_class is None:
                        after.mark("author_box")
            return


# A template that prints the article twice or three times (JSON-LD, AMP or print copies beside
# the page's) gives trafilatura's wider extraction the same prose again, in the same order. A
# repeat counts as a copy when a run of at least RESTART_MIN_RUN prose paragraphs (at least
# RESTART_PROSE_WORDS words each) comes back in order and holds at least RESTART_MIN_SHARE of
# the prose before it. Lists whose items repeat (meal plans, product boxes) repeat a few short
# runs among other lines and stay. Site-grouped folds over aeb-dev + wcxb-dev: 3 pages cut, each
# up +0.33 to +0.49 F1; no page down, with a run of 2 or 3, 8 or 12 words, share 0.5 or 0.8.
RESTART_PROSE_WORDS = 12
RESTART_MIN_RUN = 3
RESTART_MIN_SHARE = 0.5


def restart_index(texts: list[str]) -> int | None:
    """Index in ``texts`` where a second copy of the text begins, or ``None``."""
    prose = [j for j, text in enumerate(texts) if len(text.split()) >= RESTART_PROSE_WORDS]
    seq = [texts[j] for j in prose]
    first_seen: dict[str, int] = {}
    for n, text in enumerate(seq):
        m = first_seen.setdefault(text, n)
        if m == n:
            continue
        run = 0
        while n + run < len(seq) and m + run < n and seq[n + run] == seq[m + run]:
            run += 1
        if run >= RESTART_MIN_RUN and sum(map(len, seq[m:m + run])) >= RESTART_MIN_SHARE * sum(map(len, seq[:n])):
            return prose[n]
    return None


def mark_restarted_copy(lines: list[Line]) -> None:
    """Everything from where the text starts over (``restart_index``) is rule ``restarted_copy``."""
    start = restart_index([line.text for line in lines])
    if start is not None:
        for line in lines[start:]:
            line.mark("restarted_copy")


def normalize_text(paragraphs: list[str]) -> str:
    """The record's ``text``: NFC, one paragraph per line, inner whitespace collapsed. Collapsed by
    ``str.split``, whose whitespace is ``re``'s ``\\s`` (every code point agrees:
    tests/unit/extract/test_paragraphs.py), in a third of the time of ``re.sub(r"\\s+", " ", ...)``
    and ``strip`` (0.06 against 0.18 ms an aeb-dev page)."""
    return "\n".join(unicodedata.normalize("NFC", " ".join(p.split())) for p in paragraphs if p.strip())


def content_hash(text: str) -> str:
    """Hash of the text with case, Unicode compatibility forms and whitespace normalised away,
    so the same story re-fetched with cosmetic differences hashes the same."""
    canonical = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Text that is no language at all: one or two letters repeated ("AAAA..."), or one token (a blob
# with no spaces) holding most of it. A record of either is junk, not a short article.
PROSE_MIN_DISTINCT_LETTERS = 3
JUNK_TOKEN_MIN_CHARS = 200
LETTER = re.compile(r"[^\W\d_]")


def has_distinct_letters(text: str, needed: int) -> bool:
    """Whether ``text`` (case folded) holds ``needed`` different letters; stops at the letter
    that makes them (a record's text has them in its first words: listing every letter of it
    took 0.3 ms a page)."""
    seen: set[str] = set()
    for match in LETTER.finditer(text.casefold()):
        seen.add(match.group())
        if len(seen) >= needed:
            return True
    return False


def not_prose(text: str) -> str | None:
    """Why ``text`` is not prose, or ``None`` when it may be."""
    if not has_distinct_letters(text, PROSE_MIN_DISTINCT_LETTERS):
        return f"fewer than {PROSE_MIN_DISTINCT_LETTERS} different letters"
    longest = len(token_at_middle(text))
    if longest >= JUNK_TOKEN_MIN_CHARS and longest * 2 > len(text):
        return f"one token of {longest} characters is most of the text"
    return None


def token_at_middle(text: str) -> str:
    """The whitespace-delimited token that holds ``text``'s middle character ("" when that is a
    space). A token longer than half the text holds the middle, so it is the longest token
    whenever that one is most of the text, without splitting the whole text (0.06 ms a page)."""
    middle = len(text) // 2
    if middle == len(text) or text[middle].isspace():
        return ""
    # rsplit and split with one cut stop at the whitespace nearest the middle, in C: walking
    # there character by character took 0.8 s for a 5 MB token
    head = text[:middle + 1].rsplit(None, 1)[-1]
    tail = text[middle + 1:middle + 2]
    if not tail or tail.isspace():
        return head
    return head + text[middle + 1:].split(None, 1)[0]


def word_count(text: str) -> int:
    return len(WORD.findall(text))
