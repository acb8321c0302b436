"""favor_precision's slivers (with ``NEWSCLEAN_FAVOR_PRECISION=True``; off by default): when
trafilatura's precise text is a small part of the pre-cleaned page, the wider text (without
favor_precision) is taken. Checked on wcxb-dev pages where the
precise text alone kept under a fifth of the article, and on one where it is 32% of the page
(caught with RECALL_CHECK_SHARE 0.4, the cross-validation's pick, not with the default 0.2) (skipped without
../shared)."""

from __future__ import annotations

import pytest

from pipeline.extract import article
from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.items import KnownMetadata, Page
from pipeline.utils.benchmark import load_benchmark, word_score
from tests.conftest import BENCHMARKS_DIR, needs_shared

PAGES = ("0030", "0496", "4584")
PRECISE = ExtractOptions(favor_precision=True)


def recall(page_id: str) -> float:
    bench = load_benchmark(needs_shared(BENCHMARKS_DIR / "wcxb-dev"))
    path = bench.root / "html" / f"{page_id}.html.gz"
    record = extract_article(Page(source_url=path.as_uri(), body=path.read_bytes(),
                                  known=KnownMetadata(url=bench.urls[page_id])), PRECISE)
    return word_score(bench.truth[page_id], record.text).recall


@pytest.mark.parametrize("page_id", PAGES)
def test_the_wider_text_replaces_a_sliver(page_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert recall(page_id) > 0.8
    monkeypatch.setattr(article, "RECALL_CHECK_SHARE", 0.0)  # the fallback off: the sliver alone
    assert recall(page_id) < 0.2


def test_a_third_of_the_page_is_checked_only_at_the_costlier_share(monkeypatch: pytest.MonkeyPatch) -> None:
    assert recall("4255") < 0.4  # the precise text is 32% of the page: over the default 0.2
    monkeypatch.setattr(article, "RECALL_CHECK_SHARE", 0.4)
    assert recall("4255") > 0.95


def test_a_page_repeated_by_the_wider_text_keeps_the_precise_one() -> None:
    bench = load_benchmark(needs_shared(BENCHMARKS_DIR / "aeb-dev"))
    page_id = next(i for i in bench.truth if i.startswith("fde930b0"))  # the wider text gives it three times
    path = bench.root / "html" / f"{page_id}.html.gz"
    text = extract_article(Page(source_url=path.as_uri(), body=path.read_bytes(),
                                known=KnownMetadata(url=bench.urls[page_id])), PRECISE).text
    assert len(text.split("\n")) == len(set(text.split("\n")))
    assert word_score(bench.truth[page_id], text).f1 > 0.9
