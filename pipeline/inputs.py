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

import orjson

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


def read_sidecar(path: Path) -> dict[str, Any]:
    """The known metadata for input ``path``; an unreadable sidecar is logged and ignored."""
    meta = sidecar_path(path)
    if not meta.is_file():
        return {}
    try:
        if meta.stat().st_size > MAX_SIDECAR_BYTES:
            raise ValueError("sidecar too large")
        data = orjson.loads(meta.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("sidecar is not a JSON object")
    except (OSError, ValueError) as exc:
        logger.warning("ignoring sidecar %s: %s", meta, exc)
        return {}
    return {k: v for k, v in data.items() if k in SIDECAR_KEYS and isinstance(v, str) and v.strip()}
