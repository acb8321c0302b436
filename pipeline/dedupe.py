"""Drop a second record for the same article URL within one run (canonical URL form)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from itemadapter import ItemAdapter
from w3lib.url import canonicalize_url

from pipeline.errors import DuplicateUrl


@lru_cache(maxsize=4096)
def url_key(url: str) -> str:
    """Canonical form: sorted query, no fragment, normalised escapes and host case. Cached: one
    article's URL is keyed by dedupe, the state and its middleware, five times a page."""
    return canonicalize_url(url, keep_fragments=False)


class DuplicateUrlPipeline:
    def __init__(self) -> None:
        self.seen: set[str] = set()

    def process_item(self, item: Any) -> Any:
        url = ItemAdapter(item).get("url")
        if not url:
            return item
        key = url_key(url)
        if key in self.seen:
            raise DuplicateUrl(f"already written in this run: {url}", url=url)
        self.seen.add(key)
        return item
