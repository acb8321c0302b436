"""``open_panels``: an accordion's and a FAQ's toggles and panels reach trafilatura as text; menu
and share toggles, whose panels are links, do not. ``tests/fixtures/recall/panels_guide.html`` is
a page written for these tests: a guide with an accordion (a button holding an ``<h3>``, its
panel's first paragraph directly in a ``<div>``, the wrapper named "has-icon"), a FAQ (``aria-controls``
buttons, answers collapsed by a "hidden" class or ``display:none``), a menu toggle and a share
toggle. Real trafilatura throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.extract.html import panels, preclean
from pipeline.extract.html.panels import open_panels, panel_of
from pipeline.items import KnownMetadata, Page

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "recall" / "panels_guide.html"
ACCORDION_TEXT = ("We filled each barrel from a garden hose and left it standing on a level base for four weeks, then "
                  "measured how much water it had lost through the lid and the fittings, how easily the tap opened with "
                  "wet hands, and whether the overflow pipe kept the water away from the wall of the house.")
ACCORDION_AFTER = ("Two of the twelve barrels leaked at the tap within a week, and one lid warped in the sun so far "
                   "that it no longer kept the leaves out.")
QUESTIONS = ["How we tested the barrels", "Is rain water safe for vegetables?", "How often should I clean the barrel?"]
ANSWERS = ["Rain water from an ordinary roof is safe for watering vegetables at the roots;",
           "Empty and scrub the barrel once a year, in late autumn,"]
NOT_ARTICLE = ["Open the menu", "Rain barrels and water butts", "Share this guide", "Post this guide on",
               "written by volunteers"]


def fixture_text() -> str:
    page = Page(source_url=FIXTURE.as_uri(), body=FIXTURE.read_bytes(), kind_hint="html",
                known=KnownMetadata(url="https://garden.example/rain-barrels"))
    return extract_article(page, ExtractOptions()).text


def test_fixture_panels_and_their_headings_are_article_text() -> None:
    text = fixture_text()
    lines = text.split("\n")
    for question in QUESTIONS:
        assert question in lines
    assert lines.index(ACCORDION_TEXT) + 1 == lines.index(ACCORDION_AFTER)
    for answer in ANSWERS:
        assert sum(line.startswith(answer) for line in lines) == 1
    for noise in NOT_ARTICLE:
        assert noise not in text
    # each question right before its answer
    assert lines.index(QUESTIONS[1]) + 1 == next(i for i, line in enumerate(lines) if line.startswith(ANSWERS[0]))


def test_without_it_trafilatura_loses_the_toggles_and_the_div_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preclean, "open_panels", lambda tree: 0)
    text = fixture_text()
    assert ACCORDION_TEXT not in text
    for question in QUESTIONS:
        assert question not in text


def test_open_panels_rewrites_toggles_and_shows_panels() -> None:
    tree = LexborHTMLParser(FIXTURE.read_text())
    assert open_panels(tree) == 3
    body = tree.body.html
    assert '<div class="accordion-title-wrap"><h3>How we tested the barrels</h3></div>' in body
    assert '<div class="faq-question"><p>Is rain water safe for vegetables?</p></div>' in body
    assert "<h3>How often should I clean the barrel?</h3>" in body
    assert '<div class="accordion-panel"><p>We filled each barrel' in body  # its text before the <p> it holds
    assert 'wall of the house.</p><p>Two of the twelve' in body
    assert '<div id="answer-1" class="faq-answer">' in body
    assert '<div id="answer-2">' in body
    assert '<div class="guide-accordion">' in body  # "has-icon" is in trafilatura's discard vocabulary
    # the menu and share toggles are left for pre-clean to drop
    assert body.count("<button") == 2
    assert 'class="menu-toggle"' in body and 'class="share-button"' in body


@pytest.mark.parametrize(("html", "panel_text"), [
    # aria-controls names the panel, wherever it is
    ('<div><button aria-controls="p1">Open it now</button></div><p>x</p><div id="p1">the panel</div>', "the panel"),
    # else the element after the button or after the wrappers holding only its text
    ('<div><span><button>Open it now</button></span><i class="marker"></i></div><div>the panel</div>', "the panel"),
    # the button shares its wrapper with other text: no panel
    ('<div><button>Open it now</button> and more words</div><div>the panel</div>', None),
])
def test_panel_of(html: str, panel_text: str | None) -> None:
    tree = LexborHTMLParser(html)
    panel = panel_of(tree.css_first("button"), tree)
    assert (panel.text(strip=True) if panel is not None else None) == panel_text


PANEL_PROSE = "The panel explains in full sentences what the reader asked about and why it matters here."


@pytest.mark.parametrize(("button", "panel", "opened"), [
    ('<button aria-expanded="false">What does it cost?</button>', f"<div>{PANEL_PROSE}</div>", 1),
    ('<button class="faq-toggle">What does it cost?</button>', f"<div>{PANEL_PROSE}</div>", 1),
    # no state and no collapsing name: a "Load more" or sign-up button before the article's text
    ('<button class="cta">What does it cost?</button>', f"<div>{PANEL_PROSE}</div>", 0),
    # one word: an icon's label, "Menu", "Close"
    ('<button aria-expanded="false">Menu</button>', f"<div>{PANEL_PROSE}</div>", 0),
    # a panel of links
    ('<button aria-expanded="false">More stories here</button>',
     "<ul>" + "".join(f'<li><a href="/{n}">{PANEL_PROSE}</a></li>' for n in range(3)) + "</ul>", 0),
    # too short to be prose
    ('<button aria-expanded="false">What does it cost?</button>', "<div>Ten dollars a month.</div>", 0),
    # aria-controls names an element inside the button itself
    (f'<button aria-controls="inner">What does it cost? <span id="inner">{PANEL_PROSE}</span></button>', "", 0),
])
def test_which_toggles_open(button: str, panel: str, opened: int) -> None:
    tree = LexborHTMLParser(f"<body><main>{button}{panel}</main></body>")
    assert open_panels(tree) == opened
    assert (tree.css_first("button") is None) == bool(opened)


def test_only_the_widget_is_unmarked() -> None:
    """The ancestors of a panel lose their discard names while the panels hold most of their
    text; a sidebar around the accordion and other text keeps its name."""
    accordion = (f'<div class="acc has-icon"><button aria-expanded="false">What does it cost?</button>'
                 f'<div class="panel hidden">{PANEL_PROSE}</div></div>')
    tree = LexborHTMLParser(f'<body><div class="sidebar">{accordion}<p>{PANEL_PROSE} {PANEL_PROSE}</p></div></body>')
    assert open_panels(tree) == 1
    assert tree.css_first("div.acc").attributes["class"] == "acc"
    assert tree.css_first("div.panel").attributes["class"] == "panel"
    assert tree.css_first("div.sidebar") is not None
    assert panels.WIDGET_MIN_PANEL_SHARE == 0.8


def test_text_beside_the_panels_blocks_becomes_paragraphs() -> None:
    tree = LexborHTMLParser(f'<body><main><button aria-expanded="false">What does it cost?</button>'
                            f'<div> Fees &amp; taxes: <a href="/fees">the fees</a>. {PANEL_PROSE}<!-- note -->'
                            f'<p>A paragraph.</p> Then <b>more</b> text.<div>Inner <i>text</i></div> </div></main></body>')
    assert open_panels(tree) == 1
    assert tree.css_first("main").html == (
        f'<main><p>What does it cost?</p><div><p> Fees &amp; taxes: <a href="/fees">the fees</a>. {PANEL_PROSE}</p>'
        f'<p>A paragraph.</p><p> Then <b>more</b> text.</p><div><p>Inner <i>text</i></p></div> </div></main>')
