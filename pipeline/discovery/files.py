"""Offline inputs: which files in a folder are pages, and what their sidecars say.

A sidecar ``<stem>.meta.json`` (stem: the name without ``.gz`` and without its extension) gives
``url`` and may give ``site_name``, ``language``, ``fetched_at``, ``title``, ``published``;
its values win over what extraction finds in the page.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Callable, Iterator
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


InputProblem = Callable[[Path, str, str], None]  # (path, reason, detail)


def log_problem(path: Path, reason: str, detail: str) -> None:
    logger.warning("not reading %s (%s): %s", path, reason, detail)


def find_inputs(root: Path, problem: InputProblem = log_problem) -> Iterator[Path]:
    """Every page file under ``root``, recursively, in sorted order; hidden names skipped.

    Linked folders are followed (as linked files are), each at most once along a path: a link
    back to a folder being read is a ``symlink_loop``. What cannot be read is reported to
    ``problem``, never skipped in silence: a folder that cannot be listed (``unreadable``), a
    link that loops or leads nowhere (``symlink_loop``, ``broken_link``), a page name that is
    no regular file (``not_a_file``: a FIFO would block the reader forever). Names that are no
    page and no folder are ignored, as before."""
    yield from _walk(root, frozenset(), problem)


def _walk(folder: Path, ancestors: frozenset[tuple[int, int]], problem: InputProblem) -> Iterator[Path]:
    try:
        info = folder.stat()
        ancestors = ancestors | {(info.st_dev, info.st_ino)}
        with os.scandir(folder) as listing:
            names = sorted(entry.name for entry in listing if not entry.name.startswith("."))
    except OSError as exc:
        problem(folder, "unreadable", f"folder cannot be listed: {type(exc).__name__}: {exc}")
        return
    for name in names:
        path = folder / name
        try:
            info = path.stat()  # follows links
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                problem(path, "symlink_loop", f"{_named(path)} never reaches a file")
            elif path.is_symlink() and page_kind(path):
                problem(path, "broken_link", f"{_named(path)} leads nowhere")
            elif page_kind(path):
                problem(path, "unreadable", f"{type(exc).__name__}: {exc}")
            continue
        if stat.S_ISDIR(info.st_mode):
            if (info.st_dev, info.st_ino) in ancestors:
                problem(path, "symlink_loop", f"{_named(path)} leads back to {path.resolve()}, a folder being read")
            else:
                yield from _walk(path, ancestors, problem)
        elif page_kind(path):
            if stat.S_ISREG(info.st_mode):
                yield path
            else:
                problem(path, "not_a_file", f"{stat.filemode(info.st_mode)}: not a regular file")


def _named(path: Path) -> str:
    """``the link PATH -> TARGET`` for a link, else the path (a bind mount can loop too)."""
    try:
        return f"the link {path} -> {os.readlink(path)}"
    except OSError:
        return str(path)


def input_problem(path: Path, root: Path, max_bytes: int, *, links_outside: bool = True) -> tuple[str, str] | None:
    """``(reason, detail)`` when an input must be refused before it is read, else ``None``:
    a file over the size limit (read whole by the file download handler, it would be in memory
    before any cap applied), a file this process may not read (``unreadable``), or, unless
    ``links_outside``, a link leading out of the input folder."""
    try:
        # Resolved only to tell where a link leads; opening the link reads its target all the
        # same (resolving looks up every folder of the path: about 3% of the reactor's CPU).
        target = path if links_outside else path.resolve(strict=True)
        size = target.stat().st_size
    except (OSError, RuntimeError) as exc:  # RuntimeError: a link loop, before Python 3.13
        return "fetch_failed", f"{type(exc).__name__}: {exc}"
    if not links_outside and not target.is_relative_to(root):
        return "outside_input_dir", f"links to {target}, outside {root}"
    if size > max_bytes:
        return "PageTooLarge", f"{size} bytes, over the limit of {max_bytes}"
    try:  # non-blocking: a file replaced by a FIFO since the walk must not hang the reactor
        os.close(os.open(target, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as exc:
        return "unreadable", f"{type(exc).__name__}: {exc}"
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
