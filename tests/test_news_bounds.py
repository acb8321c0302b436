"""Discovery ends by itself: an endless chain of sitemap indexes, a sitemap index of too many
sitemaps (issue 16 item 4). A hostile local server, on loopback, started and stopped here."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import orjson
import pytest

from tests.conftest import PROJECT_DIR
from tests.crawl import run_crawl
from tests.test_news_crawl import FAST, own_state, stat

INDEX = re.compile(r"^/index-(\d+)\.xml$")
WIDE = re.compile(r"^/wide-(\d+)\.xml$")


class HostileSitemaps:
    """``/index-N.xml`` always points to ``/index-(N+1).xml``; ``/wide.xml`` lists 50 sitemaps."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                site.paths.append(self.path)
                body = site.answer(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, path: str) -> bytes:
        links: list[str] = []
        if m := INDEX.match(path):
            links = [f"{self.base}/index-{int(m.group(1)) + 1}.xml"]
        elif path == "/wide.xml":
            links = [f"{self.base}/wide-{n}.xml" for n in range(50)]
        elif WIDE.match(path):
            return b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
        else:
            return b""
        entries = "".join(f"<sitemap><loc>{link}</loc></sitemap>" for link in links)
        return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()


@pytest.fixture
def hostile() -> Iterator[HostileSitemaps]:
    site = HostileSitemaps()
    site.thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()


def crawl(site: HostileSitemaps, tmp_path: Path, start: str, *settings: str) -> str:
    result = run_crawl("news", "-a", f"start={site.base}{start}", *FAST, *own_state(tmp_path), *settings,
                       "-O", str(tmp_path / "out.jsonl"), timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stderr


def test_an_endless_chain_of_sitemap_indexes_ends_at_the_depth_limit(hostile: HostileSitemaps,
                                                                     tmp_path: Path) -> None:
    log = crawl(hostile, tmp_path, "/index-0.xml")
    # the start index, then three nested ones (NEWSCLEAN_MAX_SITEMAP_DEPTH = 3), and no more
    assert [p for p in hostile.paths if p != "/robots.txt"] == [f"/index-{n}.xml" for n in range(4)]
    assert stat(log, "newsclean/news/skipped_sitemap/too_deep") == 1
    assert "NEWSCLEAN_MAX_SITEMAP_DEPTH=3" in log


def test_feeds_and_sitemaps_per_run_are_bounded(hostile: HostileSitemaps, tmp_path: Path) -> None:
    log = crawl(hostile, tmp_path, "/wide.xml", "-s", "NEWSCLEAN_MAX_DOCUMENTS=5")
    assert sorted(p for p in hostile.paths if WIDE.match(p)) == sorted(f"/wide-{n}.xml" for n in range(5))
    assert stat(log, "newsclean/news/skipped_document/limit") == 45


def test_an_unattended_run_has_a_wall_clock_limit(hostile: HostileSitemaps, tmp_path: Path) -> None:
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
