"""``file://`` download handler for the ``seeds`` spider: the file is read in the reactor thread.

Scrapy's ``FileDownloadHandler`` reads every file in a thread of asyncio's default executor. For
the small local pages the seeds spider reads (from the page cache, capped by
``NEWSCLEAN_MAX_PAGE_BYTES`` before they are requested) the hand-off to the thread and back cost
more CPU than the read: about 0.15 ms a page of the reactor process's 3.1, measured over three
alternating 2,000-page runs of ``bench/throughput.py``'s corpus (2026-11-30). The response is the
one Scrapy's handler builds.

A read that blocks would block the whole crawl, so the file is opened non-blocking and must be a
regular file: one replaced by a FIFO since ``pipeline.discovery.files.input_problem`` checked it is
an error (Scrapy's handler would hold one executor thread forever), not a hung reactor.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.file import FileDownloadHandler
from scrapy.responsetypes import responsetypes
from w3lib.url import file_uri_to_path

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response


def _open_non_blocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def read_regular_file(path: str) -> bytes:
    """The bytes of the regular file at ``path``; ``OSError`` for anything else (a folder:
    ``IsADirectoryError``, as ``Path.read_bytes`` raises; a FIFO or device: ``EINVAL``)."""
    with open(path, "rb", opener=_open_non_blocking) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        return fh.read()


class LocalFileDownloadHandler(FileDownloadHandler):
    async def download_request(self, request: Request) -> Response:
        filepath = file_uri_to_path(request.url)
        body = read_regular_file(filepath)
        respcls = responsetypes.from_args(filename=filepath, body=body)
        return respcls(url=request.url, body=body)
