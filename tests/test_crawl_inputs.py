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
    (folder / "blob.txt").write_bytes(b"x9" * 500_000)  # one 1 MB token: no language at all
    (folder / "letters.html").write_bytes(b"<html><body><p>" + b"A" * 85 + b"</p></body></html>")


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
    assert rejects == {"empty.html": "EmptyPage", "picture.html": "BinaryPage", "blob.txt": "NoArticleText",
                       "letters.html": "NoArticleText"}
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


def test_mojibake_a_capture_carries_is_repaired(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "story.txt").write_text(text, encoding="utf-8")
    (tmp_path / "garbled").mkdir()
    (tmp_path / "garbled" / "story.txt").write_text(text.encode("utf-8").decode("latin-1"), encoding="utf-8")
    records = {}
    for name in ("clean", "garbled"):
        out = tmp_path / f"{name}.jsonl"
        result = run_crawl("seeds", "-a", f"dir={tmp_path / name}", "-O", str(out))
        assert result.returncode == 0, result.stderr[-3000:]
        [records[name]] = read_jsonl(out)
    assert "â" not in records["garbled"]["text"]
    assert records["garbled"]["extractor"] == {**records["clean"]["extractor"], "repaired": "mojibake"}
    for field in ("text", "title", "authors", "published", "content_hash"):
        assert records["garbled"][field] == records["clean"][field], field


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


def test_links_out_of_the_folder_when_refused_and_oversized_files_are_rejected_unread(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "kyiv.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("Nothing to see here, but it must not be read by the crawl at all. " * 3)
    (folder / "secret.txt").symlink_to(outside)
    (folder / "inside-link.txt").symlink_to(folder / "kyiv.txt")
    (folder / "huge.html").write_bytes(b"<html><body>" + b"<p>x</p>" * 20_000 + b"</body></html>")
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={folder}", "-O", str(out), "-s", "NEWSCLEAN_MAX_PAGE_BYTES=100000",
                       "-s", "NEWSCLEAN_INPUT_LINKS_OUTSIDE=False")
    assert result.returncode == 0, result.stderr[-3000:]
    # a link that stays inside the folder is an input like any other
    assert sorted(Path(r["source_url"]).name for r in read_jsonl(out)) == ["inside-link.txt", "kyiv.txt"]
    rejects = {Path(r["source_url"]).name: r["reason"] for r in read_jsonl(tmp_path / "out.rejects.jsonl")}
    assert rejects == {"secret.txt": "outside_input_dir", "huge.html": "PageTooLarge"}


def test_pages_sharing_a_site_root_canonical_are_all_written(tmp_path: Path) -> None:
    """Some templates point every page's canonical at the home page: that must not merge them."""
    for n in range(3):
        page = ARTICLE_HTML.replace('href="https://gazette.example/2024/03/05/harbour-bridge-reopens"', 'href="/"')
        page = page.replace("Harbour bridge reopens after", f"Story {n}: harbour bridge reopens after")
        (tmp_path / f"story{n}.html").write_text(page)
        (tmp_path / f"story{n}.meta.json").write_bytes(b"{}")
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={tmp_path}", "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    urls = sorted(r["url"] for r in read_jsonl(out))
    assert urls == [(tmp_path / f"story{n}.html").as_uri() for n in range(3)]


def test_a_repeat_is_rejected_with_its_article_url(tmp_path: Path) -> None:
    for name in ("a", "b"):
        shutil.copy(SEED, tmp_path / f"{name}.txt")
        (tmp_path / f"{name}.meta.json").write_bytes(orjson.dumps({"url": "https://kyivindependent.com/x"}))
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={tmp_path}", "-O", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    [record] = read_jsonl(out)
    [reject] = read_jsonl(tmp_path / "out.rejects.jsonl")
    # workers finish in any order: either copy may be the one written
    assert {Path(record["source_url"]).name, Path(reject["source_url"]).name} == {"a.txt", "b.txt"}
    assert (reject["reason"], reject["url"]) == ("DuplicateUrl", "https://kyivindependent.com/x")
