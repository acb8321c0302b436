"""No article is lost to its title: each fallback, in order (the page's headline metadata and
og:title, the <title> without the site name, a capture's first headline-like line, the URL
slug), and a null title when none applies."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.extract.html.metadata import html_metadata
from pipeline.extract.text.capture import clean_text_capture
from pipeline.extract.text.header import first_headline_like
from pipeline.extract.text.lines import split_lines
from pipeline.extract.urls import title_from_slug
from pipeline.items import KnownMetadata, Page
from pipeline.pipelines.validate import ValidationPipeline

PROSE = ("The council approved the harbour bridge repairs on Tuesday after a long debate about their cost. "
         "Work starts in the spring and is expected to last until the end of the following year.")
BODY = f"<p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p>"


def html_title(head: str, body: str = "") -> str | None:
    return html_metadata(LexborHTMLParser(f"<html><head>{head}</head><body>{body}</body></html>")).title


def test_og_title_when_the_page_has_no_json_ld_headline() -> None:
    assert html_title('<meta property="og:title" content="Bridge repairs approved"><title>Other | Gazette</title>') \
        == "Bridge repairs approved"


def test_title_tag_without_the_site_name() -> None:
    assert html_title("<title>Bridge repairs approved | The Gazette</title>") == "Bridge repairs approved"
    assert html_title("<title>Bridge repairs approved - Gazette</title>") == "Bridge repairs approved"


@pytest.mark.parametrize(("url", "title"), [
    ("https://news.example/2024/05/city-council-votes-on-budget.html", "City council votes on budget"),
    ("https://news.example/news/city_council_votes/12345", "City council votes"),
    ("https://news.example/2024/05/12345", None),
    ("https://news.example/index.html", None),
    ("https://news.example/", None),
    ("https://zeitung.example/politik/st%C3%A4dte-fordern-mehr-geld-f%C3%BCr-schulen", "Städte fordern mehr geld für schulen"),
    (None, None),
])
def test_title_from_the_url_slug(url: str | None, title: str | None) -> None:
    assert title_from_slug(url) == title


def test_capture_title_is_the_headline_line_sharing_the_slug_even_when_a_rule_claimed_it() -> None:
    lines = split_lines("Menu\n\nHow to write a good newsletter with AI\n\nStep one: feed it your story\n\n" + PROSE)
    lines[2].noise_class = "newsletter"
    assert first_headline_like(lines, "https://blog.example/p/how-to-write-a-good-newsletter") \
        == "How to write a good newsletter with AI"


def test_capture_title_is_else_the_first_unclaimed_headline_like_line() -> None:
    lines = split_lines("Log in\n\n* Bridge repairs will start in the spring\n\nMarch 5, 2024\n\n" + PROSE)
    assert first_headline_like(lines, "https://news.example/p/123") == "Bridge repairs will start in the spring"
    assert first_headline_like(split_lines(PROSE), None) is None


def test_capture_without_a_header_gets_its_first_headline_like_line() -> None:
    found = clean_text_capture(f"{PROSE}\n\nWhat the council decided about the bridge\n\n{PROSE} Again.\n\n{PROSE}",
                               url="https://news.example/p/123")
    assert found.title == "What the council decided about the bridge"


def test_html_page_with_no_title_anywhere_takes_the_slug() -> None:
    page = Page(source_url="file:///tmp/a.html", body=f"<html><body><div>{BODY}</div></body></html>".encode(),
                known=KnownMetadata(url="https://news.example/2024/05/harbour-bridge-repairs-approved"))
    assert extract_article(page, ExtractOptions()).title == "Harbour bridge repairs approved"


def test_article_without_any_title_is_written_with_a_null_title() -> None:
    page = Page(source_url="file:///tmp/a.html", body=f"<html><body><div>{BODY}</div></body></html>".encode(),
                known=KnownMetadata(url="https://news.example/2024/05/12345"))
    record = extract_article(page, ExtractOptions())
    assert record.title is None and record.text
    assert ValidationPipeline().process_item(record) is record
