"""URL pieces the extraction core reads: the path, where slugs and dates are written."""

from __future__ import annotations

import re

SCHEME_AND_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://[^/?#]*", re.I)


def url_path(url: str | None) -> str:
    """The URL without scheme, host and query: ``https://x.example/2023/09/a-b?id=1`` -> ``/2023/09/a-b``.
    Lenient on purpose (no parsing errors): it reads whatever a page or sidecar called its URL."""
    return SCHEME_AND_HOST.sub("", url or "", count=1).split("?", 1)[0]
