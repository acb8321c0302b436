"""Timeline of one crawl: when each phase starts, and how many cores the process tree keeps busy.

    .venv/bin/python bench/timeline.py                   # 2,000 aeb-dev pages, as bench/throughput.py
    options: --pages N, --repeat N, --set NAME=VALUE (repeatable), --project DIR (crawl with
    another checkout, e.g. main, alternating with this one: before and after in one run)

The crawl is ``bench/throughput.py``'s (same corpus, same command) with one more extension,
``Timeline`` (below), which notes the wall-clock time of the crawl's events inside the scrapy
process (crawler built, engine started, pool start and ready, first page handed to the pool,
first and last record, pool close, spider closed, interpreter exit) and writes them to a JSON
file. Meanwhile this script samples every process of the tree from /proc every 20 ms (CPU so
far, first time seen: the forkserver and each worker), so it can print, per phase, its length
and the tree's CPU, i.e. the cores busy. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import atexit
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
from bench.throughput import AEB_DEV, build_corpus, count_lines, machine_busy_seconds  # noqa: E402 - needs the project on sys.path


def boot_time() -> float:
    with open("/proc/stat") as fh:
        for line in fh:
            if line.startswith("btime"):
                return float(line.split()[1])
    raise RuntimeError("no btime in /proc/stat")


# --- inside the crawl ------------------------------------------------------------------------

class Timeline:
    """Notes the crawl's events (``time.time()``) and writes them to ``BENCH_TIMELINE_PATH`` at exit."""

    def __init__(self, path: str):
        self.path = path
        self.events: dict[str, float] = {}
        self.note("crawler built (imports done)")

    def note(self, name: str, *, first: bool = True) -> None:
        if first and name in self.events:
            return
        self.events[name] = time.time()

    @classmethod
    def from_crawler(cls, crawler: Any) -> Timeline:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        from pipeline.pipelines import workerpool

        path = crawler.settings.get("BENCH_TIMELINE_PATH")
        if not path:
            raise NotConfigured
        ext = cls(path)
        for signal, name in ((signals.engine_started, "engine started"),
                             (signals.spider_opened, "spider opened"),
                             (signals.spider_closed, "spider closed"),
                             (signals.engine_stopped, "engine stopped")):
            crawler.signals.connect(lambda _name=name, **kw: ext.note(_name), signal=signal, weak=False)
        crawler.signals.connect(ext.record_done, signal=signals.item_scraped)
        crawler.signals.connect(ext.record_done, signal=signals.item_dropped)
        ext.wrap(workerpool.ExtractPool, "start", "pool start called", "pool ready")
        ext.wrap(workerpool.ExtractPool, "add_worker", "first add_worker called", "first worker ready")
        ext.wrap(workerpool.ExtractPool, "extract", "first page handed to the pool", None)
        ext.wrap(workerpool.ExtractPool, "close", "pool close called", "pool closed")
        atexit.register(ext.write)
        return ext

    def wrap(self, cls: type, method: str, before: str, after: str | None) -> None:
        original = getattr(cls, method)
        ext = self

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            ext.note(before)
            try:
                return await original(*args, **kwargs)
            finally:
                if after:
                    ext.note(after)

        setattr(cls, method, wrapper)

    def record_done(self, **kwargs: Any) -> None:
        self.note("first record done")
        self.note("last record done", first=False)

    def write(self) -> None:
        self.note("atexit")
        Path(self.path).write_text(json.dumps(self.events))


# --- outside: the process tree, sampled ------------------------------------------------------

class TreeSampler(threading.Thread):
    """Every process below ``pid`` every ``interval`` s: (time, total CPU so far) and each
    process's first time seen, parent and whether it is the forkserver."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, float]] = []
        self.first_seen: dict[int, tuple[float, int]] = {}  # pid -> (time, parent)
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()

    def scan(self) -> None:
        # Imported here: the crawl of another checkout (--project) imports this module as its
        # extension, with that checkout's pipeline.
        from pipeline.utils.benchmark import process_table

        now = time.time()
        parents, cpu = process_table()
        tree, todo = {self.pid}, [self.pid]
        children: dict[int, list[int]] = {}
        for pid, parent in parents.items():
            children.setdefault(parent, []).append(pid)
        while todo:
            for child in children.get(todo.pop(), ()):
                tree.add(child)
                todo.append(child)
        for pid in tree:
            if pid in cpu:
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu[pid])
                self.first_seen.setdefault(pid, (now, parents[pid]))
        self.samples.append((now, sum(self.cpu.values())))

    def run(self) -> None:
        while not self.done.is_set():
            self.scan()
            self.done.wait(self.interval)


def cpu_at(samples: list[tuple[float, float]], t: float) -> float:
    """The tree's CPU so far at time ``t`` (linear between samples)."""
    if t <= samples[0][0]:
        return 0.0 if t < samples[0][0] else samples[0][1]
    for (t0, c0), (t1, c1) in zip(samples, samples[1:]):
        if t0 <= t <= t1:
            return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else c1
    return samples[-1][1]


