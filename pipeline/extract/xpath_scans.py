"""trafilatura's whole-page XPath expressions, asked in one Python pass over the tree.

For every extraction trafilatura (2.3.1, pinned) runs XPath expressions over the whole tree:
``RAW_TREE_PRUNE_XPATH`` (infinite-scroll containers, share buttons),
``REMOVE_COMMENTS_AND_LISTS_XPATH`` (comment sections), ``OVERALL_DISCARD_XPATH`` (its
class/id/style vocabulary of page furniture) and ``BODY_XPATH`` (where the article is). libxml2
walks every node for each of them, and every ``re:test`` is a call back into Python: together
about a third of trafilatura's time on a pre-cleaned page. Each class here answers for one
expression with the same elements in the same (document) order, reading each element's
attributes once, with the regular expressions of ``trafilatura.xpaths`` (so the vocabulary stays
trafilatura's); a ``(...)[1]`` expression stops at its first match.

Exact XPath semantics kept: ``.//*`` is the descendants of the context element, not itself;
``.//*[...][1]`` the first match among each element's children; a missing attribute tests as
the empty string; ``re:test(@id|@class, ...)`` tests the first of the two attributes in the
source's order (libxml2 keeps attributes in document order, and lxml's ``re:test`` takes the
first node of a node-set); ``re:test`` is Python's ``re.search`` (``'i'``: ignoring case).

``scanned_xpaths`` swaps them into trafilatura's lists for the duration of one call (as
``readability_gate`` does), so other callers in the process (the benchmarks' bare trafilatura
loops) run trafilatura unchanged. tests/unit/extract/test_xpath_scans.py pins the expressions'
source and the code that asks them, so an upgrade of trafilatura fails loudly there, and
compares each scan with its XPath on random trees and on pages.
"""

from __future__ import annotations

import contextlib
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.etree import Element, ElementDefaultClassLookup, _Element
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlElementClassLookup,
    HtmlEntity,
    HtmlProcessingInstruction,
)
from trafilatura import settings, utils, xpaths

# The module (``trafilatura.baseline`` is also the name of its function, which the package exports).
baseline = importlib.import_module("trafilatura.baseline")

# The regular expressions of the expressions below, as trafilatura's source spells them.
OVERALL_ID = re.compile(xpaths._alt(xpaths._OVERALL_DISCARD_BOTH_TOKENS + xpaths._OVERALL_DISCARD_ID_TOKENS))
OVERALL_CLASS = re.compile(xpaths._alt(xpaths._OVERALL_DISCARD_BOTH_TOKENS + xpaths._OVERALL_DISCARD_CLASS_TOKENS))
OVERALL_TAGS = ("div", "item", "list", "p", "section", "span")
HIDDEN_ID = re.compile("reader-comments|akismet")
HIDDEN_CLASS = re.compile("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print"
                          "| hidden| hide|noprint|notloaded")
COMMENTS_ID = re.compile(f"^(?:{xpaths._COMMENTS_ID}|disqus_thread|dsq-comments)")
COMMENTS_LIST_ID = re.compile(f"^(?:{xpaths._COMMENTS_ID})")
COMMENTS_CLASS = re.compile(xpaths._COMMENTS_CLASS)
COMMENTS_TAGS = ("div", "list", "section", "details", "ol", "ul")
SCROLL = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
SCROLL_THEME = re.compile("mvp-post-add-(?:box|wrap)")
CONTAINER_TAGS = ("div", "section", "aside")
BODY_TAGS = ("article", "div", "main", "section")
ARTICLE_ID = re.compile(xpaths._alt(xpaths._ARTICLE_CONTENT_ID_TOKENS))
ARTICLE_CLASS = re.compile(xpaths._alt(xpaths._ARTICLE_CONTENT_CLASS_TOKENS))
STORY_ID = re.compile(xpaths._alt(xpaths._STORY_ID_TOKENS))
STORY_CLASS = re.compile(xpaths._alt(xpaths._STORY_CLASS_TOKENS))
FULLTEXT = re.compile("fulltext", re.IGNORECASE)  # re:test(..., 'i')
MAIN_CONTENT_ID = re.compile(xpaths._alt(xpaths._MAIN_CONTENT_ID_TOKENS))
MAIN_CONTENT_CLASS = re.compile(xpaths._alt(xpaths._MAIN_CONTENT_CLASS_TOKENS))
FURNITURE_TAGS = frozenset(("aside", "fencedframe", "footer", "script", "style", "svg", "template"))
COOKIE_CONSENT = re.compile(settings._COOKIE_CONSENT_RE, re.IGNORECASE)  # re:test(..., 'i')
# Whether an element without id and class matches the vocabulary (it does not; asked, not assumed).
OVERALL_EMPTY = OVERALL_ID.search("") is not None or OVERALL_CLASS.search("") is not None


