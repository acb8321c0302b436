"""The loopback-only guard is in force here and in every Python process the tests start."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.conftest import netguard


@pytest.mark.parametrize(("address", "allowed"), [
    (("127.0.0.1", 80), True), (("127.0.0.2", 80), True), (("::1", 80, 0, 0), True),
    (("localhost", 80), True), ("/tmp/some.sock", True),
    (("10.0.0.1", 80), False), (("192.168.1.1", 80), False), (("example.com", 80), False),
    (("8.8.8.8", 53), False),
])
def test_only_loopback_is_allowed(address: object, allowed: bool) -> None:
    assert netguard.is_loopback(address) is allowed


def test_guard_is_installed_in_this_process() -> None:
    assert socket.socket.connect.__name__ == "_guarded_connect"
    assert socket.socket.connect_ex.__name__ == "_guarded_connect_ex"


def test_guard_is_installed_in_subprocesses_the_tests_start() -> None:
    code = "import socket; print(socket.socket.connect.__name__, socket.socket.connect_ex.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["_guarded_connect", "_guarded_connect_ex"]
