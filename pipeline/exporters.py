"""Output: the ``jsonl`` feed format (orjson) and a file storage that never shows a half file.

``AtomicFileFeedStorage`` replaces Scrapy's ``file`` storage: items go to a hidden
``.<name>.part`` file beside the target, which is fsynced and renamed over the target only when
the feed is complete. A reader polling the output folder never sees a partial file, and a run
killed mid-way leaves only the ``.part`` behind.

Each complete line is fsynced as it is written (``DurableLines``) and announced with the
``record_durable`` signal, so the state store can commit an article only once its record is
on disk; ``pipeline.recovery`` publishes the ``.part`` of a killed run at the next start.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import orjson
from scrapy.exporters import BaseItemExporter
from scrapy.extensions.feedexport import FileFeedStorage

from pipeline.signals import feed_path_known, record_durable


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


def fsync_dir(folder: Path) -> None:
    """Make a file's creation or renaming in ``folder`` survive a power cut."""
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def replace_atomically(tmp: Path, final: Path) -> None:
    """fsync ``tmp``, rename it over ``final``, fsync the folder: all or nothing on disk."""
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, final)
    fsync_dir(final.parent)


class DurableLines(io.RawIOBase):
    """A feed's ``.part`` file: each write is fsynced, then ``on_line`` hears of each completed line."""

    def __init__(self, path: Path, append: bool, on_line: Callable[[bytes], None]):
        super().__init__()
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
        self.fd = os.open(path, flags, 0o644)
        # The state may record these lines as written: the file itself must outlive a power cut.
        fsync_dir(path.parent)
        self.on_line = on_line
        self.pending = b""

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, data: Any) -> int:
        data = bytes(data)
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        if b"\n" in data:
            os.fsync(self.fd)
            *lines, self.pending = (self.pending + data).split(b"\n")
            for line in lines:
                self.on_line(line + b"\n")
        else:
            self.pending += data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.fsync(self.fd)
            os.close(self.fd)
        super().close()


class AtomicFileFeedStorage(FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.final = Path(self.path).resolve()
        self.part = part_path(self.final)
        self.on_line: Callable[[bytes], None] = lambda line: None

    @classmethod
    def from_crawler(cls, crawler: Any, uri: str, *, feed_options: dict[str, Any] | None = None):
        storage = cls(uri, feed_options=feed_options)
        crawler.signals.send_catch_log(feed_path_known, path=storage.final)
        storage.on_line = lambda line: crawler.signals.send_catch_log(record_durable, path=storage.final, line=line)
        return storage

    def open(self, spider: Any) -> IO[bytes]:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        if self.write_mode == "ab" and self.final.exists():
            shutil.copyfile(self.final, self.part)  # -o appends: start from what is there
        return DurableLines(self.part, self.write_mode == "ab", self.on_line)  # type: ignore[return-value]

    def store(self, file: IO[bytes]) -> None:
        file.close()
        replace_atomically(self.part, self.final)
