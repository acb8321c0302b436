"""Offline inputs: which files are pages, and which sidecar values are believed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.discovery.files import clean_sidecar, page_kind, sidecar_path
from pipeline.items import KnownMetadata


@pytest.mark.parametrize(("name", "kind"), [
    ("a.html", "html"), ("a.HTM", "html"), ("a.html.gz", "html"), ("a.txt", "text"), ("a.txt.gz", "text"),
    ("a.meta.json", None), ("a.gz", None), ("a.md", None),
])
def test_page_kind(name: str, kind: str | None) -> None:
    assert page_kind(Path(name)) == kind


def test_sidecar_of_a_gzipped_page() -> None:
    assert sidecar_path(Path("/x/story.html.gz")) == Path("/x/story.meta.json")


def test_sidecar_values_are_checked() -> None:
    data = {"url": "https://news.example/a", "language": "en-US", "fetched_at": "2024-03-05T09:30:00+01:00",
            "published": "2024-03-05", "site_name": " Gazette ", "title": "T", "extra": "ignored"}
    assert clean_sidecar(Path("s.meta.json"), data) == KnownMetadata(
        url="https://news.example/a", language="en", fetched_at="2024-03-05T08:30:00+00:00",
        published="2024-03-05", site_name="Gazette", title="T")


@pytest.mark.parametrize(("key", "value"), [
    ("url", "javascript:alert(1)"), ("url", "/relative"), ("language", "klingon"),
    ("fetched_at", "yesterday"), ("fetched_at", "2024-03-05T09:30:00"), ("published", "soon"),
])
def test_invalid_sidecar_values_are_left_out(key: str, value: str) -> None:
    assert clean_sidecar(Path("s.meta.json"), {key: value}) == KnownMetadata()
