"""Output: the ``jsonl`` feed format (orjson) and a file storage that never shows a half file.

``AtomicFileFeedStorage`` replaces Scrapy's ``file`` storage: items go to a hidden
``.<name>.part`` file beside the target, which is fsynced and renamed over the target only when
the feed is complete. A reader polling the output folder never sees a partial file, and a run
killed mid-way leaves only the ``.part`` behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import IO, Any

import orjson
from scrapy.exporters import BaseItemExporter
from scrapy.extensions.feedexport import FileFeedStorage

from pipeline.signals import feed_path_known


class OrjsonLinesExporter(BaseItemExporter):
    """One JSON object per line, UTF-8, via orjson (keys in record field order)."""

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        record = dict(self.get_serialized_fields(item, include_empty=True))
        self.file.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))


def part_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.part")


def replace_atomically(tmp: Path, final: Path) -> None:
    """fsync ``tmp``, rename it over ``final``, fsync the folder: all or nothing on disk."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    dir_fd = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class AtomicFileFeedStorage(FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.final = Path(self.path).resolve()
        self.part = part_path(self.final)

    @classmethod
    def from_crawler(cls, crawler: Any, uri: str, *, feed_options: dict[str, Any] | None = None):
        storage = cls(uri, feed_options=feed_options)
        crawler.signals.send_catch_log(feed_path_known, path=storage.final)
        return storage

    def open(self, spider: Any) -> IO[bytes]:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.write_mode == "ab" and self.final.exists():
            shutil.copyfile(self.final, self.part)  # -o appends: start from what is there
        return open(self.part, self.write_mode)

    def store(self, file: IO[bytes]) -> None:
        file.close()
        replace_atomically(self.part, self.final)
