"""Every feed format carries the record's fields as ``jsonl`` does, and names its records."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

import orjson
from lxml import etree

import pipeline.settings as project_settings
from pipeline.feedexport.exporters import (
    ARTICLE_FIELDS,
    CsvExporter,
    JsonArrayExporter,
    OrjsonLinesExporter,
    XmlExporter,
)
from pipeline.items import Article

RECORD = Article(schema_version=1, url="https://a.example/1", source_url="file:///in/1.html",
                 site_name=None, title="Bridge, reopened", authors=["Ann Lee", "Bo, Jr."],
                 published="2024-03-05", published_from="meta", language="en", description=None,
                 text="One.\nTwo, three.", word_count=3, content_hash="sha256:00",
                 fetched_at="2024-03-05T10:00:00+00:00", extractor={"name": "newsclean", "input": "html"},
                 removed={"newsletter": 2, "teaser": 1})


class Noting(io.BytesIO):
    """A file that wants the records named, as ``DurableLines`` does."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[bytes] = []

    def note_record(self, line: bytes) -> None:
        self.records.append(line)


def export(exporter_class: type, *records: Article) -> Noting:
    file = Noting()
    exporter = exporter_class(file)
    exporter.start_exporting()
    for record in records:
        exporter.export_item(record)
    exporter.finish_exporting()
    return file


def test_csv_nested_values_are_json_and_null_is_empty() -> None:
    file = export(CsvExporter, RECORD)
    [row] = list(csv.DictReader(io.StringIO(file.getvalue().decode())))
    assert list(row) == ARTICLE_FIELDS
    assert orjson.loads(row["authors"]) == ["Ann Lee", "Bo, Jr."]
    assert orjson.loads(row["removed"]) == {"newsletter": 2, "teaser": 1}
    assert orjson.loads(row["extractor"]) == {"name": "newsclean", "input": "html"}
    assert (row["site_name"], row["description"]) == ("", "")
    assert (row["text"], row["word_count"]) == (RECORD.text, "3")
    assert file.records == [orjson.dumps(asdict(RECORD), option=orjson.OPT_APPEND_NEWLINE)]


def test_csv_without_records_still_has_its_header() -> None:
    assert export(CsvExporter).getvalue().decode().splitlines() == [",".join(ARTICLE_FIELDS)]


def test_xml_null_is_an_empty_element() -> None:
    file = export(XmlExporter, RECORD)
    assert b"None" not in file.getvalue()
    [item] = etree.fromstring(file.getvalue())
    fields = {field.tag: field for field in item}
    assert list(fields) == ARTICLE_FIELDS
    assert fields["site_name"].text is None and len(fields["site_name"]) == 0
    assert [v.text for v in fields["authors"]] == RECORD.authors
    assert {c.tag: c.text for c in fields["removed"]} == {"newsletter": "2", "teaser": "1"}
    assert len(file.records) == 1


def test_json_array_is_the_jsonl_records() -> None:
    lines = export(OrjsonLinesExporter, RECORD, RECORD).getvalue().splitlines()
    file = export(JsonArrayExporter, RECORD, RECORD)
    assert orjson.loads(file.getvalue()) == [orjson.loads(line) for line in lines]
    assert orjson.loads(export(JsonArrayExporter).getvalue()) == []
    assert len(file.records) == 2


def test_every_json_lines_name_uses_one_exporter_and_python_formats_are_off() -> None:
    exporters = project_settings.FEED_EXPORTERS
    assert exporters["jl"] == exporters["jsonlines"] == exporters["jsonl"]
    assert exporters["marshal"] is None and exporters["pickle"] is None
