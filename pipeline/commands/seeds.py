"""``scrapy seeds show|regen``: print or rewrite the golden records of the seed cases.

Every input under ``NEWSCLEAN_SEEDS_DIR`` is a case; its golden record is
``<stem>.expected.json`` beside it (the record as exported, keys sorted, ``fetched_at`` left
out, ``source_url`` relative to the project). ``regen`` rewrites them and lists the fields that
changed; it never stages anything, because reviewing the change is the point.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pipeline.discovery.files import sidecar_path

UNCOMPARED_FIELDS = ("fetched_at",)


def expected_path(input_path: Path) -> Path:
    return sidecar_path(input_path).with_name(sidecar_path(input_path).name.replace(".meta.json", ".expected.json"))


def comparable(record: dict[str, Any], project_dir: Path) -> dict[str, Any]:
    """The record as stored in a golden file: stable fields only, paths relative."""
    out = {k: v for k, v in record.items() if k not in UNCOMPARED_FIELDS}
    source = out.get("source_url") or ""
    prefix = project_dir.resolve().as_uri() + "/"
    if source.startswith(prefix):
        out["source_url"] = source[len(prefix):]
    return out


def crawl_seeds(seeds_dir: Path, project_dir: Path) -> dict[str, dict[str, Any]]:
    """Run the real ``scrapy crawl seeds`` over ``seeds_dir``; records keyed by relative source."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "seeds.jsonl"
        subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "seeds", "-a", f"dir={seeds_dir}", "-O", str(out),
             "-s", "LOG_LEVEL=WARNING", "-s", f"NEWSCLEAN_STATE_PATH={Path(tmp) / 'state.sqlite'}"],
            cwd=project_dir, check=True,
        )
        records = [orjson.loads(line) for line in out.read_bytes().splitlines() if line.strip()]
    return {comparable(r, project_dir)["source_url"]: comparable(r, project_dir) for r in records}


def dump(record: dict[str, Any]) -> bytes:
    return orjson.dumps(record, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


class Command(ScrapyCommand):
    requires_project = True
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "show|regen"

    def short_desc(self) -> str:
        return "Show or regenerate the golden records of the seed cases"

    def run(self, args: list[str], opts: Any) -> None:
        if len(args) != 1 or args[0] not in ("show", "regen"):
            raise UsageError("use: scrapy seeds show|regen")
        from pipeline.discovery.files import find_inputs

        project_dir = Path(self.settings["NEWSCLEAN_SEEDS_DIR"]).resolve().parent
        seeds_dir = Path(self.settings["NEWSCLEAN_SEEDS_DIR"])
        records = crawl_seeds(seeds_dir, project_dir)
        for path in find_inputs(seeds_dir):
            key = path.resolve().relative_to(project_dir).as_posix()
            record = records.get(key, {"dropped": True, "source_url": key})
            if args[0] == "show":
                sys.stdout.write(dump(record).decode())
                continue
            target = expected_path(path)
            old = orjson.loads(target.read_bytes()) if target.exists() else {}
            changed = sorted(k for k in set(old) | set(record) if old.get(k) != record.get(k))
            target.write_bytes(dump(record))
            print(f"{target.relative_to(project_dir)}: {', '.join(changed) if changed else 'unchanged'}")
