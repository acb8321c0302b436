"""Dates from bylines, free text and URL paths: the time and offset only when stated."""

from __future__ import annotations

import pytest

from pipeline.extract.dates import date_in_text, date_in_url, normalize_iso


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.example.com/news/world-news/2023/09/27/almost-200-soldiers/", "2023-09-27"),
    ("https://example.com/statements/2019/nov/18/some-claim/", "2019-11-18"),
    ("https://example.com/2019/march/5/story", "2019-03-05"),
    ("https://example.com/archive/2024-02-29-leap-day-story", "2024-02-29"),
    ("https://example.com/story-20230927.html", "2023-09-27"),
    ("https://example.com/2019/mayor/5/story", None),  # not a month
    ("https://example.com/2023/02/30/no-such-day", None),
    ("https://example.com/azerbaijan-says-it-lost-192-troops", None),
], ids=["numeric", "month-abbr", "month-name", "iso-in-slug", "compact", "not-a-month", "bad-day", "none"])
def test_date_in_url(url: str, expected: str | None) -> None:
    assert date_in_url(url) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("by Martin Fornusek September 27, 2023 12:24 PM 2 min read", "2023-09-27T12:24:00"),
    ("Published 27 Sept 2023", "2023-09-27"),
    ("Updated: 2023-09-27T10:05:00+03:00", "2023-09-27T10:05:00+03:00"),
    ("March 3, 2024 at 9:05 p.m. GMT", "2024-03-03T21:05:00+00:00"),
    ("no date here, only 12:24", None),
    ("Stand: 14. März 2025 um 7:05 Uhr", "2025-03-14T07:05:00"),
    ("14.03.2025, 17:45 Uhr", "2025-03-14T17:45:00"),
    ("05.03.2025, 17:45 Uhr", "2025-03-05T17:45:00"),
    ("Posted 09.10.2024", None),
], ids=["byline-local-time", "day-month", "iso-offset", "pm-gmt", "none", "german-month", "german-dotted",
        "german-dotted-uhr", "dotted-ambiguous"])
def test_date_in_text(text: str, expected: str | None) -> None:
    assert date_in_text(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2023-09-27T12:24:00Z", "2023-09-27T12:24:00+00:00"),
    ("2023-09-27", "2023-09-27"),
    ("Wed, 27 Sep 2023 10:00:00 +0100", "2023-09-27T10:00:00+01:00"),
    ("", None),
    ("soon", None),
])
def test_normalize_iso(value: str, expected: str | None) -> None:
    assert normalize_iso(value) == expected
