"""The article assembly's own steps: which canonical URL is believed, and the headline
dropped from the top of the paragraphs."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline.extract.article import check_elements, count_tags, drop_headline, trusted_canonical
from pipeline.extract.errors import TooManyElements


@pytest.mark.parametrize(("canonical", "page", "expected"), [
    ("/2024/03/05/story", "https://news.example/2024/03/05/story?utm=x", "https://news.example/2024/03/05/story"),
    ("https://wire.example/original", "https://news.example/copy", "https://wire.example/original"),
    ("/", "https://news.example/2024/03/05/story", None),
    ("https://news.example/", "https://news.example/2024/story", None),
    ("javascript:void(0)", "https://news.example/story", None),
    ("/story", "file:///tmp/story.html", None),
    ("https://news.example/", "https://news.example/", "https://news.example/"),
])
def test_trusted_canonical(canonical: str, page: str, expected: str | None) -> None:
    assert trusted_canonical(canonical, page) == expected


@pytest.mark.parametrize(("paragraphs", "headlines", "kept"), [
    (["Plan Approved", "Body."], ["plan approved", ""], ["Body."]),
    (["\u2018Quoted\u2019 title", "Body."], ["", "'Quoted' title"], ["Body."]),  # an <h1>, curly quotes
    (["Dateline", "Plan approved", "Body."], ["Plan approved"], ["Dateline", "Body."]),
    (["A", "B", "C", "Plan approved"], ["Plan approved"], ["A", "B", "C", "Plan approved"]),  # too far down
    (["The standfirst.", "Body."], ["Plan approved"], ["The standfirst.", "Body."]),
], ids=["title", "h1-quotes", "second", "too-far", "no-match"])
def test_drop_headline(paragraphs: list[str], headlines: list[str], kept: list[str]) -> None:
    removed: Counter[str] = Counter()
    assert drop_headline(paragraphs, headlines, removed) == kept
    assert removed["headline"] == len(paragraphs) - len(kept)


@pytest.mark.parametrize(("html", "limit", "refused"), [
    ("<p>x</p>" * 10, 10, False),  # 20 "<", 10 tags: the first count alone is not enough to refuse
    ("<p>x</p>" * 11, 10, True),
    ("<br>" * 10, 10, False),  # the first count alone lets it through
    ("<br>" * 11, 10, True),
    ("<br>" * 11, 0, False),  # 0: no limit
])
def test_check_elements(html: str, limit: int, refused: bool) -> None:
    if refused:
        with pytest.raises(TooManyElements, match=f"has {count_tags(html)} tags"):
            check_elements(html, limit)
    else:
        check_elements(html, limit)


def test_a_page_parsed_from_its_utf8_bytes_is_the_page_parsed_from_its_text() -> None:
    from pipeline.extract.article import extract_html
    from pipeline.items import ExtractOptions

    html = ("<html><head><title>Grüße</title></head><body><nav><a href='/'>Start</a></nav><article><h1>Grüße"
            "</h1>" + "<p>Ein Absatz über das Café am Fluss, mit genug Wörtern für einen Text. </p>" * 6
            + "<p>\u00a0\u2003Emoji \U0001f600 und \u00e9.</p></article></body></html>")
    options = ExtractOptions()
    assert extract_html(html, "https://news.example/a", options, html_utf8=html.encode()) == \
        extract_html(html, "https://news.example/a", options)
