"""A text that starts over: a template's second copy of the article is cut where it begins
(rule ``restarted_copy``, class ``duplicate``); lists whose lines repeat are kept whole. The dev
pages are the three of aeb-dev + wcxb-dev whose extraction without favor_precision repeats the
article (skipped without ../shared)."""

from __future__ import annotations

import pytest

from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.extract.paragraphs import clean_paragraphs, restart_index
from pipeline.items import KnownMetadata, Page
from pipeline.utils.benchmark import load_benchmark, word_score
from tests.conftest import BENCHMARKS_DIR, needs_shared

PROSE = [f"Paragraph {n} of the article says something different in each of its fourteen words here."
         for n in range(4)]


def test_a_second_copy_is_cut_where_it_starts() -> None:
    texts = [*PROSE, "Business Insider Deutschland", *PROSE, "international", *PROSE]
    assert restart_index(texts) == 5
    kept, removed, lines = clean_paragraphs(texts)
    assert kept == [*PROSE, "Business Insider Deutschland"]
    assert removed == {"duplicate": 9}
    assert {rule for rule, noise_class, _ in lines if noise_class == "duplicate"} == {"restarted_copy"}


def test_a_copy_of_the_body_after_a_lede_is_cut() -> None:
    texts = ["A lede that the page prints once, above its two copies of the body, in full words.", *PROSE, *PROSE]
    assert restart_index(texts) == 5


def test_two_repeated_paragraphs_are_not_a_copy() -> None:
    texts = [*PROSE, PROSE[0], PROSE[1], "The end of the article comes in a paragraph of its own here too."]
    assert restart_index(texts) is None


def test_a_list_whose_items_repeat_is_kept() -> None:
    item = "1 scoop of the shake, 1 cup of strawberries, 8 oz. of almond milk and 1 tsp. of nut butter"
    days = []
    for day in range(6):
        days += [f"Day {day + 1}", f"Breakfast on day {day + 1} is a bowl of oats with fruit, seeds and a little honey on top.",
                 item, "Eat every 2-3 hours", f"Dinner on day {day + 1} is fish with rice and a salad of leaves, beans and herbs."]
    assert restart_index(days) is None
    assert clean_paragraphs(days)[1]["duplicate"] == 0


def test_a_copy_made_of_short_lines_only_is_not_looked_for() -> None:
    short = ["Menu", "Home", "News", "Sport"]
    assert restart_index(short + short) is None


@pytest.mark.parametrize("set_name, prefix", [("aeb-dev", "fde930b0"), ("wcxb-dev", "0151"), ("wcxb-dev", "0355")])
def test_dev_pages_printed_twice_or_three_times_keep_one_copy(set_name: str, prefix: str) -> None:
    bench = load_benchmark(needs_shared(BENCHMARKS_DIR / set_name))
    page_id = next(i for i in sorted(bench.truth) if i.startswith(prefix))
    path = bench.root / "html" / f"{page_id}.html.gz"
    record = extract_article(Page(source_url=path.as_uri(), body=path.read_bytes(),
                                  known=KnownMetadata(url=bench.urls[page_id])), ExtractOptions(favor_precision=False))
    prose = [p for p in record.text.split("\n") if len(p.split()) >= 12]
    assert len(prose) == len(set(prose))
    assert record.removed["duplicate"] > 0
    assert word_score(bench.truth[page_id], record.text).recall >= 0.99
