"""Pre-clean's shortcuts give what the long way gives: class and id names read token by token
(``preclean._names_say``) against three searches of the whole string, and the elements that hold
an article marker found from the markers up (``_Memo.marker_holders``) against a selector pass over
each element's subtree; on made-up names and pages, and on the dev pages."""

from __future__ import annotations

import gzip
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.html import preclean
from tests.conftest import BENCHMARKS_DIR, needs_shared


def searched(names: str) -> tuple[str | None, bool, bool]:
    return (preclean.noise_class_of_names(names), preclean.POPUP_NAMES.search(names) is not None,
            preclean.CTA_NAMES.search(names) is not None)


def test_no_name_looked_for_holds_whitespace() -> None:
    """What makes a token-by-token reading exact: a match never spans two tokens."""
    names = [w for n in preclean.NOISE_CONTAINERS.values() for w in (*n.words, *n.tokens)]
    names += preclean.POPUP_NAMES.pattern.split("|") + ["cta"]
    assert names and not [n for n in names if re.search(r"\s", n)]


@pytest.mark.parametrize("names", [
    "", " ", "post", "post ", " post", "ad", "ad ", " ad", "x ad y", "bad", "ad-slot", "ads\tx", "x\nads", "ad\u00a0x",
    "promo", "promos", "post-cta x", "cta", "xcta", "cta-bar", "hs_cos_wrapper_type_cta", "ctas", "social", "social-x",
    "socials", "embed social", "tooltip", "my-tooltip-x", "comment", "comments", "commentary x", "newsletter-box",
    "x  y\u2003newsletter", "entry-content main", "ad\u2028", "a d", "c ta",
])
def test_names_read_by_tokens(names: str) -> None:
    assert preclean._names_say(names, {}) == searched(names)


def test_tokens_remembered_across_names_give_the_same_answers() -> None:
    tokens: dict[str, bool] = {}
    names = ["row col", "row ad", "col promo-x", "ad row", "x cta", "row col"]
    assert [preclean._names_say(n, tokens) for n in names] == [searched(n) for n in names]


def test_every_name_of_the_dev_pages() -> None:
    folder = needs_shared(BENCHMARKS_DIR / "aeb-dev" / "html")
    for path in sorted(folder.glob("*.html.gz")):
        tree = LexborHTMLParser(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        tokens: dict[str, bool] = {}
        for node in tree.css("[class], [id]"):
            attrs = node.attributes
            names = ((attrs.get("class") or "") + " " + (attrs.get("id") or "")).lower()
            assert preclean._names_say(names, tokens) == searched(names), (path.name, names)


def holders_and_subtree_passes(tree: LexborHTMLParser) -> tuple[list[bool], list[bool]]:
    memo = preclean._Memo()
    elements = [node for node in tree.root.traverse() if node.is_element_node] if tree.root is not None else []
    holders = memo.marker_holders(tree)
    return ([node.mem_id in holders for node in elements],
            [node.css_first(preclean.ARTICLE_MARKERS) is not None for node in elements])


@pytest.mark.parametrize("html", [
    "<html><body><div><div><article><p>x</p></article></div><div><p>y</p></div></div></body></html>",
    '<html><body><main><div itemprop="articleBody"><p>x</p></div></main><aside><h1>t</h1></aside></body></html>',
    "<html><body><div><p>no marker</p></div></body></html>",
    '<html><body><h1>a</h1><div><h1>b</h1><div itemprop="articlebody">c</div></div></body></html>',
])
def test_marker_holders(html: str) -> None:
    by_holders, by_passes = holders_and_subtree_passes(LexborHTMLParser(html))
    assert by_holders == by_passes and any(by_passes) == ("marker" not in html)


def test_marker_holders_on_the_dev_pages() -> None:
    folder = needs_shared(BENCHMARKS_DIR / "aeb-dev" / "html")
    for path in sorted(folder.glob("*.html.gz"))[:40]:
        tree = LexborHTMLParser(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        by_holders, by_passes = holders_and_subtree_passes(tree)
        assert by_holders == by_passes, path.name
        tree.strip_tags(list(preclean.NEVER_CONTENT_TAGS))
        by_holders, by_passes = holders_and_subtree_passes(tree)
        assert by_holders == by_passes, path.name
