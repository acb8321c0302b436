"""Extraction in worker processes: every core busy, the reactor free, a stuck page cut off.

``ExtractPool`` runs the extraction function (``pipeline.extract.article.extract_article`` unless
``NEWSCLEAN_EXTRACT_FUNCTION`` says otherwise) in N processes of its own. Why not
``concurrent.futures.ProcessPoolExecutor``: it cannot kill one stuck task, and a dead worker
breaks the whole executor. Here:

1. Workers come from a ``forkserver`` that has already imported the extraction modules, so a
   worker (first or replacement) starts warm in milliseconds and shares those pages; they are
   ``LeanForkServerProcess``es, which do not run the parent's main script (``scrapy``) again.
   Each worker runs one throw-away extraction, then says it is ready.
2. Each worker has its own socket pair; the reactor side talks to it with asyncio's
   non-blocking ``sock_sendall``/``sock_recv_into``, so even a 10 MB page never blocks the
   reactor. Frames are an 8-byte length and a pickle.
3. Each worker holds at most two pages: the one it extracts and the next, already in its
   socket, so it never waits for the reactor between pages (+5% pages/s measured).
4. Back-pressure: ``extract`` queues the page until a worker has room. Meanwhile its response
   stays "active" in Scrapy's scraper slot, which counts response body sizes against
   ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` (items in the pipelines included); over it, the engine
   stops sending requests. Pages held in memory are bounded by that and CONCURRENT_REQUESTS.
5. Limits: a page over the time limit (counted from when its worker starts it) gets its worker
   killed and replaced and raises ``ExtractTimeout``; a worker that dies mid-page (segfault,
   OOM kill) raises ``ExtractFailed``; the page queued behind it goes to another worker, and
   the run goes on. Workers are recycled after ``max_tasks`` pages so slow leaks in parsers
   cannot add up.
6. A replacement that fails to start is tried again (``REPLACE_ATTEMPTS`` times, with a short
   backoff), counted as still starting meanwhile, so pages wait for it instead of being
   rejected. Only a pool left with no worker at all rejects pages; each such page is counted in
   ``counters.lost`` (the stat ``newsclean/extract/pool/lost``), which fails the run's health.
7. A worker's socket is taken out of asyncio's selector before it is closed (``close_socket``).
   Closing a socket that a pending ``sock_sendall`` (a large page queued behind a stuck one)
   still has registered leaves a stale selector key under its file descriptor number; the next
   ``socketpair`` reuses that number, and the replacement's first ``sock_recv_into`` then
   fails with ``FileNotFoundError`` (epoll has no such descriptor to modify), which emptied the
   pool (issue 16).

Why not pebble's ``ProcessPool`` (tried on 2026-11-29 with pebble 5.2.3, same forkserver, same
interface; the trial was not merged): throughput was the same within this shared machine's
noise (pebble/own ratio per round 0.51-1.30, median 1.09, over 9 alternating rounds of
``bench/throughput.py``), but pebble's three threads in this process cost 0.45 ms of CPU per page
(about 2.5% of the tree's CPU), and it failed where this pool does not: a worker that died while
idle broke the whole pool ("All workers expired"); with the loop busy, 3 of 100 crashes were
blamed on the wrong page (one innocent page rejected) and 2 of 100 broke the pool; a worker
killed while reading its page holds the lock of the pipe all workers share, which stalled every
page for 120 s. Here each worker has its own socket, so a death is always the page in flight on
that socket, and nothing is shared between workers.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.forkserver
import pickle
import signal
import socket
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from pipeline.errors import ExtractFailed, ExtractTimeout, RejectedPage, drop_named
from pipeline.extract.worker import HEADER, LeanForkServerProcess, frame, worker_main
from pipeline.items import Article, ExtractOptions, Page

logger = logging.getLogger(__name__)

# Modules the forkserver imports once, so forked workers share them and start warm.
PRELOAD = ("pipeline.extract.article", "pipeline.extract.worker")
# A worker that has not said "ready" within this time is a failed start.
STARTUP_TIMEOUT = 120.0
# A replacement worker that fails to start is tried this many times in all, waiting
# REPLACE_BACKOFF, then twice, four times as long... between tries (a forkserver or a machine
# briefly out of processes or memory recovers; a function that does not import does not).
REPLACE_ATTEMPTS = 5
REPLACE_BACKOFF = 0.2
NO_WORKERS = "the extraction pool has no workers left (replacements failed to start)"


def forkserver_preload(function_path: str) -> list[str]:
    """The modules a forkserver imports for workers running ``function_path``."""
    return [*PRELOAD, function_path.rpartition(".")[0]]


def start_forkserver(function_path: str) -> None:
    """Start the forkserver now, with the extraction modules to preload, so that its imports
    run while Scrapy is still building the crawler (it otherwise starts when the spider opens,
    and the crawl waits for it). Does nothing where there is no forkserver."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(forkserver_preload(function_path))
    multiprocessing.forkserver.ensure_running()


