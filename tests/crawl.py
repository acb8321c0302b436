"""Helpers that run the real `scrapy crawl` command in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
import tempfile
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


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
