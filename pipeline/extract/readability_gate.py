"""trafilatura without the readability pass whose result it would throw away.

trafilatura (2.3.1, pinned) runs readability on every page (``external.compare_extraction``)
and keeps its text only in the cases ``external._prefer_readability`` lists: the own text is
empty, readability's is more than twice as long, or the own body is structurally deficient (no
``<p>`` text, or more tables than ``<p>``) and readability's text is over twice
``MIN_EXTRACTED_SIZE``; in recall mode also when it is 1.5 times as long, or longer with
headings the own body lacks. Readability's text is cut from the page it reads, so that page's
text length bounds it: when even the bound fails every one of those tests, readability cannot
win and is skipped. jusText's rescue, which follows in the same function, still runs exactly as
before. The output is the one trafilatura gives (checked on the 802 dev pages of aeb-dev and
wcxb-dev: identical records); readability was about a quarter of trafilatura's time there.

There is no option for this (``fast=True`` skips jusText as well, and loses text), so the gate
replaces ``trafilatura.core._extract_and_compare`` for the duration of one call only
(``readability_when_it_can_win``): other callers in the same process, such as the benchmarks'
bare trafilatura loops, get trafilatura unchanged. It relies on private trafilatura functions;
tests/unit/extract/test_readability_gate.py pins their source, so an upgrade fails loudly there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from copy import copy

from lxml.etree import _Element, tostring
from lxml.html import HtmlElement
from trafilatura import core, external
from trafilatura.settings import Extractor

# readability's sanitize() writes this into the iframes of embedded videos: text the page lacks.
VIDEO_MARK = len(" VIDEO ")


def readability_text_bound(raw_tree: HtmlElement) -> int:
    """An upper bound of the length of readability's text on ``raw_tree``: its own text with
    whitespace collapsed as trafilatura's ``trim`` does, plus the marks readability may add."""
    text = tostring(raw_tree, method="text", encoding="unicode")
    return len(" ".join(text.split())) + VIDEO_MARK * sum(1 for _ in raw_tree.iter("iframe"))


def structurally_deficient(body: _Element) -> bool:
    """``_prefer_readability``'s test of the own body: no paragraph text, or table-dominated."""
    return not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p"))


def readability_can_win(body: _Element, len_text: int, bound: int, options: Extractor) -> bool:
    """``_prefer_readability`` with readability's text length replaced by its upper bound
    ``bound``: False only when no text of that length or shorter could be preferred."""
    if bound == 0 or len_text > 2 * bound:
        return False
    if len_text == 0 or bound > 2 * len_text:
        return True
    if options.focus == "recall" and bound > len_text:
        return True
    return bound > options.min_extracted_size * 2 and structurally_deficient(body)


def extract_and_compare_gated(cleaned_tree: HtmlElement, cleaned_tree_backup: HtmlElement, tree: HtmlElement,
                              options: Extractor) -> tuple[_Element, str]:
    """``core._extract_and_compare`` (trafilatura's own extraction, then ``compare_extraction``
    unless in fast mode), giving readability an empty page when it cannot win: an empty
    readability text is never preferred, and jusText reads ``cleaned_tree_backup``, unchanged.
    Skipping also spares the copy of the page readability would have mutated."""
    postbody, temp_text = core.extract_content(cleaned_tree, options)
    if not options.fast:
        can_win = readability_can_win(postbody, len(temp_text), readability_text_bound(tree), options)
        raw_tree = copy(tree) if can_win else HtmlElement()
        postbody, temp_text = external.compare_extraction(cleaned_tree_backup, raw_tree, postbody, temp_text, options)
    return postbody, temp_text


@contextlib.contextmanager
def readability_when_it_can_win() -> Iterator[None]:
    """trafilatura calls inside this block skip readability when it cannot win (see above)."""
    original = core._extract_and_compare
    core._extract_and_compare = extract_and_compare_gated
    try:
        yield
    finally:
        core._extract_and_compare = original
