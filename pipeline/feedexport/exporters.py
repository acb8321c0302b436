"""The ``jsonl`` feed format: one record per line, written with orjson.

Where the lines go, and when they count as durable, is ``pipeline.feedexport.storage``.
"""

from __future__ import annotations

from typing import IO, Any

import orjson
from scrapy.exporters import BaseItemExporter


class OrjsonLinesExporter(BaseItemExporter):
    """One JSON object per line, UTF-8, via orjson (keys in record field order)."""

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        record = dict(self.get_serialized_fields(item, include_empty=True))
        self.file.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
