"""Stated dates with zone names (issue 15, item 2): the offset the zone stands for, or none at
all when it is unknown or ambiguous; never the "+00:00" a naive time used to get."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline.extract.dates import (
    iana_zone_names,
    normalize_iso,
    source_date,
    utc_timestamp,
    zone_offset,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("Wed, 27 Sep 2023 08:30:00 CET", "2023-09-27T08:30:00+01:00"),
    ("Wed, 27 Sep 2023 08:30:00 CEST", "2023-09-27T08:30:00+02:00"),
    ("Wed, 27 Sep 2023 08:30:00 BST", "2023-09-27T08:30:00+01:00"),
    ("2023-09-27T08:30:00 BST", "2023-09-27T08:30:00+01:00"),
    ("Wed, 27 Sep 2023 08:30:00 EST", "2023-09-27T08:30:00-05:00"),
    ("2023-09-27 08:30 EST", "2023-09-27T08:30:00-05:00"),
    ("Wed, 27 Sep 2023 08:30:00 CST", "2023-09-27T08:30:00-06:00"),  # RFC 822 defines CST
    ("2012-06-01T10:00:00 MSK", "2012-06-01T10:00:00+04:00"),  # Moscow was UTC+4 in 2011-2014
    ("2023-06-01T10:00:00 MSK", "2023-06-01T10:00:00+03:00"),
    ("Wed, 27 Sep 2023 08:30:00 gst", "2023-09-27T08:30:00+04:00"),  # not in the tz database: dateparser's
    ("27 Sep 2023 08:30 GMT+2", "2023-09-27T08:30:00+02:00"),
    ("Sep 27, 2023 8:30 PM EST", "2023-09-27T20:30:00-05:00"),
    ("Wed, 27 Sep 2023 08:30:15 +0200 (CEST)", "2023-09-27T08:30:15+02:00"),
    ("2013-08-22 21:43:53 UTC", "2013-08-22T21:43:53+00:00"),  # wcxb-dev 0070's JSON-LD: seconds kept
    ("Wed, 27 Sep 2023 08:30:00 +02:00", "2023-09-27T08:30:00+02:00"),
    ("Wed, 27 Sep 2023 08:30:00 -0000", "2023-09-27T08:30:00+00:00"),  # RFC 2822: UTC, local zone unknown
    ("Wed, 27 Sep 2023 08:30:00 GMT", "2023-09-27T08:30:00+00:00"),
])
def test_a_zone_name_gives_its_offset(value: str, expected: str) -> None:
    assert normalize_iso(value) == expected


@pytest.mark.parametrize("value", [
    "Wed, 27 Sep 2023 08:30:00 IST",  # India, Ireland or Israel
    "2023-09-27T08:30:00 CST",  # US Central, China or Cuba (RFC 822's meaning is for RFC 822 dates)
    "2023-09-27T08:30:00 PST",  # US Pacific or the Philippines (dateparser: -08:00)
    "Wed, 27 Sep 2023 08:30:00 ET",  # a clock: -05:00 or -04:00 with daylight saving time
    "Wed, 27 Sep 2023 08:30:00 XYZ",  # no zone at all
    "Wed, 27 Sep 2023 08:30:00 A",  # a military letter (RFC 1123: unreliable)
    "Wed, 27 Sep 2023 08:30:00",  # no zone: a local time, not UTC
])
def test_an_unknown_or_ambiguous_zone_keeps_the_local_time_without_offset(value: str) -> None:
    assert normalize_iso(value) == "2023-09-27T08:30:00"
    assert utc_timestamp(value) is None


def test_dateparser_alone_would_invent_an_offset_for_an_ambiguous_name() -> None:
    from dateparser.timezone_parser import pop_tz_offset_from_string

    _, ist = pop_tz_offset_from_string("2023-09-27 08:30 IST")
    assert ist is not None and ist.utcoffset(None) == timedelta(hours=2)  # Israel, picked arbitrarily
    india, ireland, israel = timedelta(hours=5, minutes=30), timedelta(hours=1), timedelta(hours=2)
    assert iana_zone_names(2023)["IST"] == {india, ireland, israel}
    assert zone_offset("IST", 2023) is None
    with pytest.raises(ValueError):
        zone_offset("PM", 2023)


def test_precision_is_kept_and_comparisons_take_a_local_time_as_utc() -> None:
    assert normalize_iso("Wed, 27 Sep 2023") == "2023-09-27"
    assert normalize_iso("Wed, 27 Sep 2023 CET") == "2023-09-27"  # a zone without a time says nothing
    local = source_date("Wed, 27 Sep 2023 08:30:00 IST")
    assert local is not None and local.value.tzinfo is None
    assert local.comparable() == datetime(2023, 9, 27, 8, 30, tzinfo=timezone.utc)
    assert utc_timestamp("Wed, 27 Sep 2023 08:30:00 CEST") == "2023-09-27T06:30:00+00:00"
