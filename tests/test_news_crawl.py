"""`scrapy crawl news` against the local test site (tests/site): what is fetched, what is written,
what is refused, and the timing the server saw (Crawl-delay, Retry-After)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.items import KnownMetadata, Page
from pipeline.stories.index import story_id_for
from tests.conftest import BENCHMARKS_DIR
from tests.crawl import read_jsonl, run_crawl
from tests.site import server as site_mod
from tests.site.server import NewsSite

AEB_PAGES = 2
# Test-only settings: fail fast on the slow page, a small size cap for the huge page and the
# gzip bomb, one retry (the 429), and AutoThrottle starting low so Crawl-delay is what shows.
FAST = ("-s", "DOWNLOAD_TIMEOUT=1", "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "RETRY_TIMES=1",
        "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "LOG_LEVEL=INFO")


def own_state(tmp: Path) -> tuple[str, ...]:
    """State (and run lock) in the test's folder: with the project's output/state.sqlite, a second
    test session would skip the articles the first one wrote (the aeb pages keep their canonical URLs)."""
    return ("-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}")


def aeb_pages() -> dict[str, bytes]:
    folder = BENCHMARKS_DIR / "aeb-dev" / "html"
    if not folder.is_dir():
        return {}
    return {p.name.split(".")[0]: gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))[:AEB_PAGES]}


def stat(stderr: str, key: str) -> int | float | None:
    m = re.search(rf"'{re.escape(key)}': ([\d.]+)", stderr)
    return (float(m.group(1)) if "." in m.group(1) else int(m.group(1))) if m else None


class Crawl:
    def __init__(self, tmp: Path, *, plain: bool, args: tuple[str, ...], start_path: str = "/"):
        self.other = NewsSite("127.0.0.2").start()
        self.site = NewsSite("127.0.0.1", other=self.other.base, aeb={} if plain else aeb_pages(),
                             plain=plain).start()
        try:
            self.out = tmp / "out.jsonl"
            self.result = run_crawl("news", "-a", f"start={self.site.base}{start_path}", *args, *FAST, *own_state(tmp),
                                    "-O", str(self.out))
        finally:
            self.site.stop()
            self.other.stop()
        assert self.result.returncode == 0, self.result.stderr[-3000:]
        self.records = {r["source_url"].replace(self.site.base, ""): r for r in read_jsonl(self.out)}
        self.rejects = {r["source_url"].replace(self.site.base, ""): r["reason"]
                        for r in read_jsonl(tmp / "out.rejects.jsonl")}
        self.paths = self.site.paths()

    def stat(self, key: str) -> int | float | None:
        return stat(self.result.stderr, key)


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return Crawl(tmp_path_factory.mktemp("full"), plain=False, args=("-a", f"since={site_mod.WINDOW_SINCE}"))


def test_writes_exactly_the_allowed_in_window_articles_once(full: Crawl) -> None:
    aeb = [f"/aeb/{i}.html" for i in sorted(full.site.aeb)]
    expected = {site_mod.KYIV, site_mod.EXPRESS, site_mod.BRIDGE, site_mod.BUSY, *aeb}
    assert set(full.records) == expected
    assert len(read_jsonl(full.out)) == len(expected)
    for path in (site_mod.KYIV, site_mod.EXPRESS, site_mod.BRIDGE, *aeb):
        assert full.paths.count(path) == 1, path


def test_feed_and_news_sitemap_dates_and_languages_win_titles_only_fill_gaps(full: Crawl) -> None:
    kyiv = full.records[site_mod.KYIV]
    assert kyiv["title"] == "Baku claims 192 Azerbaijani troops killed, 511 wounded in Karabakh offensive"
    assert (kyiv["published"], kyiv["published_from"], kyiv["language"]) == (
        "2023-09-27T09:24:00+00:00", "feed", "en")  # the feed's en-GB, as ISO 639-1
    express = full.records[site_mod.EXPRESS]
    assert (express["published"], express["published_from"]) == ("2023-09-27T10:00:00+01:00", "feed")
    assert express["language"] == "en"  # from the news sitemap or Atom, whichever came first
    for n, i in enumerate(sorted(full.site.aeb), start=1):
        record = full.records[f"/aeb/{i}.html"]
        page_title = extract_article(Page(source_url=record["source_url"], body=full.site.aeb[i], kind_hint="html"),
                                     ExtractOptions()).title
        # the page's own title, not the news sitemap's "Benchmark story N"; the sitemap's date
        assert (record["title"], record["published"]) == (page_title, f"2023-09-2{n}T08:00:00+00:00")
        assert page_title and page_title != f"Benchmark story {n}"


def test_live_record_equals_the_offline_extraction_of_the_same_bytes(full: Crawl) -> None:
    live = full.records[site_mod.KYIV]
    body = (site_mod.PAGES / "kyiv-troops.html").read_bytes()
    known = KnownMetadata(feed_title=live["title"], published="2023-09-27T09:24:00+00:00", language="en-gb")
    offline = extract_article(Page(source_url=live["source_url"], body=body, content_type="text/html",
                                   fetched_at=live["fetched_at"], known=known), ExtractOptions())
    # The story fields come from the item pipeline after extraction (a new story here).
    assert live == {**offline.__dict__, "story_id": story_id_for(live["url"]), "duplicate_of": None}
    assert live["text"].startswith("During Baku's recent offensive in Nagorno-Karabakh")
    for noise in ("Skip to content", "Subscribe", "Read more", "not accepting comments", "Share on"):
        assert noise not in live["text"]


def test_refused_and_filtered_urls_are_never_fetched(full: Crawl) -> None:
    for path in (site_mod.OLD, site_mod.ANCIENT, site_mod.PRIVATE, site_mod.TAG, site_mod.SECTION,
                 "/sitemap-2022.xml", site_mod.ELSEWHERE):
        assert path not in full.paths, path
    assert full.other.log == []
    assert full.stat("newsclean/news/skipped/out_of_window") == 2  # feed item + news-sitemap entry
    assert full.stat("newsclean/news/skipped_sitemap/out_of_window") == 1
    assert full.stat("robotstxt/forbidden") == 1
    assert full.stat("newsclean/news/skipped/out_of_scope") == 1
    assert full.stat("newsclean/news/skipped/bad_scheme") == 1
    assert full.stat("newsclean/news/skipped/not_article") == 3  # /tag/ item, / and /section/ entries
    assert full.stat("newsclean/scope/refused/out_of_scope") == 1  # the redirect to 127.0.0.2


def test_failures_and_non_articles_go_to_the_rejects_by_reason(full: Crawl) -> None:
    assert full.rejects == {
        "/": "not_article", site_mod.PICTURES: "not_article", site_mod.TAG: "not_article",
        site_mod.SECTION: "not_article", site_mod.MISSING: "http_404", site_mod.SLOW: "timeout",
        site_mod.HUGE: "too_large", site_mod.BOMB: "too_large", site_mod.REDIRECT_FILE: "http_301",
        full.other.base + site_mod.ELSEWHERE: "out_of_scope",  # the redirect target, refused
    }
    assert full.stat("newsclean/rejects/not_article") == 5  # "/" twice: start page and sitemap entry


def test_crawl_delay_and_retry_after_are_kept(full: Crawl) -> None:
    hits = full.site.log
    assert hits[0].path == "/robots.txt"
    gaps = [b.at - a.at for a, b in zip(hits[1:], hits[2:])]
    assert min(gaps) >= site_mod.CRAWL_DELAY - 0.05, gaps
    busy = [h.at for h in hits if h.path == site_mod.BUSY]
    assert len(busy) == 2 and busy[1] - busy[0] >= site_mod.RETRY_AFTER - 0.05
    assert all(h.user_agent.startswith("newsclean/") and "(+https://" in h.user_agent for h in hits)


def test_home_without_feeds_or_sitemaps_follows_its_links_safely(tmp_path: Path) -> None:
    crawl = Crawl(tmp_path, plain=True, args=(
        "-a", f"since={site_mod.WINDOW_SINCE}", "-a", "allow_domains=localhost,127.0.0.2"))
    assert set(crawl.records) == {site_mod.KYIV, site_mod.EXPRESS, site_mod.BRIDGE}
    assert crawl.other.log == []
    assert "/news/2023/09/29/via-localhost.html" not in crawl.paths
    assert crawl.stat("newsclean/scope/refused/unsafe_address") == 2  # localhost -> 127.0.0.1, 127.0.0.2
    for path in (site_mod.OLD, site_mod.TAG, site_mod.SECTION, site_mod.PRIVATE, "/about.html"):
        assert path not in crawl.paths, path
    assert {p for p in crawl.paths if "sitemap" in p} == {"/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml"}
    assert crawl.rejects[site_mod.PICTURES] == "not_article"


def test_feed_start_url_from_a_file_with_a_limit(tmp_path: Path) -> None:
    other = NewsSite("127.0.0.2").start()
    site = NewsSite("127.0.0.1", other=other.base).start()
    try:
        starts = tmp_path / "starts.txt"
        starts.write_text(f"# the site's RSS feed\n{site.base}/feed.xml  # RSS\n\n")
        out = tmp_path / "out.jsonl"
        result = run_crawl("news", "-a", f"start_file={starts}", "-a", "limit=1", *FAST, *own_state(tmp_path),
                           "-O", str(out))
    finally:
        site.stop()
        other.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    assert [r["source_url"] for r in read_jsonl(out)] == [site.base + site_mod.BUSY]  # the newest item
    assert site.paths() == ["/robots.txt", "/feed.xml", site_mod.BUSY, site_mod.BUSY]  # a 429, then a 200
    assert stat(result.stderr, "newsclean/news/skipped/limit") > 0
