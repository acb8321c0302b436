"""Publication dates from metadata, feeds, sitemaps, bylines, free text and URL paths.

A date is given with its time only when the time is actually present, and with a UTC offset
only when the source states one: a reader must be able to trust every digit.

``source_date`` is the one parser of stated dates (ISO 8601 / W3C, RFC 822 / 1123 / 850, and a
date written in words as the last resort), for feeds, sitemaps, sidecars, ``since`` and page
metadata alike. A zone written as a name is read as follows:

- ``UTC``, ``GMT``, ``UT``, ``Z`` and numeric offsets (``+0200``, ``+02:00``, ``GMT+2``) are
  exact. ``-0000`` is UTC too (RFC 2822: UTC time, local zone unknown);
- in an RFC 822 date the RFC's own names (``EST``, ``CDT``, ``PST``...) have the RFC's offsets:
  the format defines them (RSS ``<pubDate>``);
- any other name (``CET``, ``BST``, ``MSK``...) has the offset the IANA tz database gives it in
  that year when it gives exactly one; when the database does not use the name that year, the
  offset of dateparser's table (the one htmldate uses). dateparser alone is not enough: for a
  name the database uses at several offsets (``IST``: India, Ireland, Israel; ``CST``: US
  Central, China, Cuba) it picks one arbitrarily, so such a name (or a two-letter clock name
  such as ``ET``, whose offset follows daylight saving time) keeps the local time with no offset.

A time whose zone is missing or unknown keeps no offset in the record. Only for comparisons
(the date window, newest-first order) is it taken as UTC, at most 14 hours off.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache

from pipeline.extract.urls import url_path

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
    # the German names' first three letters where they differ
    "mär": 3, "mae": 3, "mai": 5, "okt": 10, "dez": 12,
}
# English month names, full or abbreviated: the one pattern for dates in text, URLs and rules.
MONTH_NAME = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
GERMAN_MONTH_NAME = (r"jan(?:uar)?|feb(?:ruar)?|m(?:ä|ae)rz?|apr(?:il)?|mai|juni?|juli?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
                     r"okt(?:ober)?|nov(?:ember)?|dez(?:ember)?")
_GERMAN_TIME = r"(?:,?\s*(?:um\s+)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:\s*Uhr)?)"
_MONTH = rf"(?P<month>{MONTH_NAME})\.?"
_TIME = (r"(?:(?:,|\s+at|\s+-|\s+\|)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?"
         r"(?:\s*(?P<ampm>[ap])\.?m\.?)?(?:\s*(?P<tz>UTC|GMT|Z|[+-]\d{2}:?\d{2}))?)?")
TEXT_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}}){_TIME}", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}}){_TIME}", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
               r"(?::\d{2}(?:\.\d+)?)?\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?)?", re.I),
    # German: "14. März 2025 um 17:45 Uhr", "14.03.2025, 17:45 Uhr". A dotted date is read day
    # first only when it cannot be month first (a day over 12) or its time says "Uhr": US pages
    # write "09.10.2024" for September 10.
    re.compile(rf"\b(?P<day>\d{{1,2}})\.\s?(?P<month>{GERMAN_MONTH_NAME})\.?\s(?P<year>(?:19|20)\d{{2}}){_GERMAN_TIME}?", re.I),
    re.compile(rf"\b(?P<day>1[3-9]|2\d|3[01])\.(?P<mnum>\d{{1,2}})\.(?P<year>(?:19|20)\d{{2}})\b{_GERMAN_TIME}?", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})\.(?P<mnum>\d{{1,2}})\.(?P<year>(?:19|20)\d{{2}}){_GERMAN_TIME}(?=\s*Uhr\b)", re.I),
)
URL_DATES = (
    re.compile(r"/(?P<year>(?:19|20)\d{2})/(?P<mnum>\d{1,2})/(?P<day>\d{1,2})(?:/|$)"),
    re.compile(rf"/(?P<year>(?:19|20)\d{{2}})/{_MONTH}/(?P<day>\d{{1,2}})(?:/|$)", re.I),
    re.compile(r"/(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:/|$|[-_])"),
    re.compile(r"[/_-](?P<year>(?:19|20)\d{2})(?P<mnum>[01]\d)(?P<day>[0-3]\d)(?:/|$|[-_.])"),
)


def _build(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    try:
        month = MONTHS[groups["month"][:3].lower()] if groups.get("month") else int(groups["mnum"])
        day = date(int(groups["year"]), month, int(groups["day"]))
    except (ValueError, KeyError, TypeError):
        return None
    if groups.get("hour") is None:
        return day.isoformat()
    hour, minute = int(groups["hour"]), int(groups["minute"])
    ampm = (groups.get("ampm") or "").lower()
    if ampm == "p" and hour < 12:
        hour += 12
    elif ampm == "a" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day.isoformat()
    stamp = datetime(day.year, day.month, day.day, hour, minute)
    tz = (groups.get("tz") or "").upper()
    if tz in ("UTC", "GMT", "Z"):
        stamp = stamp.replace(tzinfo=timezone.utc)
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        stamp = stamp.replace(tzinfo=timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))))
    return stamp.isoformat()


def date_in_text(text: str) -> str | None:
    """The first well-formed date (with its time, if written next to it) in ``text``."""
    for pattern in TEXT_DATES:
        for m in pattern.finditer(text):
            found = _build(m)
            if found:
                return found
    return None


def date_in_url(url: str) -> str | None:
    """A date written in the URL's path, such as ``/2023/09/27/``."""
    for pattern in URL_DATES:
        m = pattern.search(url_path(url))
        if m:
            found = _build(m)
            if found:
                return found
    return None



