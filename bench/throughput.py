"""Throughput and memory benchmark: the full pipeline against a bare trafilatura loop.

    .venv/bin/python bench/throughput.py                 # 2,000 pages: pages/s, ratio, peak memory
    .venv/bin/python bench/throughput.py --memory        # 20,000 pages: memory after every 1,000
    options: --pages N, --workers N (default: the project setting), --set NAME=VALUE (any
    setting, repeatable), --repeat N (alternate both timings N times), --keep DIR

Throughput mode, in one run:
1. builds a corpus of --pages pages by repeating ../shared/benchmarks/aeb-dev/html under
   distinct names (symlinks in a temp dir), each with a sidecar giving a distinct URL so the
   URL dedupe keeps every copy and every record is written;
2. times a bare single-process loop: read, gunzip, decode, ``trafilatura.extract`` (the
   options the pipeline uses, ``NEWSCLEAN_FAVOR_PRECISION`` included), nothing written;
3. times ``scrapy crawl seeds -a dir=<corpus> -O <out>`` (wall clock, start-up included) while
   sampling the memory of the scrapy process and all its descendants (workers, forkserver)
   every 0.1 s from /proc: summed RSS (counts shared pages once per process, so it overstates)
   and summed PSS (shared pages split between sharers: the tree's real footprint);
4. prints pages/s for both, their ratio, and the peaks.

Memory mode runs the crawl only, with ``RssEvery`` (below) enabled as an extension: it counts
finished pages (written or dropped) inside the crawl and logs the tree's memory every 1,000.
Timing figures are printed, never asserted: the machine may be shared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
from pipeline.utils.benchmark import CLOCK_TICKS, Sampler, tree_memory_mb  # noqa: E402 - needs the project on sys.path

AEB_DEV = PROJECT_DIR.parent / "shared" / "benchmarks" / "aeb-dev"
RSS_LINE = re.compile(r"bench-rss pages=(\d+) rss_mb=([\d.]+) pss_mb=([\d.]+) processes=(\d+)")


# --- machine CPU, from /proc (tree memory: pipeline.utils.benchmark.Sampler) --------------------

def machine_busy_seconds() -> float:
    """CPU seconds every process on this (virtual) machine has used since boot, from /proc/stat."""
    with open("/proc/stat") as fh:
        fields = [int(v) for v in fh.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def others_line(machine: float, ours: float, wall: float) -> str:
    others = max(0.0, machine - ours)
    return f"other processes on this machine used {others:.1f} CPU-s meanwhile ({others / wall:.2f} cores on average)"


# --- the in-crawl memory log (enabled in --memory mode as a Scrapy extension) ------------------

class RssEvery:
    """Logs ``bench-rss pages=N rss_mb=.. pss_mb=..`` every BENCH_RSS_EVERY pages."""

    def __init__(self, every: int):
        self.every = every
        self.pages = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> RssEvery:
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        # Not a NEWSCLEAN_ name: scrapy crawl refuses those pipeline/settings.py does not declare.
        every = crawler.settings.getint("BENCH_RSS_EVERY")
        if every <= 0:
            raise NotConfigured
        ext = cls(every)
        crawler.signals.connect(ext.page_done, signal=signals.item_scraped)
        crawler.signals.connect(ext.page_done, signal=signals.item_dropped)
        return ext

    def page_done(self, **kwargs: Any) -> None:
        self.pages += 1
        if self.pages % self.every == 0:
            rss, pss, count = tree_memory_mb(os.getpid())
            print(f"bench-rss pages={self.pages} rss_mb={rss:.1f} pss_mb={pss:.1f} processes={count}",
                  file=sys.stderr, flush=True)


# --- corpus and the two timed runs ------------------------------------------------------------

def build_corpus(folder: Path, pages: int) -> int:
    sources = sorted((AEB_DEV / "html").glob("*.html.gz"))
    truth = json.loads((AEB_DEV / "ground-truth.json").read_text())
    for i in range(pages):
        src = sources[i % len(sources)]
        page_id = src.name[: -len(".html.gz")]
        copy = folder / f"{i // len(sources):04d}"
        copy.mkdir(exist_ok=True)
        os.symlink(src, copy / src.name)
        url = truth.get(page_id, {}).get("url") or f"https://aeb.invalid/{page_id}"
        sep = "&" if "?" in url else "?"
        (copy / f"{page_id}.meta.json").write_text(json.dumps({"url": f"{url}{sep}bench_copy={i}"}))
    return len(sources)


def pipeline_favor_precision(extra: list[str]) -> bool:
    """The crawl's ``NEWSCLEAN_FAVOR_PRECISION`` (the project's settings, then ``--set``), so the
    bare loop runs trafilatura with the option the pipeline uses."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    for setting in extra:
        name, _, value = setting.partition("=")
        settings.set(name, value, priority="cmdline")
    return settings.getbool("NEWSCLEAN_FAVOR_PRECISION")


