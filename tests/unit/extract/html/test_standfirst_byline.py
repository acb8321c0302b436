"""Article text and metadata that ordinary templates used to lose: a standfirst named like a
teaser, and a byline with the date before the name."""

from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.items import ExtractOptions, KnownMetadata, Page

URL = "https://gazette.example/news/2025/03/03/harbour-bridge-repairs"
STANDFIRST = "The city will spend four million on the bridge after inspectors found rusted cables last spring."
BODY = "".join(f"<p>{p}</p>" for p in (
    "The city council voted on Tuesday to approve a repair plan for the harbour bridge, which has been "
    "closed to heavy traffic since the inspection in April.",
    "Engineers said the cables on the northern span had lost a fifth of their strength, and that the work "
    "would take most of the summer to complete.",
    "Residents who cross the bridge every day said they were relieved that the council had finally found "
    "the money for the repairs.",
))


def page(header: str) -> Page:
    html = (f"<html><head><title>Council approves harbour bridge repairs | Gazette</title></head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article>{header}{BODY}"
            f"</article></main><footer>© 2025 Gazette</footer></body></html>")
    return Page(source_url=URL, body=html.encode(), kind_hint="html", known=KnownMetadata(url=URL))


@pytest.mark.parametrize("header", [
    f'<h1>Council approves harbour bridge repairs</h1><p class="teaser-text">{STANDFIRST}</p>',
    f'<header><h1>Council approves harbour bridge repairs</h1><p class="article-dek">{STANDFIRST}</p></header>',
    f'<div class="hero"><h1>Council approves harbour bridge repairs</h1></div><div class="standfirst">{STANDFIRST}</div>',
], ids=["teaser-text", "dek-in-header", "standfirst-beside-hero"])
def test_the_standfirst_is_article_text_and_the_description(header: str) -> None:
    article = extract_article(page(header), ExtractOptions())
    assert article.text.split("\n")[0] == STANDFIRST
    assert article.description == STANDFIRST
    assert article.title == "Council approves harbour bridge repairs"


def test_a_teaser_far_from_the_headline_is_not_a_standfirst() -> None:
    header = ("<h1>Council approves harbour bridge repairs</h1>"
              f'</article><aside><div><p class="teaser-text">{STANDFIRST}</p></div></aside><article>')
    article = extract_article(page(header), ExtractOptions())
    assert STANDFIRST not in article.text and article.description is None


@pytest.mark.parametrize(("byline", "authors"), [
    ("Published March 3, 2025 by Dana Whitfield", ["Dana Whitfield"]),
    ("By Dana Whitfield and Sam Ortiz | March 3, 2025", ["Dana Whitfield", "Sam Ortiz"]),
    ("Written by Dana Whitfield, Staff Writer", ["Dana Whitfield"]),
    ("Von Anna Müller und Hans Meier", ["Anna Müller", "Hans Meier"]),
], ids=["date-first", "two-names-pipe-date", "job-title", "german"])
def test_the_visible_byline_names_the_authors(byline: str, authors: list[str]) -> None:
    header = f'<h1>Council approves harbour bridge repairs</h1><div class="byline">{byline}</div>'
    assert extract_article(page(header), ExtractOptions()).authors == authors


@pytest.mark.parametrize("name", ["artikel-autor", "autorin", "autores"])
def test_an_author_element_named_in_german_or_spanish(name: str) -> None:
    header = f'<h1>Council approves harbour bridge repairs</h1><div class="{name}">Von Anna Müller</div>'
    assert extract_article(page(header), ExtractOptions()).authors == ["Anna Müller"]
