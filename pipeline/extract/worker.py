"""The worker-process side of the extraction pool: one page in, one reply out.

Runs in the processes ``pipeline.pipelines.workerpool.ExtractPool`` starts, and imports only the
extraction core (no Scrapy, no Twisted): the forkserver preloads this module and
``pipeline.extract.article``, so every worker starts warm and lean. Frames are an 8-byte length
and a pickle, on a socket pair per worker.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import socket
import struct
import traceback
from collections.abc import Callable
from typing import Any

from pipeline.extract.errors import PageProblem
from pipeline.items import Article, ExtractOptions, Page

HEADER = struct.Struct("!Q")
WORKER_LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s (extraction worker %(process)d)"
# One small article, extracted once per worker so lazy imports and caches are filled.
WARM_UP_HTML = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
    + "<p>This paragraph only warms up the extraction libraries of a new worker process.</p>" * 8
    + "</article></body></html>"
)


def load_function(path: str) -> Callable[[Page, ExtractOptions], Article]:
    """``package.module.name`` -> the object (the extraction function workers call)."""
    module_name, _, name = path.rpartition(".")
    module = __import__(module_name, fromlist=[name])
    return getattr(module, name)


def frame(obj: Any) -> bytes:
    """One message on the wire: 8-byte length, then the pickle (one send, one wake-up)."""
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


def send_frame(sock: socket.socket, obj: Any) -> None:
    sock.sendall(frame(obj))


def recv_exactly(sock: socket.socket, size: int) -> bytes | None:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            return None
        got += n
    return bytes(buf)


def extract_reply(function: Callable[[Page, ExtractOptions], Article], page: Page, options: ExtractOptions) -> tuple:
    """Run one page; the reply says ``ok`` (the record), ``drop`` (a ``PageProblem``, by class
    name) or ``error`` (anything else, with its traceback for the parent's log)."""
    try:
        return ("ok", function(page, options))
    except PageProblem as exc:
        return ("drop", type(exc).__name__, str(exc))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which makes it a reject
        return ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())


def worker_main(sock: socket.socket, options: ExtractOptions, function_path: str) -> None:
    """Worker loop: warm up, say ready, then one page in, one reply out, until the parent
    closes the socket (end of run, recycling) or kills the process (time limit)."""
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Warnings from the extraction libraries, to stderr as in Scrapy's log (not to its LOG_FILE).
    logging.basicConfig(level=logging.WARNING, format=WORKER_LOG_FORMAT)
    sock.setblocking(True)
    function = load_function(function_path)
    extract_reply(function, Page(source_url="newsclean:warm-up", body=WARM_UP_HTML.encode(), kind_hint="html"),
                  options)
    send_frame(sock, ("ready", os.getpid()))
    while True:
        header = recv_exactly(sock, HEADER.size)
        if header is None:
            return
        payload = recv_exactly(sock, HEADER.unpack(header)[0])
        if payload is None:
            return
        send_frame(sock, extract_reply(function, pickle.loads(payload), options))
