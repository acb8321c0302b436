"""Helpers that run the real `scrapy crawl` command in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from tests.conftest import PROJECT_DIR


def run_crawl(spider: str, *args: str, cwd: Path = PROJECT_DIR, timeout: float = 300) -> subprocess.CompletedProcess:
    """Each call gets its own crawl state (and so its own run lock) unless ``args`` name one:
    tests must not see each other's state, nor the project's ``output/state.sqlite``."""
    with tempfile.TemporaryDirectory(prefix="newsclean-test-state-") as state_dir:
        if not any(a.startswith("NEWSCLEAN_STATE_PATH=") for a in args):
            args = (*args, "-s", f"NEWSCLEAN_STATE_PATH={Path(state_dir) / 'state.sqlite'}")
        return subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", spider, *args],
            cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
        )


def run_measured(command: list[str], timeout: float = 300) -> tuple[int, str, float]:
    """Run ``command`` from the project folder while sampling the resident memory of its whole
    process tree from /proc every 0.02 s (``Sampler``, as ``bench/throughput.py`` does):
    (exit code, stderr, peak RSS in MiB)."""
    from pipeline.utils.benchmark import Sampler

    with subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True) as proc:
        sampler = Sampler(proc.pid, interval=0.02)
        sampler.start()
        try:
            _, stderr = proc.communicate(timeout=timeout)
        finally:
            sampler.done.set()
            sampler.join()
    return proc.returncode, stderr, sampler.peak_rss


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def race_for_the_lock(procs: list[subprocess.Popen], spider: str) -> subprocess.Popen:
    """Two runs of one spider started together: the loser must exit at once, while the winner
    still works, with the lock code and a one-line reason naming the winner. Returns the winner
    (finished; its stderr in ``winner.stderr_text``)."""
    from pipeline.health import EXIT_LOCKED, EXIT_OK

    wait_for(lambda: any(p.poll() is not None for p in procs))
    loser = next(p for p in procs if p.poll() is not None)
    winner = next(p for p in procs if p is not loser)
    assert winner.poll() is None, "the locked run must exit while the other is still working"
    _, loser_err = loser.communicate()
    _, winner_err = winner.communicate(timeout=120)
    assert (loser.returncode, winner.returncode) == (EXIT_LOCKED, EXIT_OK), winner_err[-3000:]
    refusals = [line for line in loser_err.splitlines()
                if line.startswith(f"newsclean cron: not starting spider '{spider}': another run holds the lock")]
    assert len(refusals) == 1, loser_err[-3000:]
    assert f"(pid {winner.pid}, running since" in refusals[0] and refusals[0].endswith("exit code 75"), refusals
    assert "Spider opened" not in loser_err, loser_err[-3000:]
    return winner

