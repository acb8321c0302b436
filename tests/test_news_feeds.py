"""`scrapy crawl news` and its feeds and sitemaps, against the local test sites (issue 15 items
1, 2, 4, 5 and 8): compressed sitemaps reached every way (start URL, robots.txt, sitemap index)
and capped by ``DOWNLOAD_MAXSIZE`` once gunzipped; feed links relative to ``xml:base``; zone
names in feed dates; ``limit`` taking the newest candidates of all feeds; ``refresh=articles``
reaching articles whose feed is unchanged. Real crawls in subprocesses, real servers on loopback.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.crawl import read_jsonl, run_crawl
from tests.feedsite import Site
from tests.site import server as site_mod
from tests.site.server import NewsSite
from tests.test_news_cron import news_site

FAST = ("-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO")
WINDOW = ("-a", f"since={site_mod.WINDOW_SINCE}")


def crawl(tmp: Path, *args: str, name: str = "out") -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp / f"{name}.jsonl"
    state = ("-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}")
    result = run_crawl("news", *args, *FAST, *state, "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result, out


def stat(stderr: str, key: str) -> int | None:
    m = re.search(rf"'{re.escape(key)}': (\d+)", stderr)
    return int(m.group(1)) if m else None


def written(site: NewsSite | Site, out: Path) -> dict[str, dict]:
    return {r["source_url"].replace(site.base, ""): r for r in read_jsonl(out)}


def rejects(site: NewsSite, out: Path) -> dict[str, str]:
    return {r["source_url"].replace(site.base, ""): r["reason"]
            for r in read_jsonl(out.with_name(out.name.replace(".jsonl", ".rejects.jsonl")))}


# --- 1. compressed sitemaps ----------------------------------------------------------------

def test_a_compressed_news_sitemap_as_start_url_is_read(tmp_path: Path) -> None:
    with news_site() as site:
        result, out = crawl(tmp_path, "-a", f"start={site.base}/news-sitemap.xml.gz", *WINDOW)
    express = written(site, out)[site_mod.EXPRESS]
    assert express["title"] == "Almost 200 Azerbaijani soldiers killed during Nagorno-Karabakh offensive"
    assert (express["published"], express["published_from"]) == ("2023-09-27T10:00:00+01:00", "feed")
    assert stat(result.stderr, "newsclean/news/kind/news_sitemap") == 1
    assert stat(result.stderr, "newsclean/news/skipped/out_of_window") == 1  # the ancient entry


def test_compressed_sitemaps_from_robots_txt_and_the_index_are_read(tmp_path: Path) -> None:
    with news_site(compressed=True) as site:
        result, out = crawl(tmp_path, "-a", f"start={site.base}/", *WINDOW)
    paths = site.paths()
    assert {"/sitemap_index.xml.gz", "/news-sitemap.xml.gz", "/sitemap-pages.xml.gz"} <= set(paths)
    assert "/sitemap-2022.xml.gz" not in paths  # the index's lastmod is out of the window
    assert stat(result.stderr, "newsclean/news/kind/sitemap_index") == 1
    assert stat(result.stderr, "newsclean/news/kind/news_sitemap") == 1
    assert stat(result.stderr, "newsclean/news/kind/sitemap") == 1
    assert "/news/2023/07/01/ancient.html" not in paths  # a news-sitemap entry out of the window
    assert site_mod.EXPRESS in written(site, out)


def test_a_compressed_sitemap_past_download_maxsize_is_refused_not_read(tmp_path: Path) -> None:
    with news_site() as site:
        result, out = crawl(tmp_path, "-a", f"start={site.base}{site_mod.SITEMAP_BOMB}", "-s",
                            "DOWNLOAD_MAXSIZE=1000000")
    assert read_jsonl(out) == []
    assert rejects(site, out) == {site_mod.SITEMAP_BOMB: "too_large"}
    assert stat(result.stderr, "newsclean/news/kind/too_large") == 1


# --- 2 and 4. feed links and dates ---------------------------------------------------------

def test_feed_links_follow_xml_base_and_zone_names_keep_their_offsets(tmp_path: Path) -> None:
    with news_site() as site:
        _, out = crawl(tmp_path, "-a", f"start={site.base}{site_mod.BASED_FEED}")
    records = written(site, out)
    assert set(records) == {site_mod.KYIV, site_mod.EXPRESS}
    assert (records[site_mod.KYIV]["published"], records[site_mod.KYIV]["published_from"]) == (
        "2023-09-27T11:24:00+02:00", "feed")  # CEST, not "+00:00"
    assert records[site_mod.EXPRESS]["published"] == "2023-09-27T10:00:00+01:00"  # BST
    # the page's own title: the feed's shorter one ("Baku claims 192 Azerbaijani troops killed") only fills gaps
    assert records[site_mod.KYIV]["title"] == "Baku claims 192 Azerbaijani troops killed, 511 wounded in Karabakh offensive"
    assert records[site_mod.KYIV]["language"] == "en"
    assert not [p for p in site.paths() if p.startswith("/feeds/") and p != site_mod.BASED_FEED]


# --- 5. limit: the newest first ------------------------------------------------------------

def test_limit_takes_the_newest_items_of_a_feed_listed_oldest_first_undated_last(tmp_path: Path) -> None:
    with news_site() as site:
        _, out = crawl(tmp_path, "-a", f"start={site.base}{site_mod.OLDEST_FIRST}", "-a", "limit=2")
    assert set(written(site, out)) == {site_mod.KYIV, site_mod.BRIDGE}
    assert site_mod.EXPRESS not in site.paths()  # undated: last


def test_limit_takes_the_newest_items_of_all_feeds_together(tmp_path: Path) -> None:
    with news_site() as site:
        [added] = site.add_articles(1)  # 2023-09-29, in /feed.xml only of these two
        starts = f"{site.base}{site_mod.OLDEST_FIRST},{site.base}/feed.xml"
        _, out = crawl(tmp_path, "-a", f"start={starts}", "-a", "limit=1")
        articles = [p for p in site.paths() if p.endswith(".html")]
    assert [r["url"] for r in read_jsonl(out)] == [added]
    assert articles == [added.replace(site.base, "")]


# --- 8. refresh=articles -------------------------------------------------------------------

def test_refresh_articles_reaches_the_articles_of_an_unchanged_feed(tmp_path: Path) -> None:
    with Site(articles=3) as site:
        start = ("-a", f"start={site.feed_url}")
        crawl(tmp_path, *start, name="first")
        site.hits.clear()
        _, quiet = crawl(tmp_path, *start, name="second")
        assert [(h.path, h.status) for h in site.hits if h.path == "/feed.xml"] == [("/feed.xml", 304)]
        assert read_jsonl(quiet) == []

        site.hits.clear()
        _, refreshed = crawl(tmp_path, *start, "-a", "refresh=articles", name="refreshed")
        feed = [h for h in site.hits if h.path == "/feed.xml"]
        assert [(h.status, "If-None-Match" in h.headers) for h in feed] == [(200, False)]
        assert sorted(written(site, refreshed)) == [f"/a/{n}.html" for n in (1, 2, 3)]

        site.hits.clear()
        _, feeds_only = crawl(tmp_path, *start, "-a", "refresh=feeds", name="feeds")
        assert [h.status for h in site.hits if h.path == "/feed.xml"] == [200]
        assert site.paths("/a/") == [] and read_jsonl(feeds_only) == []  # known articles still skipped
