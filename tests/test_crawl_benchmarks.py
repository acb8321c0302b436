"""`scrapy crawl seeds -a dir=...` over the real benchmark folders (present beside the clone in CI).

HTML pages get sidecars made from the ground-truth URLs, once gzipped and once decompressed;
text captures come with their own sidecars.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import orjson

from tests.conftest import BENCHMARKS_DIR, needs_shared
from tests.crawl import read_jsonl, run_crawl


def test_html_pages_with_sidecars_gzipped_and_not(tmp_path: Path) -> None:
    bench = needs_shared(BENCHMARKS_DIR / "aeb-dev")
    truth = orjson.loads((bench / "ground-truth.json").read_bytes())
    for page_id, entry in truth.items():
        gz = bench / "html" / f"{page_id}.html.gz"
        shutil.copy(gz, tmp_path / f"{page_id}.html.gz")
        (tmp_path / f"{page_id}-plain.html").write_bytes(gzip.decompress(gz.read_bytes()))
        for stem in (page_id, f"{page_id}-plain"):
            (tmp_path / f"{stem}.meta.json").write_bytes(orjson.dumps({"url": entry["url"]}))
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={tmp_path}", "-O", str(out), "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    records = read_jsonl(out)
    rejects = read_jsonl(tmp_path / "out.rejects.jsonl")
    # Each page twice: the second copy is a repeat of the same article URL within the run.
    assert len(records) + len(rejects) == 2 * len(truth)
    # Every page is accounted for: written once, or rejected with a reason.
    assert {r["url"] for r in records} | {r["url"] for r in rejects} == {e["url"] for e in truth.values()}
    assert len({r["url"] for r in records}) == len(records)
    assert {r["reason"] for r in rejects} <= {"DuplicateUrl", "NoArticleText"}
    assert len(records) >= 0.95 * len(truth)
    assert all(r["extractor"]["input"] == "html" for r in records)


def test_text_captures_with_sidecars(tmp_path: Path) -> None:
    bench = needs_shared(BENCHMARKS_DIR / "aeb-dev-text")
    out = tmp_path / "out.jsonl"
    result = run_crawl("seeds", "-a", f"dir={bench}", "-O", str(out), "-s", "LOG_LEVEL=WARNING")
    assert result.returncode == 0, result.stderr[-3000:]
    records = read_jsonl(out)
    rejects = read_jsonl(tmp_path / "out.rejects.jsonl")
    captures = sorted(bench.glob("*.txt"))
    assert len(records) + len(rejects) == len(captures)
    urls = {orjson.loads(p.with_suffix(".meta.json").read_bytes())["url"] for p in captures}
    assert {r["url"] for r in records} <= urls
    assert all(r["extractor"]["input"] == "text" for r in records)
    assert len(records) >= 0.95 * len(captures)
