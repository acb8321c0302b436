"""``with_loose_prose``: a paragraph a template sets directly in a ``<div>`` among the article's
``<p>``s (trafilatura's main extractor skips ``<div>`` text on pages with enough ``<p>`` text) comes
back from a second run with it set in ``<p>``; a prose ``<div>`` away from the article's
paragraphs, a short one, a linked one and one a line rule claims do not. Real trafilatura; the
page is written for these tests."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract import article
from pipeline.extract.article import (
    ExtractOptions,
    extract_article,
    loose_prose_divs,
    with_loose_prose,
)
from pipeline.items import KnownMetadata, Page

URL = "https://lake.example/guides/winter-swimming"
PARAGRAPHS = [
    ("Cold water takes the breath away in the first minute, so walk in slowly and let the shock pass before you "
     "start to swim, keeping your head above the surface until your breathing settles."),
    ("Stay close to the shore and swim along it rather than away from it, because the body loses strength quickly "
     "in water under ten degrees and the way back always feels longer than the way out."),
    ("Wear a bright hat and tell someone on land how long you plan to stay in, and never swim alone in the first "
     "winter, when you do not yet know how your own body answers the cold."),
    ("Afterwards, dress from the top down, start with a warm hat and a dry jumper, and drink something hot: the "
     "body keeps cooling for twenty minutes after you leave the water, which surprises most beginners."),
]
LOOSE = ("Gloves and socks made of neoprene keep the hands and feet working for longer, and they matter more "
         "than a wetsuit for short swims, because the fingers are the first thing the cold takes away from you.")
SIDEBAR = ("Our swimming club meets every Sunday morning at the north beach all through the year, and new members "
           "are always welcome to join the group for a first swim and a hot drink in the clubhouse afterwards.")


def page(*, loose: str = LOOSE, sidebar: str = SIDEBAR) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2]) + f"<div>{loose}</div>" + \
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS[2:])
    return (f"<html><head><title>Winter swimming</title></head><body><main><article><h1>Winter swimming</h1>{body}"
            f'</article></main><div class="club"><div><span>{sidebar}</span></div></div></body></html>')


def text_of(html: str) -> str:
    return extract_article(Page(source_url=URL, body=html.encode(), kind_hint="html", known=KnownMetadata(url=URL)),
                           ExtractOptions()).text


def test_the_divs_paragraph_comes_back_in_place() -> None:
    lines = text_of(page()).split("\n")
    assert lines == [*PARAGRAPHS[:2], LOOSE, *PARAGRAPHS[2:]]


def test_without_it_trafilatura_loses_the_divs_paragraph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(article, "with_loose_prose", lambda tree, body, url, options: body)
    assert text_of(page()).split("\n") == PARAGRAPHS


def test_which_divs() -> None:
    tree = LexborHTMLParser(page())
    body = "\n".join(PARAGRAPHS)
    # the article's <div>, not the club's: no paragraph of the text beside it
    assert loose_prose_divs(tree, body) == [0]
    # its text already in the body
    assert loose_prose_divs(tree, body + "\n" + LOOSE) == []
    # under LOOSE_PROSE_MIN_WORDS words
    assert loose_prose_divs(LexborHTMLParser(page(loose="Neoprene gloves help a lot in cold water.")), body) == []
    # mostly links
    linked = f'<a href="/gloves">{LOOSE}</a>'
    assert loose_prose_divs(LexborHTMLParser(page(loose=linked)), body) == []
    # a block inside: not loose text
    assert loose_prose_divs(LexborHTMLParser(page(loose=f"<p>{LOOSE}</p>")), body) == []


def test_a_line_rule_claims_the_div() -> None:
    pitch = ("By submitting this form, you agree to receive recurring emails from the swimming club about events, "
             "water temperatures and membership offers, and you can unsubscribe at any time by clicking the link "
             "in any email.")
    assert article.rules.match_line_rule(pitch) is not None
    assert loose_prose_divs(LexborHTMLParser(page(loose=pitch)), "\n".join(PARAGRAPHS)) == []


def test_the_second_text_must_keep_the_first() -> None:
    """A second run that loses the first text's lines is not taken, however long it is."""
    tree = LexborHTMLParser(page())
    body = "\n".join(PARAGRAPHS + ["A line of the first text that the second run does not have at all."])
    assert with_loose_prose(tree, body, URL, ExtractOptions()) == body
