"""Where a run's files go: feed templates as folder + name pattern, companion file names (rejects,
summary, lock), and atomic small-file writes. Shared by the extensions that write beside a feed.

Every output has its own companions, named after its whole name (``out.csv`` ->
``out.csv.rejects.jsonl``), except that a ``.jsonl`` output drops that suffix (``out.jsonl`` ->
``out.rejects.jsonl``): ``-o out.jsonl -o out.csv`` no longer share one rejects and summary file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson
from w3lib.url import file_uri_to_path

from pipeline.feedexport.storage import part_path, replace_atomically

# Scrapy's %(time)s (2026-11-24T14-26-20+00-00) and %(batch_time)s (with microseconds).
TIME_PATTERN = r"\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(?:\.\d+)?(?:[+-]\d\d-\d\d|Z)?"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*[sdif]")


def local_path(uri: str) -> str | None:
    """The file path of a local feed URI (plain path or ``file://``), else ``None``."""
    scheme = urlparse(uri).scheme
    if scheme == "file":
        return file_uri_to_path(uri)
    return None if scheme else uri


def feed_name_pattern(uri_template: str, spider: Any) -> tuple[Path, re.Pattern[str]] | None:
    """Folder and file-name pattern of a local feed template, or ``None`` (remote, or a time
    placeholder in the folder part)."""
    path = local_path(uri_template)
    if path is None:
        return None
    folder_template, _, name_template = path.rpartition(os.sep)
    if any(m.group(1) in ("time", "batch_time", "batch_id") for m in PLACEHOLDER.finditer(folder_template)):
        return None
    folder = PLACEHOLDER.sub(lambda m: str(getattr(spider, m.group(1), m.group(0))), folder_template)
    pattern, last = "", 0
    for m in PLACEHOLDER.finditer(name_template):
        pattern += re.escape(name_template[last:m.start()])
        name = m.group(1)
        pattern += (TIME_PATTERN if name in ("time", "batch_time") else r"\d+" if name == "batch_id"
                    else re.escape(str(getattr(spider, name, ""))))
        last = m.end()
    pattern += re.escape(name_template[last:])
    return Path(folder or ".").expanduser().resolve(), re.compile(pattern)


def fixed_target(uri_template: str, spider: Any) -> Path | None:
    """The output path of a local feed whose name has no time/batch placeholder (``-O out.jsonl``)."""
    path = local_path(uri_template)
    if path is None or any(m.group(1) in ("time", "batch_time", "batch_id") for m in PLACEHOLDER.finditer(path)):
        return None
    return Path(PLACEHOLDER.sub(lambda m: str(getattr(spider, m.group(1), m.group(0))), path)).expanduser().resolve()


def output_stem(output: Path) -> str:
    """What an output's companions are named after: its name without ``.jsonl``, else its name."""
    return output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.name


def companion_of(stem: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``stem`` (a companion's name without its suffix) belongs to an output ``pattern``
    matches: ``<stem>.jsonl`` or ``<stem>`` itself (outputs in other formats)."""
    if pattern.fullmatch(stem + ".jsonl"):
        return True
    return not stem.endswith(".jsonl") and bool(pattern.fullmatch(stem))


# The lock of outputs named by time, in their folder (one name whatever the feed's name pattern).
FOLDER_LOCK = ".newsclean.lock"


def output_lock_path(uri_template: str, spider: Any) -> Path | None:
    """The run lock of a local output: ``.<name>.lock`` beside a fixed name, ``FOLDER_LOCK`` in the
    folder of a time-named one; ``None`` for other outputs (remote, time in the folder part)."""
    target = fixed_target(uri_template, spider)
    if target is not None:
        return target.with_name(f".{target.name}.lock")
    found = feed_name_pattern(uri_template, spider)
    return found[0] / FOLDER_LOCK if found else None


def summary_path_for(output: Path) -> Path:
    """``<stem>.summary.json`` beside ``<stem>.jsonl``."""
    return output.with_name(f"{output_stem(output)}.summary.json")


def rejects_path_for(output: Path) -> Path:
    """``<stem>.rejects.jsonl`` beside ``<stem>.jsonl``."""
    return output.with_name(f"{output_stem(output)}.rejects.jsonl")


def write_json_atomically(path: Path, data: dict[str, Any], append: bool = False) -> None:
    """``data`` as one JSON line, replacing ``path`` or, with ``append`` (an ``-o`` output's
    summary), added to its lines: the file is then JSON Lines, one summary per run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path(path)
    before = path.read_bytes() if append and path.exists() else b""
    if before and not before.endswith(b"\n"):
        before += b"\n"
    tmp.write_bytes(before + orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE))
    replace_atomically(tmp, path)


def unused_time_params(params: dict[str, Any], spider: Any) -> dict[str, Any]:
    """``FEED_URI_PARAMS``: a ``%(time)s`` no earlier output carries.

    Scrapy's ``%(time)s`` has one-second resolution: a run starting in the same second as the
    previous one (a quick all-304 run, a recovery) would overwrite its output. When a file in a
    feed's folder already carries this second, the time gets microseconds, as Scrapy's own
    ``%(batch_time)s`` has them (``TIME_PATTERN`` matches both)."""
    for uri in spider.crawler.settings.getdict("FEEDS"):
        found = feed_name_pattern(str(uri), spider) if "%(time)s" in str(uri) else None
        if found and found[0].is_dir() and any(params["time"] in p.name for p in found[0].iterdir()):
            params["time"] = params["batch_time"]
            break
    return params
