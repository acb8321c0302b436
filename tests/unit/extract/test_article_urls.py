"""A record's ``url`` and ``canonical_url`` as the extraction core sets them (issue 11 item 5,
issue 12): never a ``#fragment`` or tracking parameter, the served site kept, a canonical naming
another site reported as ``canonical_url``."""

from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.items import ExtractOptions, KnownMetadata, Page

BODY = "".join(f"<p>{p}</p>" for p in (
    "The minister resigned on Tuesday after a week of questions about the contracts awarded by her department.",
    "Her deputy will take over until the prime minister names a successor, a spokesman said in a statement.",
    "Opposition parties said the resignation came too late and called for an inquiry into the contracts.",
))


def record(head: str, source_url: str, known: KnownMetadata | None = None) -> tuple[str | None, str | None]:
    html = f"<html><head><title>Minister resigns</title>{head}</head><body><article>{BODY}</article></body></html>"
    page = Page(source_url=source_url, body=html.encode(), kind_hint="html", known=known or KnownMetadata())
    article = extract_article(page, ExtractOptions())
    return article.url, article.canonical_url


@pytest.mark.parametrize(("head", "source_url", "url", "canonical_url"), [
    ('<link rel="canonical" href="https://News.Example/2024/minister#comments">',
     "https://news.example/2024/minister?utm_source=rss", "https://news.example/2024/minister", None),
    ('<meta property="og:url" content="https://news.example/2024/minister#top">',
     "file:///in/minister.html", "https://news.example/2024/minister", None),
    ('<link rel="canonical" href="https://www.news.example/2024/minister">',
     "https://amp.news.example/2024/minister/amp", "https://www.news.example/2024/minister", None),
    ('<link rel="canonical" href="https://wire.example/story#x">',
     "https://news.example/2024/minister#p3", "https://news.example/2024/minister", "https://wire.example/story"),
    ("", "https://news.example/2024/minister?fbclid=abc#x", "https://news.example/2024/minister", None),
], ids=["canonical-fragment", "og-url-fragment-offline", "amp-host", "cross-site-canonical", "no-canonical"])
def test_url_never_carries_a_fragment_and_stays_on_the_serving_site(
        head: str, source_url: str, url: str, canonical_url: str | None) -> None:
    assert record(head, source_url) == (url, canonical_url)


def test_a_sidecar_url_wins_and_loses_its_fragment() -> None:
    known = KnownMetadata(url="https://news.example/2024/minister#section-2")
    head = '<link rel="canonical" href="https://wire.example/story">'
    assert record(head, "file:///in/minister.html", known) == ("https://news.example/2024/minister",
                                                               "https://wire.example/story")
