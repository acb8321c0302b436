"""Feed formats: every format a user may pick writes the record's fields as ``jsonl`` does.

``jsonl`` (also ``jl`` and ``jsonlines``, which Scrapy serves with another exporter): one record
per line, written with orjson. ``json``: the same records as one JSON array, a record a line.
``csv``: a header of every record field, then one row per record; lists and objects (``authors``,
``extractor``, ``removed``) as JSON text, ``null`` as an empty cell (Scrapy joins lists with
commas and writes dicts as Python reprs). ``xml``: ``<items><item>`` with one element per
field, lists as ``<value>`` elements, objects as nested elements, ``null`` as an empty element
(Scrapy writes the text ``None``). ``marshal`` and ``pickle`` are switched off in
``FEED_EXPORTERS``: Python-only bytes, with no lines to recover after a kill.

Where the bytes go, and when records count as durable, is ``pipeline.feedexport.storage``: in
formats whose lines are not records the exporter names each record it has written
(``note_record``), so the state learns of it as it would from a ``jsonl`` line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import IO, Any
from xml.sax.xmlreader import AttributesImpl

import orjson
from itemadapter import ItemAdapter
from scrapy.exporters import BaseItemExporter, CsvItemExporter, XmlItemExporter
from scrapy.item import Field

from pipeline.items import Article

# The record's fields, in output order: the CSV header even when no record is written.
ARTICLE_FIELDS = [f.name for f in dataclasses.fields(Article)]


def record_line(item: Any) -> bytes:
    """The record as its ``jsonl`` line."""
    return orjson.dumps(ItemAdapter(item).asdict(), option=orjson.OPT_APPEND_NEWLINE)


def record_noter(file: Any) -> Callable[[bytes], None]:
    """``file.note_record`` when the storage wants records named (``DurableLines``), else a no-op."""
    return getattr(file, "note_record", None) or (lambda line: None)


class OrjsonLinesExporter(BaseItemExporter):
    """One JSON object per line, UTF-8, via orjson (keys in record field order)."""

    # Each line is a record: the storage announces lines as they become durable.
    lines_are_records = True

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file

    def export_item(self, item: Any) -> None:
        if type(item) is Article and self.fields_to_export is None:
            # The record's fields in order, as the generic path below gives them with no
            # FEED_EXPORT_FIELDS (Article's fields have no serializer), in half its CPU. Not
            # orjson's own dataclass support: it writes the instance's __dict__, so the worker's
            # story_signature (bytes, no record field) too.
            record = {name: getattr(item, name) for name in ARTICLE_FIELDS}
            self.file.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
            return
        record = dict(self.get_serialized_fields(item, include_empty=True))
        self.file.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))


class JsonArrayExporter(BaseItemExporter):
    """A JSON array of the records, one a line (``[``, records separated by ``,``, ``]``)."""

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(dont_fail=True, **kwargs)
        self.file = file
        self.note_record = record_noter(file)
        self.first = True

    def start_exporting(self) -> None:
        self.file.write(b"[")

    def export_item(self, item: Any) -> None:
        record = dict(self.get_serialized_fields(item, include_empty=True))
        self.file.write((b"\n" if self.first else b",\n") + orjson.dumps(record))
        self.first = False
        self.note_record(record_line(item))

    def finish_exporting(self) -> None:
        self.file.write(b"\n]\n")


class CsvExporter(CsvItemExporter):
    """Scrapy's CSV with every record field as a column and nested values as JSON text."""

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(file, **kwargs)
        self.note_record = record_noter(file)
        if not self.fields_to_export:
            self.fields_to_export = list(ARTICLE_FIELDS)

    def serialize_field(self, field: Mapping[str, Any] | Field, name: str, value: Any) -> Any:
        if isinstance(value, (list, tuple, dict)):
            return orjson.dumps(value).decode()
        return super().serialize_field(field, name, value)

    def start_exporting(self) -> None:
        # The header now, so that a run with no record still says what the columns are.
        self._headers_not_written = False
        self._write_headers_and_set_fields_to_export(None)

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        self.note_record(record_line(item))


class XmlExporter(XmlItemExporter):
    """Scrapy's XML with ``null`` as an empty element instead of the text ``None``."""

    def __init__(self, file: IO[bytes], **kwargs: Any):
        super().__init__(file, **kwargs)
        self.note_record = record_noter(file)

    def _export_xml_field(self, name: str, serialized_value: Any, depth: int) -> None:
        if serialized_value is not None:
            super()._export_xml_field(name, serialized_value, depth)
            return
        self._beautify_indent(depth=depth)
        self.xg.startElement(name, AttributesImpl({}))
        self.xg.endElement(name)
        self._beautify_newline()

    def export_item(self, item: Any) -> None:
        super().export_item(item)
        self.note_record(record_line(item))
