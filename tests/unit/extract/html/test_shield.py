"""``shield_prose``: prose in elements trafilatura's discard vocabulary matches survives the
recall retry's trafilatura run; link lists and empty chrome with the same names do not. Real
trafilatura throughout; a wcxb-dev page at the end (skipped without ../shared)."""

from __future__ import annotations

import pytest
import trafilatura
from lxml.html import tostring
from trafilatura.utils import load_html
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

from pipeline.extract import article
from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.extract.html.shield import _unmark, holds_prose, shield_prose
from pipeline.items import KnownMetadata, Page
from pipeline.utils.benchmark import load_benchmark, word_score
from tests.conftest import BENCHMARKS_DIR, needs_shared

SENTENCE = "The committee reviewed every proposal submitted by the residents before the vote on Tuesday. "
PROSE = f"<p>{SENTENCE * 3}</p>"  # 45 words
SLIDE_TEXT = "Each slide of the listicle carries its own paragraph about a different designer and studio. "
HIDDEN_TEXT = "The answer in this panel stays hidden until the reader opens the question above it. "
LINKS_TEXT = "Another story about the committee and its vote that readers of this page also opened today"


def page(*blocks: str) -> str:
    return ("<html><head><title>Committee vote</title></head><body><main><article><h1>Committee vote</h1>"
            f"{PROSE}{''.join(blocks)}</article></main></body></html>")


def retry_text(html: object) -> str:
    return trafilatura.extract(html, url="https://example.com/a", favor_recall=True, fast=True,
                               include_comments=False, deduplicate=False) or ""


SLIDES = "".join(f'<section class="listicle-slides"><h2>Studio {n}</h2><p>{SLIDE_TEXT * 3}</p></section>'
                 for n in range(3))
ACCORDION = f'<div class="faq"><h2>Question</h2><div style="display:none"><p>{HIDDEN_TEXT * 3}</p></div></div>'
RELATED = ('<div class="related-posts">' + "".join(f'<p><a href="/s{n}">{LINKS_TEXT} {n}</a></p>' for n in range(4))
           + "</div>")
SHARE = '<div class="share-buttons"><a href="/x">Share on X</a> <a href="/f">Share on Facebook</a></div>'


def test_slides_and_hidden_panels_come_back() -> None:
    html = page(SLIDES, ACCORDION)
    plain, shielded = retry_text(html), retry_text(shield_prose(html))
    assert SLIDE_TEXT.strip() not in plain and HIDDEN_TEXT.strip() not in plain
    assert shielded.count(SLIDE_TEXT.strip()) == 9 and shielded.count(HIDDEN_TEXT.strip()) == 3
    assert SENTENCE.strip() in shielded


def test_link_lists_and_widgets_stay_discarded() -> None:
    shielded = retry_text(shield_prose(page(RELATED, SHARE)))
    assert SENTENCE.strip() in shielded
    assert LINKS_TEXT not in shielded and "Share on" not in shielded


@pytest.mark.parametrize("attribute", [
    'class="site-footer"', 'id="nav-main"', 'style="display: none"', 'role="navigation"', 'aria-hidden="true"',
    'data-component="MostPopularStories"', 'data-lp-replacement-content="1"', 'class="hide-on-print"',
    'id="reader-comments"', 'class="meta-box" id="sidebar"',
])
def test_a_shielded_element_matches_no_discard_expression(attribute: str) -> None:
    tree = shield_prose(page(f"<div {attribute}>{PROSE}</div>"))
    assert [e for expression in OVERALL_DISCARD_XPATH for e in expression(tree)] == []


def test_asking_the_long_paragraphs_ancestors_is_asking_the_whole_page() -> None:
    html = page(SLIDES, ACCORDION, RELATED, SHARE, f'<div class="post-meta"><div class="sidebar-x">{PROSE}</div>'
                f'<p class="author-note">{SENTENCE * 3}</p></div>', f'<aside id="nav-2"><p>{SENTENCE}</p></aside>')
    whole = load_html(html)
    for expression in OVERALL_DISCARD_XPATH:
        for element in expression(whole):
            if holds_prose(element):
                _unmark(element)
    assert tostring(shield_prose(html)) == tostring(whole)
    assert tostring(shield_prose(html)) != tostring(load_html(html))


@pytest.mark.parametrize(("attributes", "left"), [
    ('class="entry-content sidebar-layout"', {"class": "entry-content"}),
    ('class="post-meta slide" id="article-body"', {"id": "article-body"}),
    ('id="nav-2" class="story" style="display:none" aria-hidden="true"', {"class": "story"}),
    ('class="x" role="navigation"', {"class": "x"}),
])
def test_unmark_keeps_the_names_that_match_nothing(attributes: str, left: dict[str, str]) -> None:
    element = shield_prose(f"<html><body><div {attributes}>text</div></body></html>").find(".//div")
    _unmark(element)
    assert dict(element.attrib) == left


def test_holds_prose() -> None:
    def first_div(html: str):
        return shield_prose(f"<html><body>{html}</body></html>").find(".//div")
    assert holds_prose(first_div(f"<div>{PROSE}</div>"))
    assert not holds_prose(first_div(f"<div><p>{SENTENCE}</p><p>{SENTENCE}</p></div>"))  # 15-word paragraphs
    assert not holds_prose(first_div(RELATED.replace(LINKS_TEXT, LINKS_TEXT + " " + LINKS_TEXT)))
    assert not holds_prose(first_div("<div></div>"))


def test_unparsable_input_is_returned_as_it_is() -> None:
    assert shield_prose("") == ""


def test_a_page_of_a_fold_the_rule_was_not_found_on_gets_its_article_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # wcxb-dev 0056 sits in fold 0 of bench/cv_html.py; the pages looked at were in folds 2-4
    bench = load_benchmark(needs_shared(BENCHMARKS_DIR / "wcxb-dev"))
    path = bench.root / "html" / "0056.html.gz"
    item = Page(source_url=path.as_uri(), body=path.read_bytes(), known=KnownMetadata(url=bench.urls["0056"]))
    shielded = word_score(bench.truth["0056"], extract_article(item, ExtractOptions()).text)
    monkeypatch.setattr(article, "shield_prose", lambda html: html)
    plain = word_score(bench.truth["0056"], extract_article(item, ExtractOptions()).text)
    assert plain.recall < 0.7 and shielded.recall > 0.9