def bare_loop(folder: Path, favor_precision: bool) -> tuple[int, float, float, str]:
    import trafilatura

    files = sorted(folder.rglob("*.html.gz"))
    start, cpu, machine = time.perf_counter(), time.process_time(), machine_busy_seconds()
    for path in files:
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        trafilatura.extract(html, include_comments=False, favor_precision=favor_precision, include_tables=True,
                            deduplicate=False)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return len(files), wall, cpu, others_line(machine_busy_seconds() - machine, cpu, wall)


def count_lines(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.strip()) if path.exists() else 0


def crawl(folder: Path, out: Path, workers: str | None, rss_every: int = 0, extra: list[str] = ()) -> dict[str, Any]:
    cmd = [str(Path(sys.executable).with_name("scrapy")), "crawl", "seeds", "-a", f"dir={folder}", "-O", str(out),
           "-s", "LOG_LEVEL=INFO", "-s", "LOGSTATS_INTERVAL=10",
           # the real pipeline, state included, but never the project's own state or lock
           "-s", f"NEWSCLEAN_STATE_PATH={out.parent / 'state.sqlite'}"]
    if workers is not None:
        cmd += ["-s", f"NEWSCLEAN_EXTRACT_WORKERS={workers}"]
    for setting in extra:
        cmd += ["-s", setting]
    if rss_every:
        extensions = {"pipeline.extensions.rejects.RejectsLog": 500, "bench.throughput.RssEvery": 900}
        cmd += ["-s", f"EXTENSIONS={json.dumps(extensions)}", "-s", f"BENCH_RSS_EVERY={rss_every}"]
    log = out.with_suffix(".log")
    start, own_cpu, machine = time.perf_counter(), time.process_time(), machine_busy_seconds()
    with open(log, "wb") as log_fh:
        proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, stdout=log_fh, stderr=subprocess.STDOUT)
        sampler = Sampler(proc.pid)
        sampler.start()
        code = proc.wait()
        elapsed = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
    machine, own_cpu = machine_busy_seconds() - machine, time.process_time() - own_cpu
    text = log.read_text(errors="replace")
    if code != 0:
        sys.exit(f"scrapy crawl failed ({code}); log: {log}\n{text[-3000:]}")
    rejects = out.with_name(out.name.replace(".jsonl", ".rejects.jsonl"))
    return {"seconds": elapsed, "records": count_lines(out), "rejects": count_lines(rejects),
            "peak_rss": sampler.peak_rss, "peak_pss": sampler.peak_pss, "processes": sampler.max_processes,
            "cpu": sum(sampler.cpu.values()),
            "others": others_line(machine, sum(sampler.cpu.values()) + own_cpu, elapsed),
            "rss_lines": [tuple(map(float, m)) for m in RSS_LINE.findall(text)], "log": text}


