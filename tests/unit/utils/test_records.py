"""Record lines read back: objects only, and a count of lines that are not JSON."""

from __future__ import annotations

from pipeline.utils.records import parsed_records


def test_objects_are_kept_and_other_lines_skipped() -> None:
    lines = [b'{"url": "https://a.example/1"}\n', b"[1, 2]\n", b"not json\n", b'"text"\n', b'{"url": null}']
    unreadable = []
    records = list(parsed_records(lines, lambda: unreadable.append(1)))
    assert records == [{"url": "https://a.example/1"}, {"url": None}]
    assert unreadable == [1]


def test_without_a_callback_unreadable_lines_are_skipped_quietly() -> None:
    assert list(parsed_records([b"{broken\n", b'{"a": 1}\n'])) == [{"a": 1}]