def timed_crawl(folder: Path, out: Path, extra: list[str], project: Path = PROJECT_DIR) -> dict[str, Any]:
    timeline_path = out.with_suffix(".timeline.json")
    from pipeline import settings as project_settings

    extensions = {**project_settings.EXTENSIONS, "bench.timeline.Timeline": -30}
    cmd = [str(project / ".venv" / "bin" / "scrapy"), "crawl", "seeds", "-a", f"dir={folder}", "-O", str(out),
           "-s", "LOG_LEVEL=INFO", "-s", "LOGSTATS_INTERVAL=10",
           "-s", f"NEWSCLEAN_STATE_PATH={out.parent / 'state.sqlite'}",
           "-s", f"EXTENSIONS={json.dumps(extensions)}", "-s", f"BENCH_TIMELINE_PATH={timeline_path}"]
    for setting in extra:
        cmd += ["-s", setting]
    timeline_path.unlink(missing_ok=True)
    with open(out.with_suffix(".log"), "wb") as log:
        env = dict(os.environ)
        if project != PROJECT_DIR:
            # A copy of this file alone on the path: ``bench`` is a namespace package, so the
            # other checkout finds ``bench.timeline`` there and everything else at home.
            extra = folder.parent / "timeline-path"
            (extra / "bench").mkdir(parents=True, exist_ok=True)
            shutil.copy(Path(__file__), extra / "bench" / "timeline.py")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra), os.environ.get("PYTHONPATH")]))
        launch, machine = time.time(), machine_busy_seconds()
        proc = subprocess.Popen(cmd, cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        code = proc.wait()
        exited = time.time()
        sampler.done.set()
        sampler.join()
    machine = machine_busy_seconds() - machine
    if code != 0:
        sys.exit(f"scrapy crawl failed ({code}); log: {out.with_suffix('.log')}\n" + out.with_suffix(".log").read_text()[-2000:])
    events = {"launch": launch, **json.loads(timeline_path.read_text()), "process exit": exited}
    # The scrapy process's own start, from /proc (ticks since boot): launch to exec.
    children = sorted((t, pid) for pid, (t, parent) in sampler.first_seen.items() if parent == proc.pid)
    for t, pid in children:
        grandchildren = [g for g, (_, parent) in sampler.first_seen.items() if parent == pid]
        if grandchildren:  # the forkserver: the workers are its children
            events["forkserver seen"] = t
            firsts = sorted(sampler.first_seen[g][0] for g in grandchildren)
            events["first worker process seen"] = firsts[0]
            break
    sampler.scan()
    parents = {pid: parent for pid, (_, parent) in sampler.first_seen.items()}
    roles = {proc.pid: "scrapy (reactor) process"}
    for pid, parent in parents.items():
        if pid != proc.pid:
            has_children = pid in parents.values()
            roles[pid] = "forkserver" if has_children else ("workers" if parent != proc.pid else "other children")
    by_role: dict[str, float] = {}
    for pid, seconds in sampler.cpu.items():
        by_role[roles.get(pid, "?")] = by_role.get(roles.get(pid, "?"), 0.0) + seconds
    return {"events": dict(sorted(events.items(), key=lambda kv: kv[1])), "samples": sampler.samples,
            "records": count_lines(out), "cpu": sum(sampler.cpu.values()), "seconds": exited - launch,
            "by_role": by_role, "others": max(0.0, machine - sum(sampler.cpu.values()))}


def print_timeline(run: dict[str, Any], pages: int) -> None:
    events, samples = run["events"], run["samples"]
    launch = events["launch"]
    print(f"{'event':<34} {'at s':>7} {'phase s':>8} {'tree CPU-s':>10} {'cores busy':>10}")
    names = list(events)
    for name, following in zip(names, [*names[1:], None]):
        t = events[name]
        if following is None:
            print(f"{name:<34} {t - launch:>7.3f}")
            continue
        length = events[following] - t
        cpu = cpu_at(samples, events[following]) - cpu_at(samples, t)
        busy = f"{cpu / length:>10.2f}" if length > 0.005 else f"{'':>10}"
        print(f"{name:<34} {t - launch:>7.3f} {length:>8.3f} {cpu:>10.2f} {busy}")
    wall = events["process exit"] - launch
    first, last = events.get("first record done", launch), events.get("last record done", launch)
    steady_cpu = cpu_at(samples, last) - cpu_at(samples, first)
    print(f"total {wall:.2f} s wall, tree {run['cpu']:.1f} CPU-s ({run['cpu'] / wall:.2f} cores busy), "
          f"{run['records']} records, {pages / wall:.1f} pages/s; first to last record {last - first:.2f} s "
          f"at {steady_cpu / (last - first):.2f} cores; before the first record {first - launch:.2f} s, "
          f"after the last {events['process exit'] - last:.2f} s")
    print(f"other processes on this machine: {run['others'] / wall:.2f} cores on average (this script's sampler "
          "included)")
    print("CPU by process: " + ", ".join(f"{role} {seconds:.2f} CPU-s ({1000 * seconds / pages:.2f} ms a page)"
                                         for role, seconds in sorted(run["by_role"].items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--project", type=Path, help="another checkout to time alternately with this one")
    args = parser.parse_args()
    if not (AEB_DEV / "html").is_dir():
        sys.exit(f"{AEB_DEV} not found (it sits beside the clone)")
    logging.basicConfig(level=logging.WARNING)
    work = Path(tempfile.mkdtemp(prefix="newsclean-timeline-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir()
        build_corpus(corpus, args.pages)
        print(f"corpus: {args.pages} pages; load average {os.getloadavg()[0]:.2f} at start")
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"--- round {round_} of {args.repeat}")
            for project in ([args.project.resolve()] if args.project else []) + [PROJECT_DIR]:
                if args.project:
                    print(f"=== {project}")
                out = work / f"out{round_}.jsonl"
                print_timeline(timed_crawl(corpus, out, args.set, project), args.pages)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
