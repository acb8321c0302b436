"""Test-wide guards: no test reaches past loopback, and paths every test needs."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

# Helpers with asserts used by many test files: show values on failure, as in test modules.
pytest.register_assert_rewrite("tests.crawl")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_DIR.parent / "shared"
BENCHMARKS_DIR = SHARED_DIR / "benchmarks"

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address):  # type: ignore[no-untyped-def]
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise RuntimeError(f"test tried to reach {address}: tests never leave loopback")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


def needs_shared(path: Path) -> Path:
    """Skip the calling test cleanly when ../shared (present in CI only) is not beside the clone."""
    if not path.exists():
        pytest.skip(f"{path} not present (it exists beside the clone in CI only)")
    return path
