"""Where a live crawl may go: the start URLs' registrable domains, over http(s), to public
addresses only.

``Scope`` holds the pure rules; ``ScopeMiddleware`` (downloader middleware, first in the chain)
applies them to every request, including each redirect hop (Scrapy sends redirects back through
the whole chain) and the robots.txt requests. Addresses are checked after DNS resolution: the
middleware resolves through the reactor's resolver, whose cache (``DNSCACHE_ENABLED``, on by
default) is the one the connection then uses, so a host cannot resolve to a public address for
the check and a private one for the fetch. A loopback, private, link-local, reserved or
otherwise non-global address is refused unless that very host is a start URL's host.

Registrable domains come from tldextract's bundled public-suffix snapshot: it never downloads
the list.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from pipeline.meta import ROLE
from pipeline.utils.url import registrable_domain

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})


class RefusedRequest(IgnoreRequest):
    """Base class: the scope middleware refused to send a request; ``reason`` names why."""

    reason = "refused"


class BadScheme(RefusedRequest):
    """The URL is not http or https (file:, ftp:, data:, javascript: ...)."""

    reason = "bad_scheme"


class OutOfScope(RefusedRequest):
    """The URL's registrable domain is neither a start URL's nor in ``allow_domains``."""

    reason = "out_of_scope"


class UnsafeAddress(RefusedRequest):
    """The host is, or resolves to, a non-public address and is not a start URL's host."""

    reason = "unsafe_address"


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_public_address(value: str) -> bool:
    """True only for a globally routable unicast address."""
    address = _ip(value)
    return address is not None and address.is_global and not address.is_multicast


DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int]  # scheme, host, port


def origin(url: str) -> Origin | None:
    """``(scheme, host, port)`` of an http(s) URL, the port made explicit; ``None`` otherwise."""
    parsed = urlsplit(url)
    scheme, host = parsed.scheme.lower(), (parsed.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host, parsed.port or DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class Scope:
    # Exact origins of the start URLs: the only places a non-public address may be reached.
    start_origins: frozenset[Origin]
    domains: frozenset[str]

    @classmethod
    def build(cls, start_urls: Iterable[str], allow_domains: Iterable[str] = ()) -> Scope:
        origins = {found for u in start_urls if (found := origin(u))}
        domains = {registrable_domain(host) for _, host, _ in origins}
        domains |= {registrable_domain(d.strip()) for d in allow_domains if d.strip()}
        return cls(frozenset(origins), frozenset(domains))

    def url_reason(self, url: str) -> str | None:
        """Why ``url`` may not be requested (``bad_scheme``, ``out_of_scope``), or ``None``."""
        parsed = urlsplit(url)
        if parsed.scheme.lower() not in ALLOWED_SCHEMES or not parsed.hostname:
            return BadScheme.reason
        return None if registrable_domain(parsed.hostname) in self.domains else OutOfScope.reason

    def address_allowed(self, url: str, address: str) -> bool:
        """A public address, or a start URL's very origin: scheme, host and port (a loopback
        start URL does not open the other services on the same machine)."""
        return is_public_address(address) or origin(url) in self.start_origins


def check_url(scope: Scope, url: str) -> str | None:
    """``Scope.url_reason`` that accepts any string, for links read from pages."""
    try:
        return scope.url_reason(url)
    except ValueError:
        return BadScheme.reason


class ScopeMiddleware:
    """Downloader middleware: refuse out-of-scope and unsafe requests before anything else.

    Switched on by the spider having a ``scope`` attribute (the ``news`` spider); also tags
    the robots.txt requests Scrapy makes with ``meta["newsclean_role"] = "robots"``.
    """

    def __init__(self, crawler: Crawler, scope: Scope):
        self.crawler = crawler
        self.scope = scope
        self.stats = crawler.stats
        if not crawler.settings.getbool("DNSCACHE_ENABLED"):
            logger.warning("DNSCACHE_ENABLED is off: an address checked here may differ at connect time")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        scope = getattr(crawler.spider, "scope", None)
        if not isinstance(scope, Scope):
            raise NotConfigured
        return cls(crawler, scope)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") and urlparse_cached(request).path == "/robots.txt":
            request.meta.setdefault(ROLE, "robots")
        reason = self.scope.url_reason(request.url)
        if reason:
            self.refuse(request, BadScheme if reason == BadScheme.reason else OutOfScope)
        host = (urlparse_cached(request).hostname or "").lower()
        address = host if _ip(host) is not None else await self.resolve(host)
        if address is not None and not self.scope.address_allowed(request.url, address):
            self.refuse(request, UnsafeAddress, f"{host} is {address}")

    async def resolve(self, host: str) -> str | None:
        """The address the connection will use; ``None`` lets the download fail as DNS would."""
        from twisted.internet import reactor

        try:
            return await maybe_deferred_to_future(reactor.resolve(host))
        except DNSLookupError:
            return None

    def refuse(self, request: Request, error: type[RefusedRequest], detail: str = "") -> None:
        self.stats.inc_value(f"newsclean/scope/refused/{error.reason}")
        logger.info("refused %s (%s%s)", request.url, error.reason, f": {detail}" if detail else "")
        raise error(f"{error.reason}: {request.url} {detail}".strip())
