"""Labelled set for duplicate detection, run through the real pipeline: pair precision and recall.

    .venv/bin/python bench/duplicates.py                  # needs ../shared/benchmarks
    .venv/bin/python bench/duplicates.py --set NEWSCLEAN_DUPLICATE_THRESHOLD=0.6 --keep /tmp/dups
    .venv/bin/python bench/duplicates.py --sweep 0.3,0.5,0.7,0.9   # also replay the records per threshold

Built at run time (nothing of the benchmarks is copied into the repo):

- every article body of ``aeb-dev`` and ``wcxb-dev`` (ground-truth ``articleBody``, 50 words or
  more) becomes an original page in template ``ledger`` on its own site;
- two bodies in three get syndicated copies: one in template ``metro`` (headline rewritten, one
  paragraph cut, or a sentence for articles of three paragraphs or fewer, other boilerplate) and
  every other one also in template ``courier`` (headline rewritten, a paragraph added; half of
  them declare the original as their cross-site ``rel=canonical``, as syndication partners do);
- the two seeds of ``seeds/`` (one event, two different stories: they must stay apart), and a
  copy of the Express & Star seed's article in template ``metro`` on another site.

Each page has a sidecar giving its URL, so the pipeline sees what a crawl would. The folder is
crawled with ``scrapy crawl seeds`` (fresh state); records sharing a ``story_id`` are
predicted pairs, pages made from one body are true pairs. Then the same folder is crawled again
with the same state: every record must be "already seen" (``stories.seen`` in the run summary), none
a new story, and keep its ``story_id`` and ``duplicate_of``.

``--sweep`` replays the first run's records, in their output order, through the index
(``pipeline.stories.index``) at each threshold given, without crawling again.
"""

from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
BENCHMARKS = PROJECT.parent / "shared" / "benchmarks"
MIN_WORDS = 50

LEDGER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Daily Ledger</title>
<link rel="canonical" href="{canonical}"><meta property="og:site_name" content="The Daily Ledger"></head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Staff Reporter</p>
{paragraphs}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Council approves new budget for road repairs</a></li>
<li><a href="/b">Local team wins the regional final after extra time</a></li></ul></aside></main>
<footer><div class="newsletter"><h3>Get the Ledger in your inbox</h3><p>Sign up for our free morning briefing.</p>
<form><input type="email"><button>Subscribe</button></form></div><p>&copy; 2026 The Daily Ledger. All rights reserved.</p></footer>
</body></html>"""

METRO = """<!doctype html><html><head><meta charset="utf-8"><title>{title} - Metro Wire</title>
<link rel="canonical" href="{canonical}"><meta property="og:title" content="{title}"></head><body>
<div id="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<div class="top-bar"><a href="/">Metro Wire</a> | <a href="/latest">Latest</a> | <a href="/video">Video</a></div>
<div class="story"><h1 class="headline">{title}</h1><div class="share">Share on Facebook Share on X Email</div>
<div class="story-body">
{paragraphs}
</div>
<div class="related"><h4>Related stories</h4><a href="/r1">Markets slide as investors weigh rate outlook</a>
<a href="/r2">Storm warning issued for the weekend</a></div>
<div class="comments"><h4>Comments</h4><p>Be the first to comment on this story.</p></div></div>
<div class="footer">Metro Wire Ltd, registered in England. Terms | Privacy | Contact us</div></body></html>"""

COURIER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="canonical" href="{canonical}"><meta property="og:url" content="{canonical}"></head><body>
<section class="masthead"><h2>The Courier</h2><p>Independent news since 1887</p></section>
<section class="content"><h1>{title}</h1><p class="meta">Published by The Courier news desk</p>
{paragraphs}
<div class="tags">Tags: News, World, Politics</div></section>
<section class="more"><h3>More from The Courier</h3><p><a href="/x">Ten things to do this weekend</a></p>
<p><a href="/y">Opinion: why the high street still matters</a></p></section>
<p class="legal">Copyright The Courier. Reproduction without permission prohibited.</p></body></html>"""

TEMPLATES = {"ledger": LEDGER, "metro": METRO, "courier": COURIER}
ADDED = ("This article was updated with additional reporting from our correspondents and includes "
         "further reaction from officials who spoke on condition of anonymity because they were not "
         "authorised to discuss the matter publicly.")


