"""Redirects that are not followed raise exceptions that say why, with the chain of URLs."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from pipeline.downloadermiddlewares.refusals import (
    RedirectLoop,
    TooManyRedirects,
    TypedMetaRefreshMiddleware,
    TypedRedirectMiddleware,
)


def follow(middleware: TypedRedirectMiddleware, request: Request, location: str) -> Request | Response:
    return middleware.process_response(request, Response(request.url, status=302, headers={"Location": location}))


def test_a_redirect_back_to_a_url_of_the_chain_is_a_loop() -> None:
    middleware = TypedRedirectMiddleware.from_crawler(get_crawler())
    first = Request("https://news.example/a")
    second = follow(middleware, first, "/b")
    assert isinstance(second, Request) and second.url == "https://news.example/b"
    with pytest.raises(RedirectLoop) as raised:
        follow(middleware, second, "https://news.example/a?")  # the same URL, canonically
    assert raised.value.reason == "redirect_loop"
    assert raised.value.chain == ["https://news.example/a", "https://news.example/b"]
    with pytest.raises(RedirectLoop):
        follow(middleware, Request("https://news.example/self"), "/self")


def test_a_chain_past_redirect_max_times_is_too_many_redirects() -> None:
    middleware = TypedRedirectMiddleware.from_crawler(get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 3}))
    request: Request | Response = Request("https://news.example/0")
    for hop in range(1, 4):
        assert isinstance(request, Request)
        request = follow(middleware, request, f"/{hop}")
    assert isinstance(request, Request)
    with pytest.raises(TooManyRedirects, match=r"more than REDIRECT_MAX_TIMES=3 redirects: "
                                                r"https://news.example/0 -> \.\.\. -> https://news.example/3") as raised:
        follow(middleware, request, "/4")
    assert raised.value.chain == [f"https://news.example/{n}" for n in range(4)]


def test_a_meta_refresh_loop_is_a_loop() -> None:
    middleware = TypedMetaRefreshMiddleware.from_crawler(get_crawler())
    request = Request("https://news.example/a")
    body = b'<html><head><meta http-equiv="refresh" content="0; url=/a"></head></html>'
    with pytest.raises(RedirectLoop):
        middleware.process_response(request, HtmlResponse(request.url, body=body))
