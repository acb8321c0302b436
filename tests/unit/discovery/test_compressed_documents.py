"""Compressed feeds and sitemaps (issue 15, item 1): a ``.xml.gz`` body is gunzipped with
Scrapy's own ``gunzip``, capped by ``DOWNLOAD_MAXSIZE``, and typed by what it contains."""

from __future__ import annotations

import gzip

import pytest

from pipeline.discovery import documents as d

NEWS_SITEMAP = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                b"<url><loc>https://x.example/a</loc><news:news><news:title>A</news:title></news:news></url>"
                b"</urlset>")
INDEX = b"<sitemapindex><sitemap><loc>https://x.example/news.xml.gz</loc></sitemap></sitemapindex>"


@pytest.mark.parametrize(("body", "kind"), [(NEWS_SITEMAP, d.NEWS_SITEMAP), (INDEX, d.SITEMAP_INDEX)])
def test_a_gzip_file_is_typed_by_its_content(body: bytes, kind: str) -> None:
    packed = gzip.compress(body)
    assert d.detect_kind(packed) not in (d.NEWS_SITEMAP, d.SITEMAP_INDEX)  # the bytes alone say nothing
    assert d.document_body(packed, 10_000) == body
    assert d.detect_kind(d.document_body(packed, 10_000)) == kind


def test_a_plain_body_is_given_back_as_it_is() -> None:
    assert d.document_body(NEWS_SITEMAP, 10) is NEWS_SITEMAP  # the cap is the downloader's then


def test_the_decompressed_size_is_capped() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 1_000_000 + b"</urlset>")
    assert len(bomb) < 10_000
    with pytest.raises(d.DocumentTooLarge):
        d.document_body(bomb, 100_000)
    assert len(d.document_body(bomb, 0)) == 1_000_017  # 0: no cap, as DOWNLOAD_MAXSIZE=0


def test_corrupt_gzip_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        d.document_body(d.GZIP_MAGIC + b"\x00" * 20, 10_000)
