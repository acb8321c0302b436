"""`scrapy crawl news` and its feeds and sitemaps, against the local test sites (issue 15 items
2 and 4): feed links relative to ``xml:base``; zone names in feed dates. Real crawls in
subprocesses, real servers on loopback.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.crawl import read_jsonl, run_crawl
from tests.site import server as site_mod
from tests.site.server import NewsSite

FAST = ("-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=1", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO")


@contextmanager
def news_site(**options: object) -> Iterator[NewsSite]:
    """The news test site without its waits, and the 127.0.0.2 server that must hear nothing."""
    other = NewsSite("127.0.0.2").start()
    site = NewsSite("127.0.0.1", other=other.base, crawl_delay=0, retry_after=0, slow_seconds=0.2,
                    **options).start()  # type: ignore[arg-type]
    try:
        yield site
    finally:
        site.stop()
        other.stop()
    assert other.log == [], "the 127.0.0.2 server must receive nothing"


def crawl(tmp: Path, *args: str, name: str = "out") -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp / f"{name}.jsonl"
    state = ("-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}")
    result = run_crawl("news", *args, *FAST, *state, "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result, out


def written(site: NewsSite, out: Path) -> dict[str, dict]:
    return {r["source_url"].replace(site.base, ""): r for r in read_jsonl(out)}


# --- 2 and 4. feed links and dates ---------------------------------------------------------

def test_feed_links_follow_xml_base_and_zone_names_keep_their_offsets(tmp_path: Path) -> None:
    with news_site() as site:
        _, out = crawl(tmp_path, "-a", f"start={site.base}{site_mod.BASED_FEED}")
    records = written(site, out)
    assert set(records) == {site_mod.KYIV, site_mod.EXPRESS}
    assert (records[site_mod.KYIV]["published"], records[site_mod.KYIV]["published_from"]) == (
        "2023-09-27T11:24:00+02:00", "feed")  # CEST, not "+00:00"
    assert records[site_mod.EXPRESS]["published"] == "2023-09-27T10:00:00+01:00"  # BST
    assert records[site_mod.KYIV]["title"] == "Baku claims 192 Azerbaijani troops killed"
    assert records[site_mod.KYIV]["language"] == "en"
    assert not [p for p in site.paths() if p.startswith("/feeds/") and p != site_mod.BASED_FEED]

