"""The shipped HTML block model (pipeline/extract/models/html-blocks.json) and its use in
extract_article (NEWSCLEAN_HTML_BLOCK_MODEL). Retraining (make models) changes the recorded
probabilities below: update them from the new file, with the CV figures in the README."""

import dataclasses

import pytest
from scrapy.settings import Settings
from selectolax.lexbor import LexborHTMLParser

from pipeline import settings as project_settings
from pipeline.extract import article
from pipeline.extract.html import blocks
from pipeline.extract.model import TreeModel, compiled_scorer
from pipeline.items import ExtractOptions, KnownMetadata, Page
from pipeline.pipelines.extraction import options_from_settings

STORY = ("The council voted on Tuesday to rebuild the old river bridge, which has been closed to "
         "traffic since the spring floods damaged two of its piers.")
SECOND = ("Work is expected to start in March and to last eighteen months, the mayor said, adding that "
          "a temporary footbridge would keep the market reachable on foot.")
THIRD = ("Residents who spoke at the meeting welcomed the decision but asked for a bus link to the "
         "north bank while the bridge is closed, and the council agreed to study one.")
PAGE = f"""<html><head><title>Council votes to rebuild river bridge</title></head><body>
<header class="site-header"><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></header>
<article class="post"><h1>Council votes to rebuild river bridge</h1>
<div class="entry-content"><p>{STORY}</p><p>{SECOND}</p><p>{THIRD}</p></div></article>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Five things to do this weekend</a></li><li><a href="/b">Road closures in the city centre</a></li>
</ul></aside>
<footer class="site-footer"><p>Copyright 2026 The Town Paper. All rights reserved.</p></footer>
</body></html>"""
BODY = f"Council votes to rebuild river bridge\n{STORY}\n{SECOND}\n{THIRD}"
CLEAN = f"{STORY}\n{SECOND}\n{THIRD}"
# Probability of each block of PAGE (features from BODY and CLEAN), from the shipped file.
KNOWN = {
    "Home News Sport": 0.04391278375338303,
    "Council votes to rebuild river bridge": 0.21830326255100393,
    STORY: 0.968075528435511,
    SECOND: 0.9778916185019213,
    THIRD: 0.8957623920626993,
    "Most read": 0.18554690195818532,
    "Five things to do this weekend": 0.13236951305262792,
    "Road closures in the city centre": 0.13789558020250514,
    "Copyright 2026 The Town Paper. All rights reserved.": 0.006823634202399421,
}


@pytest.fixture(scope="module")
def model():
    return TreeModel.load(article.MODEL_PATH)


def page_rows():
    found = blocks.candidate_blocks(LexborHTMLParser(PAGE))
    return found, blocks.block_features(found, BODY, CLEAN)


def test_the_shipped_model_is_small_and_reads_only_known_generic_features(model):
    names = set(blocks.feature_names())
    assert set(model.feature_names) <= names
    tokens = [n[5:] for n in model.feature_names if n.startswith("name_")]
    assert tokens and set(tokens) <= set(blocks.NAME_TOKENS)
    assert article.MODEL_PATH.stat().st_size < 300_000
    assert 0.0 <= model.threshold <= 1.0 and 0.0 < model.meta["add_threshold"] <= 1.01
    assert model.meta["script"] == "bench/train_html_blocks.py"


def test_known_rows_get_their_recorded_probabilities(model):
    found, rows = page_rows()
    columns = [blocks.feature_names().index(n) for n in model.feature_names]
    scorer = compiled_scorer(model, columns)
    got = {b.text: model.probability([row[j] for j in columns]) for b, row in zip(found, rows)}
    assert got == pytest.approx(KNOWN, abs=1e-12)
    assert [scorer(row) for row in rows] == [got[b.text] for b in found]


def extract(html: str, on: bool):
    options = dataclasses.replace(ExtractOptions(), html_block_model=on)
    page = Page(source_url="file:///bridge.html", body=html.encode(), content_type="text/html",
                known=KnownMetadata(url="https://town.example/news/bridge"))
    return article.extract_article(page, options)


def test_the_model_keeps_the_story_in_trafilaturas_paragraph_convention():
    on, off = extract(PAGE, True), extract(PAGE, False)
    assert off.text == CLEAN
    assert on.text == CLEAN
    assert on.title == off.title == "Council votes to rebuild river bridge"
    assert "furniture" not in off.removed


def test_the_setting_is_read_and_off_by_default():
    assert project_settings.NEWSCLEAN_HTML_BLOCK_MODEL is False
    base = {k: getattr(project_settings, k) for k in dir(project_settings) if k.isupper()}
    assert options_from_settings(Settings(base)).html_block_model is False
    assert options_from_settings(Settings({**base, "NEWSCLEAN_HTML_BLOCK_MODEL": True})).html_block_model is True


def test_the_named_noise_classes_do_not_leak_with_the_model_on():
    """The HTML noise fixtures through the model path: nothing leaks, no article paragraph is
    lost (pre-clean still runs first, the post-clean rules after)."""
    import json
    from pathlib import Path

    from pipeline.utils.benchmark import leak_report, load_fixtures

    fixtures = load_fixtures(Path(__file__).resolve().parents[2] / "fixtures" / "noise" / "html")
    assert len(fixtures) >= 4
    options = dataclasses.replace(ExtractOptions(), html_block_model=True)
    texts = {}
    for fx in fixtures:
        meta_path = fx.path.with_name(fx.path.name.rsplit(".", 1)[0] + ".meta.json")
        meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
        page = Page(source_url=fx.path.as_uri(), body=fx.path.read_bytes(), known=KnownMetadata(url=meta.get("url")))
        texts[fx.path.resolve()] = article.extract_article(page, options).text
    report = leak_report(fixtures, texts)
    assert (report.leak_count, report.lost) == (0, [])
