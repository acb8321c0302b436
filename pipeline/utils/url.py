"""URL helpers shared by the extraction core (a record's ``url``), the spider (article requests),
the dedupe pipelines, the state and its middleware. No Scrapy imports: extraction workers load
this module."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tldextract
from w3lib.url import canonicalize_url

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that say how a reader reached the page, never which page it is: campaign
# tags (utm_*), click ids of ad and social platforms, newsletter ids. Data, not code: add names here.
TRACKING_PREFIXES = ("utm_",)
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "gclsrc", "msclkid", "yclid", "twclid",
    "igshid", "ttclid", "li_fat_id", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
    "oly_anon_id", "oly_enc_id", "vero_id", "wickedid", "rb_clickid", "s_cid", "cmpid",
    "ocid", "ito", "at_medium", "at_campaign", "guccounter", "guce_referrer", "guce_referrer_sig",
})

# Registrable domains from tldextract's bundled public-suffix snapshot: never downloaded.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


@lru_cache(maxsize=4096)
def clean_url(url: str) -> str:
    """The URL a record carries and an article request asks for: lower-case scheme and host, no
    default port, no ``#fragment``, no tracking parameters; the path and the other parameters
    as they were (in their order: the URL still names what the site serves). Non-http(s) URLs
    (``file://``) are returned as they are."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return url
    try:
        port = parts.port
    except ValueError:
        return url
    host = parts.hostname.rstrip(".")  # urlsplit lower-cases it; credentials never reach a record
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not is_tracking_param(k)]
        if len(kept) != len(pairs):
            query = urlencode(kept)
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """Canonical form: the clean URL (no tracking parameters, no fragment, no default port),
    sorted query, normalised escapes and host case. Cached: one article's URL is keyed by
    dedupe, the state and its middleware, five times a page."""
    return canonicalize_url(clean_url(url), keep_fragments=False)


def is_offline(url: str | None) -> bool:
    """True for a ``file://`` (or missing) source: inputs read from disk, not fetched live."""
    return not url or not url.startswith(("http://", "https://"))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def registrable_domain(host: str) -> str:
    """``news.bbc.co.uk`` -> ``bbc.co.uk``; IP literals and suffix-less names stay whole."""
    host = (host or "").lower().rstrip(".")
    if _is_ip(host):
        return host
    return _EXTRACT(host).top_domain_under_public_suffix or host


def site(url: str) -> str | None:
    """The site a URL belongs to: its registrable domain (``www.``, ``amp.`` and ``m.`` hosts of
    one publisher are one site); for an IP address or a one-label name (``localhost``), host
    and port, as the crawl's scope treats them (separate origins)."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    if not _is_ip(host) and "." in host:
        # A name under no listed suffix (.example, .test, .internal): its last two labels.
        return _EXTRACT(host).top_domain_under_public_suffix or ".".join(host.split(".")[-2:])
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        return None
    return f"{host}:{port}"


def same_site(a: str, b: str) -> bool:
    """Both http(s) URLs belong to one site (see ``site``)."""
    first = site(a)
    return first is not None and first == site(b)


def article_urls(known_url: str | None, canonical: str | None, source_url: str) -> tuple[str, str | None]:
    """A record's ``url`` and ``canonical_url``.

    ``url`` stays on the site that served the page: the sidecar's or feed's URL when given, else
    the page's canonical / og:url when it names the same site (an AMP, print, mobile or tracked
    URL maps to its article this way), else the URL the page was read from. An offline file
    (``file://``) says nothing about its site, so there the canonical is the article's URL.
    ``canonical_url`` is a canonical that names another site: how a syndicated copy declares
    its original (evidence for ``duplicate_of``); ``None`` otherwise."""
    if known_url:
        url = known_url
    elif canonical and (is_offline(source_url) or same_site(canonical, source_url)):
        url = canonical
    else:
        url = source_url
    cross_site = canonical if canonical and not is_offline(url) and not same_site(canonical, url) else None
    return clean_url(url), clean_url(cross_site) if cross_site else None