def _first_of(element: _Element, first: str, second: str) -> str:
    """``@first|@second`` as a string: the one written first in the tag, else ''."""
    a, b = element.get(first), element.get(second)
    if a is None or b is None:
        return a if b is None and a is not None else (b or "")
    names = element.keys()
    return a if names.index(first) < names.index(second) else b


class Scan:
    """A stand-in for one compiled XPath: called with the context element, returns a list."""

    tags: tuple[Any, ...] = (Element,)

    def __init__(self, expression: Any):
        self.expression = expression  # the XPath it answers for (and the fallback)
        self.path = expression.path

    def __call__(self, tree: Any, **variables: Any) -> list[_Element]:
        if variables or not isinstance(tree, _Element):
            return self.expression(tree, **variables)
        return [element for element in tree.iterdescendants(*self.tags) if self.matches(element)]

    def matches(self, element: _Element) -> bool:
        raise NotImplementedError


class OverallVocabulary(Scan):
    """``OVERALL_DISCARD_XPATH[0]``: furniture names in a block's id or class."""

    tags = OVERALL_TAGS

    def matches(self, element: _Element) -> bool:
        get = element.get
        if (get("data-lp-replacement-content") is not None or "nav" in (get("role") or "").replace("N", "n")
                or "MostPopularStories" in (get("data-component") or "")):
            return True
        ident, classes = get("id"), get("class")
        if ident is None and classes is None:
            return OVERALL_EMPTY
        return ("cookie" in _first_of(element, "id", "class") or OVERALL_ID.search(ident or "") is not None
                or OVERALL_CLASS.search(classes or "") is not None)


class OverallHidden(Scan):
    """``OVERALL_DISCARD_XPATH[1]``: hidden elements, replies and comment titles."""

    def matches(self, element: _Element) -> bool:
        get = element.get
        ident, classes, style = get("id"), get("class"), get("style")
        if ident is None and classes is None and style is None:
            return get("aria-hidden") == "true"
        return (classes == "comments-title"
                or _first_of(element, "id", "class").startswith("reply-")
                or "hidden" in _first_of(element, "id", "style")
                or (style is not None and ("display:none" in style or "display: none" in style))
                or HIDDEN_ID.search(ident or "") is not None
                or HIDDEN_CLASS.search(classes or "") is not None
                or get("aria-hidden") == "true")


# The two expressions asked of one element: shield.py and html/panels.py take off what makes them
# select an article's element.
_OVERALL_VOCABULARY = OverallVocabulary(xpaths.OVERALL_DISCARD_XPATH[0])
_OVERALL_HIDDEN = OverallHidden(xpaths.OVERALL_DISCARD_XPATH[1])


def overall_discarded(element: _Element) -> bool:
    """Whether ``OVERALL_DISCARD_XPATH`` selects ``element`` (an lxml element, or anything with
    its ``tag``, ``get`` and ``keys``)."""
    return ((element.tag in _OVERALL_VOCABULARY.tags and _OVERALL_VOCABULARY.matches(element))
            or _OVERALL_HIDDEN.matches(element))


class CommentSections(Scan):
    """``REMOVE_COMMENTS_AND_LISTS_XPATH[0]``: comment sections, and lists named as comments."""

    tags = COMMENTS_TAGS

    def matches(self, element: _Element) -> bool:
        ident, classes = element.get("id") or "", element.get("class") or ""
        in_class = COMMENTS_CLASS.search(classes) is not None
        if not (in_class or COMMENTS_ID.search(ident)):
            return False
        return element.tag not in ("ol", "ul") or in_class or COMMENTS_LIST_ID.search(ident) is not None


