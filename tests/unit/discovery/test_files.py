"""Offline inputs: which files are pages, what cannot be read, and which sidecar values are believed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.discovery.files import (
    clean_sidecar,
    find_inputs,
    input_problem,
    page_kind,
    sidecar_path,
)
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


def walk(root: Path) -> tuple[list[str], dict[str, str]]:
    """The inputs found under ``root`` and the problems reported, by path relative to it."""
    problems: dict[str, str] = {}
    found = find_inputs(root, lambda path, reason, detail: problems.setdefault(path.relative_to(root).as_posix(),
                                                                               reason))
    return [path.relative_to(root).as_posix() for path in found], problems


def test_folders_are_read_in_sorted_order_hidden_names_and_other_files_left_out(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.html", "a/.hidden.html", ".git/x.html", "a.txt", "notes.md", "c/d.htm.gz"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert walk(tmp_path) == (["a/z.html", "a.txt", "b.txt", "c/d.htm.gz"], {})


def test_links_that_loop_or_lead_nowhere_are_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.txt").write_text("x")
    (tmp_path / "sub" / "up").symlink_to("..")  # a folder link back to a folder being read
    (tmp_path / "self.html").symlink_to("self.html")
    (tmp_path / "ping.txt").symlink_to("pong.txt")
    (tmp_path / "pong.txt").symlink_to("ping.txt")
    (tmp_path / "gone.html").symlink_to(tmp_path / "nowhere.html")
    (tmp_path / "gone-folder").symlink_to(tmp_path / "nowhere")  # no page name: nothing to report
    (tmp_path / "linked").symlink_to("sub")  # a link to a folder, no loop: read through it
    assert walk(tmp_path) == (["linked/page.txt", "sub/page.txt"], {
        "gone.html": "broken_link", "ping.txt": "symlink_loop", "pong.txt": "symlink_loop",
        "self.html": "symlink_loop", "linked/up": "symlink_loop", "sub/up": "symlink_loop"})


def test_a_page_name_that_is_no_regular_file_is_reported(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.html")  # opening it would block the reader until a writer came
    (tmp_path / "folder.html").mkdir()
    (tmp_path / "folder.html" / "inside.txt").write_text("x")
    assert walk(tmp_path) == (["folder.html/inside.txt"], {"pipe.html": "not_a_file"})


def test_an_input_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    page = tmp_path / "sparse.html"
    with open(page, "wb") as fh:
        fh.truncate(200 * 2**20)  # 200 MiB of nothing on disk: a hole
    assert input_problem(page, tmp_path, 10 * 2**20) == (
        "PageTooLarge", f"{200 * 2**20} bytes, over the limit of {10 * 2**20}")
    assert input_problem(page, tmp_path, 300 * 2**20) is None
