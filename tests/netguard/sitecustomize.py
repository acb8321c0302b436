"""Loopback only, in every Python process the tests start.

conftest puts this folder first on ``PYTHONPATH``, so each ``scrapy crawl`` / ``scrapy cron``
subprocess imports this module at start-up (Python's ``sitecustomize`` hook) and any attempt to
connect anywhere but a loopback address fails with ``ConnectionRefusedError``. Twisted connects
with ``connect_ex``; plain code with ``connect``: both are covered. Unix sockets are allowed.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX path: local by definition
    host = str(address[0])
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"


def _guarded_connect(self: socket.socket, address: object) -> None:
    if not is_loopback(address):
        raise ConnectionRefusedError(errno.ECONNREFUSED, f"tests never leave loopback: {address}")
    return _connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not is_loopback(address):
        return errno.ECONNREFUSED
    return _connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
