"""HTML metadata: honest dates (time and offset as stated), clean author names, plain text."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.byline import clean_authors
from pipeline.extract.html.metadata import html_metadata


def meta_of(head: str, body: str = "") -> object:
    return html_metadata(LexborHTMLParser(f"<html lang='en-GB'><head>{head}</head><body>{body}</body></html>"))


def test_json_ld_date_keeps_time_and_offset() -> None:
    found = meta_of('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                    '"datePublished": "2024-02-14T09:41:00.000+02:00"}</script>')
    assert (found.published, found.published_from) == ("2024-02-14T09:41:00+02:00", "json-ld")


def test_meta_date_without_offset_gets_none_invented() -> None:
    found = meta_of('<meta property="article:published_time" content="2019-11-19T02:24:00">')
    assert (found.published, found.published_from) == ("2019-11-19T02:24:00", "meta")


def test_placeholder_date_is_not_a_publication_date() -> None:
    found = meta_of('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
                    '"datePublished": "0001-01-01T00:00:00Z"}</script>', '<time datetime="2019-11-19">x</time>')
    assert (found.published, found.published_from) == ("2019-11-19", "markup")


def test_entities_in_metadata_are_unescaped() -> None:
    found = meta_of('<meta property="og:title" content="Chelsea activate &amp;#163;71.6m clause">'
                    '<meta property="og:site_name" content="Express &amp; Star">')
    assert found.title == "Chelsea activate £71.6m clause"
    assert found.site_name == "Express & Star"
    assert found.language == "en"


@pytest.mark.parametrize(("raw", "expected"), [
    (["By Jane Doe and John Roe"], ["Jane Doe", "John Roe"]),
    (["byMadeline Fry| November 18", "2019 12:01 PMPrint this article"], ["Madeline Fry"]),
    (["TOM KRISHER, AP Auto Writer"], ["TOM KRISHER"]),
    (["Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
    (["Sandee LaMotte, CNN"], ["Sandee LaMotte"]),
    (["Amy Kuperinsky | NJ Advance Media for NJ.com"], ["Amy Kuperinsky"]),
    (["Zac Hall", "hosts the weekly podcast"], ["Zac Hall"]),
    (["https://example.com/staff", "Editorial Team"], []),
], ids=["and", "glued-by-and-date", "job-title", "credentials", "outlet-after-name", "pipe-outlet",
        "lowercase-bio", "not-names"])
def test_clean_authors(raw: list[str], expected: list[str]) -> None:
    assert clean_authors(raw) == expected


def test_json_ld_author_given_by_its_id_in_the_graph() -> None:
    found = meta_of('<script type="application/ld+json">{"@graph": ['
                    '{"@type": "WebPage", "@id": "https://x.test/a#page", "datePublished": "2025-01-02"},'
                    '{"@type": "Article", "headline": "H", "datePublished": "2025-01-02",'
                    ' "author": {"@id": "https://x.test/#/person/1"}},'
                    '{"@type": "Person", "@id": "https://x.test/#/person/1", "name": "Jane Doe"}]}</script>')
    assert found.authors == ["Jane Doe"]


def test_article_object_wins_over_a_web_page_listed_before_it() -> None:
    found = meta_of('<script type="application/ld+json">[{"@type": "WebPage", "name": "Site | Page",'
                    ' "headline": "Site | Page", "datePublished": "2025-01-01"},'
                    '{"@type": "NewsArticle", "headline": "The real headline", "datePublished": "2025-01-02",'
                    ' "author": {"@type": "Person", "name": "Jane Doe"}}]</script>')
    assert (found.title, found.authors, found.published) == ("The real headline", ["Jane Doe"], "2025-01-02")


@pytest.mark.parametrize(("body", "expected"), [
    ('<p class="author">Andrew Gerrand<br>4 August 2010</p>', ["Andrew Gerrand"]),
    ('<span class="post-hero__author">Lisa Pham</span>', ["Lisa Pham"]),
    ('<div class="author-name">Written By</div>', []),
    ('<a class="author-link">Full Bio</a>', []),
    ('<div class="author">The Author</div>', []),
    ('<span class="author">Madonna</span>', []),
    ('<aside><span class="author-name">Jane Doe</span></aside>', []),
    ('<div class="comment"><span class="comment-author">Jane Doe</span></div>', []),
], ids=["name-and-date", "name", "label", "bio-link", "the-author", "one-word", "sidebar", "commenter"])
def test_author_element_holding_only_a_name(body: str, expected: list[str]) -> None:
    assert meta_of("", body).authors == expected


def test_a_page_named_for_its_sidebar_still_has_a_byline() -> None:
    page = LexborHTMLParser('<html><body class="single has-sidebar"><main><h1>Headline</h1>'
                            '<a class="the-author">Zoe Lind</a></main><div class="sidebar">'
                            '<span class="author">Max Roe</span></div></body></html>')
    assert html_metadata(page).authors == ["Zoe Lind"]
    page = LexborHTMLParser('<html><body class="has-sidebar"><div class="sidebar"><span class="author">Max Roe</span>'
                            '</div></body></html>')
    assert html_metadata(page).authors == []


@pytest.mark.parametrize(("head", "expected"), [
    ('<meta name="citation_author" content="Kaufman, Jeff T.">', ["Jeff T. Kaufman"]),
    ('<meta name="dc.creator" content="Jane Doe">', ["Jane Doe"]),
    ('<meta name="cXenseParse:author" content="Harry Rabinowitz">', ["Harry Rabinowitz"]),
], ids=["surname-first", "dublin-core", "cxense"])
def test_author_meta_keys(head: str, expected: list[str]) -> None:
    assert meta_of(head).authors == expected


def test_a_credit_line_that_says_text_by() -> None:
    assert meta_of("", '<div class="collection-byline">Text by <a href="/c/hd">Hana Dukes</a></div>').authors == ["Hana Dukes"]
