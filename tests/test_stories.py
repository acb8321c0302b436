"""Stories across real crawls: a syndicated copy of a seed is marked, the two seeds (one event,
two stories) are not; a re-run sees every record again; ``drop`` drops the copy; a cross-site
canonical is kept as ``canonical_url`` and does not hide the real article from a later run."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PROJECT_DIR
from tests.crawl import read_jsonl, run_crawl
from tests.feedsite import Site

SYNDICATED = PROJECT_DIR / "tests" / "fixtures" / "stories" / "syndicated"
EXPRESS = ("https://www.expressandstar.com/news/world-news/2023/09/27/"
           "almost-200-azerbaijani-soldiers-killed-during-nagorno-karabakh-offensive/")
KYIV = "https://kyivindependent.com/azerbaijan-says-it-lost-192-troops-in-karabakh-offensive"
COPY = "https://www.midlands-wire.example/world/2023/09/27/azerbaijan-says-192-soldiers-died"


def folder_with_copy(tmp: Path) -> Path:
    """The two seeds and, sorted after them, an HTML copy of the Express & Star wire story in
    another template (other headline, boilerplate, a paragraph cut, no canonical naming it)."""
    pages = tmp / "pages"
    shutil.copytree(PROJECT_DIR / "seeds", pages, ignore=shutil.ignore_patterns("*.expected.json"))
    shutil.copytree(SYNDICATED, pages / "zz-syndicated")
    return pages


def crawl(pages: Path, out: Path, state: Path, *settings: str) -> tuple[dict[str, dict], dict]:
    # One extraction process: records come in file order, so "the first record" is fixed.
    args = ["-a", f"dir={pages}", "-O", str(out), "-s", f"NEWSCLEAN_STATE_PATH={state}",
            "-s", "NEWSCLEAN_EXTRACT_WORKERS=0"]
    for setting in settings:
        args += ["-s", setting]
    result = run_crawl("seeds", *args)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(out.with_name(out.stem + ".summary.json").read_text().splitlines()[-1])
    return {r["url"]: r for r in read_jsonl(out)}, summary


def test_a_syndicated_copy_is_marked_the_other_story_is_not_and_a_rerun_sees_all(tmp_path: Path) -> None:
    pages = folder_with_copy(tmp_path)
    records, summary = crawl(pages, tmp_path / "run1.jsonl", tmp_path / "state.sqlite")
    assert set(records) == {EXPRESS, KYIV, COPY}
    express, kyiv, copy = records[EXPRESS], records[KYIV], records[COPY]
    assert (express["duplicate_of"], kyiv["duplicate_of"], copy["duplicate_of"]) == (None, None, EXPRESS)
    assert copy["story_id"] == express["story_id"] != kyiv["story_id"]
    assert copy["canonical_url"] is None and copy["content_hash"] != express["content_hash"]
    assert summary["stories"] == {"loaded": 0, "near": 1, "new": 2}

    again, summary = crawl(pages, tmp_path / "run2.jsonl", tmp_path / "state.sqlite")
    assert {u: (r["story_id"], r["duplicate_of"]) for u, r in again.items()} == {
        u: (r["story_id"], r["duplicate_of"]) for u, r in records.items()}
    assert summary["stories"] == {"loaded": 3, "seen": 3}


def test_drop_mode_drops_the_copy_as_a_counted_reject(tmp_path: Path) -> None:
    pages = folder_with_copy(tmp_path)
    records, summary = crawl(pages, tmp_path / "out.jsonl", tmp_path / "state.sqlite", "NEWSCLEAN_DUPLICATES=drop")
    assert set(records) == {EXPRESS, KYIV}
    assert summary["drops"] == {"DuplicateStory": 1}
    rejects = read_jsonl(tmp_path / "out.rejects.jsonl")
    assert [(r["reason"], r["url"], r["detail"]) for r in rejects] == [
        ("DuplicateStory", COPY, f"near copy of {EXPRESS}")]


def test_off_sets_no_story_fields(tmp_path: Path) -> None:
    records, summary = crawl(folder_with_copy(tmp_path), tmp_path / "out.jsonl", tmp_path / "state.sqlite",
                             "NEWSCLEAN_DUPLICATES=off")
    assert len(records) == 3 and summary["stories"] == {}
    assert {(r["story_id"], r["duplicate_of"]) for r in records.values()} == {(None, None)}


@dataclass
class SyndicatingSite(Site):
    """Serves the feed site's articles with a canonical naming the same path on ``original``."""

    original: str = ""

    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        status, meta, body = super().answer(path, headers)
        if path.startswith("/a/") and status == 200:
            body = body.replace(f'href="{self.base}'.encode(), f'href="{self.original}'.encode())
        return status, meta, body


def test_a_cross_site_canonical_does_not_hide_the_real_article_from_a_later_run(tmp_path: Path) -> None:
    """Run 1 crawls a copy on 127.0.0.1:X whose canonical names the article on 127.0.0.1:Y (ports
    are separate sites, as in the crawl's scope); run 2 crawls that real article, with the same
    state: it is fetched and written (not skipped as known), and joins the copy's story."""
    state = ("-s", f"NEWSCLEAN_STATE_PATH={tmp_path / 'state.sqlite'}")
    with Site(articles=1) as original, SyndicatingSite(articles=1) as copy_site:
        copy_site.original = original.base
        first = run_crawl("news", "-a", f"start={copy_site.article_url(1)}", "-O", str(tmp_path / "run1.jsonl"), *state)
        assert first.returncode == 0, first.stderr[-3000:]
        [copy] = read_jsonl(tmp_path / "run1.jsonl")
        assert (copy["url"], copy["canonical_url"]) == (copy_site.article_url(1), original.article_url(1))
        assert original.paths() == []

        second = run_crawl("news", "-a", f"start={original.article_url(1)}", "-O", str(tmp_path / "run2.jsonl"), *state)
        assert second.returncode == 0, second.stderr[-3000:]
        assert original.paths() == ["/robots.txt", "/a/1.html"]
    [article] = read_jsonl(tmp_path / "run2.jsonl")
    assert (article["url"], article["canonical_url"]) == (original.article_url(1), None)
    assert (article["story_id"], article["duplicate_of"]) == (copy["story_id"], copy["url"])
    summary = json.loads((tmp_path / "run2.summary.json").read_text().splitlines()[-1])
    assert (summary["skipped_known"], summary["drops"], summary["new_records"]) == (0, {}, 1)
    assert summary["stories"] == {"canonical": 1, "loaded": 1}
