"""State across runs, durable output lines and the recovery of a killed run's ``.part``."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import orjson
import pytest

from pipeline.extensions.recovery import find_orphans, recover_orphan, remove_stale_temporaries
from pipeline.feedexport.names import feed_name_pattern, fixed_target, unused_time_params
from pipeline.feedexport.storage import DurableLines
from pipeline.state import StateStore

A = "https://news.example/2024/a?utm=1&id=7"
A_CANONICAL = "https://News.example/2024/a?id=7&utm=1#top"


def record(url: str, source: str | None = None, content_hash: str = "h1") -> dict:
    return {"url": url, "source_url": source or url, "content_hash": content_hash, "text": "t"}


def line(rec: dict) -> bytes:
    return orjson.dumps(rec) + b"\n"


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "state.sqlite")


def test_written_article_is_known_by_canonical_url_and_survives_reopening(tmp_path: Path, store: StateStore) -> None:
    assert store.mark_written("news", record(A), "out.jsonl") is True
    assert store.mark_written("news", record(A_CANONICAL), "later.jsonl") is False  # same canonical URL
    store.close()
    reopened = StateStore(tmp_path / "state.sqlite")
    assert reopened.is_written("news", A_CANONICAL)
    assert not reopened.is_written("seeds", A)  # state is per spider
    row = reopened.db.execute("SELECT status, content_hash, output, first_written IS NOT NULL FROM articles").fetchall()
    assert row == [("written", "h1", "later.jsonl", 1)]


def test_source_url_and_redirect_aliases_are_known_too(store: StateStore) -> None:
    store.aliases["https://news.example/final"] = {"http://short.example/x"}
    store.mark_written("news", record("https://news.example/canonical", "https://news.example/final"), "o")
    assert all(store.is_written("news", u) for u in
               ("https://news.example/canonical", "https://news.example/final", "http://short.example/x"))


def test_fetch_failure_or_drop_never_unwrites_an_article(store: StateStore) -> None:
    store.note_seen("news", A, "fetched", 200)
    assert not store.is_written("news", A)  # fetched is not written
    store.mark_written("news", record(A), "o")
    store.note_seen("news", A, "failed", 503)
    store.note_seen("news", A, "dropped", fetched=False)
    assert store.is_written("news", A)


def test_feed_validators_are_kept_on_304_and_replaced_on_request(store: StateStore) -> None:
    feed = "https://news.example/feed.xml"
    assert store.validators("news", feed) == (None, None)
    store.save_resource("news", feed, "feed", 200, validators=('"v1"', "Tue, 05 Mar 2024 08:00:00 GMT"))
    store.save_resource("news", feed, "feed", 304)
    assert store.validators("news", feed) == ('"v1"', "Tue, 05 Mar 2024 08:00:00 GMT")
    store.save_resource("news", feed, "feed", 200, validators=('"v2"', None))
    assert store.validators("news", feed) == ('"v2"', None)


def test_last_new_article_falls_back_to_the_first_run(store: StateStore) -> None:
    assert store.last_new_article_at("news") is None
    store.record_run("news", "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00", 0, 0, 0, None)
    assert store.last_new_article_at("news") == "2026-01-01T00:00:00+00:00"
    store.mark_written("news", record(A), "o")
    assert store.last_new_article_at("news") > "2026-01-01T00:00:00+00:00"


def test_durable_lines_announce_only_complete_lines_already_on_disk(tmp_path: Path) -> None:
    path = tmp_path / ".out.jsonl.part"
    seen: list[tuple[list[bytes], bytes]] = []
    file = DurableLines(path, append=False, on_lines=lambda lines: seen.append((lines, path.read_bytes())))
    file.write(b'{"a":1}\n{"b"')
    file.write(b':2}\n')
    file.close()
    assert [lines for lines, _ in seen] == [[b'{"a":1}\n'], [b'{"b":2}\n']]
    assert all(ln in on_disk for lines, on_disk in seen for ln in lines)  # already written when announced


def test_durable_lines_sync_in_groups_and_flush_the_rest_on_close(tmp_path: Path) -> None:
    path = tmp_path / ".out.jsonl.part"
    groups: list[list[bytes]] = []
    file = DurableLines(path, append=False, on_lines=groups.append, sync_every=3, sync_interval=3600)
    for i in range(7):
        file.write(b'{"n":%d}\n' % i)
    assert [len(g) for g in groups] == [3, 3]
    file.close()
    assert [len(g) for g in groups] == [3, 3, 1]
    assert b"".join(b"".join(g) for g in groups) == path.read_bytes()


def test_durable_lines_sync_an_old_line_when_due(tmp_path: Path) -> None:
    groups: list[list[bytes]] = []
    file = DurableLines(tmp_path / ".o.part", append=False, on_lines=groups.append, sync_every=100,
                        sync_interval=0.05)
    file.write(b'{"n":1}\n')
    file.sync_if_due()
    assert groups == []
    time.sleep(0.06)
    file.sync_if_due()
    assert groups == [[b'{"n":1}\n']]
    file.close()


@pytest.mark.parametrize(("template", "name", "matches"), [
    pytest.param("/o/%(name)s/%(time)s.jsonl", "2026-11-24T14-26-20+00-00.jsonl", True, id="time"),
    pytest.param("/o/%(name)s/%(batch_time)s.jsonl", "2026-11-24T14-26-20.123456+00-00.jsonl", True, id="batch-time"),
    pytest.param("/o/%(name)s/%(time)s.jsonl", "2026-11-24T14-26-20+00-00.rejects.jsonl", False, id="not-rejects"),
    pytest.param("/o/%(name)s/%(time)s.jsonl", "notes.jsonl", False, id="other-file"),
    pytest.param("file:///o/news/%(name)s-out.jsonl", "news-out.jsonl", True, id="file-uri-with-name"),
])
def test_feed_template_becomes_folder_and_name_pattern(template: str, name: str, matches: bool) -> None:
    folder, pattern = feed_name_pattern(template, type("S", (), {"name": "news"}))
    assert folder == Path("/o/news")
    assert bool(pattern.fullmatch(name)) is matches


def test_a_second_already_taken_gets_microseconds_and_both_forms_match(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from scrapy.settings import Settings

    now = datetime(2026, 11, 29, 19, 6, 24, 123456, tzinfo=timezone.utc)
    params = {"time": now.replace(microsecond=0).isoformat().replace(":", "-"),  # as Scrapy makes them
              "batch_time": now.isoformat().replace(":", "-")}
    crawler = type("C", (), {"settings": Settings({"FEEDS": {str(tmp_path / "%(time)s.jsonl"): {}}})})
    spider = type("S", (), {"name": "x", "crawler": crawler})
    _, pattern = feed_name_pattern(str(tmp_path / "%(time)s.jsonl"), spider)
    assert unused_time_params(dict(params), spider)["time"] == "2026-11-29T19-06-24+00-00"
    (tmp_path / "2026-11-29T19-06-24+00-00.jsonl").write_bytes(b"")
    taken = unused_time_params(dict(params), spider)["time"]
    assert taken == "2026-11-29T19-06-24.123456+00-00"
    assert pattern.fullmatch(params["time"] + ".jsonl") and pattern.fullmatch(taken + ".jsonl")


def test_remote_feeds_and_fixed_names() -> None:
    spider = type("S", (), {"name": "news"})
    assert feed_name_pattern("s3://bucket/%(time)s.jsonl", spider) is None
    assert fixed_target("/o/%(name)s.jsonl", spider) == Path("/o/news.jsonl")
    assert fixed_target("/o/%(time)s.jsonl", spider) is None


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
