"""Publication dates from bylines, free text and URL paths, as ISO 8601 strings.

A date is given with its time only when the time is actually present, and with a UTC offset
only when the source states one: a reader must be able to trust every digit.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from pipeline.extract.urls import url_path

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# English month names, full or abbreviated: the one pattern for dates in text, URLs and rules.
MONTH_NAME = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
              r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_MONTH = rf"(?P<month>{MONTH_NAME})\.?"
_TIME = (r"(?:(?:,|\s+at|\s+-|\s+\|)?\s*(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2})?"
         r"(?:\s*(?P<ampm>[ap])\.?m\.?)?(?:\s*(?P<tz>UTC|GMT|Z|[+-]\d{2}:?\d{2}))?)?")
TEXT_DATES = (
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d{{2}}){_TIME}", re.I),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>(?:19|20)\d{{2}}){_TIME}", re.I),
    re.compile(r"\b(?P<year>(?:19|20)\d{2})-(?P<mnum>\d{2})-(?P<day>\d{2})(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
               r"(?::\d{2}(?:\.\d+)?)?\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?)?", re.I),
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


def normalize_iso(value: str | None) -> str | None:
    """An ISO 8601 date or date-time from metadata, normalised; ``None`` if unparseable."""
    if not value:
        return None
    value = value.strip()
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:  # RFC 2822, as in RSS <pubDate> and HTTP headers
            return parsedate_to_datetime(value).isoformat()
        except (TypeError, ValueError, IndexError):
            return date_in_text(value)
    if len(value) <= 10:
        return stamp.date().isoformat()
    return stamp.isoformat()


def utc_timestamp(value: str) -> str | None:
    """An ISO 8601 date-time with its offset, as UTC (``...+00:00``); ``None`` for anything
    else, including a local time with no offset: a fetch time must be exact."""
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None or len(value.strip()) <= 10:
        return None
    return stamp.astimezone(timezone.utc).isoformat(timespec="seconds")

