"""Features of a text capture's lines for the learned keep/drop decision (``NEWSCLEAN_TEXT_LINE_MODEL``).

The rules of ``pipeline.extract.text.capture`` run first: named rules claim noise, the main run
of prose is chosen. The model then decides, for each line no rule claimed, whether it is article
text; it sees what the rules decided (inside the run, kept by them), the line's own shape and its
neighbours'. Nothing here names a site or a page: every feature is a count, a ratio or a flag of
the line's shape or position.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.extract import rules
from pipeline.extract.byline import BYLINE
from pipeline.extract.text.lines import (
    BARE_MARKER,
    SENTENCE_END,
    TRUNCATED,
    Line,
    body_of,
    is_cjk,
    is_heading_like,
    is_lede,
    is_menu_like,
    is_prose,
)

if TYPE_CHECKING:
    from pipeline.extract.model import TreeModel

# The shipped model, retrained by ``make models`` (``bench/train_text_lines.py``).
MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "text-lines.json"

# The model decides the lines of the main run and of this many lines on either side: each
# candidate costs about 60 us (features and trees, pure Python), and a capture has ~200 unclaimed
# lines (dev sets' mean), most far from the article.
MODEL_REACH = 10
# Distances (in lines) past this say nothing more than "far".
FAR = 50
NEIGHBOURHOOD = 3  # lines each side counted for the claimed / prose share around a line
WEB_MARKS = ("http", "www.", "@", ".com")
# Character classes counted with regular expressions: a Python loop over every character of
# every candidate line cost more than the rest of the features together.
LETTER = re.compile(r"[^\W\d_]")
DIGIT = re.compile(r"\d")
PUNCTUATION = re.compile(r"[^\w\s]")
LETTER_WORD = re.compile(r"\w*[^\W\d_]\w*")  # a word with a letter in it

FEATURE_NAMES = (
    "rule_keep", "inside_run", "from_run_start", "from_run_end", "relative_position", "run_share",
    "page_lines", "words", "chars", "prose", "heading_like", "lede", "menu_like", "bare_marker",
    "list_marker", "gap_before", "gap_after", "sentence_end", "ends_colon", "ends_question",
    "truncated", "digit_ratio", "upper_ratio", "punct_ratio", "comma_count", "title_case_share",
    "cjk", "has_anchor", "from_anchor", "repeated", "web_mark", "claimed_near", "prose_near",
    "prev_words", "prev_prose", "prev_claimed", "prev_inside",
    "next_words", "next_prose", "next_claimed", "next_inside",
    "letter_words", "date_like", "byline_like",
)


def _clip(value: int) -> int:
    return max(-FAR, min(FAR, value))


def line_rows(lines: list[Line], start: int, end: int, anchor: int | None,
              rule_keep: list[bool], candidates: list[int]) -> list[list[float]]:
    """One row of ``FEATURE_NAMES`` per index in ``candidates`` (lines no rule claimed).

    ``[start, end)`` is the main run, ``anchor`` the first paragraph under the headline (or
    ``None``), ``rule_keep[i]`` whether the rules alone keep line ``i``.
    """
    n = len(lines)
    if not candidates:
        return []
    # shapes of the candidates and their neighbours only: the rest of the page is not looked at
    first, last = max(0, candidates[0] - NEIGHBOURHOOD), min(n, candidates[-1] + NEIGHBOURHOOD + 1)
    prose = [False] * n
    for line in lines[first:last]:
        prose[line.index] = is_prose(line.text)
    claimed = [line.noise_class is not None for line in lines]
    seen: set[str] = set()
    repeated = [False] * n
    for line in lines:
        repeated[line.index] = line.text in seen
        seen.add(line.text)
    rows = []
    for i in candidates:
        line = lines[i]
        text = line.text
        chars = len(text)
        letters = len(LETTER.findall(text))
        words = text.split()
        lo, hi = max(0, i - NEIGHBOURHOOD), min(n, i + NEIGHBOURHOOD + 1)
        prev, nxt = lines[i - 1] if i > 0 else None, lines[i + 1] if i + 1 < n else None
        rows.append([
            float(rule_keep[i]), float(start <= i < end), _clip(i - start), _clip(i - (end - 1)),
            i / n, (end - start) / n, min(n, 2000), min(len(words), 300), min(chars, 3000),
            float(prose[i]), float(is_heading_like(text)), float(is_lede(text)),
            float(is_menu_like(line, lines)), float(bool(BARE_MARKER.match(text))),
            float(body_of(text) != text), float(line.gap_before), float(line.gap_after),
            float(bool(SENTENCE_END.search(text))), float(text.endswith((":", "："))),
            float(text.endswith(("?", "？"))), float(bool(TRUNCATED.search(text))),
            len(DIGIT.findall(text)) / chars,
            # upper-case letters: where the text and its lower case differ (map runs in C)
            sum(map(str.__ne__, text, text.lower())) / letters if letters else 0.0,
            len(PUNCTUATION.findall(text)) / chars, min(text.count(","), 50),
            sum(w[0].isupper() for w in words) / len(words), float(is_cjk(text)),
            float(anchor is not None), _clip(i - anchor) if anchor is not None else FAR,
            float(repeated[i]), float(any(mark in text for mark in WEB_MARKS)),
            sum(claimed[lo:hi]) - claimed[i], sum(prose[lo:hi]) - prose[i],
            min(prev.words, 300) if prev else -1, float(prose[i - 1]) if prev else -1,
            float(claimed[i - 1]) if prev else -1, float(start <= i - 1 < end) if prev else -1,
            min(nxt.words, 300) if nxt else -1, float(prose[i + 1]) if nxt else -1,
            float(claimed[i + 1]) if nxt else -1, float(start <= i + 1 < end) if nxt else -1,
            min(len(LETTER_WORD.findall(text)), 300),
            float(bool(rules.STAMP_DATE.match(body_of(text)))), float(bool(BYLINE.match(body_of(text)))),
        ])
    return rows


def model_keeps_line(model: TreeModel, row: list[float]) -> bool:
    """A line the rules keep (``row[0]``) stays unless its probability is under the model's
    ``drop_threshold``; a line they drop is kept from the model's ``threshold`` up."""
    threshold = model.meta.get("drop_threshold", model.threshold) if row[0] else model.threshold
    return model.probability(row) >= threshold


@cache
def shipped_line_model() -> TreeModel:
    """The shipped text line model, loaded once per process (the forkserver's workers share it)."""
    from pipeline.extract.model import TreeModel

    model = TreeModel.load(MODEL_PATH)
    if tuple(model.feature_names) != FEATURE_NAMES:
        raise ValueError(f"{MODEL_PATH} was trained on other features: retrain it with `make models`")
    return model
