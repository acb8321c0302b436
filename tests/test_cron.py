"""Unattended runs, end to end: real ``scrapy cron`` subprocesses against a local news site.

Each test runs the ``testsite`` spider (``tests/sitespider.py``) or ``seeds`` with its state,
lock and outputs in the test's tmp folder, and checks what the issue asks: incremental runs
with conditional feed requests, nothing lost or doubled across a ``kill -9``, one run at a
time, the cron wrapper under ``env -i``, and exit codes that tell a failed run from a quiet one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from pipeline.extensions.runlock import RunLock, RunLocked, hold_run_lock
from pipeline.extensions.summary import point_latest, prune
from pipeline.health import (
    EXIT_ERRORS,
    EXIT_INTERRUPTED,
    EXIT_NO_START,
    EXIT_OK,
    EXIT_STALE,
    RunFacts,
    Thresholds,
    assess,
    errors_by_type,
)
from tests.conftest import PROJECT_DIR
from tests.crawl import race_for_the_lock, read_jsonl, wait_for
from tests.feedsite import Site

SEED = PROJECT_DIR / "seeds" / "kyivindependent.com" / "001_eda1507bfc85257a.txt"


def cron_args(tmp: Path, spider: str, *args: str) -> list[str]:
    return [spider, *args,
            "-s", "SPIDER_MODULES=spiders,tests.sitespider",
            "-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}",
            "-s", f"NEWSCLEAN_DEFAULT_FEED={tmp / 'out' / '%(name)s' / '%(time)s.jsonl'}"]


def start_cron(tmp: Path, spider: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "scrapy", "cron", *cron_args(tmp, spider, *args)],
                            cwd=PROJECT_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_cron(tmp: Path, spider: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", "cron", *cron_args(tmp, spider, *args)],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False)


def outputs(folder: Path) -> list[Path]:
    """Visible outputs, oldest first (names are UTC times)."""
    return sorted(p for p in folder.glob("*.jsonl") if not p.name.endswith(".rejects.jsonl"))


def summary_of(output: Path) -> dict:
    return orjson.loads(output.with_name(output.name.replace(".jsonl", ".summary.json")).read_bytes())


def newest(tmp: Path, spider: str = "testsite") -> tuple[list[dict], dict]:
    output = outputs(tmp / "out" / spider)[-1]
    return read_jsonl(output), summary_of(output)


def site_run(tmp: Path, site: Site, *args: str) -> subprocess.CompletedProcess:
    result = run_cron(tmp, "testsite", "-a", f"feeds={site.feed_url}", *args)
    assert "newsclean run" in result.stderr, result.stderr[-3000:]
    return result


def test_incremental_runs_use_conditional_feeds_and_write_only_new_articles(tmp_path: Path) -> None:
    with Site(articles=5) as site:
        first = site_run(tmp_path, site)
        assert first.returncode == EXIT_OK, first.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert sorted(r["url"] for r in records) == [site.article_url(n) for n in range(1, 6)]
        assert (summary["records_written"], summary["new_records"], summary["pages_fetched"]) == (5, 5, 6)
        assert summary["entries"] == {"total": 1, "fetched": 1, "failures": {}}
        assert os.readlink(tmp_path / "out" / "testsite" / "latest") == outputs(tmp_path / "out" / "testsite")[-1].name

        site.hits.clear()
        second = site_run(tmp_path, site, "-s", "NEWSCLEAN_HEALTH_STALE_AFTER=3600")
        assert second.returncode == EXIT_OK, second.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert records == []
        assert [(h.path, h.status, "If-None-Match" in h.headers) for h in site.hits] == [("/feed.xml", 304, True)]
        assert (summary["status"], summary["not_modified"], summary["records_written"]) == ("ok", 1, 0)
        assert "newsclean run OK: spider testsite, 0 records written (0 new)" in second.stderr

        site.add(3)
        site.hits.clear()
        third = site_run(tmp_path, site)
        assert third.returncode == EXIT_OK, third.stderr[-3000:]
        records, summary = newest(tmp_path)
        assert sorted(r["url"] for r in records) == [site.article_url(n) for n in (6, 7, 8)]
        assert sorted(site.paths("/a/")) == ["/a/6.html", "/a/7.html", "/a/8.html"]  # known ones not fetched
        assert summary["skipped_known"] == 5

        fourth = site_run(tmp_path, site, "-s", "NEWSCLEAN_HEALTH_STALE_AFTER=0")
        assert fourth.returncode == EXIT_STALE, fourth.stderr[-3000:]
        assert "no new article for" in newest(tmp_path)[1]["reasons"][0]
        assert len(outputs(tmp_path / "out" / "testsite")) == 4


def test_refresh_refetches_and_rewrites_known_articles(tmp_path: Path) -> None:
    with Site(articles=2) as site:
        assert site_run(tmp_path, site).returncode == EXIT_OK
        site.hits.clear()
        again = site_run(tmp_path, site, "-a", "refresh=all")
        assert again.returncode == EXIT_OK, again.stderr[-3000:]
        assert [h.status for h in site.hits if h.path == "/feed.xml"] == [200]
        assert "If-None-Match" not in site.hits[0].headers
        records, summary = newest(tmp_path)
        assert len(records) == 2 and (summary["new_records"], summary["skipped_known"]) == (0, 0)


def part_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.jsonl.part")) if folder.is_dir() else []


def line_count(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def test_kill_9_mid_run_loses_nothing_and_writes_nothing_twice(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "testsite"
    with Site(articles=12, delay=0.15) as site:
        for kill_after in (2, 3):  # records durably in the killed run's .part
            before = set(part_files(folder))
            proc = start_cron(tmp_path, "testsite", "-a", f"feeds={site.feed_url}",
                              "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
            wait_for(lambda: any(line_count(p) >= kill_after for p in set(part_files(folder)) - before))
            proc.send_signal(signal.SIGKILL)
            proc.communicate()
            assert proc.returncode == -signal.SIGKILL
            assert part_files(folder), "the killed run left its records in a hidden .part"
            for output in outputs(folder):  # anything visible is complete and explained
                assert summary_of(output)["status"] == "recovered"
                assert len(read_jsonl(output)) == summary_of(output)["records_written"]

        final = run_cron(tmp_path, "testsite", "-a", f"feeds={site.feed_url}")
        assert final.returncode == EXIT_OK, final.stderr[-3000:]
        assert newest(tmp_path)[1]["recovered"]["files"] == 1  # the second kill's; the first was recovered before
        assert part_files(folder) == []
        written = [r["url"] for output in outputs(folder) for r in read_jsonl(output)]
        assert sorted(written) == sorted(site.article_url(n) for n in range(1, 13))  # each exactly once
        assert [s for o in outputs(folder) if (s := summary_of(o))["status"] == "recovered"]


def test_two_runs_started_together_one_works_the_other_exits_with_lock_code(tmp_path: Path) -> None:
    with Site(articles=6, delay=0.3) as site:
        procs = [start_cron(tmp_path, "testsite", "-a", f"feeds={site.feed_url}",
                            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1") for _ in range(2)]
        race_for_the_lock(procs, "testsite")
    assert len(newest(tmp_path)[0]) == 6


@pytest.mark.skipif(not (PROJECT_DIR / ".venv" / "bin" / "python").exists(), reason="needs the project .venv")
def test_cron_wrapper_works_with_a_bare_environment_from_root(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(SEED, tmp_path / "in" / "kyiv.txt")
    result = subprocess.run(
        ["/usr/bin/env", "-i", str(PROJECT_DIR / "bin" / "newsclean-cron"),
         *cron_args(tmp_path, "seeds", "-a", f"dir={tmp_path / 'in'}")],
        cwd="/", stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    records, summary = newest(tmp_path, "seeds")
    assert [Path(r["source_url"]).name for r in records] == ["kyiv.txt"]
    assert summary["status"] == "ok"


def test_run_whose_start_urls_all_fail_exits_non_zero_and_says_why(tmp_path: Path) -> None:
    with Site() as closed:
        refused = closed.feed_url  # nothing listens there once the site is stopped
    with Site(feed_status=500) as site:
        result = run_cron(tmp_path, "testsite", "-a", f"feeds={site.feed_url},{refused}")
    assert result.returncode == EXIT_NO_START, result.stderr[-3000:]
    records, summary = newest(tmp_path)
    assert records == [] and summary["status"] == "failed"
    assert summary["entries"]["failures"] == {site.feed_url: "http/500",
                                              refused: "fetch/DownloadConnectionRefusedError"}
    assert summary["reasons"][0].startswith("none of the 2 start URLs could be fetched")
    assert "newsclean run FAILED (exit 3: none of the 2 start URLs" in result.stderr


def test_errors_above_threshold_fail_the_run_and_hold_back_feed_validators(tmp_path: Path) -> None:
    with Site(articles=4, article_status={2: 500, 3: 500, 4: 503}) as site:
        failed = site_run(tmp_path, site)
        assert failed.returncode == EXIT_ERRORS, failed.stderr[-3000:]
        summary = newest(tmp_path)[1]
        assert summary["errors"] == {"http/500": 2, "http/503": 1}
        assert summary["records_written"] == 1
        site.article_status.clear()
        site.hits.clear()
        fixed = site_run(tmp_path, site)
        assert fixed.returncode == EXIT_OK, fixed.stderr[-3000:]
        assert site.hits[0].status == 200  # no 304: the failed articles are fetched again
        assert sorted(r["url"] for r in newest(tmp_path)[0]) == [site.article_url(n) for n in (2, 3, 4)]


# --- pure parts -----------------------------------------------------------------------------

LIMITS = Thresholds(max_error_rate=0.25, max_errors=None, stale_after=None)


def facts(**changes: object) -> RunFacts:
    base = dict(finish_reason="finished", entries=2, entries_fetched=2, entry_failures={}, attempts=10, errors={})
    return RunFacts(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(("run", "limits", "code"), [
    pytest.param(facts(attempts=2), LIMITS, EXIT_OK, id="every-feed-304-is-healthy"),
    pytest.param(facts(entries=0, entries_fetched=0), LIMITS, EXIT_NO_START, id="no-start-requests"),
    pytest.param(facts(entries_fetched=0, errors={"http/500": 2}), LIMITS, EXIT_NO_START, id="no-start-url-fetched"),
    pytest.param(facts(errors={"http/500": 2}), LIMITS, EXIT_OK, id="errors-under-rate"),
    pytest.param(facts(errors={"http/500": 3}), LIMITS, EXIT_ERRORS, id="errors-over-rate"),
    pytest.param(facts(errors={"http/404": 1}), Thresholds(max_errors=0), EXIT_ERRORS, id="errors-over-count"),
    pytest.param(facts(errors={"output/AtomicFileFeedStorage": 1}), Thresholds(), EXIT_ERRORS, id="output-not-stored"),
    pytest.param(facts(finish_reason="shutdown"), LIMITS, EXIT_INTERRUPTED, id="interrupted"),
    pytest.param(facts(finish_reason="closespider_timeout"), LIMITS, EXIT_OK, id="closespider-limit-is-normal"),
    pytest.param(facts(seconds_since_new=7200.0), Thresholds(stale_after=3600), EXIT_STALE, id="stale"),
    pytest.param(facts(seconds_since_new=60.0), Thresholds(stale_after=3600), EXIT_OK, id="fresh"),
    pytest.param(facts(entries_fetched=0, seconds_since_new=9e9), Thresholds(stale_after=1), EXIT_NO_START,
                 id="worst-reason-wins"),
])
def test_health_verdict(run: RunFacts, limits: Thresholds, code: int) -> None:
    assert assess(run, limits).exit_code == code


def test_errors_by_type_from_stats() -> None:
    stats = {"newsclean/fetch/failed/http/500": 2, "newsclean/fetch/failed/fetch/TimeoutError": 1,
             "newsclean/fetch/pages": 9, "spider_exceptions/count": 1, "spider_exceptions/KeyError": 1,
             "feedexport/failed_count/AtomicFileFeedStorage": 1, "newsclean/item_error/ValueError": 1}
    assert errors_by_type(stats) == {"fetch/TimeoutError": 1, "http/500": 2, "item/ValueError": 1,
                                     "output/AtomicFileFeedStorage": 1, "spider/KeyError": 1}


def test_lock_is_exclusive_names_its_holder_and_is_released(tmp_path: Path) -> None:
    path = tmp_path / "news.lock"
    first = RunLock(path)
    first.acquire()
    with pytest.raises(RunLocked, match=f"pid {os.getpid()}, running since"):
        RunLock(path).acquire()
    first.release()
    second = RunLock(path)
    second.acquire()
    second.release()
    assert hold_run_lock(path) is hold_run_lock(path)  # re-entrant within one process (cron + extension)


def test_latest_pointer_and_retention(tmp_path: Path) -> None:
    import re

    names = ["2026-01-01T00-00-00+00-00", "2026-01-02T00-00-00+00-00", "2026-01-03T00-00-00+00-00"]
    for age, name in zip((30, 20, 1), names):
        for suffix in (".jsonl", ".rejects.jsonl", ".summary.json"):
            path = tmp_path / f"{name}{suffix}"
            path.write_text("x")
            os.utime(path, (time.time() - age * 86400,) * 2)
    point_latest(tmp_path / f"{names[0]}.jsonl")
    point_latest(tmp_path / f"{names[2]}.jsonl")
    assert os.readlink(tmp_path / "latest") == f"{names[2]}.jsonl"
    pattern = re.compile(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\+00-00\.jsonl")
    removed = prune(tmp_path, pattern, 10, keep={tmp_path / f"{names[1]}.jsonl"})
    assert sorted(p.name for p in removed) == [f"{names[0]}{s}" for s in (".jsonl", ".rejects.jsonl", ".summary.json")]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("2026-01-0")) == sorted(
        f"{n}{s}" for n in names[1:] for s in (".jsonl", ".rejects.jsonl", ".summary.json"))


def test_plain_crawl_refuses_a_held_lock_with_one_line_and_the_lock_code(tmp_path: Path) -> None:
    from pipeline.health import EXIT_LOCKED
    from tests.crawl import run_crawl

    state = tmp_path / "state.sqlite"
    holder = RunLock(tmp_path / ".out.jsonl.lock")  # the lock of the output the run would write
    holder.acquire()
    try:
        result = run_crawl("seeds", "-O", str(tmp_path / "out.jsonl"), "-s", f"NEWSCLEAN_STATE_PATH={state}")
    finally:
        holder.release()
    assert result.returncode == EXIT_LOCKED
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("newsclean crawl: not starting spider 'seeds': another run holds the lock")
    assert "Traceback" not in result.stderr and not (tmp_path / "out.jsonl").exists()


def test_a_run_refused_while_the_holder_writes_its_name_still_names_it(tmp_path: Path) -> None:
    """The holder takes the flock, then writes who it is: a run refused in between waits for it."""
    import fcntl
    import threading

    path = tmp_path / "seeds.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    writer = threading.Timer(0.2, lambda: os.pwrite(fd, orjson.dumps({"pid": 4242, "since": "2026-01-01T00:00:00+00:00"}), 0))
    writer.start()
    try:
        with pytest.raises(RunLocked, match=r"\(pid 4242, running since 2026-01-01T00:00:00\+00:00\)"):
            RunLock(path).acquire()
    finally:
        writer.join()
        os.close(fd)
