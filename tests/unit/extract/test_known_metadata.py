"""What the caller knew before the page was read: a sidecar's title wins over the page's, a
feed's only fills a gap (issue 16 item 7: a cut or entity-mangled feed title replaced the page's)."""

from __future__ import annotations

import pytest

from pipeline.extract.article import extract_article
from pipeline.items import ExtractOptions, KnownMetadata, Page

BODY = "".join(f"<p>{p}</p>" for p in (
    "The minister resigned on Tuesday after a week of questions about the contracts awarded by her department.",
    "Her deputy will take over until the prime minister names a successor, a spokesman said in a statement.",
    "Opposition parties said the resignation came too late and called for an inquiry into the contracts.",
))


def page(title: str | None, known: KnownMetadata) -> Page:
    head = f"<title>{title}</title>" if title else ""
    html = f"<html><head>{head}</head><body><article>{BODY}</article></body></html>"
    return Page(source_url="https://news.example/2024/03/05/minister-resigns", body=html.encode(),
                kind_hint="html", known=known)


@pytest.mark.parametrize(("page_title", "known", "title"), [
    ("Minister resigns over contracts", KnownMetadata(feed_title="Minister"), "Minister resigns over contracts"),
    ("Minister resigns over contracts", KnownMetadata(feed_title="&lol9;"), "Minister resigns over contracts"),
    (None, KnownMetadata(feed_title="Minister resigns"), "Minister resigns"),
    ("Minister resigns over contracts", KnownMetadata(title="Sidecar title"), "Sidecar title"),
], ids=["page-beats-cut-feed-title", "page-beats-entity-junk", "feed-fills-a-gap", "sidecar-wins"])
def test_title_precedence(page_title: str | None, known: KnownMetadata, title: str) -> None:
    assert extract_article(page(page_title, known), ExtractOptions()).title == title
