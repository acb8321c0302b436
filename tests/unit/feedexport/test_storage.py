"""Durable output lines: complete lines announced only once on disk, in groups or when due."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.feedexport.storage import DurableLines


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
