"""The discard scans (pipeline/extract/xpath_scans.py): the same elements, in the same order, as
the trafilatura expressions they answer for. The expressions' source and the code that asks them
are pinned: an upgrade of trafilatura fails here, and whoever upgrades compares the scans again
(tests below, and the dev pages) before updating the pins."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import random

import pytest
from lxml.html import FormElement, HtmlElement, InputElement, document_fromstring
from selectolax.lexbor import LexborHTMLParser
from trafilatura import htmlprocessing, main_extractor
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor
from trafilatura.utils import load_html

from pipeline.extract import article
from pipeline.extract.html.preclean import preclean, protect_standfirst
from pipeline.extract.xpath_scans import (
    SCANNED,
    _first_of,
    baseline,
    plain_element_classes,
    scanned_xpaths,
)
from pipeline.items import ExtractOptions, KnownMetadata, Page
from pipeline.utils.benchmark import load_benchmark
from tests.conftest import BENCHMARKS_DIR, PROJECT_DIR, needs_shared

# sha256 (first 16 hex digits) of each scanned expression's XPath, in trafilatura 2.3.1.
PINNED_EXPRESSIONS = {
    "BODY_XPATH[0]": "caaa561ceca17064",
    "BODY_XPATH[2]": "6c9b5e1fdc092943",
    "BODY_XPATH[3]": "10a7ceacc0ff8cdf",
    "BODY_XPATH[4]": "95f15d1c1b6d4052",
    "OVERALL_DISCARD_XPATH[0]": "a837e58a1b1ea116",
    "OVERALL_DISCARD_XPATH[1]": "c1d5b70b8cd03783",
    "REMOVE_COMMENTS_AND_LISTS_XPATH[0]": "9cc18d34e6e2d258",
    "RAW_TREE_PRUNE_XPATH[0]": "01e7c660fd6406f2",
    "RAW_TREE_PRUNE_XPATH[1]": "3c7afe92279543d5",
    "baseline.BASIC_CLEAN_XPATH": "db6c25acd08aef99",
}
# The code that asks them: it calls each list item with the tree and nothing else.
PINNED_CALLERS = {"htmlprocessing.prune_unwanted_nodes": "4731f8e24ef86449", "main_extractor._extract": "3e0e39ed3e03e8e4",
                  "baseline.basic_cleaning": "80877b2ccdefda2d"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def test_the_scanned_expressions_are_the_ones_checked() -> None:
    assert {slot.name: digest(slot.get().path) for slot, _ in SCANNED} == PINNED_EXPRESSIONS
    callers = {"htmlprocessing.prune_unwanted_nodes": htmlprocessing.prune_unwanted_nodes,
               "main_extractor._extract": main_extractor._extract, "baseline.basic_cleaning": baseline.basic_cleaning}
    assert {name: digest(inspect.getsource(code)) for name, code in callers.items()} == PINNED_CALLERS


def test_the_scans_stand_in_only_inside_the_block() -> None:
    originals = [slot.get() for slot, _ in SCANNED]
    with scanned_xpaths():
        # trafilatura's modules share the lists, so its extractor sees the scans too
        assert main_extractor.OVERALL_DISCARD_XPATH[0] is SCANNED[0][1]
        assert [slot.get() for slot, _ in SCANNED] == [scan for _, scan in SCANNED]
    assert [slot.get() for slot, _ in SCANNED] == originals
    with contextlib.suppress(RuntimeError), scanned_xpaths():
        raise RuntimeError
    assert [slot.get() for slot, _ in SCANNED] == originals


def test_first_of_two_attributes_is_the_one_written_first() -> None:
    page = document_fromstring('<div class="c" id="i"></div><div id="i" class="c"></div><div id="i"></div>'
                               '<div class="c"></div><div></div><div id="" class="c"></div>')
    divs = page.findall(".//div")
    assert [_first_of(div, "id", "class") for div in divs] == ["c", "i", "i", "c", "", ""]


# Attribute values that hit (or nearly hit) the expressions' tokens and their edge cases.
VALUES = {
    "id": ["cookie-bar", "main", "share", "Nav", "nav1", "reply-3", "hidden-box", "reader-comments", "comment-1",
           "Comments", "commentary", "comol", "disqus_thread", "dsq-comments", "infinite-scroll", "mvp-post-add-box",
           "ad-top", "x-ad-", "", "story", "articleContent", "article", "primary-col", "content", "mainbox",
           "Main-Content", "content-main", "article-body", "footer-nav", "CookieBot", "consent_manager"],
    "class": ["entry-content", "cookie", "reply-to", "comments-title", "comments-title x", "x hidden", "hide-me",
              "menu-item", "sidebar", "article-comments", "commentary", "comment-body", "infinitescroll",
              "mvp-post-add-wrap", "elementor-share-buttons", " ad ", "x ad-y", "byline", "post", "", "Footer",
              "entry", "entry-content", "articleBody x", "FullText", "story", "text", "cell", "content", "main",
              "main-wrap", "MAIN-CONTENT", "page-Content", "story-content", "^article x", "article x",
              "site-footer", "Cookie-Banner", "x onetrust-y", "cookies-not-set"],
    "style": ["display:none", "display: none", "color: red", "visibility:hidden", ""],
    "role": ["navigation", "Navigation", "NAV", "main", "mainpart", "article", ""],
    "itemprop": ["articleBody", "articlebody", ""],
    "aria-hidden": ["true", "false", ""],
    "data-component": ["MostPopularStories", "mostpopularstories", ""],
    "data-lp-replacement-content": ["", "x"],
}
TAGS = ["div", "span", "p", "section", "item", "list", "ol", "ul", "aside", "details", "article", "main", "h1", "li",
        "footer", "script", "style", "svg", "template"]


def random_tree(rng: random.Random) -> HtmlElement:
    def element(depth: int) -> str:
        tag = rng.choice(TAGS)
        names = rng.sample(sorted(VALUES), rng.randint(0, 3))
        attributes = "".join(f' {name}="{rng.choice(VALUES[name])}"' for name in names)
        children = "".join(element(depth + 1) for _ in range(rng.randint(0, 3 if depth < 4 else 0)))
        return f"<{tag}{attributes}>t{children}</{tag}>"

    return document_fromstring("<html><body>" + "".join(element(0) for _ in range(4)) + "</body></html>")


def test_the_scans_find_what_the_expressions_find_on_random_trees() -> None:
    rng = random.Random(11)
    found = {scan.__class__.__name__: 0 for _, scan in SCANNED}
    for _ in range(400):
        tree = random_tree(rng)
        # the root, and elements that may match themselves (``.//*`` leaves the context out)
        for context in (tree, tree.find("body"), *rng.sample(list(tree.find("body")), 2)):
            for slot, scan in SCANNED:
                expected = slot.get()(context)
                assert scan(context) == expected, (scan.__class__.__name__, [e.attrib for e in expected])
                found[scan.__class__.__name__] += len(expected)
    assert min(found.values()) > 20  # every expression matched often enough to tell


def page_trees(html: str) -> list[HtmlElement]:
    """The trees trafilatura asks the expressions of: the page, the pre-cleaned page, and that
    page cleaned and converted (trafilatura's own tags: item, list...)."""
    parsed = LexborHTMLParser(html)
    protect_standfirst(parsed)
    preclean(parsed)
    return [load_html(html), load_html(parsed.html),
            convert_tags(tree_cleaning(load_html(parsed.html), Extractor()), Extractor())]


FIXTURES = PROJECT_DIR / "tests" / "fixtures"
FIXTURE_PAGES = sorted((FIXTURES / "noise" / "html").glob("*.html")) + [FIXTURES / "stories" / "syndicated" / "metro-copy.html"]


@pytest.mark.parametrize("path", FIXTURE_PAGES, ids=lambda p: p.name)
def test_the_scans_find_what_the_expressions_find_on_pages(path) -> None:
    for tree in page_trees(path.read_text(encoding="utf-8")):
        for slot, scan in SCANNED:
            assert scan(tree) == slot.get()(tree)


def test_other_contexts_go_to_the_expression() -> None:
    tree = document_fromstring('<html><body><div id="share">x</div></body></html>').getroottree()
    scan = SCANNED[0][1]
    assert scan(tree) == scan.expression(tree) and len(scan(tree)) == 1


@functools.cache
def benchmark(folder: str):
    return load_benchmark(needs_shared(BENCHMARKS_DIR / folder))


def dev_page(folder: str, page_id: str) -> Page:
    bench = benchmark(folder)
    path = bench.root / "html" / f"{page_id}.html.gz"
    return Page(source_url=path.as_uri(), body=path.read_bytes(), known=KnownMetadata(url=bench.urls.get(page_id)))


def test_plain_element_classes_only_inside_the_block() -> None:
    html = "<html><body><form><input name='q'></form><p>text</p></body></html>"
    assert type(load_html(html).find(".//form")) is FormElement
    with plain_element_classes():
        tree = load_html(html)
        assert {type(element) for element in tree.iter()} == {HtmlElement}
    assert type(load_html(html).find(".//form")) is FormElement
    with contextlib.suppress(RuntimeError), plain_element_classes():
        raise RuntimeError
    assert type(load_html(html).find(".//input")) is InputElement


def test_records_are_the_same_with_and_without_the_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sixth aeb-dev page and every thirtieth wcxb-dev page (all 802 were compared when
    the scans came in: the same text on every page)."""
    pages = [dev_page("aeb-dev", page_id) for page_id in sorted(benchmark("aeb-dev").truth)[::6]]
    pages += [dev_page("wcxb-dev", page_id) for page_id in sorted(benchmark("wcxb-dev").truth)[::30]]
    scanned = [article.extract_article(page, ExtractOptions()) for page in pages]
    monkeypatch.setattr(article, "scanned_xpaths", contextlib.nullcontext)
    monkeypatch.setattr(article, "plain_element_classes", contextlib.nullcontext)
    plain = [article.extract_article(page, ExtractOptions()) for page in pages]
    for page, a, b in zip(pages, scanned, plain):
        a.fetched_at = b.fetched_at
        assert a == b, page.source_url
