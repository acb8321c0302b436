"""The readability gate (pipeline/extract/readability_gate.py): trafilatura's output unchanged,
readability skipped only when it cannot win. The gate mirrors private trafilatura code: the
source pins below fail on any trafilatura upgrade, and whoever upgrades re-reads that code,
re-runs the comparison on the dev pages, then updates the pins."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import inspect
import itertools
from copy import copy

import pytest
import trafilatura
from lxml.etree import Element, SubElement
from lxml.html import fragment_fromstring
from trafilatura import core, external, readability_lxml, utils
from trafilatura.settings import Extractor

from pipeline.extract import article, readability_gate
from pipeline.extract.readability_gate import (
    cleaned_copy_on_demand,
    justext_rescue_on_demand,
    prepare_tree_copy_on_demand,
    readability_can_win,
    readability_text_bound,
    readability_when_it_can_win,
)
from pipeline.items import ExtractOptions, KnownMetadata, Page
from pipeline.utils.benchmark import load_benchmark
from tests.conftest import BENCHMARKS_DIR, needs_shared

# sha256 (first 16 hex digits) of the source the gate relies on, in trafilatura 2.3.1.
PINNED_SOURCES = {
    "core._extract_and_compare": "f7d056c2118222e8",  # mirrored by extract_and_compare_gated, and replaced
    "core.trafilatura_sequence": "f03dc4d2946dacbd",  # calls core._extract_and_compare by name
    "core._recall_retry": "59594c39714f57be",  # calls core._extract_and_compare by name
    "external.compare_extraction": "2d3d1ffea3ba469f",  # readability, then jusText on cleaned_tree
    "external._prefer_readability": "f6ee688e9ae60074",  # mirrored by readability_can_win
    "external.try_readability": "538e3c8e5ab7e4d4",  # an empty tree gives an empty text
    "readability_lxml": "d308e782a00344fd",  # its text is cut from its input (plus VIDEO marks)
    # html2txt_bound: the page measure only deletes elements and spaces block boundaries
    "baseline.html2txt": "a8c97eab2097c57d",
    "baseline._spaced_text": "d04314f988c6afae",
    "baseline.basic_cleaning": "80877b2ccdefda2d",
    "baseline._BLOCK_ELEMS": "1aab4d864a25562a",
    "utils.remove_control_characters": "26cbe32b70e70e35",
    "utils.return_printables_and_spaces": "288779372242f2ae",
    # cleaned_copy_on_demand: the cleaned tree's copy is read only by jusText and comments
    "core._prepare_tree": "9595f0642825c2c7",  # mirrored by prepare_tree_copy_on_demand
    "external.justext_rescue": "43d803082a76d38a",  # the only reader of the copy in compare_extraction
}


def source_digest(name: str) -> str:
    modules = {"core": core, "external": external, "readability_lxml": readability_lxml,
               "baseline": readability_gate.baseline, "utils": utils}
    obj = modules[name.split(".")[0]]
    for attr in name.split(".")[1:]:
        obj = getattr(obj, attr)
    source = repr(sorted(obj)) if isinstance(obj, (set, frozenset)) else inspect.getsource(obj)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def test_trafilatura_is_the_version_the_gate_was_checked_against() -> None:
    assert trafilatura.__version__ == "2.3.1"
    assert {name: source_digest(name) for name in PINNED_SOURCES} == PINNED_SOURCES


def test_the_gate_replaces_extract_and_compare_only_inside_its_block() -> None:
    original = core._extract_and_compare
    assert original.__module__ == "trafilatura.core"
    with readability_when_it_can_win():
        assert core._extract_and_compare is readability_gate.extract_and_compare_gated
    assert core._extract_and_compare is original
    with contextlib.suppress(RuntimeError), readability_when_it_can_win():
        raise RuntimeError
    assert core._extract_and_compare is original


def test_the_page_measure_is_replaced_only_inside_the_block() -> None:
    original = core.html2txt
    assert original is readability_gate.baseline.html2txt
    with readability_when_it_can_win():
        assert core.html2txt is readability_gate.page_measure_when_needed
    assert core.html2txt is original and readability_gate._measured is None


# Trees where html2txt's spacing and cleaning matter: minified blocks, inline runs, control
# characters (some of them whitespace to str.split), furniture baseline deletes, comments.
MEASURE_TREES = (
    "<html><body><div>one</div><div>two</div><p>three<b>four</b></p>five</body></html>",
    "<html><head><title>T</title></head><body><ul><li>a</li><li>b</li></ul>tail<div>x\x0by\x1cz</div></body></html>",
    "<html><body><footer>menu menu</footer><article><p>a<br>b</p><!-- note --><p>c</p></article></body></html>",
    "<html><body><div><div><div>deep</div>er</div>est</div><aside>side</aside><nav>n</nav>x</body></html>",
    "<div>no body <p>at all</p></div>",
)


@pytest.mark.parametrize("markup", MEASURE_TREES)
def test_the_page_measure_bound_holds_on_crafted_trees(markup: str) -> None:
    tree = fragment_fromstring(markup) if markup.startswith("<div>") else trafilatura.utils.load_html(markup)
    measured = readability_gate.Measured(tree, readability_gate.collapsed_text_length(tree), 0, 0)
    with scanned():
        assert len(readability_gate.baseline.html2txt(tree)) <= readability_gate.html2txt_bound(measured)


def scanned():
    from pipeline.extract.xpath_scans import scanned_xpaths

    return scanned_xpaths()


def test_the_page_measure_bound_holds_on_dev_pages() -> None:
    """Raw and pre-cleaned aeb-dev pages, as trafilatura parses them, with trafilatura's own
    expressions and with the scans extract_body puts in their place."""
    from selectolax.lexbor import LexborHTMLParser

    from pipeline.extract.html.preclean import preclean

    bench = benchmark("aeb-dev")
    checked = 0
    for page_id in sorted(bench.truth):
        html = (bench.root / "html" / f"{page_id}.html.gz").read_bytes()
        raw = gzip.decompress(html).decode("utf-8", errors="replace")
        cleaned = LexborHTMLParser(raw)
        preclean(cleaned)
        for markup in (raw, cleaned.html):
            for context in (contextlib.nullcontext, scanned):
                tree = trafilatura.utils.load_html(markup)
                measured = readability_gate.Measured(tree, readability_gate.collapsed_text_length(tree), 0, 0)
                with context():
                    assert len(readability_gate.baseline.html2txt(tree)) <= readability_gate.html2txt_bound(measured)
                checked += 1
    assert checked == 4 * len(bench.truth)


@pytest.mark.parametrize("markup", MEASURE_TREES[:4])
def test_the_page_measure_is_skipped_only_when_the_escalation_test_fails(markup: str) -> None:
    tree = trafilatura.utils.load_html(markup)
    real = len(readability_gate.baseline.html2txt(tree))
    text_length = readability_gate.collapsed_text_length(tree)
    bound = readability_gate.html2txt_bound(readability_gate.Measured(tree, text_length, 0, 0))
    skipped = 0
    for extracted in range(2 * bound + 2):
        for min_size in (0, 5, bound):
            readability_gate._measured = readability_gate.Measured(tree, text_length, extracted, min_size)
            try:
                answer = readability_gate.page_measure_when_needed(tree)
                other = readability_gate.page_measure_when_needed(trafilatura.utils.load_html(markup))
            finally:
                readability_gate._measured = None
            escalates = extracted < core.ESCALATION_PAGE_SHARE * real
            assert (extracted < core.ESCALATION_PAGE_SHARE * len(answer)) == escalates
            if answer == "":
                skipped += 1
                assert extracted >= min_size
            else:
                assert len(answer) == real
            assert len(other) == real  # another tree is always measured
    assert skipped


def bodies() -> dict[str, Element]:
    with_paragraph = Element("body")
    SubElement(with_paragraph, "p").text = "text"
    without_paragraph = Element("body")
    SubElement(without_paragraph, "head").text = "heading"
    tables = Element("body")
    SubElement(tables, "p").text = "text"
    SubElement(tables, "table")
    SubElement(tables, "table")
    return {"p": with_paragraph, "no p text": without_paragraph, "tables": tables}


ALGO_BODIES = {"plain": fragment_fromstring("<div><p>x</p></div>"),
               "headed": fragment_fromstring("<div><h2>x</h2><p>x</p></div>")}
LENGTHS = (0, 1, 100, 249, 250, 251, 499, 500, 501, 750, 999, 1000, 1001, 1500, 1501, 2000, 2001, 4000)


@pytest.mark.parametrize("focus", ["balanced", "precision", "recall"])
def test_whenever_trafilatura_would_prefer_readability_the_gate_lets_it_run(focus: str) -> None:
    """Every readability text no longer than the bound that ``_prefer_readability`` would take
    (JSON-looking or not, with headings or not, over any own body) is allowed by the gate."""
    options = Extractor()
    options.focus = focus
    checked = preferred = 0
    for (_, body), (_, algo_body), len_text, bound in itertools.product(
            bodies().items(), ALGO_BODIES.items(), LENGTHS, LENGTHS):
        allowed = readability_can_win(body, len_text, bound, options)
        for len_algo in (n for n in LENGTHS if n <= bound):
            for algo_text in ("x" * len_algo, "{" + "x" * (len_algo - 1)):
                checked += 1
                if external._prefer_readability(body, algo_body, algo_text[:len_algo], len_text, len_algo, options):
                    preferred += 1
                    assert allowed, (focus, body, len_text, len_algo, bound)
    assert checked > 10_000 and preferred > 1_000


def test_the_gate_skips_readability_when_the_own_text_is_long_enough() -> None:
    options = Extractor()
    assert not readability_can_win(bodies()["p"], 1000, 2000, options)
    assert readability_can_win(bodies()["p"], 1000, 2001, options)
    assert readability_can_win(bodies()["no p text"], 1000, 2000, options)
    assert not readability_can_win(bodies()["no p text"], 1000, 500, options)  # not over 2 x 250
    assert not readability_can_win(bodies()["p"], 0, 0, options)


def test_the_bound_counts_collapsed_whitespace_and_video_marks() -> None:
    tree = fragment_fromstring("<div>  one\n\n two <iframe src='https://youtube.com/x'></iframe><p>three</p></div>")
    assert readability_text_bound(tree) == len("one two three") + len(" VIDEO ")


@functools.cache
def benchmark(folder: str):
    return load_benchmark(needs_shared(BENCHMARKS_DIR / folder))


def dev_record(folder: str, page_id: str):
    bench = benchmark(folder)
    path = bench.root / "html" / f"{page_id}.html.gz"
    page = Page(source_url=path.as_uri(), body=path.read_bytes(), known=KnownMetadata(url=bench.urls.get(page_id)))
    return article.extract_article(page, ExtractOptions())


# wcxb-dev pages where trafilatura takes readability's text (0030, 4526 and 4912 in its recall
# retry): the gate must let readability run there.
READABILITY_WINS = ("0030", "0054", "0073", "0119", "4245", "4526", "4912")


def test_records_are_the_same_with_and_without_the_gate(monkeypatch: pytest.MonkeyPatch) -> None:
    # every third aeb-dev page (the whole set: bench/throughput.py's corpus, checked identical)
    pages = [("aeb-dev", page_id) for page_id in sorted(benchmark("aeb-dev").truth)[::3]] + [("wcxb-dev", p) for p in READABILITY_WINS]
    decisions: list[bool] = []

    def counted(*args, **kwargs) -> bool:
        decisions.append(readability_can_win(*args, **kwargs))
        return decisions[-1]

    monkeypatch.setattr(readability_gate, "readability_can_win", counted)
    gated = [dev_record(*page) for page in pages]
    monkeypatch.setattr(article, "readability_when_it_can_win", contextlib.nullcontext)
    decided = len(decisions)
    plain = [dev_record(*page) for page in pages]
    assert len(decisions) == decided  # the second pass ran trafilatura unchanged
    for page, a, b in zip(pages, gated, plain):
        a.fetched_at = b.fetched_at
        assert a == b, page
    assert decided >= len(pages) and decisions.count(False) > decided / 2  # most readability runs skipped


def test_the_copy_is_made_on_demand_only_inside_its_block() -> None:
    original_prepare, original_rescue = core._prepare_tree, external.justext_rescue
    with cleaned_copy_on_demand():
        assert core._prepare_tree is prepare_tree_copy_on_demand
        assert external.justext_rescue is justext_rescue_on_demand
    assert (core._prepare_tree, external.justext_rescue) == (original_prepare, original_rescue)
    with contextlib.suppress(RuntimeError), cleaned_copy_on_demand():
        core._prepare_tree(utils.load_html("<html><body><p>text</p></body></html>"), Extractor(comments=False), None)
        raise RuntimeError
    assert (core._prepare_tree, external.justext_rescue) == (original_prepare, original_rescue)
    assert not readability_gate._uncopied


def test_the_copy_made_on_demand_is_the_cleaned_tree_and_jusText_reads_the_same() -> None:
    from lxml.etree import tostring

    bench = benchmark("aeb-dev")
    for page_id in sorted(bench.truth)[:15]:
        html = gzip.decompress((bench.root / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8", "replace")
        for options in (Extractor(comments=False), Extractor(comments=False, fast=True, recall=True)):
            tree = utils.load_html(html)
            cleaned, backup = core._prepare_tree(tree, options, None)
            with cleaned_copy_on_demand():
                lean, placeholder = core._prepare_tree(tree, options, None)
                assert tostring(lean) == tostring(cleaned)
                assert len(placeholder) == 0 and placeholder is not backup
                on_demand = external.justext_rescue(placeholder, options)
                # an ordinary tree goes to jusText as it is
                assert external.justext_rescue(copy(backup), options)[1] == external.justext_rescue(backup, options)[1]
            assert on_demand[1] == external.justext_rescue(backup, options)[1]
            assert tostring(on_demand[0]) == tostring(external.justext_rescue(copy(backup), options)[0])
    with cleaned_copy_on_demand():  # comments read the copy too: then it is made as before
        kept = core._prepare_tree(utils.load_html(html), Extractor(comments=True), None)[1]
    assert len(kept) > 0

