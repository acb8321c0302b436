"""Companion names: each output its own rejects, summary and lock."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import orjson

from pipeline.feedexport.names import (
    FOLDER_LOCK,
    companion_of,
    output_lock_path,
    rejects_path_for,
    summary_path_for,
    write_json_atomically,
)


def test_companions_are_named_after_the_whole_output_name(tmp_path: Path) -> None:
    assert rejects_path_for(tmp_path / "out.jsonl") == tmp_path / "out.rejects.jsonl"
    assert summary_path_for(tmp_path / "out.jsonl") == tmp_path / "out.summary.json"
    assert rejects_path_for(tmp_path / "out.csv") == tmp_path / "out.csv.rejects.jsonl"
    assert summary_path_for(tmp_path / "out.jl") == tmp_path / "out.jl.summary.json"
    pattern = re.compile(r"\d+\.(jsonl|csv)")
    assert companion_of("12", pattern) and companion_of("12.csv", pattern)
    assert not companion_of("12.xml", pattern)


def test_locks_are_named_after_what_the_run_writes(tmp_path: Path) -> None:
    spider = SimpleNamespace(name="seeds")
    assert output_lock_path(str(tmp_path / "a.jsonl"), spider) == tmp_path / ".a.jsonl.lock"
    by_time = str(tmp_path / "%(name)s" / "%(time)s.jsonl")
    assert output_lock_path(by_time, spider) == tmp_path / "seeds" / FOLDER_LOCK
    assert output_lock_path("stdout:", spider) is None
    assert output_lock_path("s3://bucket/out.jsonl", spider) is None


def test_summaries_are_one_line_and_append_adds_one(tmp_path: Path) -> None:
    path = tmp_path / "out.summary.json"
    write_json_atomically(path, {"run": 1})
    write_json_atomically(path, {"run": 2})
    assert orjson.loads(path.read_bytes()) == {"run": 2}
    write_json_atomically(path, {"run": 3}, append=True)
    assert [orjson.loads(line) for line in path.read_bytes().splitlines()] == [{"run": 2}, {"run": 3}]
