"""URL helpers shared by the dedupe pipeline, the state and its middleware."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

DEFAULT_PORT = re.compile(r"^(http://[^/?#]*?):80(?=[/?#]|$)|^(https://[^/?#]*?):443(?=[/?#]|$)", re.IGNORECASE)


@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """Canonical form: sorted query, no fragment, normalised escapes and host case, no default
    port. Cached: one article's URL is keyed by dedupe, the state and its middleware, five
    times a page."""
    return DEFAULT_PORT.sub(lambda m: m.group(1) or m.group(2), canonicalize_url(url, keep_fragments=False))


def is_offline(url: str | None) -> bool:
    """True for a ``file://`` (or missing) source: inputs read from disk, not fetched live."""
    return not url or not url.startswith(("http://", "https://"))


def same_host(a: str, b: str) -> bool:
    """Both URLs name the same host (case and a trailing dot aside)."""
    def host(url: str) -> str:
        return (urlsplit(url).hostname or "").rstrip(".")
    return host(a) == host(b)
