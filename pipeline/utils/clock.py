"""The current time as the records, rejects, summaries and state write it."""

from __future__ import annotations

from datetime import datetime, timezone


def now_utc() -> str:
    """Now in UTC, ISO 8601 to the second (``2026-11-29T19:06:24+00:00``)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
