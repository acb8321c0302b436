"""The worker-process side of the extraction pool: one page in, one reply out.

Runs in the processes ``pipeline.pipelines.workerpool.ExtractPool`` starts, and imports only the
extraction core (no Scrapy, no Twisted): the forkserver preloads this module and
``pipeline.extract.article``, so every worker starts warm and lean. Frames are an 8-byte length
and a pickle, on a socket pair per worker.
"""

from __future__ import annotations

import gc
import io
import logging
import multiprocessing.context
import multiprocessing.forkserver
import multiprocessing.popen_forkserver
import multiprocessing.process
import multiprocessing.reduction
import multiprocessing.spawn
import multiprocessing.util
import os
import pickle
import resource
import signal
import socket
import struct
import traceback
from collections.abc import Callable
from typing import Any

from pipeline.extract.errors import PageProblem, PageTooComplex
from pipeline.items import Article, ExtractOptions, Page

HEADER = struct.Struct("!Q")
# An error in a worker whose address space reached this share of its cap is taken for a failed
# allocation (PageTooComplex). The cap can never be passed, so a page that hit it peaks just
# below; a later page's real bug in that worker would be named PageTooComplex too (rare).
NEAR_CAP = 0.9
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
    peak_before = vm_peak_bytes() if options.worker_memory_mb > 0 else 0
    try:
        return ("ok", signed(function(page, options), options))
    except PageProblem as exc:
        if peak_before and vm_peak_bytes() > peak_before and near_memory_cap(options.worker_memory_mb):
            # This page took the worker to its cap, and a parser swallowed the failed allocation:
            # trafilatura and htmldate log libxml2's "unknown error" and carry on without a tree,
            # so the page would read as having no article text.
            return memory_cap_reply(options, type(exc).__name__)
        return ("drop", type(exc).__name__, str(exc))
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which makes it a reject
        if isinstance(exc, MemoryError) or near_memory_cap(options.worker_memory_mb):
            # The address-space cap (cap_memory) stopped an allocation: the page's own reject,
            # not an extractor bug. libxml2 reports its failed allocations as lxml errors
            # ("XPathEvalError: unknown error"), hence the look at the peak as well.
            return memory_cap_reply(options, type(exc).__name__)
        return ("error", f"{type(exc).__name__}: {exc}", traceback.format_exc())


def memory_cap_reply(options: ExtractOptions, what: str) -> tuple:
    """The ``PageTooComplex`` reply of a page that ran into the worker's memory cap. Unwinding
    freed the page's trees, so the worker carries on."""
    gc.collect()
    why = f"extraction needed more than NEWSCLEAN_WORKER_MEMORY_MB={options.worker_memory_mb} ({what})"
    return ("drop", PageTooComplex.__name__, why)


def signed(article: Article, options: ExtractOptions) -> Article:
    """The record with its story signature (``Article.story_signature``) when the story index
    wants one: computed here, beside the extraction, the reactor process only reads it (shingling
    a record there took about a tenth of that process's CPU)."""
    if options.story_signature and isinstance(article, Article) and article.text:
        # Imported here, after cap_memory, never in the forkserver: rensa's allocator (mimalloc)
        # reserves 1 GiB of address space when it loads, more than the cap; loaded under the cap,
        # it reserves what fits (34 MB measured) and works the same.
        from pipeline.stories.index import signature, signature_bytes

        article.story_signature = signature_bytes(signature(article.text))
    return article


def vm_peak_bytes() -> int:
    """The largest address space this process has had (``VmPeak``; 0 without ``/proc``)."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmPeak:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def near_memory_cap(megabytes: int) -> bool:
    """Whether this process's address space ever reached ``NEAR_CAP`` of its cap (``VmPeak``;
    False without a cap or without ``/proc``)."""
    return megabytes > 0 and vm_peak_bytes() >= NEAR_CAP * megabytes * 1024 * 1024


def cap_memory(megabytes: int) -> None:
    """Cap this process's address space (``RLIMIT_AS``) at ``megabytes`` (0: no cap), so a page
    that makes the parsers balloon fails an allocation here (MemoryError: a ``PageTooComplex``
    reject) or, if a C library cannot handle that, ends this one process (replaced by the
    pool, an ``ExtractFailed`` reject), never the machine. A ready worker maps about 180 MB
    (65-80 MB resident), shared libraries and the language model included."""
    if megabytes > 0:
        limit = megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def worker_main(sock: socket.socket, options: ExtractOptions, function_path: str) -> None:
    """Worker loop: warm up, say ready, then one page in, one reply out, until the parent
    closes the socket (end of run, recycling) or kills the process (time limit)."""
    # Ctrl-C reaches the whole process group; the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Warnings from the extraction libraries, to stderr as in Scrapy's log (not to its LOG_FILE).
    logging.basicConfig(level=logging.WARNING, format=WORKER_LOG_FORMAT)
    sock.setblocking(True)
    cap_memory(options.worker_memory_mb)
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


class LeanForkServerPopen(multiprocessing.popen_forkserver.Popen):
    """The forkserver's ``Popen``, except that the child is not told to run the parent's main
    script again.

    multiprocessing tells every child where the parent's ``__main__`` came from, so that objects
    pickled by reference to ``__main__`` can be found; a forkserver child runs that script again
    as ``__mp_main__`` (its ``preload`` of ``__main__`` has never worked: CPython gh-126631 and
    gh-137996, fixed in 3.13). Under ``scrapy crawl`` the script is Scrapy's command line, so
    every worker (replacements included) imported Scrapy and Twisted while starting (measured:
    about 0.25 s of CPU and 930 modules a worker). Nothing a worker receives lives in
    ``__main__`` (its target is ``worker_main``, its function a dotted path), so the child is
    told nothing about it. ``_launch`` is CPython's (3.11) with that one key removed;
    ``tests/test_workers.py`` pins CPython's source. Defined here, not beside the pool: the
    child unpickles its process object, so this module's imports are what every worker imports
    (the pool's module would bring Scrapy back)."""

    def _launch(self, process_obj: multiprocessing.process.BaseProcess) -> None:
        prep_data = multiprocessing.spawn.get_preparation_data(process_obj._name)
        prep_data.pop("init_main_from_path", None)
        prep_data.pop("init_main_from_name", None)
        buf = io.BytesIO()
        multiprocessing.context.set_spawning_popen(self)
        try:
            multiprocessing.reduction.dump(prep_data, buf)
            multiprocessing.reduction.dump(process_obj, buf)
        finally:
            multiprocessing.context.set_spawning_popen(None)
        self.sentinel, w = multiprocessing.forkserver.connect_to_new_process(self._fds)
        _parent_w = os.dup(w)
        self.finalizer = multiprocessing.util.Finalize(self, multiprocessing.util.close_fds, (_parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as f:
            f.write(buf.getbuffer())
        self.pid = multiprocessing.forkserver.read_signed(self.sentinel)


class LeanForkServerProcess(multiprocessing.context.ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: multiprocessing.process.BaseProcess) -> LeanForkServerPopen:
        return LeanForkServerPopen(process_obj)
