"""The command line does what it says, or says in one line why it will not: real ``scrapy crawl``
and ``scrapy cron`` runs (issue 15, "correct by default").

A mistyped argument or setting, a bad value, a missing folder, a spider that cannot start:
one line on stderr naming the problem, exit code 1, and every earlier output left as it was.
Outputs keep their rejects and summaries to themselves and in their own mode; every feed
format carries the record's fields as ``jsonl`` does; run locks follow what a run writes.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from lxml import etree

from pipeline.extensions.runlock import RunLock
from pipeline.health import EXIT_LOCKED, EXIT_OK
from tests.cli_helpers import GATE_ENV
from tests.conftest import PROJECT_DIR
from tests.crawl import read_jsonl, run_crawl, wait_for
from tests.feedsite import Site

SEED = PROJECT_DIR / "seeds" / "kyivindependent.com" / "001_eda1507bfc85257a.txt"
SEEDS = PROJECT_DIR / "seeds"
HELPERS = ("-s", "SPIDER_MODULES=spiders,tests.sitespider,tests.cli_helpers")
# The README's "the crawl could not start" (pipeline.health.EXIT_NOT_STARTED), spelled out so
# that this file also runs against code that predates the constant.
EXIT_NOT_STARTED = 1
EARLIER = {"out.jsonl": b'{"url": "https://earlier.example/1"}\n',
           "out.rejects.jsonl": b'{"reason": "EmptyPage"}\n',
           "out.summary.json": b'{"status": "ok", "records_written": 1}\n'}


def earlier_run(folder: Path) -> dict[str, bytes]:
    """What an earlier ``-O out.jsonl`` run left in ``folder``."""
    for name, content in EARLIER.items():
        (folder / name).write_bytes(content)
    return EARLIER


def left_as_it_was(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in EARLIER}


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-3000:]
    assert "Traceback" not in stderr
    return lines[0]


def inputs(folder: Path, *, rejected: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SEED, folder / "kyiv.txt")
    if rejected:
        (folder / rejected).write_bytes(b"")  # EmptyPage
    return folder


# --- 6: a run that could not start replaces nothing and exits 1 -----------------------------

def test_missing_input_folder_leaves_an_earlier_output_alone_and_exits_1(tmp_path: Path) -> None:
    before = earlier_run(tmp_path)
    missing = tmp_path / "no-such-folder"
    result = run_crawl("seeds", "-a", f"dir={missing}", "-O", str(tmp_path / "out.jsonl"))
    assert result.returncode == EXIT_NOT_STARTED
    line = one_line(result.stderr)
    assert line.startswith("newsclean crawl: not starting spider 'seeds': bad argument dir=")
    assert str(missing) in line and "no such folder" in line
    assert left_as_it_was(tmp_path) == before


def test_a_spider_whose_start_fails_replaces_no_output_and_exits_1(tmp_path: Path) -> None:
    before = earlier_run(tmp_path)
    result = run_crawl("brokenstart", "-O", str(tmp_path / "out.jsonl"), *HELPERS)
    assert result.returncode == EXIT_NOT_STARTED, result.stderr[-3000:]
    assert left_as_it_was(tmp_path) == before
    assert not list(tmp_path.glob(".*.part"))


# --- 7: rejects and summary follow their output and its mode ------------------------------

def test_append_adds_rejects_and_summaries_as_it_adds_records(tmp_path: Path) -> None:
    folder = inputs(tmp_path / "in", rejected="empty.txt")
    out = tmp_path / "out.jsonl"
    for _ in range(2):
        result = run_crawl("seeds", "-a", f"dir={folder}", "-o", str(out))
        assert result.returncode == EXIT_OK, result.stderr[-3000:]
    assert len(read_jsonl(out)) == 2
    assert [r["reason"] for r in read_jsonl(tmp_path / "out.rejects.jsonl")] == ["EmptyPage", "EmptyPage"]
    summaries = read_jsonl(tmp_path / "out.summary.json")  # one JSON line per run
    assert [(s["records_written"], s["output"]) for s in summaries] == [(1, str(out))] * 2


def test_each_output_format_has_its_own_rejects_and_summary(tmp_path: Path) -> None:
    folder = inputs(tmp_path / "in", rejected="empty.txt")
    result = run_crawl("seeds", "-a", f"dir={folder}", "-O", str(tmp_path / "out.jsonl"),
                       "-O", str(tmp_path / "out.csv"))
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    for output, stem in (("out.jsonl", "out"), ("out.csv", "out.csv")):
        assert [r["reason"] for r in read_jsonl(tmp_path / f"{stem}.rejects.jsonl")] == ["EmptyPage"]
        summary = orjson.loads((tmp_path / f"{stem}.summary.json").read_bytes())
        assert (summary["output"], summary["published"]) == (str(tmp_path / output), True)


# --- 10 and 11: unknown names and bad values are one line and exit 1 ------------------------

@pytest.mark.parametrize(("spider", "args", "expected"), [
    pytest.param("seeds", ("-a", "dirr=DIR"), "unknown argument dirr (did you mean dir?)", id="dirr"),
    pytest.param("news", ("-a", "start=https://example.com/", "-a", "limt=1"),
                 "unknown argument limt (did you mean limit?)", id="limt"),
    pytest.param("seeds", ("-a", "dir=DIR", "-s", "NEWSCLEAN_EXTRACT_WORKER=1"),
                 "unknown setting NEWSCLEAN_EXTRACT_WORKER (did you mean NEWSCLEAN_EXTRACT_WORKERS?)",
                 id="setting"),
    pytest.param("news", ("-a", "start=https://example.com/", "-a", "since=yesterday"),
                 "bad argument since='yesterday': expected a date, YYYY-MM-DD or ISO 8601", id="since"),
    pytest.param("news", ("-a", "start=https://example.com/", "-a", "limit=abc"),
                 "bad argument limit='abc': expected a whole number of at least 1", id="limit"),
    pytest.param("news", ("-a", "start=https://example.com/", "-a", "refresh=bogus"),
                 "bad argument refresh='bogus': expected all, articles or feeds", id="refresh"),
    pytest.param("news", ("-a", "since=2023-09-01"), "no start URLs: give -a start=URL", id="no-start"),
])
def test_unknown_names_and_bad_values_are_one_line_and_exit_1(tmp_path: Path, spider: str,
                                                              args: tuple[str, ...], expected: str) -> None:
    inputs(tmp_path / "in")
    args = tuple(a.replace("DIR", str(tmp_path / "in")) for a in args)
    result = run_crawl(spider, *args, "-O", str(tmp_path / "out.jsonl"))
    assert result.returncode == EXIT_NOT_STARTED
    assert one_line(result.stderr).startswith(f"newsclean crawl: not starting spider '{spider}': {expected}")
    assert not (tmp_path / "out.jsonl").exists()


# --- 12: locks follow what a run writes; refusals are one line; cron logs one line -----------

def test_runs_writing_different_outputs_run_together_and_the_same_output_is_refused(tmp_path: Path) -> None:
    state = ("-s", f"NEWSCLEAN_STATE_PATH={tmp_path / 'state.sqlite'}")  # one state, as under cron
    gate = tmp_path / "gate"
    gate.mkdir()
    first = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "crawl", "seeds", "-a", f"dir={inputs(tmp_path / 'in1')}",
         "-O", str(tmp_path / "one.jsonl"), *state, "-s", "NEWSCLEAN_EXTRACT_WORKERS=0",
         "-s", "NEWSCLEAN_EXTRACT_FUNCTION=tests.cli_helpers.gated_extract"],
        cwd=PROJECT_DIR, env={**os.environ, GATE_ENV: str(gate)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: (gate / "waiting").exists() or first.poll() is not None)
        assert first.poll() is None, first.communicate()[1][-3000:]
        other = run_crawl("seeds", "-a", f"dir={inputs(tmp_path / 'in2')}", "-O", str(tmp_path / "two.jsonl"),
                          *state)
        assert other.returncode == EXIT_OK, other.stderr[-3000:]
        same = run_crawl("seeds", "-a", f"dir={tmp_path / 'in2'}", "-O", str(tmp_path / "one.jsonl"), *state)
        assert same.returncode == EXIT_LOCKED
        line = one_line(same.stderr)
        assert line.startswith("newsclean crawl: not starting spider 'seeds': another run holds the lock "
                               f"{tmp_path / '.one.jsonl.lock'} (pid {first.pid}, running since")
    finally:
        (gate / "open").touch()
        _, err = first.communicate(timeout=120)
    assert first.returncode == EXIT_OK, err[-3000:]
    assert len(read_jsonl(tmp_path / "one.jsonl")) == len(read_jsonl(tmp_path / "two.jsonl")) == 1


def test_a_lock_refusal_is_the_only_line(tmp_path: Path) -> None:
    holder = RunLock(tmp_path / ".out.jsonl.lock")
    holder.acquire()
    try:
        result = run_crawl("seeds", "-a", f"dir={inputs(tmp_path / 'in')}", "-O", str(tmp_path / "out.jsonl"))
    finally:
        holder.release()
    assert result.returncode == EXIT_LOCKED
    assert one_line(result.stderr).endswith(f"exit code {EXIT_LOCKED}")
    assert not (tmp_path / "out.jsonl").exists()


def cron_wrapper(tmp_path: Path, spider: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/usr/bin/env", "-i", str(PROJECT_DIR / "bin" / "newsclean-cron"), spider, *args, *HELPERS,
         "-s", f"NEWSCLEAN_STATE_PATH={tmp_path / 'state.sqlite'}",
         "-s", f"NEWSCLEAN_DEFAULT_FEED={tmp_path / 'out' / '%(name)s' / '%(time)s.jsonl'}"],
        cwd="/", stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(not (PROJECT_DIR / ".venv" / "bin" / "python").exists(), reason="needs the project .venv")
def test_cron_log_gets_one_line_per_healthy_run(tmp_path: Path) -> None:
    result = cron_wrapper(tmp_path, "seeds", "-a", f"dir={inputs(tmp_path / 'in')}")
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    log = (result.stdout + result.stderr).strip().splitlines()
    assert len(log) == 1, log[:20]
    assert "newsclean run OK: spider seeds, 1 records written (1 new)" in log[0]


# --- 13: "nothing new" keeps its summary, and latest stays on the newest records ---------------

@pytest.mark.skipif(not (PROJECT_DIR / ".venv" / "bin" / "python").exists(), reason="needs the project .venv")
def test_latest_stays_on_the_newest_output_with_records(tmp_path: Path) -> None:
    folder = tmp_path / "out" / "testsite"

    def outputs() -> list[Path]:
        return sorted(p for p in folder.glob("*.jsonl") if not p.name.endswith(".rejects.jsonl"))

    with Site(articles=2) as site:
        assert cron_wrapper(tmp_path, "testsite", "-a", f"feeds={site.feed_url}").returncode == EXIT_OK
        [full] = outputs()
        quiet = cron_wrapper(tmp_path, "testsite", "-a", f"feeds={site.feed_url}")  # the feed answers 304
        assert quiet.returncode == EXIT_OK, quiet.stderr[-3000:]
    [empty] = [p for p in outputs() if p != full]
    assert len(read_jsonl(full)) == 2 and empty.read_bytes() == b""
    assert orjson.loads(empty.with_name(empty.name.replace(".jsonl", ".summary.json")).read_bytes())[
        "records_written"] == 0
    assert os.readlink(folder / "latest") == full.name


# --- 14: every format a user may pick carries the record's fields ---------------------------

def test_every_feed_format_writes_the_fields_of_jsonl(tmp_path: Path) -> None:
    formats = ("jsonl", "jl", "jsonlines", "json", "csv", "xml")
    outputs = [a for fmt in formats for a in ("-O", f"{tmp_path / 'out'}.{fmt}:{fmt}")]
    result = run_crawl("seeds", "-a", f"dir={SEEDS}", *outputs)
    assert result.returncode == EXIT_OK, result.stderr[-3000:]
    records = read_jsonl(tmp_path / "out.jsonl")
    assert len(records) == 2 and any(r["removed"] for r in records) and any(r["authors"] for r in records)
    assert any(v is None for r in records for v in r.values())
    for fmt in ("jl", "jsonlines"):
        assert (tmp_path / f"out.{fmt}").read_bytes() == (tmp_path / "out.jsonl").read_bytes()
    assert orjson.loads((tmp_path / "out.json").read_bytes()) == records

    with (tmp_path / "out.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(records[0])
    for row, record in zip(rows, records):
        for name, value in record.items():
            cell = row[name]
            if isinstance(value, (list, dict)):
                assert orjson.loads(cell) == value, name
            else:
                assert cell == ("" if value is None else str(value)), name

    items = etree.parse(str(tmp_path / "out.xml")).getroot()
    for item, record in zip(items, records):
        assert [field.tag for field in item] == list(record)
        for field in item:
            value = record[field.tag]
            if isinstance(value, dict):
                assert {child.tag: int(child.text) if isinstance(value.get(child.tag), int) else child.text
                        for child in field} == value
            elif isinstance(value, list):
                assert [child.text for child in field] == value
            else:
                assert (field.text or None) == (None if value is None else str(value)), field.tag


@pytest.mark.parametrize("fmt", ["pickle", "marshal"])
def test_python_only_formats_are_refused(tmp_path: Path, fmt: str) -> None:
    on_command_line = run_crawl("seeds", "-a", f"dir={SEEDS}", "-O", str(tmp_path / f"out.{fmt}"))
    assert on_command_line.returncode == 2 and f"Unrecognized output format '{fmt}'" in on_command_line.stderr
    feeds = orjson.dumps({str(tmp_path / "out.bin"): {"format": fmt}}).decode()
    in_settings = run_crawl("seeds", "-a", f"dir={SEEDS}", "-s", f"FEEDS={feeds}")
    assert in_settings.returncode == EXIT_NOT_STARTED
    assert f"format '{fmt}' is not written by newsclean" in one_line(in_settings.stderr)
    assert not list(tmp_path.iterdir())


# --- 15: help texts ---------------------------------------------------------------------------

def scrapy_help(command: str) -> str:
    result = subprocess.run([sys.executable, "-m", "scrapy", command, "--help"], cwd=PROJECT_DIR,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_evaluate_help_shows_no_machine_path_and_breaks_no_word() -> None:
    text = scrapy_help("evaluate")
    broken = [line for line in text.splitlines() if line.rstrip().endswith("-") and line.strip("- ")]
    assert broken == [], "a word broken at a hyphen across lines"
    # The absolute path of the project (argparse broke it at a hyphen, e.g. ".../cli-" "wt/...").
    assert str(PROJECT_DIR) not in re.sub(r"-\n\s+", "-", text)
    assert "tests/fixtures/noise" in text


def test_cron_help_lists_the_exit_codes_of_the_readme() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8").split("## Running from cron", 1)[1]
    documented = [int(code) for code in re.findall(r"^\| (\d+) +\|", readme, re.M)]
    text = scrapy_help("cron")
    assert "Exit codes:" in text
    listed = [int(line.split()[0]) for line in text.split("Exit codes:", 1)[1].splitlines()
              if line[:6].strip().isdigit()]
    assert listed == documented and 75 in listed
