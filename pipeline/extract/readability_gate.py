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

The same bound spares the page measure of trafilatura's recall escalation: a text under 3,000
characters is retried when it is under a fifth of ``html2txt(tree)``, the page's text without
its furniture, spaced at block boundaries (about 1 ms a call, on 36 of 91 aeb-dev pages).
That text is never longer than the tree's collapsed text plus two spaces per block element, so
when the text is a fifth of that bound the escalation cannot run, and ``page_measure_when_needed``
answers "" (which fails the same test) instead of measuring: 33 of those 36 measures skipped,
56 of 72 on wcxb-dev, the same records on all 802 dev pages.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass

from lxml.etree import _Element, tostring
from lxml.html import HtmlElement
from trafilatura import core, external
from trafilatura.settings import Extractor

# The module (``trafilatura.baseline`` is also the name of its function, which the package exports).
baseline = importlib.import_module("trafilatura.baseline")

# readability's sanitize() writes this into the iframes of embedded videos: text the page lacks.
VIDEO_MARK = len(" VIDEO ")


def collapsed_text_length(raw_tree: HtmlElement) -> int:
    """The length of ``raw_tree``'s text with whitespace collapsed as trafilatura's ``trim`` does."""
    return len(" ".join(tostring(raw_tree, method="text", encoding="unicode").split()))


def readability_text_bound(raw_tree: HtmlElement, text_length: int | None = None) -> int:
    """An upper bound of the length of readability's text on ``raw_tree``: its own text with
    whitespace collapsed (``text_length``, when the caller has it), plus the marks readability
    may add."""
    if text_length is None:
        text_length = collapsed_text_length(raw_tree)
    return text_length + VIDEO_MARK * sum(1 for _ in raw_tree.iter("iframe"))


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
    global _measured
    postbody, temp_text = core.extract_content(cleaned_tree, options)
    if not options.fast:
        text_length = collapsed_text_length(tree)
        can_win = readability_can_win(postbody, len(temp_text), readability_text_bound(tree, text_length), options)
        raw_tree = copy(tree) if can_win else HtmlElement()
        postbody, temp_text = external.compare_extraction(cleaned_tree_backup, raw_tree, postbody, temp_text, options)
        _measured = Measured(tree, text_length, len(temp_text), options.min_extracted_size)
    return postbody, temp_text


@dataclass
class Measured:
    """What the gate knows when ``trafilatura_sequence`` goes on to its page measure: the tree
    (unchanged since: readability read a copy), its collapsed text length, and the length of the
    text so far, which baseline replaces only under ``min_extracted_size``."""

    tree: HtmlElement
    text_length: int
    extracted: int
    min_extracted_size: int


_measured: Measured | None = None  # set by extract_and_compare_gated inside readability_when_it_can_win


def html2txt_bound(measured: Measured) -> int:
    """An upper bound of ``len(html2txt(measured.tree))``: ``basic_cleaning`` only deletes
    elements (tails kept in place), deletions never lengthen a collapsed text, the body's text
    is part of the tree's, and ``_spaced_text`` puts a space before the text and the tail of
    each block element (at most one character more each, once collapsed; the control characters
    it removes only shorten it)."""
    return measured.text_length + 2 * sum(1 for _ in measured.tree.iter(*baseline._BLOCK_ELEMS))


def page_measure_when_needed(content: HtmlElement, clean: bool = True) -> str:
    """``html2txt`` for ``trafilatura_sequence``'s escalation test (``len(temp_text) <
    ESCALATION_PAGE_SHARE * len(html2txt(tree))``, its only use there): "" when the text so far
    is at least that share of ``html2txt_bound``, so the test fails as it would have; the real
    page text otherwise."""
    measured = _measured
    if (measured is not None and content is measured.tree and clean
            and measured.extracted >= measured.min_extracted_size
            and measured.extracted >= core.ESCALATION_PAGE_SHARE * html2txt_bound(measured)):
        return ""
    return baseline.html2txt(content, clean)


@contextlib.contextmanager
def readability_when_it_can_win() -> Iterator[None]:
    """trafilatura calls inside this block skip readability when it cannot win, and the page
    measure when the escalation cannot run (see above)."""
    global _measured
    original, original_measure = core._extract_and_compare, core.html2txt
    core._extract_and_compare, core.html2txt = extract_and_compare_gated, page_measure_when_needed
    _measured = None
    try:
        yield
    finally:
        core._extract_and_compare, core.html2txt = original, original_measure
        _measured = None


# The cleaned trees whose copy jusText has not asked for yet: id(placeholder) -> (placeholder,
# the raw tree it stands for, the options it was cleaned with); emptied when the block ends.
_uncopied: dict[int, tuple[HtmlElement, HtmlElement, Extractor]] = {}


def prepare_tree_copy_on_demand(tree: HtmlElement, options: Extractor,
                                url: str | None) -> tuple[HtmlElement, HtmlElement]:
    """``core._prepare_tree`` (clean a copy of the raw tree, convert its tags, and keep a copy of
    the cleaned tree for ``compare_extraction``'s jusText rescue), except that the kept copy is a
    placeholder: ``justext_rescue_on_demand`` cleans the raw tree again when jusText runs, which
    gives the same tree (the raw tree is not changed after this: readability reads a copy of it).
    jusText runs on few pages (none of aeb-dev's 91), and never in fast mode; with comments
    (which read the copy too) this is ``_prepare_tree`` itself."""
    if options.comments:
        return _prepare_tree(tree, options, url)
    placeholder = HtmlElement()
    _uncopied[id(placeholder)] = (placeholder, tree, options)
    return core.convert_tags(core.tree_cleaning(copy(tree), options), options, url), placeholder


def justext_rescue_on_demand(cleaned_tree: HtmlElement, options: Extractor) -> tuple[_Element, str]:
    """``external.justext_rescue`` on the cleaned tree that a placeholder stands for."""
    uncopied = _uncopied.get(id(cleaned_tree))
    if uncopied is not None and uncopied[0] is cleaned_tree:
        _, raw_tree, prepared_with = uncopied
        cleaned_tree = core.tree_cleaning(copy(raw_tree), prepared_with)
    return _justext_rescue(cleaned_tree, options)


_prepare_tree, _justext_rescue = core._prepare_tree, external.justext_rescue


@contextlib.contextmanager
def cleaned_copy_on_demand() -> Iterator[None]:
    """trafilatura calls inside this block copy a cleaned tree for jusText only when jusText runs
    (about 0.09 ms a copy on aeb-dev; a second cleaning, about 0.37 ms, when it does)."""
    core._prepare_tree, external.justext_rescue = prepare_tree_copy_on_demand, justext_rescue_on_demand
    try:
        yield
    finally:
        core._prepare_tree, external.justext_rescue = _prepare_tree, _justext_rescue
        _uncopied.clear()
