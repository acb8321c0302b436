"""URL pieces the extraction core reads: the path, where slugs and dates are written."""

from __future__ import annotations

import re
from urllib.parse import unquote

SCHEME_AND_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*", re.I)


def url_path(url: str | None) -> str:
    """The URL without scheme, host and query, percent-escapes decoded: ``https://x.example/2023/09/a-b?id=1``
    -> ``/2023/09/a-b``, ``/st%C3%A4dte`` -> ``/städte``. Lenient on purpose (no parsing errors): it
    reads whatever a page or sidecar called its URL."""
    return unquote(SCHEME_AND_HOST.sub("", url or "", count=1).split("?", 1)[0], errors="replace")


SLUG_SEPARATORS = re.compile(r"[-_+\s]+|%20")
PAGE_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cfm)$", re.I)
SLUG_MIN_WORDS = 2  # of letters: "index", "p" and ids are no title


def title_from_slug(url: str | None) -> str | None:
    """A title read from the URL's last path segment that has words: ``/2024/05/city-council-votes-
    on-budget.html`` -> ``City council votes on budget``; ``None`` when no segment has
    ``SLUG_MIN_WORDS`` words of letters (ids, dates, ``index.html``)."""
    for segment in reversed([s for s in url_path(url).split("/") if s]):
        words = [w for w in SLUG_SEPARATORS.split(PAGE_EXTENSION.sub("", segment)) if w]
        if sum(1 for w in words if any(c.isalpha() for c in w)) >= SLUG_MIN_WORDS:
            title = " ".join(words)
            return title[:1].upper() + title[1:]
    return None
