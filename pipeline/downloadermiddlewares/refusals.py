"""Scrapy's robots.txt and decompression middlewares, raising exceptions that say why.

Both refuse a request with a plain ``IgnoreRequest`` whose only clue is its message. Spiders
and stats need to tell a page disallowed by robots.txt (not a failure: it frees its place
under ``limit``) from one whose body decompresses past ``DOWNLOAD_MAXSIZE`` (a reject,
``too_large``). These subclasses raise ``DisallowedByRobots`` and ``DecompressedTooLarge``
(both ``IgnoreRequest``, so everything else treats them as before) and replace Scrapy's own at
the same priorities in ``DOWNLOADER_MIDDLEWARES``.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.robotstxt import RobotParser


class DisallowedByRobots(IgnoreRequest):
    """The site's robots.txt disallows this URL for our user agent."""


class DecompressedTooLarge(IgnoreRequest):
    """The body grew past ``DOWNLOAD_MAXSIZE`` while it was decompressed."""


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