class EndlessScroll(Scan):
    """``RAW_TREE_PRUNE_XPATH[0]``: infinite-scroll containers (without the page's h1)."""

    tags = CONTAINER_TAGS

    def matches(self, element: _Element) -> bool:
        ident, classes = element.get("id") or "", element.get("class") or ""
        if not (SCROLL.search(ident) or SCROLL.search(classes)):
            return False
        return (element.find(".//h1") is None
                or SCROLL_THEME.search(ident) is not None or SCROLL_THEME.search(classes) is not None)


class ShareButtons(Scan):
    """``RAW_TREE_PRUNE_XPATH[1]``: Elementor's share buttons."""

    tags = CONTAINER_TAGS

    def matches(self, element: _Element) -> bool:
        return "elementor-share-buttons" in (element.get("class") or "")


class ArticleBody(Scan):
    """``BODY_XPATH[0]``: containers named as the article's body, the first such child of each
    parent (``.//*[...][1]``)."""

    tags = BODY_TAGS

    def __call__(self, tree: Any, **variables: Any) -> list[_Element]:
        found = super().__call__(tree, **variables)
        if variables or not isinstance(tree, _Element):
            return found
        # In document order, a parent's first matching child comes before its other ones.
        parents: set[_Element] = set()
        first = []
        for element in found:
            parent = element.getparent()
            if parent not in parents:
                parents.add(parent)
                first.append(element)
        return first

    def matches(self, element: _Element) -> bool:
        get = element.get
        ident, classes = get("id"), get("class")
        return (classes in ("post", "entry") or get("itemprop") == "articleBody" or ident == "articleContent"
                or ARTICLE_ID.search(ident or "") is not None or ARTICLE_CLASS.search(classes or "") is not None)


class FirstScan(Scan):
    """An expression ``(.//*[...])[1]``: the first match in document order, the walk stops there."""

    def __call__(self, tree: Any, **variables: Any) -> list[_Element]:
        if variables or not isinstance(tree, _Element):
            return self.expression(tree, **variables)
        return next(([element] for element in tree.iterdescendants(*self.tags) if self.matches(element)), [])


class StoryBody(FirstScan):
    """``BODY_XPATH[2]``: the first container named as a story or post body."""

    tags = BODY_TAGS

    def matches(self, element: _Element) -> bool:
        get = element.get
        ident, classes = get("id"), get("class")
        if ident is None and classes is None:
            return get("role") == "article"
        return (get("role") == "article" or ident in ("article", "story")
                or classes in ("postarea", "art-postcontent", "text", "cell", "story")
                or STORY_ID.search(ident or "") is not None or FULLTEXT.search(classes or "") is not None
                or STORY_CLASS.search(classes or "") is not None)


class MainContent(FirstScan):
    """``BODY_XPATH[3]``: the first container named as the page's main content."""

    tags = BODY_TAGS

    def matches(self, element: _Element) -> bool:
        ident, classes = element.get("id") or "", element.get("class") or ""
        return (ident == "content" or classes == "content"
                or MAIN_CONTENT_ID.search(ident) is not None or MAIN_CONTENT_CLASS.search(classes) is not None
                or "main-content" in ident.replace("C", "c").replace("M", "m")
                or "main-content" in classes.replace("C", "c").replace("M", "m")
                or "page-content" in classes.replace("C", "c").replace("P", "p"))


class MainElement(Scan):
    """``BODY_XPATH[4]``: the first container whose class, id or role starts with "main", and the
    first ``<main>``, in document order."""

    tags = ("article", "div", "section", "main")

    def __call__(self, tree: Any, **variables: Any) -> list[_Element]:
        if variables or not isinstance(tree, _Element):
            return self.expression(tree, **variables)
        found: list[_Element] = []  # in document order: the walk's
        named = main = False
        for element in tree.iterdescendants(*self.tags):
            if element.tag == "main":
                if not main:
                    main = True
                    found.append(element)
            elif not named and self.matches(element):
                named = True
                found.append(element)
            if named and main:
                break
        return found

    def matches(self, element: _Element) -> bool:
        get = element.get
        return any((get(name) or "").startswith("main") for name in ("class", "id", "role"))


