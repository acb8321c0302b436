"""Spider argument tables, ``NEWSCLEAN_`` settings and output formats, checked before a run."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy.settings import Settings

import pipeline.settings as project_settings
from pipeline.arguments import (
    KNOWN_SETTINGS,
    Argument,
    UsageProblem,
    check_feed_formats,
    check_settings,
    find_spider,
    parse_arguments,
    positive_int,
)
from spiders.news import NewsSpider
from spiders.seeds import SeedsSpider

WHOLE = "a whole number of at least 1"
TABLE = (Argument("limit", positive_int, WHOLE, "at most this many"),
         Argument("depth", positive_int, WHOLE, "how deep", setting="NEWSCLEAN_DEPTH"))


def project() -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    return settings


def test_values_are_parsed_and_settings_fill_in_missing_arguments() -> None:
    assert parse_arguments(TABLE, {"limit": "3"}) == {"limit": 3}
    assert parse_arguments(TABLE, {}, Settings({"NEWSCLEAN_DEPTH": 2})) == {"depth": 2}
    assert parse_arguments(TABLE, {"depth": "5"}, Settings({"NEWSCLEAN_DEPTH": 2})) == {"depth": 5}


@pytest.mark.parametrize(("given", "message"), [
    ({"limt": "3"}, "unknown argument limt (did you mean limit?)"),
    ({"colour": "red"}, "unknown argument colour (known: depth, limit)"),
    ({"limit": "abc"}, "bad argument limit='abc': expected a whole number of at least 1"),
    ({"limit": "0"}, "bad argument limit='0': expected a whole number of at least 1"),
])
def test_unknown_names_and_refused_values_are_one_line(given: dict[str, str], message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        parse_arguments(TABLE, given)
    assert str(caught.value) == message


def test_a_refused_setting_is_named_as_a_setting() -> None:
    with pytest.raises(UsageProblem, match=r"^bad setting NEWSCLEAN_DEPTH='-1': expected a whole number"):
        parse_arguments(TABLE, {}, Settings({"NEWSCLEAN_DEPTH": -1}))


def test_seeds_dir_must_be_an_existing_folder(tmp_path: Path) -> None:
    assert SeedsSpider.parse_arguments({"dir": str(tmp_path)}) == {"dir": tmp_path.resolve()}
    with pytest.raises(UsageProblem, match=r"^bad argument dir='.*/missing' \(no such folder\): expected"):
        SeedsSpider.parse_arguments({"dir": str(tmp_path / "missing")})
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UsageProblem, match=r"\(not a folder\)"):
        SeedsSpider.parse_arguments({"dir": str(tmp_path / "file.txt")})
    with pytest.raises(UsageProblem, match=r"^bad setting NEWSCLEAN_SEEDS_DIR="):
        SeedsSpider.parse_arguments({}, Settings({"NEWSCLEAN_SEEDS_DIR": str(tmp_path / "missing")}))


def test_news_arguments(tmp_path: Path) -> None:
    starts = tmp_path / "starts.txt"
    starts.write_text("# feeds\nhttps://a.example/feed.xml  # RSS\n\n")
    values = NewsSpider.parse_arguments({
        "start": "https://b.example/, https://c.example/x", "start_file": str(starts), "since": "2023-09-01",
        "max_age": "48h", "limit": "20", "allow_domains": "cdn.example.net", "refresh": "feeds"})
    assert values == {"start": ["https://b.example/", "https://c.example/x"],
                      "start_file": ["https://a.example/feed.xml"],
                      "since": datetime(2023, 9, 1, tzinfo=timezone.utc), "max_age": timedelta(hours=48),
                      "limit": 20, "allow_domains": ["cdn.example.net"], "refresh": frozenset({"feeds"})}


START = {"start": "https://a.example/"}


@pytest.mark.parametrize(("given", "message"), [
    ({"since": "2023-09-01"}, "no start URLs: give -a start=URL[,URL...] and/or -a start_file=PATH"),
    ({"start": "example.com"}, "bad argument start='example.com' (not an http(s) URL: example.com)"),
    ({"start_file": "/no/such/file"}, "bad argument start_file='/no/such/file' (no such file): expected"),
    ({"max_age": "2 days"}, "bad argument max_age='2 days': expected a number"),
    ({"allow_domains": "https://x.example"}, "bad argument allow_domains='https://x.example' (not a domain"),
    ({"refresh": "bogus"}, "bad argument refresh='bogus': expected all, articles"),
])
def test_news_refusals(given: dict[str, str], message: str) -> None:
    with pytest.raises(UsageProblem) as caught:
        NewsSpider.parse_arguments({**START, **given} if "since" not in given else given)
    assert str(caught.value).startswith(message)


def test_known_settings_are_the_ones_settings_py_declares() -> None:
    declared = {name for name in vars(project_settings) if name.startswith("NEWSCLEAN_")}
    assert KNOWN_SETTINGS == declared and "NEWSCLEAN_EXTRACT_WORKERS" in declared
    check_settings(project())
    settings = project()
    settings.set("NEWSCLEAN_EXTRACT_WORKER", 1, priority="cmdline")
    with pytest.raises(UsageProblem, match=r"^unknown setting NEWSCLEAN_EXTRACT_WORKER "
                                           r"\(did you mean NEWSCLEAN_EXTRACT_WORKERS\?\)$"):
        check_settings(settings)


def test_output_formats_without_an_exporter_are_refused() -> None:
    check_feed_formats({"out.csv": {"format": "csv"}, "out.jl": {"format": "jl"}}, project())
    with pytest.raises(UsageProblem, match=r"^output out.pickle: format 'pickle' is not written"):
        check_feed_formats({"out.pickle": {"format": "pickle"}}, project())


def test_an_unknown_spider_names_the_closest() -> None:
    assert find_spider(project(), "news") is NewsSpider
    with pytest.raises(UsageProblem, match=r"^unknown spider seedz \(did you mean seeds\?\)$"):
        find_spider(project(), "seedz")


@pytest.mark.parametrize(("name", "value", "message"), [
    ("NEWSCLEAN_DUPLICATES", "remove", r"^bad setting NEWSCLEAN_DUPLICATES='remove': expected mark, drop or off$"),
    ("NEWSCLEAN_DUPLICATE_THRESHOLD", "0", r"^bad setting NEWSCLEAN_DUPLICATE_THRESHOLD='0': expected a number in \(0, 1\]$"),
    ("NEWSCLEAN_DUPLICATE_THRESHOLD", "1.5", r"^bad setting NEWSCLEAN_DUPLICATE_THRESHOLD='1.5'"),
    ("NEWSCLEAN_DUPLICATE_THRESHOLD", "high", r"^bad setting NEWSCLEAN_DUPLICATE_THRESHOLD='high'"),
    ("NEWSCLEAN_DUPLICATE_WINDOW_DAYS", "-3", r"^bad setting NEWSCLEAN_DUPLICATE_WINDOW_DAYS='-3': expected a positive"),
    ("NEWSCLEAN_DUPLICATE_WINDOW_DAYS", "month", r"^bad setting NEWSCLEAN_DUPLICATE_WINDOW_DAYS='month'"),
])
def test_duplicate_settings_are_checked_before_the_crawl(name: str, value: str, message: str) -> None:
    from scrapy.settings import Settings

    from pipeline.arguments import check_settings

    with pytest.raises(UsageProblem, match=message):
        check_settings(Settings({name: value}))
    check_settings(Settings({"NEWSCLEAN_DUPLICATES": "Drop", "NEWSCLEAN_DUPLICATE_THRESHOLD": "0.8"}))
    from pipeline.arguments import duplicate_window_days

    assert [duplicate_window_days(Settings({"NEWSCLEAN_DUPLICATE_WINDOW_DAYS": v})) for v in ("7", "0.5", "0", "none")] == [
        7.0, 0.5, None, None]
