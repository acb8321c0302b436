"""`scrapy crawl seeds` over folders of mixed inputs: good files out, bad files in the rejects."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import orjson

from tests.conftest import PROJECT_DIR
from tests.crawl import read_jsonl, run_crawl

SEED = PROJECT_DIR / "seeds" / "kyivindependent.com" / "001_eda1507bfc85257a.txt"
ARTICLE_HTML = """<!DOCTYPE html><html lang="en"><head><title>Harbour bridge reopens | Test Gazette</title>
<meta property="og:site_name" content="Test Gazette">
<meta property="article:published_time" content="2024-03-05T08:30:00+01:00">
<link rel="canonical" href="https://gazette.example/2024/03/05/harbour-bridge-reopens"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Harbour bridge reopens after two years of repairs</h1>
<p>The harbour bridge reopened to traffic on Tuesday morning after two years of repairs that cost the city
more than it had planned, officials said at a ceremony attended by several hundred residents.</p>
<p>Engineers replaced the cables and the deck, and the speed limit will stay at thirty miles an hour until
the spring inspection has been completed by the regional transport authority.</p>
<p>Local shop owners said the closure had cut their trade by a third, and several of them welcomed the
return of passing customers who had been taking a long detour through the industrial estate.</p>
</article></body></html>"""


def make_inputs(folder: Path) -> None:
    (folder / "good").mkdir(parents=True)
    shutil.copy(SEED, folder / "good" / "kyiv.txt")
    (folder / "good" / "kyiv.meta.json").write_bytes(orjson.dumps({"url": "https://kyivindependent.com/x"}))
    (folder / "good" / "bridge.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (folder / "empty.html").write_bytes(b"")
    (folder / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (folder / "notes.md").write_text("not an input")  # not a page name: ignored, not rejected


def test_bad_inputs_are_rejected_and_good_ones_kept(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={tmp_path / 'in'}", "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    records = {Path(r["source_url"]).name: r for r in read_jsonl(out)}
    assert sorted(records) == ["bridge.html.gz", "kyiv.txt"]
    bridge = records["bridge.html.gz"]
    assert bridge["title"] == "Harbour bridge reopens after two years of repairs"
    assert bridge["url"] == "https://gazette.example/2024/03/05/harbour-bridge-reopens"
    assert (bridge["published"], bridge["published_from"]) == ("2024-03-05T08:30:00+01:00", "meta")
    assert bridge["site_name"] == "Test Gazette"
    assert bridge["text"].count("\n") == 2 and "Home" not in bridge["text"]
    assert records["kyiv.txt"]["url"] == "https://kyivindependent.com/x"
    rejects = {Path(r["source_url"]).name: r["reason"] for r in read_jsonl(tmp_path / "out.rejects.jsonl")}
    assert rejects == {"empty.html": "EmptyPage", "picture.html": "BinaryPage"}
    assert not list(tmp_path.glob(".*.part"))


def test_text_in_legacy_charset_is_decoded_by_detection(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace("’", "'").replace("—", "-")
    text = text.replace("During Baku's recent offensive", "During Baku's recent offensive, Bürgermeister Müller said,")
    (tmp_path / "legacy.txt").write_bytes(text.encode("cp1252"))
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={tmp_path}", "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    [record] = read_jsonl(out)
    assert record["extractor"]["encoding"] == "cp1252"
    assert "Bürgermeister Müller" in record["text"]


def test_default_output_goes_to_output_folder_only_without_o(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_DIR, tmp_path / "project", ignore=shutil.ignore_patterns(".venv", ".git", "output"))
    project = tmp_path / "project"
    result = run_crawl("seeds", cwd=project)
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = sorted((project / "output" / "seeds").glob("*.jsonl"))
    assert [p.name.endswith(".rejects.jsonl") for p in outputs] == [False, True]
    assert len(read_jsonl(outputs[0])) == 2
    result = run_crawl("seeds", "-O", str(tmp_path / "explicit.jsonl"), cwd=project)
    assert result.returncode == 0
    assert len(list((project / "output" / "seeds").glob("*.jsonl"))) == 2  # no second default file
    assert len(read_jsonl(tmp_path / "explicit.jsonl")) == 2
