"""Offline inputs: which files in a folder are pages, and what their sidecars say.

A sidecar ``<stem>.meta.json`` (stem: the name without ``.gz`` and without its extension) gives
``url`` and may give ``site_name``, ``language``, ``fetched_at``, ``title``, ``published``;
its values win over what extraction finds in the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from pipeline.extract.dates import normalize_iso, utc_timestamp
from pipeline.extract.language import normalize_language
from pipeline.items import KnownMetadata

logger = logging.getLogger(__name__)

PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
SIDECAR_KEYS = ("url", "site_name", "language", "fetched_at", "title", "published")
MAX_SIDECAR_BYTES = 64 * 1024


def page_kind(path: Path) -> str | None:
    """``html`` or ``text`` for an input file name (``.gz`` allowed on top), else ``None``."""
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    return next((kind for suffix, kind in PAGE_SUFFIXES.items() if name.endswith(suffix)), None)


def sidecar_path(path: Path) -> Path:
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    stem = name.rsplit(".", 1)[0]
    return path.with_name(f"{stem}.meta.json")


def find_inputs(root: Path) -> Iterator[Path]:
    """Every page file under ``root``, recursively, in sorted order; hidden names skipped."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and page_kind(path) and not any(part.startswith(".") for part in path.relative_to(root).parts):
            yield path


def input_problem(path: Path, root: Path, max_bytes: int, *, links_outside: bool = True) -> tuple[str, str] | None:
    """``(reason, detail)`` when an input must be refused before it is read, else ``None``:
    a file over the size limit (read whole by the file download handler, it would be in memory
    before any cap applied), or, unless ``links_outside``, a link leading out of the input folder."""
    try:
        target = path.resolve(strict=True)
        size = target.stat().st_size
    except OSError as exc:
        return "fetch_failed", f"{type(exc).__name__}: {exc}"
    if not links_outside and not target.is_relative_to(root):
        return "outside_input_dir", f"links to {target}, outside {root}"
    if size > max_bytes:
        return "PageTooLarge", f"{size} bytes, over the limit of {max_bytes}"
    return None


def clean_sidecar(meta: Path, data: dict[str, Any]) -> KnownMetadata:
    """Sidecar values that say what they should; the others are logged and left out."""
    known: dict[str, str] = {}
    for key in SIDECAR_KEYS:
        value = data.get(key)
        if not (isinstance(value, str) and value.strip()):
            continue
        value = value.strip()
        if key == "url" and urlsplit(value).scheme not in ("http", "https"):
            value = None
        elif key == "language":
            value = normalize_language(value)
        elif key == "fetched_at":
            value = utc_timestamp(value)
        elif key == "published":
            value = normalize_iso(value)
        if value is None:
            logger.warning("ignoring %s in sidecar %s: %r is not a valid value", key, meta, data[key])
        else:
            known[key] = value
    return KnownMetadata(**known)


def read_sidecar(path: Path) -> KnownMetadata:
    """The known metadata for input ``path``; an unreadable sidecar is logged and ignored."""
    meta = sidecar_path(path)
    if not meta.is_file():
        return KnownMetadata()
    try:
        if meta.stat().st_size > MAX_SIDECAR_BYTES:
            raise ValueError("sidecar too large")
        data = orjson.loads(meta.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("sidecar is not a JSON object")
    except (OSError, ValueError) as exc:
        logger.warning("ignoring sidecar %s: %s", meta, exc)
        return KnownMetadata()
    return clean_sidecar(meta, data)
