"""Prose shielded from trafilatura's discard vocabulary, for the recall retry.

Before it looks for the article, trafilatura deletes every element whose class, id, style or
role matches ``OVERALL_DISCARD_XPATH``: substrings such as "slide", "footer", "embed", "meta",
"bar", "widget", "author" in a class, or ``display:none``. Pre-clean has already removed the
page's noise containers by its own names (``preclean.NOISE_CONTAINERS``, with the article's
containers guarded), so what that vocabulary still deletes is often the article itself: a
listicle's slides, a guide's accordion panels (hidden until clicked), a table embed, venues in a
"page-footer", a whole article in a class that happens to hold "bar". trafilatura then keeps a
sliver of the page, and its favor_recall run keeps the same sliver.

``shield_prose`` parses the page as trafilatura would and takes off, from each element those
expressions match and that holds prose (``holds_prose``), the attributes the expressions test,
keeping the id and class names that match nothing on their own (``_unmark``); elements without
prose are left for trafilatura to delete. It runs only in the recall retry
(``article.extract_body``), on pages whose text is already a small part of the page.
"""

from __future__ import annotations

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from pipeline.extract.html.preclean import PROSE_MIN_WORDS
from pipeline.extract.xpath_scans import overall_discarded

# The attributes OVERALL_DISCARD_XPATH tests (tests/unit/extract/html/test_shield.py checks that
# a shielded element no longer matches any of its expressions).
DISCARD_ATTRIBUTES = ("class", "id", "style", "role", "aria-hidden", "data-component",
                      "data-lp-replacement-content")
# A block of links with long titles (a related-stories list) is not prose.
SHIELD_MAX_LINK_SHARE = 0.3


def _words(element: HtmlElement) -> int:
    return len(element.text_content().split())


def holds_prose(element: HtmlElement) -> bool:
    """A paragraph of ``PROSE_MIN_WORDS`` words, and under ``SHIELD_MAX_LINK_SHARE`` of the
    element's words in links."""
    words = _words(element)
    if not words:
        return False
    link_words = sum(_words(link) for link in element.iter("a"))
    if link_words >= SHIELD_MAX_LINK_SHARE * words:
        return False
    return any(_words(paragraph) >= PROSE_MIN_WORDS for paragraph in element.iter("p"))


def shield_prose(html: str) -> HtmlElement | str:
    """The page as an lxml tree for ``trafilatura.extract``, with the prose trafilatura's
    discard expressions would delete unmarked; ``html`` itself when it does not parse."""
    tree = load_html(html)
    if tree is None:
        return html
    # The expressions asked of one element (``xpath_scans``' Python forms: the same answers): an
    # element holding prose holds a long paragraph, so only the long paragraphs and their ancestors
    # need asking (a tenth of the time of running the expressions over the whole page).
    asked: set[HtmlElement] = set()
    for paragraph in tree.iter("p"):
        if _words(paragraph) < PROSE_MIN_WORDS:
            continue
        element = paragraph
        while element is not None and element not in asked:
            asked.add(element)
            if overall_discarded(element) and holds_prose(element):
                _unmark(element)
            element = element.getparent()
    return tree


def _unmark(element: HtmlElement) -> None:
    """Takes off the tested attributes, then puts back the id and the class names that match
    nothing on their own: trafilatura finds the article's container by those names
    ("entry-content", "article-body"), and an element that lost them is no longer found."""
    ident, classes = element.get("id"), (element.get("class") or "").split()
    for name in DISCARD_ATTRIBUTES:
        element.attrib.pop(name, None)
    if ident is not None:
        element.set("id", ident)
        if overall_discarded(element):
            del element.attrib["id"]
    kept: list[str] = []
    for name in classes:
        element.set("class", " ".join([*kept, name]))
        if overall_discarded(element):
            element.set("class", " ".join(kept))
        else:
            kept.append(name)
    if not kept:
        element.attrib.pop("class", None)
