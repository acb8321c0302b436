"""Request meta keys: the contract between the spiders and the downloader middlewares.

``ROLE`` says what a request is for: ``robots``, ``feed``, ``sitemap``, ``listing`` or
``article`` (the ``news`` spider sets it on every request; the seeds spider's ``file://``
requests have none). Scope, state and fetch-outcome middlewares act on it.
"""

from __future__ import annotations

from scrapy.http import Request

ROLE = "newsclean_role"
# A guess whose failure is normal (the common sitemap locations): a probe, not a start URL.
OPTIONAL = "newsclean_optional"


def origin_url(request: Request) -> str:
    """The URL the spider asked for, before redirects."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
