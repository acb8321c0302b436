"""``scrapy crawl seeds [-a dir=PATH]``: every page file under a folder, as ``file://`` requests.

Going through Scrapy's downloader (not ``open()``) keeps offline runs on the same middlewares,
pipelines and stats as live crawls. Its one argument is declared in ``SeedsSpider.arguments``
(checked by ``pipeline.arguments`` before the run starts).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Response
from scrapy.settings.default_settings import DOWNLOADER_MIDDLEWARES_BASE
from twisted.python.failure import Failure

from pipeline.arguments import Argument, DeclaredArguments, folder
from pipeline.discovery.files import find_inputs, input_problem, page_kind, read_sidecar
from pipeline.items import KnownMetadata, Page
from pipeline.signals import page_failed
from pipeline.utils.clock import now_utc

# Scrapy's downloader middlewares that do nothing for a file:// request or its response: request
# headers (user agent, defaults, cookies, HTTP auth) that reading a file ignores, cookies a file
# response never sets, a proxy and a download timeout the reactor-thread read never uses. Each
# cost two calls a page in the reactor process. Retries (of a failed read), meta refresh and the
# downloader stats stay.
FILE_NOOP_DOWNLOADER_MIDDLEWARES = (
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware",
    "scrapy.downloadermiddlewares.defaultheaders.DefaultHeadersMiddleware",
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware",
)


class SeedsSpider(DeclaredArguments, scrapy.Spider):
    name = "seeds"
    arguments = (
        Argument("dir", folder, "an existing folder",
                 "the folder to read, recursively (default: `NEWSCLEAN_SEEDS_DIR`, the project's `seeds/`)",
                 setting="NEWSCLEAN_SEEDS_DIR"),
    )
    # Local files: politeness delays and robots.txt are for other people's servers.
    custom_settings = {
        "ROBOTSTXT_OBEY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
        # Read in the reactor thread, not handed to a thread per file (cheaper for local pages).
        "DOWNLOAD_HANDLERS": {"file": "pipeline.downloadhandlers.file.LocalFileDownloadHandler"},
        # Scrapy's own middlewares less those files do not need (the project's are added to these).
        "DOWNLOADER_MIDDLEWARES_BASE": {name: order for name, order in DOWNLOADER_MIDDLEWARES_BASE.items()
                                        if name not in FILE_NOOP_DOWNLOADER_MIDDLEWARES},
    }

    def __init__(self, dir: Path | None = None, **kwargs: Any):  # noqa: A002 - `-a dir=` is the CLI name
        super().__init__(**kwargs)
        self.input_dir = dir

    async def start(self):
        root = Path(self.input_dir or self.settings.get("NEWSCLEAN_SEEDS_DIR")).expanduser().resolve()
        if not root.is_dir():  # checked before the start; gone since (the run then replaces no output)
            raise FileNotFoundError(f"input folder not found: {root}")
        max_bytes = self.settings.getint("NEWSCLEAN_MAX_PAGE_BYTES")
        links_outside = self.settings.getbool("NEWSCLEAN_INPUT_LINKS_OUTSIDE")
        for path in find_inputs(root, self.input_failed):
            if self.crawler.engine.needs_backout():
                # Lazy start (Scrapy's documented pattern): checking files and reading sidecars far
                # ahead of the downloader kept the reactor from feeding the extraction workers.
                await self.crawler.signals.wait_for(signals.scheduler_empty)
            problem = input_problem(path, root, max_bytes, links_outside=links_outside)
            if problem:
                self.input_failed(path, *problem)
                continue
            yield scrapy.Request(
                path.as_uri(), callback=self.parse, errback=self.fetch_failed, dont_filter=True,
                cb_kwargs={"known": read_sidecar(path), "kind_hint": page_kind(path)},
            )

    def input_failed(self, path: Path, reason: str, detail: str) -> None:
        self.crawler.signals.send_catch_log(page_failed, source_url=path.as_uri(), reason=reason, detail=detail)

    def parse(self, response: Response, known: KnownMetadata, kind_hint: str):
        yield Page(
            source_url=response.url,
            body=response.body,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            kind_hint=kind_hint,
            fetched_at=now_utc(),
            known=known,
        )

    def fetch_failed(self, failure: Failure):
        self.crawler.signals.send_catch_log(
            page_failed, source_url=failure.request.url, reason="fetch_failed",
            detail=f"{failure.type.__name__}: {failure.value}",
        )
