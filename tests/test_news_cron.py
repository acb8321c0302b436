"""Issue 6's "Must show" with the real ``news`` spider against the news test site (``tests/site``).

Every test runs ``scrapy cron news`` (or the documented ``bin/newsclean-cron`` crontab line) in
subprocesses, with its own state, lock and output folder under the test's tmp folder, against
a fresh site on 127.0.0.1 (and the 127.0.0.2 server that must receive nothing). The site's
Crawl-delay, Retry-After and slow page are shortened so the runs stay fast.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
import pytest

from pipeline.health import EXIT_NO_START, EXIT_OK
from tests.conftest import PROJECT_DIR
from tests.crawl import race_for_the_lock, read_jsonl, wait_for
from tests.site import server as site_mod
from tests.site.server import NewsSite

# The allowed, in-window articles of the site (the slow and the huge page are articles too
# when the timeouts and size caps are the defaults).
ARTICLES = {site_mod.KYIV, site_mod.EXPRESS, site_mod.BRIDGE, site_mod.BUSY, site_mod.SLOW, site_mod.HUGE}
# Sources that list articles: conditional from the second run on.
LEAF_SOURCES = {"/feed.xml", "/atom.xml", "/news-sitemap.xml", "/sitemap-pages.xml"}
# Fetched in full every run: what they point at may change while they do not.
POINTERS = {"/robots.txt", "/", "/sitemap_index.xml"}
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=INFO")
WINDOW = ("-a", f"since={site_mod.WINDOW_SINCE}")


@contextmanager
def news_site(slow_seconds: float = 0.2, **options: object) -> Iterator[NewsSite]:
    """The news test site without its waits, and the 127.0.0.2 server that must hear nothing."""
    other = NewsSite("127.0.0.2").start()
    site = NewsSite("127.0.0.1", other=other.base, crawl_delay=0, retry_after=0, slow_seconds=slow_seconds,
                    **options).start()  # type: ignore[arg-type]
    try:
        yield site
    finally:
        site.stop()
        other.stop()
    assert other.log == [], "the 127.0.0.2 server must receive nothing"


def overrides(tmp: Path) -> list[str]:
    return ["-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}",
            "-s", f"NEWSCLEAN_DEFAULT_FEED={tmp / 'out' / '%(name)s' / '%(time)s.jsonl'}", *FAST]


def cron_command(tmp: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "cron", "news", *args, *overrides(tmp)]


def run_cron(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(cron_command(tmp, *args), cwd=PROJECT_DIR, capture_output=True, text=True,
                            timeout=120, check=False)
    assert "newsclean run" in result.stderr, result.stderr[-3000:]
    return result


def start_cron(tmp: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(cron_command(tmp, *args), cwd=PROJECT_DIR, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def folder(tmp: Path) -> Path:
    return tmp / "out" / "news"


def outputs(tmp: Path) -> list[Path]:
    """Visible outputs, oldest first (names are UTC times)."""
    found = folder(tmp).glob("*.jsonl") if folder(tmp).is_dir() else []
    return sorted(p for p in found if not p.name.endswith(".rejects.jsonl"))


def summary_of(output: Path) -> dict:
    return orjson.loads(output.with_name(output.name.replace(".jsonl", ".summary.json")).read_bytes())


def newest(tmp: Path) -> tuple[list[dict], dict]:
    output = outputs(tmp)[-1]
    return read_jsonl(output), summary_of(output)


def paths_of(site: NewsSite, records: list[dict]) -> list[str]:
    return sorted(r["source_url"].replace(site.base, "") for r in records)


def answers(site: NewsSite) -> list[tuple[str, int, bool]]:
    """(path, status, sent If-None-Match) of every request, sorted."""
    return sorted((h.path, h.status, "If-None-Match" in h.conditional) for h in site.log)


def test_second_run_is_conditional_and_writes_nothing_third_writes_only_the_new(tmp_path: Path) -> None:
    with news_site() as site:
        first = run_cron(tmp_path, "-a", f"start={site.base}/", *WINDOW)
        assert first.returncode == EXIT_OK, first.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert paths_of(site, records) == sorted(ARTICLES)
        assert (summary["records_written"], summary["new_records"], summary["status"]) == (len(ARTICLES), len(ARTICLES), "ok")
        written = {path for path, _, _ in answers(site) if path in ARTICLES}
        assert written == ARTICLES

        site.log.clear()
        second = run_cron(tmp_path, "-a", f"start={site.base}/", *WINDOW)
        assert second.returncode == EXIT_OK, second.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert records == []
        assert answers(site) == sorted([(p, 200, False) for p in POINTERS] + [(p, 304, True) for p in LEAF_SOURCES])
        assert all("If-Modified-Since" in h.conditional for h in site.log if h.path in LEAF_SOURCES)
        assert (summary["status"], summary["exit_code"], summary["records_written"], summary["not_modified"]) == (
            "ok", 0, 0, len(LEAF_SOURCES))
        assert summary["errors"] == {}
        assert "newsclean run OK: spider news, 0 records written (0 new)" in second.stderr

        added = site.add_articles(3)
        site.log.clear()
        third = run_cron(tmp_path, "-a", f"start={site.base}/", *WINDOW)
        assert third.returncode == EXIT_OK, third.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert sorted(r["url"] for r in records) == sorted(added)
        assert (summary["records_written"], summary["new_records"]) == (3, 3)
        fetched = [h.path for h in site.log]
        assert not ARTICLES & set(fetched), "an article written by an earlier run was fetched again"
        assert {(h.path, h.status) for h in site.log if h.path in LEAF_SOURCES} == {
            ("/feed.xml", 200), ("/atom.xml", 200), ("/news-sitemap.xml", 200), ("/sitemap-pages.xml", 304)}
        assert len(outputs(tmp_path)) == 3
        assert os.readlink(folder(tmp_path) / "latest") == outputs(tmp_path)[-1].name


def test_limit_counts_only_articles_fetched_and_keeps_feeds_unconditional(tmp_path: Path) -> None:
    with news_site() as site:
        starts = ("-a", f"start={site.base}/feed.xml", *WINDOW, "-a", "limit=2")
        runs = []
        for _ in range(3):
            site.log.clear()
            result = run_cron(tmp_path, *starts)
            assert result.returncode == EXIT_OK, result.stderr[-3000:]
            runs.append((paths_of(site, newest(tmp_path)[0]), [(h.path, h.status) for h in site.log
                                                                 if h.path == "/feed.xml"]))
    # Newest first: the council budget (28 Sep), then the redirects to a file and out of scope (27 Sep,
    # 11:45 and 11:40), which fail in every run and so take the places the known budget frees.
    assert [written for written, _ in runs] == [[site_mod.BUSY], [], []]
    # Articles were left for later: no validators kept, so no 304 could hide them.
    assert [feed for _, feed in runs] == [[("/feed.xml", 200)]] * 3


def test_a_site_without_robots_txt_is_healthy_when_nothing_is_new(tmp_path: Path) -> None:
    with news_site(robots_txt=False) as site:
        starts = ("-a", f"start={site.base}/feed.xml,{site.base}/atom.xml", *WINDOW)
        first = run_cron(tmp_path, *starts)
        assert first.returncode == EXIT_OK, first.stderr[-3000:]
        site.log.clear()
        second = run_cron(tmp_path, *starts)
        assert answers(site) == [("/atom.xml", 304, True), ("/feed.xml", 304, True), ("/robots.txt", 404, False)]
    assert second.returncode == EXIT_OK, second.stderr[-3000:]
    summary = newest(tmp_path)[1]
    assert (summary["status"], summary["errors"], summary["records_written"]) == ("ok", {}, 0)


def visible(tmp: Path) -> list[str]:
    return sorted(p.name for p in folder(tmp).iterdir() if not p.name.startswith("."))


def hidden(tmp: Path) -> list[str]:
    return sorted(p.name for p in folder(tmp).iterdir() if p.name.startswith("."))


def test_kill_9_mid_run_then_a_normal_run_writes_every_article_exactly_once(tmp_path: Path) -> None:
    with news_site(slow_seconds=30) as site:
        proc = start_cron(tmp_path, "-a", f"start={site.base}/", *WINDOW, "-s", "DOWNLOAD_TIMEOUT=60")

        def mid_run() -> bool:
            parts = list(folder(tmp_path).glob(".*.jsonl.part")) if folder(tmp_path).is_dir() else []
            durable = sum(p.read_bytes().count(b"\n") for p in parts if ".rejects." not in p.name)
            return durable >= 2 and site_mod.SLOW in site.paths()

        try:
            wait_for(mid_run)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        assert visible(tmp_path) == [], "a killed run must leave no visible file"
        assert any(name.endswith(".jsonl.part") for name in hidden(tmp_path))

        site.slow_seconds = 0.1
        final = run_cron(tmp_path, "-a", f"start={site.base}/", *WINDOW)
        assert final.returncode == EXIT_OK, final.stderr[-3000:]

    assert hidden(tmp_path) == [".newsclean.lock"], "no partial file may be left (the run lock stays)"
    recovered, last = outputs(tmp_path)
    assert summary_of(recovered)["status"] == "recovered"
    assert 2 <= len(read_jsonl(recovered)) < len(ARTICLES)
    assert summary_of(last)["recovered"]["files"] == 1
    union = [r for output in (recovered, last) for r in read_jsonl(output)]
    assert paths_of(site, union) == sorted(ARTICLES), "every article exactly once across the outputs"
    import sqlite3

    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        story_urls = sorted(url for (url,) in db.execute("SELECT url FROM stories WHERE spider = 'news'"))
    assert story_urls == sorted(r["url"] for r in union), "every record, recovered ones too, has its story row"


def test_two_runs_started_together_one_works_the_other_exits_with_the_lock_code(tmp_path: Path) -> None:
    with news_site(slow_seconds=3) as site:
        args = ("-a", f"start={site.base}/", *WINDOW)
        procs = [start_cron(tmp_path, *args) for _ in range(2)]
        race_for_the_lock(procs, "news")
    assert len(outputs(tmp_path)) == 1
    assert paths_of(site, newest(tmp_path)[0]) == sorted(ARTICLES)


def documented_cron_line() -> str:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running from cron", 1)[1]
    block = re.search(r"```cron\n(.+?)\n```", section, re.S)
    assert block, "README: the Running from cron section has no ```cron block"
    return block.group(1).strip()


@pytest.mark.skipif(not (PROJECT_DIR / ".venv" / "bin" / "python").exists(), reason="needs the project .venv")
def test_documented_cron_line_works_with_env_i_from_root(tmp_path: Path) -> None:
    line = documented_cron_line()
    command = line.split(None, 5)[5]  # after the five schedule fields
    run, redirect = command.split(" >> ", 1)
    assert run.startswith("/path/to/newsclean/bin/newsclean-cron news -a start_file=/path/to/sources.txt")
    log = tmp_path / "cron.log"
    with news_site() as site:
        (tmp_path / "sources.txt").write_text(f"# the test site\n{site.base}/\n")
        run = run.replace("/path/to/newsclean", str(PROJECT_DIR)).replace("/path/to/sources.txt",
                                                                          str(tmp_path / "sources.txt"))
        run = re.sub(r" -a max_age=\S+", "", run)  # the site's articles are from 2023: a fixed window
        redirect = redirect.replace("/path/to/newsclean/output/cron.log", str(log))
        shell_line = f"{run} {shlex.join([*WINDOW, *overrides(tmp_path)])} >> {redirect}"
        result = subprocess.run(["/usr/bin/env", "-i", "/bin/sh", "-c", shell_line], cwd="/",
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == EXIT_OK, log.read_text()[-3000:] if log.exists() else result.stderr
    assert f"newsclean run OK: spider news, {len(ARTICLES)} records written" in log.read_text()
    records, summary = newest(tmp_path)
    assert paths_of(site, records) == sorted(ARTICLES) and summary["status"] == "ok"


def test_run_whose_start_urls_all_fail_exits_non_zero_and_its_summary_says_why(tmp_path: Path) -> None:
    closed = NewsSite("127.0.0.1").start()
    refused = f"{closed.base}/feed.xml"
    closed.stop()  # nothing listens there any more
    with news_site() as site:
        broken = site.base + site_mod.BROKEN_FEED
        result = run_cron(tmp_path, "-a", f"start={refused},{broken}", "-s", "RETRY_TIMES=1")
    assert result.returncode == EXIT_NO_START, result.stderr[-3000:]
    records, summary = newest(tmp_path)
    assert records == [] and (summary["status"], summary["exit_code"]) == ("failed", EXIT_NO_START)
    assert summary["entries"] == {"total": 2, "fetched": 0, "failures": {
        refused: "fetch/DownloadConnectionRefusedError", broken: "http/500"}}
    assert summary["reasons"][0].startswith("none of the 2 start URLs could be fetched")
    assert "newsclean run FAILED (exit 3: none of the 2 start URLs could be fetched" in result.stderr
