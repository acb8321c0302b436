"""Run locks follow what a run writes, not which spider it runs."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from scrapy.settings import Settings

from pipeline.extensions.runlock import lock_paths_for
from pipeline.feedexport.names import FOLDER_LOCK

SEEDS = SimpleNamespace(name="seeds")


def settings(tmp_path: Path, **values: object) -> Settings:
    default = tmp_path / "output" / "%(name)s" / "%(time)s.jsonl"
    return Settings({"NEWSCLEAN_STATE_PATH": str(tmp_path / "state.sqlite"),
                     "NEWSCLEAN_DEFAULT_FEED": str(default), **values})


def test_runs_writing_different_files_take_different_locks(tmp_path: Path) -> None:
    one = lock_paths_for(settings(tmp_path), SEEDS, {str(tmp_path / "one.jsonl"): {"format": "jsonl"}})
    two = lock_paths_for(settings(tmp_path), SEEDS, {str(tmp_path / "two.jsonl"): {"format": "jsonl"}})
    assert one == [tmp_path / ".one.jsonl.lock"] and two == [tmp_path / ".two.jsonl.lock"]


def test_the_default_place_and_every_output_are_locked(tmp_path: Path) -> None:
    assert lock_paths_for(settings(tmp_path), SEEDS) == [tmp_path / "output" / "seeds" / FOLDER_LOCK]
    both = {str(tmp_path / "b.csv"): {"format": "csv"}, str(tmp_path / "a.jsonl"): {"format": "jsonl"}}
    assert lock_paths_for(settings(tmp_path, FEEDS=both), SEEDS) == [tmp_path / ".a.jsonl.lock",
                                                                    tmp_path / ".b.csv.lock"]


def test_outputs_that_are_no_local_file_and_the_override(tmp_path: Path) -> None:
    stdout = {"stdout:": {"format": "jsonl"}}
    assert lock_paths_for(settings(tmp_path), SEEDS, stdout) == [tmp_path / "seeds.lock"]
    one_per_spider = settings(tmp_path, NEWSCLEAN_RUN_LOCK_PATH=str(tmp_path / "locks" / "%(name)s.lock"))
    assert lock_paths_for(one_per_spider, SEEDS) == [tmp_path / "locks" / "seeds.lock"]
