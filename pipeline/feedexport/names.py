"""Where a run's files go: feed templates as folder + name pattern, companion file names,
and atomic small-file writes. Shared by ``pipeline.extensions.recovery`` and ``pipeline.extensions.summary``."""

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
    """The output's name without ``.jsonl`` (or its last suffix): what its companions share."""
    return output.name[: -len(".jsonl")] if output.name.endswith(".jsonl") else output.stem


def summary_path_for(output: Path) -> Path:
    """``<stem>.summary.json`` beside ``<stem>.jsonl``."""
    return output.with_name(f"{output_stem(output)}.summary.json")


def rejects_path_for(output: Path) -> Path:
    """``<stem>.rejects.jsonl`` beside ``<stem>.jsonl``."""
    return output.with_name(f"{output_stem(output)}.rejects.jsonl")


def write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path(path)
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
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
