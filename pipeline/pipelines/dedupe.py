"""Drop a second record for the same article URL within one run (canonical URL form)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from pipeline.errors import DuplicateUrl
from pipeline.utils.url import url_key


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
