"""Without favor_precision, a text under ``recall_retry_share`` of the pre-cleaned page's text
outside its furniture is extracted again with favor_recall, and the wider text is taken when it
is more than ``RECALL_RETRY_RATIO`` times as long. The decision is checked with a stand-in trafilatura (which
run was made, which text was taken); the effect on wcxb-dev pages where trafilatura stops after
the article's first blocks (skipped without ../shared)."""

from __future__ import annotations

import dataclasses

import pytest
from selectolax.lexbor import LexborHTMLParser
from trafilatura.settings import Extractor

from pipeline.extract import article
from pipeline.extract.article import ExtractOptions, extract_article, extract_body
from pipeline.items import KnownMetadata, Page
from pipeline.pipelines.extraction import options_from_settings
from pipeline.utils.benchmark import load_benchmark, word_score
from tests.conftest import BENCHMARKS_DIR, needs_shared

PAGE = LexborHTMLParser("<html><body><p>" + "word " * 200 + "</p></body></html>")  # 1,000 characters of text


class StandIn:
    """trafilatura.extract answering by its focus, recording each call's options."""

    def __init__(self, balanced: str, recall: str) -> None:
        self.texts = {"balanced": balanced, "recall": recall}
        self.calls: list[dict] = []

    def extract(self, html: str, options: Extractor | None = None, **keywords: object) -> str:
        if options is not None:  # extract_body hands over trafilatura's options (article.extractor)
            keywords = {"favor_recall": options.focus == "recall", "favor_precision": options.focus == "precision",
                        "fast": options.fast, "url": options.url}
        self.calls.append(keywords)
        return self.texts["recall" if keywords.get("favor_recall") else "balanced"]


def run(monkeypatch: pytest.MonkeyPatch, balanced: str, recall: str, share: float = 0.9) -> tuple[str, StandIn]:
    stand_in = StandIn(balanced, recall)
    monkeypatch.setattr(article, "trafilatura", stand_in)
    return extract_body(PAGE, "https://example.com/a", ExtractOptions(recall_retry_share=share)), stand_in


def test_a_short_text_is_replaced_by_a_wider_one(monkeypatch: pytest.MonkeyPatch) -> None:
    text, stand_in = run(monkeypatch, "a" * 400, "b" * 450)  # 40% of the page; 1.125 times as long
    assert text == "b" * 450
    assert [bool(c.get("favor_recall")) for c in stand_in.calls] == [False, True]
    assert stand_in.calls[1]["fast"] is True


def test_a_wider_text_not_long_enough_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = run(monkeypatch, "a" * 400, "b" * 430)  # 1.075 times: not more than RECALL_RETRY_RATIO
    assert text == "a" * 400


def test_repeated_paragraphs_do_not_count_towards_the_wider_length(monkeypatch: pytest.MonkeyPatch) -> None:
    text, _ = run(monkeypatch, "a" * 400, "\n".join(["b" * 300] * 3))  # 900 characters, 300 distinct
    assert text == "a" * 400


def test_a_text_over_the_share_is_not_extracted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    text, stand_in = run(monkeypatch, "a" * 950, "b" * 2000)
    assert text == "a" * 950 and len(stand_in.calls) == 1


def test_share_zero_never_extracts_again(monkeypatch: pytest.MonkeyPatch) -> None:
    text, stand_in = run(monkeypatch, "a" * 10, "b" * 900, share=0.0)
    assert text == "a" * 10 and len(stand_in.calls) == 1


FURNISHED = LexborHTMLParser(
    "<html><body><header>" + "menu " * 60 + "<nav>" + "link " * 20 + "</nav></header>"
    "<article><p>" + "word " * 80 + "</p><aside><footer>" + "more " * 10 + "</footer></aside></article>"
    "<footer>" + "foot " * 40 + "</footer></body></html>")


def test_the_page_is_measured_without_its_furniture() -> None:
    before = FURNISHED.html
    assert article.page_text_length(FURNISHED) == 300 + 100 + 400 + 50 + 200 - 5  # five fragments, each stripped
    # nested furniture (nav in header, footer in aside) is subtracted once, with its outermost element
    assert article.article_text_length(FURNISHED) == len(("word " * 80).strip())
    assert FURNISHED.html == before  # measured, not decomposed: trafilatura reads this tree next


