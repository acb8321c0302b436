"""Recovery of a killed run's ``.part``: cut to complete lines, recorded, published aside."""

from __future__ import annotations

import os
import re
from pathlib import Path

import orjson
import pytest

from pipeline.extensions.recovery import find_orphans, recover_orphan, remove_stale_temporaries
from pipeline.state import StateStore


def record(url: str, source: str | None = None, content_hash: str = "h1") -> dict:
    return {"url": url, "source_url": source or url, "content_hash": content_hash, "text": "t"}


def line(rec: dict) -> bytes:
    return orjson.dumps(rec) + b"\n"


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.sqlite")


def orphan(folder: Path, name: str, content: bytes) -> Path:
    part = folder / f".{name}.part"
    part.write_bytes(content)
    return part


def test_orphan_is_cut_to_complete_lines_recorded_then_published_with_a_summary(
        tmp_path: Path, store: StateStore) -> None:
    name = "2026-11-24T14-26-20+00-00.jsonl"
    complete = line(record("https://n.example/1")) + line(record("https://n.example/2"))
    part = orphan(tmp_path, name, complete + b'{"url": "https://n.ex')
    assert find_orphans(tmp_path, re.compile(r"\d{4}.*\+00-00\.jsonl")) == [part]
    dest, count = recover_orphan(part, "news", store, own_targets=set())
    assert (dest, count) == (tmp_path / name, 2)
    assert dest.read_bytes() == complete
    assert not part.exists()
    assert store.is_written("news", "https://n.example/1") and not store.is_written("news", "https://n.ex")
    summary = orjson.loads((tmp_path / "2026-11-24T14-26-20+00-00.summary.json").read_bytes())
    assert (summary["status"], summary["records_written"], summary["output"]) == ("recovered", 2, str(dest))


def test_orphan_never_lands_where_this_run_writes_or_over_another_output(tmp_path: Path) -> None:
    (tmp_path / "out.jsonl").write_bytes(line(record("https://n.example/old")))
    part = orphan(tmp_path, "out.jsonl", line(record("https://n.example/new")))
    dest, _ = recover_orphan(part, "news", None, own_targets={tmp_path / "out.jsonl"})
    assert re.fullmatch(r"out\.recovered-[\dT-]+\.jsonl", dest.name)
    assert (tmp_path / "out.jsonl").read_bytes() == line(record("https://n.example/old"))


def test_orphan_of_an_append_run_replaces_the_file_it_extends(tmp_path: Path) -> None:
    old = line(record("https://n.example/old"))
    (tmp_path / "out.jsonl").write_bytes(old)
    part = orphan(tmp_path, "out.jsonl", old + line(record("https://n.example/new")))
    dest, count = recover_orphan(part, "news", None, own_targets=set())
    assert (dest, count) == (tmp_path / "out.jsonl", 2)


def test_orphan_without_a_complete_line_is_removed(tmp_path: Path) -> None:
    part = orphan(tmp_path, "out.jsonl", b'{"url": "https://n.ex')
    assert recover_orphan(part, "news", None, own_targets=set()) == (None, 0)
    assert os.listdir(tmp_path) == []


def test_leftovers_of_companion_writes_are_removed_but_nothing_else(tmp_path: Path) -> None:
    names = [".2026-11-24T14-26-20+00-00.rejects.jsonl.part", ".2026-11-24T14-26-20+00-00.summary.json.part",
             ".latest.4242.tmp", ".notes.summary.json.part", "2026-11-24T14-26-20+00-00.jsonl"]
    for name in names:
        (tmp_path / name).write_text("x")
    removed = remove_stale_temporaries(tmp_path, re.compile(r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\+00-00\.jsonl"))
    assert sorted(p.name for p in removed) == sorted(names[:3])
    assert sorted(os.listdir(tmp_path)) == sorted(names[3:])
