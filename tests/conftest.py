"""Test-wide guards: no test reaches past loopback, and paths every test needs."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

# Helpers with asserts used by many test files: show values on failure, as in test modules.
pytest.register_assert_rewrite("tests.crawl")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
BENCHMARKS_DIR = SHARED_DIR / "benchmarks"

NETGUARD_DIR = Path(__file__).resolve().parent / "netguard"
# Every Python subprocess a test starts (crawls, cron runs) loads tests/netguard/sitecustomize.py:
# loopback only there too. This process gets the same guard by importing it.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NETGUARD_DIR), os.environ.get("PYTHONPATH")]))
sys.path.insert(0, str(NETGUARD_DIR))
import sitecustomize as netguard  # noqa: E402  - the guard itself, applied on import

assert socket.socket.connect_ex is netguard._guarded_connect_ex, "another sitecustomize shadows the guard"


def needs_shared(path: Path) -> Path:
    """Skip the calling test cleanly when ../shared (present in CI only) is not beside the clone."""
    if not path.exists():
        pytest.skip(f"{path} not present (it exists beside the clone in CI only)")
    return path