def paragraphs_of(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n") if p.strip()]


def render(template: str, title: str, canonical: str, paragraphs: list[str]) -> str:
    return TEMPLATES[template].format(title=html.escape(title), canonical=html.escape(canonical),
                                      paragraphs="\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs))


def headline(entry: dict, body: str) -> str:
    title = (entry.get("title") or "").strip()
    if not title:
        slug = re.sub(r"[-_]+", " ", entry.get("url", "").rstrip("/").rsplit("/", 1)[-1].split(".")[0])
        title = slug if len(slug.split()) >= 3 else " ".join(body.split()[:10])
    return title[:150]


def cut(paragraphs: list[str]) -> list[str]:
    """One paragraph out (the second to last: the first carries the story), or for a short
    article its last sentence."""
    if len(paragraphs) > 3:
        return paragraphs[:-2] + paragraphs[-1:]
    last = paragraphs[-1]
    sentences = re.split(r"(?<=[.!?])\s+", last)
    return paragraphs[:-1] + ([" ".join(sentences[:-1])] if len(sentences) > 1 else []) if len(paragraphs) > 1 or len(sentences) > 1 else paragraphs


def write(folder: Path, name: str, page: str, url: str) -> None:
    (folder / f"{name}.html").write_text(page, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps({"url": url}), encoding="utf-8")


def build(folder: Path) -> dict[str, str]:
    """Write the labelled pages; return url -> group (the body they were made from)."""
    groups: dict[str, str] = {}
    n = 0
    for dataset in ("aeb-dev", "wcxb-dev"):
        truth = json.loads((BENCHMARKS / dataset / "ground-truth.json").read_text(encoding="utf-8"))
        for page_id, entry in sorted(truth.items()):
            body = entry.get("articleBody") or ""
            paragraphs = paragraphs_of(body)
            if len(body.split()) < MIN_WORDS:
                continue
            group, title = f"{dataset}/{page_id}", headline(entry, body)
            original = f"https://www.ledger{n % 40}.example/news/{n}-story"
            write(folder, f"{n:04d}-ledger", render("ledger", title, original, paragraphs), original)
            groups[original] = group
            if n % 3:
                url = f"https://metro{n % 17}.example/world/{n}"
                write(folder, f"{n:04d}-metro", render("metro", "Wire: " + title.lower(), url, cut(paragraphs)), url)
                groups[url] = group
            if n % 3 == 2:
                url = f"https://www.courier{n % 13}.example/{n}/article"
                canonical = original if n % 2 else url
                copy = paragraphs[:1] + [ADDED] + paragraphs[1:]
                write(folder, f"{n:04d}-courier", render("courier", title + " (updated)", canonical, copy), url)
                groups[url] = group
            n += 1
    for seed in sorted((PROJECT / "seeds").glob("*/*.txt")):
        meta = json.loads(seed.with_suffix(".meta.json").read_text(encoding="utf-8"))
        shutil.copy(seed, folder / seed.name)
        (folder / seed.with_suffix(".meta.json").name).write_text(json.dumps(meta), encoding="utf-8")
        groups[meta["url"]] = f"seed/{seed.stem}"
        if "expressandstar" in meta["url"]:  # the AP wire story, syndicated once more
            record = json.loads(seed.with_name(seed.stem + ".expected.json").read_text(encoding="utf-8"))
            url = "https://metro-syndicate.example/world/azerbaijani-soldiers-killed"
            write(folder, "seed-copy-metro", render("metro", "Azerbaijan says 192 soldiers died in Karabakh offensive",
                                                    url, cut(paragraphs_of(record["text"]))), url)
            groups[url] = f"seed/{seed.stem}"
    return groups


def crawl(folder: Path, out: Path, state: Path, settings: list[str]) -> tuple[list[dict], dict]:
    started = time.perf_counter()
    extra = [arg for s in settings for arg in ("-s", s)]
    subprocess.run([sys.executable, "-m", "scrapy", "crawl", "seeds", "-a", f"dir={folder}", "-O", str(out),
                    "-s", f"NEWSCLEAN_STATE_PATH={state}", "-s", "LOG_LEVEL=WARNING", *extra],
                   cwd=PROJECT, check=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    summary = json.loads(out.with_name(out.stem + ".summary.json").read_text(encoding="utf-8").splitlines()[-1])
    print(f"crawl: {len(records)} records in {time.perf_counter() - started:.1f} s")
    return records, summary


def pairs(labels: dict[str, str]) -> set[tuple[str, str]]:
    by_label = defaultdict(list)
    for url, label in labels.items():
        by_label[label].append(url)
    return {tuple(sorted(p)) for urls in by_label.values() for p in itertools.combinations(urls, 2)}


def replay(records: list[dict], threshold: float) -> set[tuple[str, str]]:
    """Predicted pairs when the records, in output order, go through the index at ``threshold``."""
    from pipeline.stories.index import StoryIndex, StoryRow, signature

    index, story = StoryIndex(threshold), {}
    for record in records:
        minhash = signature(record["text"])
        match = index.match(record["url"], record["canonical_url"], record["content_hash"], minhash)
        if match.evidence != "seen":
            index.add(StoryRow(record["url"], record["canonical_url"], record["content_hash"], match.story_id,
                               match.duplicate_of or record["url"], minhash))
        story[record["url"]] = match.story_id
    return pairs(story)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting (repeatable)")
    parser.add_argument("--keep", type=Path, help="build and crawl in this folder and keep it")
    parser.add_argument("--sweep", help="comma-separated thresholds to replay the records at")
    args = parser.parse_args()
    if not BENCHMARKS.is_dir():
        sys.exit(f"{BENCHMARKS} not found")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="newsclean-dups-"))
    pages = tmp / "pages"
    shutil.rmtree(pages, ignore_errors=True)
    pages.mkdir(parents=True)
    (tmp / "state.sqlite").unlink(missing_ok=True)
    groups = build(pages)
    print(f"labelled set: {len(groups)} pages, {len(set(groups.values()))} stories, {len(pairs(groups))} true pairs")
    try:
        records, summary1 = crawl(pages, tmp / "run1.jsonl", tmp / "state.sqlite", args.set)
        written = {r["url"]: r for r in records}
        missing = sorted(set(groups) - set(written))
        print(f"pages without a record (rejected): {len(missing)}")
        truth = pairs({u: g for u, g in groups.items() if u in written})
        predicted = pairs({u: r["story_id"] for u, r in written.items()})
        hits = len(truth & predicted)
        precision = hits / len(predicted) if predicted else 1.0
        recall = hits / len(truth) if truth else 1.0
        print(f"pair precision {precision:.4f} ({hits}/{len(predicted)}), pair recall {recall:.4f} ({hits}/{len(truth)})")
        for a, b in sorted(predicted - truth)[:10]:
            print(f"  false pair: {a} ({groups[a]}) ~ {b} ({groups[b]})")
        for a, b in sorted(truth - predicted)[:10]:
            print(f"  missed pair: {a} ~ {b}")
        seeds = [r for r in records if groups.get(r["url"], "").startswith("seed/")]
        for r in seeds:
            print(f"  seed record {r['url']}: story {r['story_id']}, duplicate_of {r['duplicate_of']}")
        print(f"stories of the first run: {summary1['stories']}")
        for threshold in (float(t) for t in args.sweep.split(",")) if args.sweep else ():
            replayed = replay(records, threshold)
            hits = len(truth & replayed)
            print(f"  replayed at threshold {threshold}: pair precision {hits / len(replayed):.4f}, "
                  f"recall {hits / len(truth):.4f}")
        rerun, summary = crawl(pages, tmp / "run2.jsonl", tmp / "state.sqlite", args.set)
        changed = [r["url"] for r in rerun
                   if (written[r["url"]]["story_id"], written[r["url"]]["duplicate_of"]) != (r["story_id"], r["duplicate_of"])]
        stories = summary["stories"]
        print(f"re-run: {len(rerun)} records, {len(changed)} changed story_id/duplicate_of; stories: {stories}; "
              f"all already seen: {stories.get('seen') == len(rerun) and not stories.get('new')}")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
