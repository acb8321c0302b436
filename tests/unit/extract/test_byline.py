"""Bylines: authors and date from "By ..." lines of text captures and HTML bylines."""

from __future__ import annotations

import pytest

from pipeline.extract.byline import parse_byline


@pytest.mark.parametrize(("text", "parsed"), [
    ("By Jane Doe", (["Jane Doe"], None)),
    ("by Ann Lee and Bo Li June 2, 2024 9:15 AM", (["Ann Lee", "Bo Li"], "2024-06-02T09:15:00")),
    ("By Jane Doe 12 March 2024", (["Jane Doe"], "2024-03-12")),
    ("By Jane Doe, John Roe & Ann Lee", (["Jane Doe", "John Roe", "Ann Lee"], None)),
    ("By Jane Doe | Reuters", (["Jane Doe"], None)),
    ("By Jane Doe - 2 hours ago", (["Jane Doe"], None)),
    ("Written by Ludwig van Beethoven", (["Ludwig van Beethoven"], None)),
    ("Posted by Jean-Luc Picard", (["Jean-Luc Picard"], None)),
    ("Von Anna Müller", (["Anna Müller"], None)),
    ("Por María García", (["María García"], None)),
    ("By Seán O’Brien", (["Seán O’Brien"], None)),
    ("By JANE DOE", (["JANE DOE"], None)),
], ids=["name", "two-names-date-time", "day-month-year", "comma-ampersand", "pipe-outlet", "dash-ago",
        "written-by-particle", "posted-by-hyphen", "german", "spanish", "accent-apostrophe", "capitals"])
def test_parse_byline(text: str, parsed: tuple[list[str], str | None]) -> None:
    assert parse_byline(text) == parsed


@pytest.mark.parametrize("text", [
    "Jane Doe",  # no "by"
    "by the way, the council never voted on it",  # no name after "by"
    "by jane doe",  # names are capitalised
    "Posted by admin",
    "By " + " ".join(["Name"] * 30),  # too long for a byline
    "Standby for news",
    "The bridge was built by Roman engineers",
], ids=["no-by", "by-the-way", "lowercase-name", "lowercase-user", "too-long", "by-inside-a-word",
        "sentence-before-by"])
def test_not_a_byline(text: str) -> None:
    assert parse_byline(text) is None


@pytest.mark.parametrize(("text", "parsed"), [
    pytest.param("Von Anna Müller und Hans Meier", (["Anna Müller", "Hans Meier"], None),
                 id="german-und"),
    pytest.param("Par Jean Dupont et Marie Curie", (["Jean Dupont", "Marie Curie"], None),
                 id="french-et"),
    pytest.param("Por María García y Pedro Ruiz", (["María García", "Pedro Ruiz"], None),
                 id="spanish-y"),
    pytest.param("By Jane Doe, Staff Writer", (["Jane Doe"], None), id="job-title"),
    pytest.param("By Jane Doe Updated March 3, 2024", (["Jane Doe"], "2024-03-03"),
                 id="updated-label"),
    pytest.param("Published March 3, 2025 by Dana Whitfield", (["Dana Whitfield"], "2025-03-03"),
                 id="date-before-by"),
    pytest.param("Updated: 5 March 2024, 10:30 by Martin Fornusek", (["Martin Fornusek"], "2024-03-05T10:30:00"),
                 id="label-date-time-before-by"),
])
def test_bylines_of_other_languages_titles_and_labels(text: str, parsed: tuple[list[str], str | None]) -> None:
    assert parse_byline(text) == parsed
