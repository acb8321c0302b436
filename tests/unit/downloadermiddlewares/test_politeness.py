"""Politeness: Retry-After read as seconds or a date, and the backoff between retries."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.downloadermiddlewares.politeness import backoff_seconds, parse_retry_after

NOW = datetime(2023, 9, 28, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "seconds"), [
    (b"2", 2.0), ("120", 120.0), ("Thu, 28 Sep 2023 12:00:30 GMT", 30.0), ("Thu, 28 Sep 2023 11:00:00 GMT", 0.0),
    ("soon", None), (None, None),
])
def test_retry_after(value: bytes | str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_backoff_doubles_without_retry_after_and_is_capped() -> None:
    assert [backoff_seconds(None, n, 5, 300) for n in (1, 2, 3)] == [5, 10, 20]
    assert backoff_seconds(3600, 1, 5, 300) == 300
    assert backoff_seconds(2, 4, 5, 300) == 2