def test_furniture_text_does_not_send_a_page_to_a_second_run(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = StandIn("w" * 380, "b" * 900)  # 95% of the article's 399 characters, 36% of the page's
    monkeypatch.setattr(article, "trafilatura", stand_in)
    assert extract_body(FURNISHED, "https://example.com/a", ExtractOptions()) == "w" * 380
    assert len(stand_in.calls) == 1


def test_the_setting_reaches_the_options() -> None:
    from scrapy.settings import Settings

    from pipeline import settings as project_settings

    settings = Settings()
    settings.setmodule(project_settings)
    assert options_from_settings(settings).recall_retry_share == 0.83 == ExtractOptions().recall_retry_share
    settings.set("NEWSCLEAN_RECALL_RETRY_SHARE", "0", priority="cmdline")
    assert options_from_settings(settings).recall_retry_share == 0.0


@pytest.mark.parametrize("page_id", ["0118", "0133", "4859"])
def test_pages_cut_short_get_their_article_back(page_id: str) -> None:
    bench = load_benchmark(needs_shared(BENCHMARKS_DIR / "wcxb-dev"))
    path = bench.root / "html" / f"{page_id}.html.gz"
    page = Page(source_url=path.as_uri(), body=path.read_bytes(), known=KnownMetadata(url=bench.urls[page_id]))
    with_retry = word_score(bench.truth[page_id], extract_article(page, ExtractOptions()).text).recall
    without = word_score(bench.truth[page_id],
                         extract_article(page, dataclasses.replace(ExtractOptions(), recall_retry_share=0.0)).text).recall
    assert without < 0.55 and with_retry > 0.85


SENTENCE = "The council voted on Tuesday to keep the old bridge open for another year. "
TEASERS = LexborHTMLParser(
    "<html><body><article><p>" + SENTENCE * 4 + "</p></article>"
    "<ul><li><a href='/1'>" + SENTENCE + "</a></li>"  # a teaser title: prose inside a link
    "<li><a href='/2'>A related story with a long title</a> " + SENTENCE + "</li></ul>"  # beside one, in its block
    "</body></html>")


def test_free_prose_leaves_out_what_the_text_has_and_teasers() -> None:
    # the article's paragraph is in the text; the teasers' prose sits in a link or in a block with one
    assert article.free_prose_length(TEASERS, SENTENCE * 4) == 0
    # without the paragraph in the text, only the paragraph counts (one run of text, stripped)
    assert article.free_prose_length(TEASERS, "") == len((SENTENCE * 4).strip())


def test_free_prose_leaves_out_lines_the_rules_remove() -> None:
    # a sign-up box's pitch is a sentence the text lacks, but the post-clean would remove it: a
    # second run for it brought the whole box back, and the page's other furniture with it
    pitch = "Get the day's top headlines from the region delivered to your inbox every morning."
    box = f"<div class='x'><div>{pitch}</div><a href='#'>Sign up</a></div>"
    page = LexborHTMLParser(f"<html><body><p>{SENTENCE}</p>{box}</body></html>")
    assert article.free_prose_length(page, SENTENCE) == 0
    assert article.free_prose_length(page, "") == len(SENTENCE.strip())


def test_free_prose_counts_runs_of_text_until_enough() -> None:
    page = LexborHTMLParser("<html><body>" + f"<p>{SENTENCE}</p>" * 5 + "<p>Too short to count as prose.</p></body></html>")
    run_length = len(SENTENCE.strip())
    assert article.free_prose_length(page, "") == 5 * run_length
    assert article.free_prose_length(page, "", enough=2 * run_length) == 2 * run_length
    # a run of text is looked up in the text by its first characters, whitespace folded
    assert article.free_prose_length(page, "  ".join(SENTENCE.split())) == 0


def test_no_second_run_when_the_page_has_no_prose_the_text_lacks(monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in = StandIn(SENTENCE * 4, "b" * 3000)  # the article's text, under half of the page's text
    monkeypatch.setattr(article, "trafilatura", stand_in)
    assert extract_body(TEASERS, "https://example.com/a", ExtractOptions()) == SENTENCE * 4
    assert len(stand_in.calls) == 1
    # the same page with the prose gate off runs again and takes the wider text
    monkeypatch.setattr(article, "RECALL_RETRY_MIN_FREE_PROSE", 0.0)
    assert extract_body(TEASERS, "https://example.com/a", ExtractOptions()) == "b" * 3000