# --- stated dates: the one parser ------------------------------------------------------------

# A zone at the end of a date, after its last digit, a space, "." (p.m.) or ")": an offset with
# or without a UTC/GMT prefix, or a name, in parentheses or not.
_ZONE_AT_END = re.compile(
    r"(?<=[\d\s.)])\s*\(?(?P<zone>(?:UTC|GMT|UT)?\s?[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})\)?\s*$", re.I)
_OFFSET = re.compile(r"^(?:UTC|GMT|UT)?\s?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$", re.I)
# RFC 822 / 1123 (and RFC 850's dashes): [weekday,] day month year [hh:mm[:ss] [+hhmm]]; a zone
# name is read apart (``zone_offset``).
_RFC822 = re.compile(r"^(?:[A-Za-z]{3,9},?\s*)?\d{1,2}[\s-]+[A-Za-z]{3,9}\.?[\s-]+\d{2,4}"
                     r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?P<offset>[+-]\d{4}))?)?$")
UTC_NAMES = frozenset({"UTC", "GMT", "UT", "Z"})
# The zone names RFC 822 defines (military letters other than Z are unreliable: RFC 1123).
RFC822_ZONES = {"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7}
MAX_OFFSET = timedelta(hours=14)
# Twice a month, at noon UTC: when the IANA database is asked which names a year uses.
_SAMPLE_DAYS = (1, 15)


@dataclass(frozen=True)
class StatedDate:
    """A date as its source states it."""

    value: datetime  # aware only when the source states an offset this module knows
    has_time: bool  # False: a date alone (``value`` at midnight, naive)

    def iso(self) -> str:
        """ISO 8601 with the stated precision: the date, or the date-time with its offset if any."""
        return self.value.isoformat() if self.has_time else self.value.date().isoformat()

    def comparable(self) -> datetime:
        """An aware datetime for windows and ordering (a local time is taken as UTC)."""
        return self.value if self.value.tzinfo else self.value.replace(tzinfo=timezone.utc)


def _iso(value: str) -> StatedDate | None:
    try:
        return StatedDate(datetime.combine(date.fromisoformat(value), datetime.min.time()), False)
    except ValueError:
        pass
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    try:
        return StatedDate(datetime.fromisoformat(value), True)
    except ValueError:
        return None


def _rfc822(value: str) -> StatedDate | None:
    """An RFC 822 date with a numeric offset (aware) or none (naive)."""
    m = _RFC822.match(value)
    if not m:
        return None
    try:
        stamp = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if m["offset"] == "-0000":  # RFC 2822: the time is UTC, the sender's zone unknown
        stamp = stamp.replace(tzinfo=timezone.utc)
    return StatedDate(stamp, ":" in value)


def _in_words(value: str) -> StatedDate | None:
    found = date_in_text(value)
    return _iso(found) if found else None


@lru_cache(maxsize=16)
def iana_zone_names(year: int) -> dict[str, frozenset[timedelta]]:
    """Every zone name (abbreviation) the IANA tz database uses in ``year``, with its offsets."""
    names: dict[str, set[timedelta]] = {}
    for key in zoneinfo.available_timezones():
        zone = zoneinfo.ZoneInfo(key)
        for month in range(1, 13):
            for day in _SAMPLE_DAYS:
                local = datetime(year, month, day, 12, tzinfo=timezone.utc).astimezone(zone)
                name, offset = local.tzname(), local.utcoffset()
                if name and name.isalpha() and offset is not None:
                    names.setdefault(name.upper(), set()).add(offset)
    return {name: frozenset(offsets) for name, offsets in names.items()}


def _dateparser_offset(name: str) -> timedelta | None:
    """dateparser's offset for a zone name, ``None`` when it knows no such zone."""
    from dateparser.timezone_parser import pop_tz_offset_from_string  # slow import, rarely needed

    rest, zone = pop_tz_offset_from_string(f" {name}")
    return zone.utcoffset(None) if zone is not None and not rest.strip() else None


def zone_offset(zone: str, year: int, rfc822: bool = False) -> timedelta | None:
    """The UTC offset a zone written in a date stands for in ``year`` (see the module docstring),
    ``None`` when the zone's offset is unknown; ``ValueError`` for a word that names no zone
    (``AM``, ``XYZ``)."""
    name = zone.strip().upper()
    numeric = _OFFSET.match(name)
    if numeric:
        offset = timedelta(hours=int(numeric["hours"]), minutes=int(numeric["minutes"] or 0))
        if offset > MAX_OFFSET:
            raise ValueError(f"not a UTC offset: {zone!r}")
        return offset if numeric["sign"] == "+" else -offset
    if name in UTC_NAMES:
        return timedelta(0)
    if rfc822 and name in RFC822_ZONES:
        return timedelta(hours=RFC822_ZONES[name])
    if len(name) == 1:
        return None  # a military letter: RFC 1123 found their signs wrong in RFC 822 itself
    offsets = iana_zone_names(year).get(name)
    if offsets is not None:
        return next(iter(offsets)) if len(offsets) == 1 else None
    offset = _dateparser_offset(name)
    if offset is None:
        raise ValueError(f"not a zone: {zone!r}")
    return None if len(name) == 2 else offset  # ET, PT: a clock, whose offset follows DST


def source_date(value: str | None) -> StatedDate | None:
    """The date a feed, sitemap, sidecar or page metadata states, with the time and UTC offset
    it states (see the module docstring); ``None`` when it states no date."""
    value = (value or "").strip()
    if not value:
        return None
    found = _iso(value)
    if found:
        return found
    m = _ZONE_AT_END.search(value)
    if m:
        rest = value[:m.start()].strip()
        rfc = _rfc822(rest)
        local = _iso(rest) or rfc or _in_words(rest)
        if local is not None and local.value.tzinfo is not None:
            return local  # "+0200 (CEST)": the offset is stated, the name is a comment
        if local is not None:
            try:
                offset = zone_offset(m["zone"], local.value.year, rfc822=rfc is not None)
            except ValueError:
                pass  # no zone after all: the whole value is read below
            else:
                if offset is None or not local.has_time:
                    return local
                return StatedDate(local.value.replace(tzinfo=timezone(offset)), True)
    return _rfc822(value) or _in_words(value)


def normalize_iso(value: str | None) -> str | None:
    """A stated date as the record's ISO 8601 string; ``None`` if it states none."""
    found = source_date(value)
    return found.iso() if found else None


def utc_timestamp(value: str) -> str | None:
    """A date-time with its offset, as UTC (``...+00:00``); ``None`` for anything else,
    including a local time with no offset: a fetch time must be exact."""
    found = source_date(value)
    if found is None or not found.has_time or found.value.tzinfo is None:
        return None
    return found.value.astimezone(timezone.utc).isoformat(timespec="seconds")
