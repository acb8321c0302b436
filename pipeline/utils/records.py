"""Record lines as the output holds them (one JSON object per line), read back."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson


def parsed_records(lines: Iterable[bytes], unreadable: Callable[[], None] | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``lines`` (``records_durable`` / ``records_recovered`` lines, a ``.part``
    file's), skipping what is not a JSON object; ``unreadable`` is called for a line that is not
    JSON at all."""
    for line in lines:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            if unreadable is not None:
                unreadable()
            continue
        if isinstance(record, dict):
            yield record