def reject_reasons(out: Path) -> dict[str, int]:
    reasons: dict[str, int] = {}
    path = out.with_name(out.name.replace(".jsonl", ".rejects.jsonl"))
    for line in path.read_bytes().splitlines() if path.exists() else ():
        reason = json.loads(line)["reason"]
        reasons[reason] = reasons.get(reason, 0) + 1
    return reasons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--memory", action="store_true", help="memory mode: RSS after every 1,000 pages")
    parser.add_argument("--pages", type=int, help="corpus size (default 2000, or 20000 with --memory)")
    parser.add_argument("--workers", help="NEWSCLEAN_EXTRACT_WORKERS for the crawl (default: the setting)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="throughput mode: alternate bare loop and crawl this many times (noisy machines)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Scrapy setting for the crawl (repeatable)")
    parser.add_argument("--keep", type=Path, help="build the corpus and outputs here and keep them")
    args = parser.parse_args()
    pages = args.pages or (20000 if args.memory else 2000)
    if not (AEB_DEV / "html").is_dir():
        sys.exit(f"{AEB_DEV} not found (it sits beside the clone)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsclean-bench-"))
    try:
        corpus = work / "corpus"
        corpus.mkdir(parents=True)
        distinct = build_corpus(corpus, pages)
        cores = len(os.sched_getaffinity(0))
        if args.set:
            print(f"extra settings: {' '.join(args.set)}")
        print(f"corpus: {pages} pages ({distinct} distinct aeb-dev pages repeated) in {corpus}")
        print(f"machine: {cores} usable cores, load average {os.getloadavg()[0]:.2f} at start "
              f"(shared machines: compare figures from the same run only)")
        out = work / "out.jsonl"
        if args.memory:
            run = crawl(corpus, out, args.workers, rss_every=1000, extra=args.set)
            print(f"pipeline: {pages / run['seconds']:.1f} pages/s ({run['seconds']:.1f} s), "
                  f"{run['records']} records, rejects {reject_reasons(out)}\n  {run['others']}")
            print(f"{'pages':>7} {'tree RSS MB':>12} {'tree PSS MB':>12} {'processes':>9}")
            for done, rss, pss, count in run["rss_lines"]:
                print(f"{int(done):>7} {rss:>12.1f} {pss:>12.1f} {int(count):>9}")
            marks = {int(done): (rss, pss) for done, rss, pss, _ in run["rss_lines"]}
            first, last = min(2000, max(marks, default=0)), max(marks, default=0)
            if first in marks and last > first:
                print(f"growth from page {first} to page {last}: RSS {marks[last][0] - marks[first][0]:+.1f} MB, "
                      f"PSS {marks[last][1] - marks[first][1]:+.1f} MB")
            print(f"peak over the run (sampled every 0.1 s): RSS {run['peak_rss']:.0f} MB, "
                  f"PSS {run['peak_pss']:.0f} MB")
            return
        bare_rates, rates = [], []
        for round_ in range(1, args.repeat + 1):
            if args.repeat > 1:
                print(f"--- round {round_} of {args.repeat}")
            n, bare_seconds, bare_cpu, others = bare_loop(corpus, pipeline_favor_precision(args.set))
            bare_rate = n / bare_seconds
            print(f"bare trafilatura loop, 1 process: {bare_rate:.1f} pages/s ({bare_seconds:.1f} s wall, "
                  f"{bare_cpu:.1f} CPU-s: it got {bare_cpu / bare_seconds:.0%} of a core)\n  {others}")
            run = crawl(corpus, out, args.workers, extra=args.set)
            rate = pages / run["seconds"]
            bare_rates.append(bare_rate)
            rates.append(rate)
            print(f"scrapy crawl seeds (full pipeline, output written, start-up included): {rate:.1f} pages/s "
                  f"({run['seconds']:.1f} s), {run['records']} records, rejects {reject_reasons(out)}")
            print(f"  process tree CPU: {run['cpu']:.1f} CPU-s = {run['cpu'] / run['seconds']:.2f} cores busy on "
                  f"average of {cores}; {1000 * run['cpu'] / pages:.1f} CPU-ms per page vs {1000 * bare_cpu / n:.1f} "
                  "in the bare loop")
            print(f"  {run['others']} (this script's memory sampler counted as ours)")
            print(f"ratio pipeline / bare loop: {rate / bare_rate:.2f}x (measured, this round)")
            print(f"  CPU-bound projection with all {cores} cores to the tree (no other load and no idle waits; "
                  f"start-up CPU included): {cores * (bare_cpu / n) / (run['cpu'] / pages):.2f}x "
                  f"= {cores} x bare CPU per page / tree CPU per page")
            print(f"peak memory of the scrapy process tree ({run['processes']} processes): "
                  f"RSS sum {run['peak_rss']:.0f} MB, PSS sum {run['peak_pss']:.0f} MB")
            if run["records"] + run["rejects"] != pages:
                print(f"WARNING: {run['records']} records + {run['rejects']} rejects != {pages} pages")
        if args.repeat > 1:
            print(f"over {args.repeat} alternating rounds: best pipeline {max(rates):.1f} pages/s / best bare loop "
                  f"{max(bare_rates):.1f} pages/s = {max(rates) / max(bare_rates):.2f}x; per-round ratios "
                  + ", ".join(f"{r / b:.2f}x" for r, b in zip(rates, bare_rates)))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
