"""Page type: listing pages (section fronts, tag pages) are told from articles."""

from __future__ import annotations

import gzip

import orjson
import pytest

from pipeline.discovery.pagetype import listing_page, listing_url
from tests.conftest import BENCHMARKS_DIR, needs_shared


@pytest.mark.parametrize(("url", "listing"), [
    ("https://x.example/", True), ("https://x.example/tag/karabakh/", True), ("https://x.example/news/page/2", True),
    ("https://x.example/category/world", True), ("https://x.example/world/2023/09/27/story.html", False),
    ("https://x.example/story?id=3", False),
])
def test_listing_urls(url: str, listing: bool) -> None:
    assert (listing_url(url) is not None) is listing


def test_listing_page_by_shape_and_declaration() -> None:
    teasers = "".join(f'<article><a href="/a{i}"><h2>Headline {i}</h2></a><p>Short.</p></article>' for i in range(6))
    assert listing_page(f"<html><body>{teasers}</body></html>", "https://x.example/latest") is not None
    prose = "<p>" + "A sentence of running prose in the article body. " * 5 + "</p>"
    assert listing_page(f"<html><body>{teasers}{prose * 4}</body></html>", "https://x.example/story") is None
    declared = '<head><meta property="og:type" content="article"></head>'
    assert listing_page(f"<html>{declared}<body>{teasers}</body></html>", "https://x.example/story") is None


def test_no_aeb_dev_article_is_taken_for_a_listing() -> None:
    folder = needs_shared(BENCHMARKS_DIR / "aeb-dev")
    truth = orjson.loads((folder / "ground-truth.json").read_bytes())
    wrong = [i for i, case in truth.items()
             if listing_page(gzip.decompress((folder / "html" / f"{i}.html.gz").read_bytes()).decode("utf-8", "replace"),
                             case["url"])]
    assert wrong == []