# --- framing, reactor side -------------------------------------------------------------------

async def async_recv_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket, size: int) -> bytearray:
    buf = bytearray(size)
    view = memoryview(buf)
    got = 0
    while got < size:
        n = await loop.sock_recv_into(sock, view[got:])
        if n == 0:
            raise EOFError("worker closed its socket")
        got += n
    return buf


async def async_recv_frame(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> Any:
    (size,) = HEADER.unpack(await async_recv_exactly(loop, sock, HEADER.size))
    return pickle.loads(await async_recv_exactly(loop, sock, size))


# --- reactor side ----------------------------------------------------------------------------

@dataclass(eq=False)
class Job:
    """One page on its way through the pool; ``future`` gets the worker's reply tuple."""

    page: Page
    future: asyncio.Future
    undelivered: bool = False  # sending it failed: the worker was already dead
    requeued: int = 0


@dataclass(eq=False)
class Worker:
    process: multiprocessing.process.BaseProcess
    sock: socket.socket
    pid: int = 0
    pages: int = 0
    # Pages sent and not yet answered, oldest first; the worker is busy with the first one.
    inflight: deque[Job] = field(default_factory=deque)
    has_work: asyncio.Event = field(default_factory=asyncio.Event)
    send_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Its send() tasks still running: cancelled when its socket closes.
    sends: set[asyncio.Task] = field(default_factory=set)
    retiring: bool = False


@dataclass
class PoolCounters:
    started: int = 0
    timeouts: int = 0
    crashes: int = 0
    recycled: int = 0
    max_waiting: int = 0
    start_failures: int = 0  # replacement starts that failed (and were tried again)
    lost: int = 0  # pages rejected because the pool had no worker left


def exit_description(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class ExtractPool:
    """N warm extraction processes, fed from the asyncio loop; see the module docstring.

    Each worker gets up to ``depth`` pages at a time: while it extracts one, the next already
    sits in its socket, so it never waits for the reactor between pages. A page's time limit
    runs from when its worker starts it (the reply to the previous page)."""

    def __init__(self, size: int, options: ExtractOptions, *, timeout: float = 0, max_tasks: int = 0,
                 function_path: str = "pipeline.extract.article.extract_article", start_method: str = "forkserver",
                 depth: int = 2):
        if size < 1:
            raise ValueError("an ExtractPool needs at least one worker")
        self.size = size
        self.options = options
        self.timeout = timeout or None
        self.max_tasks = max_tasks
        self.function_path = function_path
        self.depth = depth
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context(start_method if start_method in methods else "spawn")
        if self.context.get_start_method() == "forkserver":
            self.context.set_forkserver_preload(forkserver_preload(function_path))
        self.counters = PoolCounters()
        self.pending: deque[Job] = deque()
        self.workers: set[Worker] = set()  # ready and taking pages
        self.starting = 0
        self.closed = False
        self.background: set[asyncio.Task] = set()

    # --- workers coming and going ---

    async def start(self) -> None:
        """Start every worker and wait until all are warm (a failed start raises)."""
        self.starting += self.size
        try:
            results = await asyncio.gather(*(self.add_worker() for _ in range(self.size)),
                                           return_exceptions=True)
        finally:
            self.starting -= self.size
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.close()
            raise failures[0]
        logger.info("extraction pool: %d %s workers ready (pids %s)", self.size,
                    self.context.get_start_method(), ", ".join(str(w.pid) for w in self.workers))

    async def add_worker(self) -> None:
        """Start one worker, wait until it is warm, give it pages (the caller counts it in
        ``starting`` meanwhile, so the pool knows one is on its way)."""
        loop = asyncio.get_running_loop()
        parent_sock, child_sock = socket.socketpair()
        process_class = (LeanForkServerProcess if self.context.get_start_method() == "forkserver"
                         else self.context.Process)
        process = process_class(target=worker_main, args=(child_sock, self.options, self.function_path),
                                name="newsclean-extract", daemon=True)
        worker = Worker(process, parent_sock)
        try:
            # start() talks to the forkserver (and starts it the first time): keep it off the loop.
            await asyncio.to_thread(process.start)
            child_sock.close()
            parent_sock.setblocking(False)
            try:
                reply = await asyncio.wait_for(async_recv_frame(loop, parent_sock), STARTUP_TIMEOUT)
            except EOFError:
                code = await self.reap(worker)
                raise RuntimeError(f"an extraction worker exited while starting ({exit_description(code)}); "
                                   "its error is above") from None
            if reply[0] != "ready":
                raise RuntimeError(f"unexpected first message from worker: {reply!r}")
            worker.pid = reply[1]
        except BaseException:
            child_sock.close()
            self.discard(worker)
            raise
        self.counters.started += 1
        if self.closed:
            self.discard(worker)
            return
        self.workers.add(worker)
        self.track(loop.create_task(self.read_replies(worker)))
        self.dispatch()

    def spawn(self) -> None:
        """Start a replacement worker in the background (counted in ``starting`` at once, so
        no page is rejected for want of workers while it is on its way)."""
        if self.closed:
            return
        self.starting += 1
        self.track(asyncio.get_running_loop().create_task(self.replace()))

    async def replace(self) -> None:
        """Start one worker, trying again after a failed start (see ``REPLACE_ATTEMPTS``);
        ``spawn`` counted it in ``starting``, which stays counted until the last try ends."""
        try:
            for attempt in range(1, REPLACE_ATTEMPTS + 1):
                try:
                    await self.add_worker()
                    return
                except Exception:  # noqa: BLE001 - logged; tried again or given up below
                    self.counters.start_failures += 1
                    if self.closed:
                        return
                    if attempt == REPLACE_ATTEMPTS:
                        logger.error("extraction pool: a replacement worker failed to start %d times; "
                                     "giving up", attempt, exc_info=True)
                        return
                    delay = REPLACE_BACKOFF * 2 ** (attempt - 1)
                    logger.warning("extraction pool: a replacement worker failed to start (try %d of %d); "
                                   "trying again in %g s", attempt, REPLACE_ATTEMPTS, delay, exc_info=True)
                    await asyncio.sleep(delay)
        finally:
            self.starting -= 1
            self.fail_pending_if_hopeless()

    def fail_pending_if_hopeless(self) -> None:
        """No worker left and none on its way: every waiting page is lost."""
        if self.workers or self.starting:
            return
        while self.pending:
            job = self.pending.popleft()
            if not job.future.done():
                self.counters.lost += not self.closed  # at the end of the run, nothing waits
                job.future.set_exception(ExtractFailed(NO_WORKERS))

    def track(self, task: asyncio.Task) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    def close_socket(self, worker: Worker) -> None:
        """Take ``worker``'s socket out of the loop's selector, stop its sends, then close it.

        A pending ``sock_sendall`` or ``sock_recv_into`` keeps the socket's descriptor
        registered; closed as it is, the selector would keep a key under a number the next
        socket reuses (see the module docstring, point 7). ``remove_reader``/``remove_writer``
        also cancel the registered handles, so the pending calls' own clean-up, which runs
        later, leaves whatever socket then holds that number alone."""
        if worker.sock.fileno() >= 0:
            loop = asyncio.get_running_loop()
            loop.remove_reader(worker.sock)
            loop.remove_writer(worker.sock)
        for task in worker.sends:
            task.cancel()
        worker.sock.close()

    def discard(self, worker: Worker) -> None:
        """Close ``worker``'s socket and kill the process if it still runs; reaped in the background."""
        self.workers.discard(worker)
        self.close_socket(worker)
        if worker.process.pid is None:
            return
        if worker.process.exitcode is None:
            worker.process.kill()
        self.track(asyncio.get_running_loop().create_task(self.reap(worker)))

    async def reap(self, worker: Worker) -> int | None:
        """Wait (without blocking the loop) until the process is gone; its exit code."""
        for _ in range(500):
            if not worker.process.is_alive():
                break
            await asyncio.sleep(0.01)
        return worker.process.exitcode

    def worker_lost(self, worker: Worker, error: RejectedPage) -> None:
        """The worker timed out or died: its current page gets ``error``, the pages queued
        behind it go back to the front of the queue, a replacement starts."""
        self.discard(worker)
        if worker.inflight:
            head = worker.inflight.popleft()
            if head.undelivered and isinstance(error, ExtractFailed) and head.requeued < 2:
                worker.inflight.appendleft(head)  # it never reached the (already dead) worker;
                # re-queued below, at most twice (workers that die at once must not loop forever)
            elif not head.future.done():
                head.future.set_exception(error)
        for job in reversed(worker.inflight):  # innocent pages (or one the worker never got)
            job.requeued += 1
            job.undelivered = False
            self.pending.appendleft(job)
        worker.inflight.clear()
        if not worker.retiring:
            self.spawn()
        self.fail_pending_if_hopeless()
        self.dispatch()

    # --- pages ---

    async def extract(self, page: Page) -> Article:
        """The page's record from a worker, or a ``RejectedPage`` subclass saying why not."""
        if not self.workers and not self.starting:
            self.counters.lost += 1
            raise ExtractFailed(NO_WORKERS)
        job = Job(page, asyncio.get_running_loop().create_future())
        self.pending.append(job)
        self.counters.max_waiting = max(self.counters.max_waiting, len(self.pending))
        self.dispatch()
        try:
            reply = await job.future
        finally:
            if job in self.pending:  # cancelled while waiting (engine shutdown)
                self.pending.remove(job)
        return reply_to_article(reply, page)

    def dispatch(self) -> None:
        """Hand pending pages to the least busy workers with room (synchronous, never blocks)."""
        while self.pending:
            open_workers = [w for w in self.workers if len(w.inflight) < self.depth]
            if not open_workers:
                return
            worker = min(open_workers, key=lambda w: len(w.inflight))
            job = self.pending.popleft()
            if job.future.done():
                continue
            worker.inflight.append(job)
            # The send task first: if the worker is dead, send() marks the page undelivered
            # before read_replies() wakes up and sees the end of the socket.
            task = asyncio.get_running_loop().create_task(self.send(worker, job))
            self.track(task)
            worker.sends.add(task)
            task.add_done_callback(worker.sends.discard)
            worker.has_work.set()

    async def send(self, worker: Worker, job: Job) -> None:
        loop = asyncio.get_running_loop()
        async with worker.send_lock:  # FIFO: frames go out whole and in dispatch order
            if worker.sock.fileno() < 0:
                return  # the worker is gone; worker_lost() re-queued the page
            try:
                await loop.sock_sendall(worker.sock, frame(job.page))
            except OSError:
                job.undelivered = True  # read_replies() sees the dead worker and re-queues it

    async def read_replies(self, worker: Worker) -> None:
        """One per worker: each reply answers the oldest page in flight, within the time limit."""
        loop = asyncio.get_running_loop()
        while not self.closed:
            if not worker.inflight:
                worker.has_work.clear()
                await worker.has_work.wait()
                continue
            try:
                reply = await asyncio.wait_for(async_recv_frame(loop, worker.sock), self.timeout)
            except asyncio.TimeoutError:
                self.counters.timeouts += 1
                logger.warning("extraction of %s took over %g s: worker %d killed and replaced",
                               worker.inflight[0].page.source_url, self.timeout, worker.pid)
                self.worker_lost(worker, ExtractTimeout(f"extraction took over {self.timeout:g} s and was abandoned"))
                return
            except (EOFError, OSError):
                if self.closed:
                    return
                self.counters.crashes += 1
                self.close_socket(worker)
                code = await self.reap(worker)
                logger.warning("extraction worker %d died (%s) while extracting %s; replacing it",
                               worker.pid, exit_description(code), worker.inflight[0].page.source_url)
                self.worker_lost(worker, ExtractFailed(f"the extraction worker died ({exit_description(code)}) "
                                                       "on this page"))
                return
            job = worker.inflight.popleft()
            if not job.future.done():
                job.future.set_result(reply)
            worker.pages += 1
            if self.max_tasks and worker.pages >= self.max_tasks and not worker.retiring:
                # Take no more pages; a fresh worker warms up while this one finishes its queue.
                worker.retiring = True
                self.workers.discard(worker)
                self.counters.recycled += 1
                self.spawn()
            if worker.retiring and not worker.inflight:
                self.discard(worker)
                return
            self.dispatch()

    async def close(self) -> None:
        """Stop every worker: close their sockets (they exit on EOF), kill stragglers."""
        self.closed = True
        workers = list(self.workers)
        self.workers.clear()
        for worker in workers:
            self.close_socket(worker)
            worker.has_work.set()
        for worker in workers:
            for _ in range(200):
                if not worker.process.is_alive():
                    break
                await asyncio.sleep(0.01)
            else:
                worker.process.kill()
                await self.reap(worker)
        for task in list(self.background):
            task.cancel()
        if self.background:
            await asyncio.gather(*self.background, return_exceptions=True)


def reply_to_article(reply: tuple, page: Page) -> Article:
    """A worker's reply as ``run_extraction`` would have ended: the record, or the same drop."""
    status = reply[0]
    if status == "ok":
        return reply[1]
    if status == "drop":
        raise drop_named(reply[1], reply[2])
    logger.warning("extraction failed for %s\n%s", page.source_url, reply[2])
    raise ExtractFailed(reply[1])
