"""The state middleware and compressed sitemaps (issue 15, item 1): a compressed sitemap keeps
its validators like a plain one."""

from __future__ import annotations

import gzip

import pytest
from scrapy.http import Request, Response

from pipeline.downloadermiddlewares.incremental import lists_articles
from pipeline.meta import ROLE

SITEMAP = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>https://x.example/a</loc></url></urlset>")


@pytest.mark.parametrize("body", [SITEMAP, gzip.compress(SITEMAP)], ids=["plain", "gzip"])
def test_a_sitemap_lists_articles_compressed_or_not(body: bytes) -> None:
    request = Request("https://x.example/sitemap.xml.gz", meta={ROLE: "sitemap"})
    assert lists_articles(request, Response(request.url, body=body, request=request), 100_000)


def test_a_compressed_sitemap_past_the_cap_keeps_no_validators() -> None:
    body = gzip.compress(SITEMAP.replace(b"</urlset>", b" " * 200_000 + b"</urlset>"))
    request = Request("https://x.example/sitemap.xml.gz", meta={ROLE: "sitemap"})
    assert not lists_articles(request, Response(request.url, body=body, request=request), 100_000)