class PageFurniture(Scan):
    """``BASIC_CLEAN_XPATH`` (baseline and ``html2txt``, which measures the page for trafilatura's
    recall escalation): asides, footers, scripts, styles, svg, templates, cookie banners."""

    def matches(self, element: _Element) -> bool:
        tag = element.tag
        if tag in FURNITURE_TAGS:
            return True
        classes, ident = element.get("class"), element.get("id")
        if classes is None and ident is None:
            return False
        return ((tag == "div" and "footer" in _first_of(element, "class", "id"))
                or COOKIE_CONSENT.search(classes or "") is not None or COOKIE_CONSENT.search(ident or "") is not None)


@dataclass(frozen=True)
class Slot:
    """Where trafilatura keeps one expression: an item of one of its lists, or a module global."""

    name: str
    holder: Any
    key: int | str

    def get(self) -> Any:
        return self.holder[self.key] if isinstance(self.key, int) else getattr(self.holder, self.key)

    def put(self, expression: Any) -> None:
        if isinstance(self.key, int):
            self.holder[self.key] = expression
        else:
            setattr(self.holder, self.key, expression)


SLOTS = (
    (Slot("OVERALL_DISCARD_XPATH[0]", xpaths.OVERALL_DISCARD_XPATH, 0), OverallVocabulary),
    (Slot("OVERALL_DISCARD_XPATH[1]", xpaths.OVERALL_DISCARD_XPATH, 1), OverallHidden),
    (Slot("REMOVE_COMMENTS_AND_LISTS_XPATH[0]", xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH, 0), CommentSections),
    (Slot("RAW_TREE_PRUNE_XPATH[0]", xpaths.RAW_TREE_PRUNE_XPATH, 0), EndlessScroll),
    (Slot("RAW_TREE_PRUNE_XPATH[1]", xpaths.RAW_TREE_PRUNE_XPATH, 1), ShareButtons),
    (Slot("BODY_XPATH[0]", xpaths.BODY_XPATH, 0), ArticleBody),
    (Slot("BODY_XPATH[2]", xpaths.BODY_XPATH, 2), StoryBody),
    (Slot("BODY_XPATH[3]", xpaths.BODY_XPATH, 3), MainContent),
    (Slot("BODY_XPATH[4]", xpaths.BODY_XPATH, 4), MainElement),
    (Slot("baseline.BASIC_CLEAN_XPATH", baseline, "BASIC_CLEAN_XPATH"), PageFurniture),
)
# Each slot and the scan that answers for the expression it holds.
SCANNED = [(slot, scan(slot.get())) for slot, scan in SLOTS]


@contextlib.contextmanager
def scanned_xpaths() -> Iterator[None]:
    """trafilatura calls inside this block ask the expressions above by the scans."""
    originals = [(slot, slot.get()) for slot, _ in SCANNED]
    for slot, scan in SCANNED:
        slot.put(scan)
    try:
        yield
    finally:
        for slot, expression in originals:
            slot.put(expression)


# lxml.html's class lookup is a Python method called for every element proxy lxml creates (half a
# million a second); it gives form, input, select, textarea and label elements their own classes,
# which trafilatura never uses. The same classes for everything else, looked up in C:
PLAIN_CLASSES = ElementDefaultClassLookup(element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction,
                                          entity=HtmlEntity)


@contextlib.contextmanager
def plain_element_classes() -> Iterator[None]:
    """Pages trafilatura parses inside this block get ``PLAIN_CLASSES`` (same text: every
    element is still an ``HtmlElement``); its parser is lxml.html's again afterwards."""
    utils.HTML_PARSER.set_element_class_lookup(PLAIN_CLASSES)
    try:
        yield
    finally:
        utils.HTML_PARSER.set_element_class_lookup(HtmlElementClassLookup())
