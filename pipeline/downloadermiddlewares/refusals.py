"""Scrapy's robots.txt, decompression and redirect middlewares, raising exceptions that say why.

They refuse a request with a plain ``IgnoreRequest`` whose only clue is its message. Spiders
and stats need to tell a page disallowed by robots.txt (not a failure: it frees its place
under ``limit``) from one whose body decompresses past ``DOWNLOAD_MAXSIZE`` (a reject,
``too_large``). These subclasses raise ``DisallowedByRobots`` and ``DecompressedTooLarge``
(both ``IgnoreRequest``, so everything else treats them as before) and replace Scrapy's own at
the same priorities in ``DOWNLOADER_MIDDLEWARES``.

Redirects: Scrapy drops a chain longer than ``REDIRECT_MAX_TIMES`` with an ``IgnoreRequest``
that spiders take for "ignored on purpose", and a loop (A -> B -> A) reaches the duplicate
filter, which drops it with a debug line: either way the start URL or article vanished without
a reject. ``TypedRedirectMiddleware`` and ``TypedMetaRefreshMiddleware`` raise
``TooManyRedirects`` and ``RedirectLoop`` instead (``RefusedRequest``s, with a ``reason`` and
the chain of URLs), before the loop's next hop is ever requested.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser
from w3lib.url import canonicalize_url

from pipeline.downloadermiddlewares.scope import RefusedRequest


class DisallowedByRobots(IgnoreRequest):
    """The site's robots.txt disallows this URL for our user agent."""


class DecompressedTooLarge(IgnoreRequest):
    """The body grew past ``DOWNLOAD_MAXSIZE`` while it was decompressed."""


class RedirectRefused(RefusedRequest):
    """Base class: a redirect that is not followed; ``chain`` lists the URLs requested, the
    first one (what the spider asked for) first."""

    def __init__(self, message: str, chain: list[str]):
        super().__init__(message)
        self.chain = chain


class TooManyRedirects(RedirectRefused):
    """More redirects in a row than ``REDIRECT_MAX_TIMES``."""

    reason = "too_many_redirects"


class RedirectLoop(RedirectRefused):
    """A redirect back to a URL already requested in the same chain."""

    reason = "redirect_loop"


class TypedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:  # the only refusal: "Forbidden by robots.txt"
            raise DisallowedByRobots(str(exc)) from None


class TypedHttpCompressionMiddleware(HttpCompressionMiddleware):
    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:  # the only refusal: the DOWNLOAD_MAXSIZE cap while decoding
            raise DecompressedTooLarge(str(exc)) from exc


class RedirectRefusals:
    """Mixin for Scrapy's two redirect middlewares: ``TooManyRedirects`` and ``RedirectLoop``."""

    max_redirect_times: int

    def process_response(self, request: Request, response: Response) -> Request | Response:
        try:
            result = super().process_response(request, response)  # type: ignore[misc]
        except IgnoreRequest:  # the only refusal: "max redirections reached"
            chain = [*request.meta.get("redirect_urls", []), request.url]
            raise TooManyRedirects(f"more than REDIRECT_MAX_TIMES={self.max_redirect_times} redirects: "
                                   f"{chain[0]} -> ... -> {chain[-1]}", chain) from None
        if isinstance(result, Request):
            chain = result.meta.get("redirect_urls", [])
            if canonicalize_url(result.url) in {canonicalize_url(url) for url in chain}:
                raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, result.url])}", chain)
        return result


class TypedRedirectMiddleware(RedirectRefusals, RedirectMiddleware):
    pass


class TypedMetaRefreshMiddleware(RedirectRefusals, MetaRefreshMiddleware):
    pass
