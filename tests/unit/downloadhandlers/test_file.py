"""The seeds spider's file:// handler: the bytes and response Scrapy's handler gives, never a
blocked reactor."""

from __future__ import annotations

import asyncio
import gzip
import os
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.core.downloader.handlers.file import FileDownloadHandler
from scrapy.utils.test import get_crawler

from pipeline.downloadhandlers.file import LocalFileDownloadHandler, read_regular_file


def download(handler_class: type, path: Path):
    handler = handler_class.from_crawler(get_crawler())
    return asyncio.run(handler.download_request(Request(path.as_uri())))


@pytest.mark.parametrize(("name", "body"), [
    ("page.html", b"<html><body><p>Caf\xc3\xa9</p></body></html>"),
    ("page.html.gz", gzip.compress(b"<html><body><p>gz</p></body></html>", mtime=0)),
    ("capture.txt", b"Plain text capture\n"),
    ("empty.html", b""),
])
def test_the_response_is_the_one_scrapys_handler_builds(tmp_path: Path, name: str, body: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(body)
    ours, scrapys = download(LocalFileDownloadHandler, path), download(FileDownloadHandler, path)
    assert (type(ours), ours.url, ours.body, ours.headers) == (type(scrapys), scrapys.url, scrapys.body, scrapys.headers)
    assert ours.body == body


def test_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.html")  # no writer: a blocking open would wait forever
    with pytest.raises(OSError, match="not a regular file"):
        read_regular_file(str(tmp_path / "pipe.html"))


def test_a_missing_file_and_a_folder_raise_what_scrapys_handler_raises(tmp_path: Path) -> None:
    for path, error in ((tmp_path / "gone.html", FileNotFoundError), (tmp_path, IsADirectoryError)):
        with pytest.raises(error) as ours:
            read_regular_file(str(path))
        with pytest.raises(error) as scrapys:
            path.read_bytes()
        assert str(ours.value) == str(scrapys.value)
