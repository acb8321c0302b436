"""Helpers that run the real `scrapy crawl` command in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

from tests.conftest import PROJECT_DIR


def run_crawl(spider: str, *args: str, cwd: Path = PROJECT_DIR, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider, *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False,
    )


def read_jsonl(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
