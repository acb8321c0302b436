"""Scope: which URLs a crawl may fetch (registrable domain, scheme) and which addresses."""

from __future__ import annotations

import pytest

from pipeline.downloadermiddlewares.scope import (
    Scope,
    check_url,
    is_public_address,
    registrable_domain,
)


def test_scope_by_registrable_domain_and_scheme() -> None:
    scope = Scope.build(["https://www.bbc.co.uk/news"], ["example.org"])
    assert check_url(scope, "http://news.bbc.co.uk/x") is None
    assert check_url(scope, "https://a.example.org/") is None
    assert check_url(scope, "https://co.uk/") == "out_of_scope"
    assert check_url(scope, "https://evil.example/bbc.co.uk") == "out_of_scope"
    for url in ("file:///etc/passwd", "ftp://bbc.co.uk/x", "javascript:alert(1)", "data:,x", "//bbc.co.uk/x"):
        assert check_url(scope, url) == "bad_scheme", url
    assert registrable_domain("127.0.0.1") == "127.0.0.1"


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2606:4700::1", True), ("127.0.0.2", False), ("10.1.2.3", False), ("192.168.0.1", False),
    ("172.16.0.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False), ("240.0.0.1", False),
])
def test_only_global_unicast_addresses_are_public(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_a_start_host_may_be_private_but_nothing_else() -> None:
    scope = Scope.build(["http://127.0.0.1:8080/"], ["localhost"])
    assert scope.address_allowed("http://127.0.0.1:8080/a", "127.0.0.1")
    assert not scope.address_allowed("http://localhost:8080/a", "127.0.0.1")
    assert not scope.address_allowed("http://127.0.0.1:8081/a", "127.0.0.1")  # another service
    assert not scope.address_allowed("https://127.0.0.1:8080/a", "127.0.0.1")  # another scheme
    assert not scope.address_allowed("http://127.0.0.1/a", "127.0.0.1")  # port 80
    assert scope.address_allowed("http://93.184.216.34:8081/a", "93.184.216.34")  # public: domain rules
