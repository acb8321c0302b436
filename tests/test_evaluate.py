"""`scrapy evaluate`: the AEB metric, both benchmark layouts through the real crawl, and the
noise-fixture leak report (zero leaks per noise class on the HTML fixtures)."""

from __future__ import annotations

import gzip
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from pipeline.commands.evaluate import justext_of_lines, sample_ids
from pipeline.utils.benchmark import (
    Benchmark,
    aggregate,
    benchmark_figures,
    load_benchmark,
    load_fixtures,
    score_page,
    score_predictions,
    snippet_share,
    word_score,
)
from tests.conftest import BENCHMARKS_DIR, PROJECT_DIR, needs_shared

HTML_FIXTURES = PROJECT_DIR / "tests" / "fixtures" / "noise" / "html"
FIXTURES = load_fixtures(HTML_FIXTURES)
NOISE_CLASSES = sorted({c for fx in FIXTURES for c in fx.noise})
REQUIRED_CLASSES = {"newsletter", "news_feed", "caption", "teaser", "audio_notice", "share", "comments",
                    "skip_link", "cookie", "paywall", "read_more", "tags"}
SEED = PROJECT_DIR / "seeds" / "kyivindependent.com" / "001_eda1507bfc85257a"


def evaluate(*args: str) -> tuple[subprocess.CompletedProcess, dict]:
    out = Path(args[-1])
    done = subprocess.run([sys.executable, "-m", "scrapy", "evaluate", *args[:-1], "--json", str(out)],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done, orjson.loads(out.read_bytes())


# --- the metric ------------------------------------------------------------------------------
def test_page_score_counts_shingles_as_a_multiset() -> None:
    page = score_page("p", "a b c d e", "a b c d e x")  # true: 2 shingles, predicted: 3, 2 hits
    assert (page.hits, page.n_true, page.n_pred) == (2, 2, 3)
    assert page.precision == pytest.approx(2 / 3) and page.recall == 1.0


def test_short_texts_give_one_short_shingle() -> None:
    assert (score_page("p", "one two", "one two").hits, score_page("p", "one two", "two one").hits) == (1, 0)


def test_empty_prediction_lowers_recall_only() -> None:
    figures, _ = score_predictions({"a": "w x y z q", "b": "w x y z q"}, {"a": "w x y z q", "b": ""})
    assert (figures["precision"], figures["recall"], figures["empty_predictions"]) == (1.0, 0.5, 1)
    assert figures["f1"] == pytest.approx(2 * 0.5 / 1.5)


def test_f1_is_of_the_means_not_the_mean_of_f1s() -> None:
    pages = [score_page("a", "a b c d e f g", "a b c d"), score_page("b", "a b c d", "a b c d e f g")]
    assert aggregate(pages)["f1"] == pytest.approx(2 * 0.625 * 0.625 / 1.25)


def test_metric_agrees_with_reference_scorer() -> None:
    scorer_path = needs_shared(BENCHMARKS_DIR / "aeb_score.py")
    spec = importlib.util.spec_from_file_location("aeb_score", scorer_path)
    aeb = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(aeb)
    truth = aeb.load_truth(needs_shared(BENCHMARKS_DIR / "aeb-dev" / "ground-truth.json"))
    ids = sorted(truth)[:12]
    truth = {i: truth[i] for i in ids}
    pred = {}
    for n, i in enumerate(ids):  # truncated, padded, reordered, empty and exact predictions
        words = truth[i].split()
        pred[i] = [" ".join(words[: len(words) // 2]), truth[i] + " Sign up for our newsletter today",
                   "\n".join(reversed(truth[i].split("\n"))), "", truth[i], "Menu Home World " + truth[i][:300]][n % 6]
    reference, _ = aeb.evaluate(truth, pred, n_bootstrap=0)
    ours, _ = score_predictions(truth, pred)
    for key in ("precision", "recall", "f1"):
        assert round(ours[key], 4) == round(reference[key], 4), key


def test_word_score_is_a_bag_of_lowercased_words() -> None:
    score = word_score("The cat saw the dog.", "the THE cat, bird")  # overlap: the x2, cat
    assert (score.precision, score.recall) == (3 / 4, 3 / 5)
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_word_score_of_empty_texts() -> None:
    assert word_score("some words", "") == word_score("some words", None) == (0.0, 0.0, 0.0)
    assert word_score("", "") == (1.0, 1.0, 1.0) and word_score("", "noise") == (0.0, 0.0, 0.0)


def test_snippets_are_found_case_and_spacing_blind() -> None:
    assert snippet_share("A  quick\nBrown fox", ["quick brown", "brown fox", "lazy dog"]) == pytest.approx(2 / 3)
    assert snippet_share("anything", []) is None


def test_benchmark_figures_are_means_over_pages(tmp_path: Path) -> None:
    (tmp_path / "ground-truth.json").write_bytes(orjson.dumps({
        "a": {"articleBody": "one two three four", "url": "https://a.example/1", "with": ["two three"],
              "without": ["Menu"]},
        "b": {"articleBody": "five six", "url": "https://b.example/2", "with": ["five", "seven"]}}))
    bench = load_benchmark(tmp_path)
    assert isinstance(bench, Benchmark) and bench.without_snippets == {"a": ["Menu"]}
    figures, _ = benchmark_figures(bench, {"a": "Menu one two three four", "b": ""})
    assert figures["word_f1"] == pytest.approx((2 * 0.8 * 1.0 / 1.8 + 0.0) / 2)
    assert (figures["word_recall"], figures["with_found"], figures["without_leaked"]) == (0.5, 0.5, 1.0)
    assert figures["empty_predictions"] == 1


def test_fixed_sample_is_the_same_whatever_the_order() -> None:
    ids = [f"{n:04d}" for n in range(50)]
    assert sample_ids(ids, 7) == sample_ids(list(reversed(ids)), 7) and len(sample_ids(ids, 7)) == 7


def test_justext_reference_keeps_prose_lines_only() -> None:
    prose = ("The council voted on Tuesday to extend the program for another year, after residents said "
             "that the service had made a real difference to their lives and to the lives of their children, "
             "and that they would like it to be there for them when they need it again.")
    assert justext_of_lines(f"Home\nNews\n{prose}\nShare") == prose


# --- both benchmark layouts, through the real crawl -------------------------------------------
def test_evaluate_html_layout_without_sidecars(tmp_path: Path) -> None:
    (tmp_path / "html").mkdir()
    truth = {}
    for fx in FIXTURES:
        page_id = fx.path.stem
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(fx.path.read_bytes()))
        url = orjson.loads(fx.path.with_name(f"{page_id}.meta.json").read_bytes())["url"]
        truth[page_id] = {"articleBody": "\n".join(fx.article), "url": url}
    (tmp_path / "ground-truth.json").write_bytes(orjson.dumps(truth))
    done, figures = evaluate(str(tmp_path), "--worst", "2", str(tmp_path / "figures.json"))
    assert (figures["pages"], figures["layout"], figures["empty_predictions"]) == (len(FIXTURES), "html", 0)
    assert (figures["precision"], figures["recall"], figures["f1"]) == (1.0, 1.0, 1.0)
    assert len(figures["worst"]) == 2 and figures["bare_pages_per_second"] > 0
    assert figures["word_f1"] == 1.0 and set(figures["references"]) == {"bare", "bare_favor_precision"}
    assert 0 < figures["references"]["bare"]["word_f1"] <= 1 and "bare trafilatura" in done.stdout
    assert re.search(r"pipeline \(scrapy crawl seeds\)\s+1\.0000\s+1\.0000\s+1\.0000\s+1\.0000", done.stdout)
    assert list(tmp_path.glob("html/*.meta.json")) == []  # sidecars live in a temp dir only


def test_evaluate_text_layout(tmp_path: Path) -> None:
    expected = orjson.loads(SEED.with_suffix(".expected.json").read_bytes())
    (tmp_path / "p1.txt").write_bytes(SEED.with_suffix(".txt").read_bytes())
    (tmp_path / "p1.meta.json").write_bytes(SEED.with_suffix(".meta.json").read_bytes())
    (tmp_path / "ground-truth.json").write_bytes(orjson.dumps({"p1": {"articleBody": expected["text"],
                                                                      "url": expected["url"]}}))
    _, figures = evaluate(str(tmp_path), str(tmp_path / "figures.json"))
    assert (figures["layout"], figures["pages"], figures["f1"], figures["word_f1"]) == ("text", 1, 1.0, 1.0)
    assert "bare_pages_per_second" not in figures and set(figures["references"]) == {"raw_capture", "justext"}
    assert figures["references"]["raw_capture"]["precision"] < 0.8 < figures["references"]["raw_capture"]["recall"]


# --- noise fixtures ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def leak_figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("leaks") / "leaks.json"
    return evaluate("--fixtures", str(HTML_FIXTURES), str(out))[1]


def test_every_required_noise_class_has_html_fixtures() -> None:
    assert REQUIRED_CLASSES <= set(NOISE_CLASSES)


@pytest.mark.parametrize("noise_class", NOISE_CLASSES)
def test_no_leaks(noise_class: str, leak_figures: dict) -> None:
    assert leak_figures["leaks"].get(noise_class) == [], (
        f"{noise_class} leaked; see `.venv/bin/scrapy evaluate --fixtures {HTML_FIXTURES.relative_to(PROJECT_DIR)}`")


def test_no_article_paragraph_lost(leak_figures: dict) -> None:
    assert leak_figures["fixtures"] == len(FIXTURES)
    assert leak_figures["lost"] == []
