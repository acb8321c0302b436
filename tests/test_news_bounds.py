"""Discovery ends by itself, and no start URL or article vanishes without a reject (issue 16):
an endless chain of sitemap indexes, a sitemap index of too many sitemaps, redirect loops and
chains longer than REDIRECT_MAX_TIMES, brotli/zstd/deflate bombs. A hostile local server, on
loopback, started and stopped here."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import orjson
import pytest
from backports import zstd

from tests.conftest import PROJECT_DIR
from tests.crawl import read_jsonl, run_crawl
from tests.site.server import ADDED_PAGE
from tests.test_news_crawl import FAST, own_state, stat

INDEX = re.compile(r"^/index-(\d+)\.xml$")
WIDE = re.compile(r"^/wide-(\d+)\.xml$")
HOP = re.compile(r"^/hop/(\d+)$")
HOPS = 30  # /hop/N redirects to /hop/N+1 up to /hop/30, an article: more than REDIRECT_MAX_TIMES (20) from 0
ARTICLE = "/news/2023/09/27/story-{n}.html"
BOMB_BYTES = 16 * 1024 * 1024  # decompressed; DOWNLOAD_MAXSIZE is 1,000,000 in FAST
BOMBS = {"br": lambda data: brotli.compress(data, quality=5), "zstd": zstd.compress, "deflate": zlib.compress}
Answer = tuple[int, dict[str, str], bytes]  # status, headers, body


class HostileSite:
    """``/index-N.xml`` always points to ``/index-(N+1).xml``; ``/wide.xml`` lists 50 sitemaps;
    ``/loop/a`` and ``/loop/b`` redirect to each other, ``/self`` to itself, ``/refresh/a`` and
    ``/refresh/b`` to each other by ``<meta http-equiv=refresh>``; ``/hop/N`` redirects to
    ``/hop/N+1`` until ``/hop/30``, an article; ``/moved`` to an article the feed lists too;
    ``/feed.xml`` lists articles behind those redirects, ``/bomb/<encoding>`` pages, each
    16 MiB of spaces compressed with brotli, zstd or deflate, ``/drip`` (a byte every 0.1 s),
    ``/short`` (85 "A"s of a promised 10,000 bytes) and the links of ``elsewhere``."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.elsewhere: list[str] = []  # links of /feed.xml to other places
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.paths.append(self.path)
                if self.path == "/drip":
                    return site.drip(self)
                if self.path == "/short":  # a Content-Length lie: 85 of 10,000 bytes, then the connection closes
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", "10000")
                    self.end_headers()
                    self.wfile.write(b"A" * 85)
                    self.close_connection = True
                    return None
                status, headers, body = site.answer(self.path)
                self.send_response(status)
                for name, value in {"Content-Type": "application/xml", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str) -> Answer:
        redirects = {"/loop/a": "/loop/b", "/loop/b": "/loop/a", "/self": "/self", "/moved": ARTICLE.format(n=1),
                     "/news/2023/09/27/loop-1.html": "/news/2023/09/27/loop-2.html",
                     "/news/2023/09/27/loop-2.html": "/news/2023/09/27/loop-1.html"}
        if path in redirects:
            return 302, {"Location": self.base + redirects[path]}, b""
        if path in ("/refresh/a", "/refresh/b"):
            target = "/refresh/b" if path.endswith("a") else "/refresh/a"
            page = f'<html><head><meta http-equiv="refresh" content="0; url={target}"></head><body></body></html>'
            return 200, {"Content-Type": "text/html"}, page.encode()
        if m := HOP.match(path):
            n = int(m.group(1))
            return (302, {"Location": f"{self.base}/hop/{n + 1}"}, b"") if n < HOPS else self.article(HOPS)
        if m := re.fullmatch(ARTICLE.format(n=r"(\d+)"), path):
            return self.article(int(m.group(1)))
        if path.startswith("/bomb/") and path[6:] in BOMBS:
            return 200, {"Content-Type": "text/html", "Content-Encoding": path[6:]}, BOMBS[path[6:]](b" " * BOMB_BYTES)
        if path == "/feed.xml":
            return 200, {"Content-Type": "application/rss+xml"}, self.feed()
        links: list[str] = []
        if m := INDEX.match(path):
            links = [f"{self.base}/index-{int(m.group(1)) + 1}.xml"]
        elif path == "/wide.xml":
            links = [f"{self.base}/wide-{n}.xml" for n in range(50)]
        elif WIDE.match(path):
            return 200, {}, b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
        else:
            return 404, {}, b""
        entries = "".join(f"<sitemap><loc>{link}</loc></sitemap>" for link in links)
        return 200, {}, f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()

    @staticmethod
    def drip(handler: BaseHTTPRequestHandler) -> None:
        """A page that never ends: one byte every 0.1 s of a promised 10,000."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "10000")
        handler.end_headers()
        try:
            for _ in range(10_000):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.1)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def article(self, n: int) -> Answer:
        page = ADDED_PAGE.format(title=f"Ferry crossing {n} resumes", date="2023-09-27T10:00:00Z", n=n)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page.encode()

    def feed(self) -> bytes:
        paths = ["/news/2023/09/27/loop-1.html", "/hop/0", ARTICLE.format(n=1), "/moved", "/drip", "/short",
                 *(f"/bomb/{encoding}" for encoding in BOMBS)]
        links = [*(self.base + path for path in paths), *self.elsewhere]
        items = "".join(f"<item><title>Story</title><link>{link}</link></item>" for link in links)
        return f'<rss version="2.0"><channel><title>Hostile</title>{items}</channel></rss>'.encode()


@pytest.fixture
def hostile() -> Iterator[HostileSite]:
    site = HostileSite()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


def crawl(site: HostileSite, tmp_path: Path, start: str, *settings: str) -> str:
    starts = ",".join(site.base + path for path in start.split(","))
    result = run_crawl("news", "-a", f"start={starts}", *FAST, *own_state(tmp_path), *settings,
                       "-O", str(tmp_path / "out.jsonl"), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def test_an_endless_chain_of_sitemap_indexes_ends_at_the_depth_limit(hostile: HostileSite,
                                                                     tmp_path: Path) -> None:
    log = crawl(hostile, tmp_path, "/index-0.xml")
    # the start index, then three nested ones (NEWSCLEAN_MAX_SITEMAP_DEPTH = 3), and no more
    assert [p for p in hostile.paths if p != "/robots.txt"] == [f"/index-{n}.xml" for n in range(4)]
    assert stat(log, "newsclean/news/skipped_sitemap/too_deep") == 1
    assert "NEWSCLEAN_MAX_SITEMAP_DEPTH=3" in log


def test_feeds_and_sitemaps_per_run_are_bounded(hostile: HostileSite, tmp_path: Path) -> None:
    log = crawl(hostile, tmp_path, "/wide.xml", "-s", "NEWSCLEAN_MAX_DOCUMENTS=5")
    assert sorted(p for p in hostile.paths if WIDE.match(p)) == sorted(f"/wide-{n}.xml" for n in range(5))
    assert stat(log, "newsclean/news/skipped_document/limit") == 45


def test_an_unattended_run_has_a_wall_clock_limit(hostile: HostileSite, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "cron", "news", "-a", f"start={hostile.base}/index-0.xml", *FAST,
         *own_state(tmp_path), "-s", "NEWSCLEAN_MAX_SITEMAP_DEPTH=100000", "-s", "NEWSCLEAN_CRON_TIMEOUT=3",
         "-s", "DOWNLOAD_DELAY=0.5", "-O", str(out)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)
    summary = orjson.loads((tmp_path / "out.summary.json").read_bytes().splitlines()[-1])
    assert summary["finish_reason"] == "closespider_timeout", result.stderr[-3000:]
    assert 3 <= summary["elapsed_seconds"] < 20
    assert len(hostile.paths) < 30  # the chain was cut by the clock, not by the depth limit


def test_redirect_loops_long_chains_bombs_and_other_places_each_end_in_a_reject(
        hostile: HostileSite, tmp_path: Path) -> None:
    other = HostileSite()  # same host, another port: must receive nothing
    other.thread.start()
    try:
        hostile.elsewhere = [f"{other.base}{ARTICLE.format(n=2)}", "http://169.254.169.254/latest/meta-data/"]
        redirects_and_bombs(hostile, tmp_path)
    finally:
        other.server.shutdown()
        other.server.server_close()
    assert other.paths == []


def redirects_and_bombs(hostile: HostileSite, tmp_path: Path) -> None:
    starts = ["/loop/a", "/self", "/refresh/a", "/hop/0", f"/hop/{HOPS - 5}", "/feed.xml"]
    # one site, 40 requests: no politeness delay (not what is tested here)
    log = crawl(hostile, tmp_path, ",".join(starts), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")
    written = sorted(r["source_url"].removeprefix(hostile.base) for r in read_jsonl(tmp_path / "out.jsonl"))
    # five hops are followed as before; the article the feed lists and /moved leads to, once
    assert written == [f"/hop/{HOPS}", ARTICLE.format(n=1)]
    rejects = {r["source_url"].removeprefix(hostile.base): (r["reason"], r["detail"])
               for r in read_jsonl(tmp_path / "out.rejects.jsonl")}
    assert {path: reason for path, (reason, _) in rejects.items()} == {
        "/loop/a": "redirect_loop", "/self": "redirect_loop", "/refresh/a": "redirect_loop",
        "/hop/0": "too_many_redirects", "/news/2023/09/27/loop-1.html": "redirect_loop",
        "/moved": "redirect_duplicate", "/bomb/br": "too_large", "/bomb/zstd": "too_large",
        "/bomb/deflate": "too_large", "/drip": "timeout", "/short": "truncated", hostile.elsewhere[0]: "unsafe_address"}
    b = hostile.base
    assert rejects["/loop/a"][1] == f"RedirectLoop: redirect loop: {b}/loop/a -> {b}/loop/b -> {b}/loop/a"
    assert rejects["/hop/0"][1] == f"TooManyRedirects: more than REDIRECT_MAX_TIMES=20 redirects: {b}/hop/0 -> ... -> {b}/hop/20"
    assert rejects["/moved"][1] == f"redirects to {b}{ARTICLE.format(n=1)}, already requested in this run"
    # no hop of a loop is requested twice; a chain stops at the limit
    assert hostile.paths.count("/loop/a") == hostile.paths.count("/loop/b") == 1
    assert hostile.paths.count("/self") == 1
    hops = sorted(int(p.split("/")[-1]) for p in hostile.paths if HOP.match(p))
    assert hops == sorted([*range(21), *range(HOPS - 5, HOPS + 1)])  # /hop/30 is the article
    assert stat(log, "newsclean/news/failed/article/redirect_loop") == 4  # start URLs not named like feeds are articles
    assert stat(log, "newsclean/news/skipped/out_of_scope") == 1  # 169.254.169.254: not even requested
