"""Required fields: a record without a URL or text is dropped, each for its reason. The title is
not required: a page whose body passed the article checks is written with a null title rather
than lost (extraction already fell back through the page's headline, og:title, <title> and the
URL slug)."""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter

from pipeline.errors import EmptyText, MissingUrl

REQUIRED = (("url", MissingUrl), ("text", EmptyText))


def check_required(record: ItemAdapter) -> None:
    for field_name, error in REQUIRED:
        value = record.get(field_name)
        if not (isinstance(value, str) and value.strip()):
            raise error(f"record has no {field_name}", url=record.get("url") or None)


class ValidationPipeline:
    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if "text" in adapter.field_names():  # Articles only; Pages are not records yet
            check_required(adapter)
        return item
