"""pipeline/extract/trafilatura_input.py: the string lxml parses and the text trafilatura gives are
the same with ``quick_repair``. The pins fail on a trafilatura upgrade: whoever upgrades re-reads
that code (does ``repair_faulty_html`` still only ``sub`` with ``INVALID_XML_CHARS``, does
``bare_extraction`` still copy a tree it is given and take ``load_html`` from ``core``), then
updates them."""

from __future__ import annotations

import hashlib
import inspect
import random
from pathlib import Path

import trafilatura
from trafilatura import core, utils

from pipeline.extract.trafilatura_input import (
    INVALID_XML_CHARS,
    HandedOver,
    InvalidXmlCharsWhereFound,
    holds_invalid_xml_chars,
    quick_repair,
)

PINNED_SOURCES = {
    "utils.repair_faulty_html": "7e68c7a3cb24910c",
    "utils.load_html": "bc0039c89805dea3",
    "core.bare_extraction": "2e57adb3062086f9",
}


def test_the_pinned_trafilatura_code_is_unchanged() -> None:
    assert trafilatura.__version__ == "2.3.1"
    modules = {"utils": utils, "core": core}
    digests = {}
    for name in PINNED_SOURCES:
        module, attribute = name.split(".")
        source = inspect.getsource(getattr(modules[module], attribute))
        digests[name] = hashlib.sha256(source.encode()).hexdigest()[:16]
    assert digests == PINNED_SOURCES
    assert INVALID_XML_CHARS.pattern == "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]"
    package = Path(trafilatura.__file__).parent
    users = sorted(path.name for path in package.rglob("*.py") if "INVALID_XML_CHARS" in path.read_text())
    assert users == ["utils.py"]
    assert Path(utils.__file__).read_text().count("INVALID_XML_CHARS") == 2  # defined, used once


# Every character the expression names, its neighbours, whitespace lxml keeps, a lone surrogate
# and characters of every width.
ALPHABET = [chr(c) for c in range(0x00, 0x21)] + ["\x7f", "\x80", "\xe9", "\ufffd", "\ufffe", "\uffff",
                                                  "\ud800", "\U0001f600", "a", "<", ">"]


def test_the_check_and_the_expression_agree() -> None:
    chooser = random.Random(11)
    quick = InvalidXmlCharsWhereFound()
    for _ in range(4000):
        text = "".join(chooser.choice(ALPHABET) for _ in range(chooser.randrange(0, 12)))
        if chooser.random() < 0.5:  # mostly text, as a page is
            text = "<p>caf\xe9 " * chooser.randrange(1, 4) + text
        assert holds_invalid_xml_chars(text) == (INVALID_XML_CHARS.search(text) is not None), repr(text)
        assert quick.sub("", text) == INVALID_XML_CHARS.sub("", text)


def test_trafilatura_is_itself_again_after_the_block() -> None:
    chars, load = utils.INVALID_XML_CHARS, core.load_html
    with quick_repair():
        assert isinstance(utils.INVALID_XML_CHARS, InvalidXmlCharsWhereFound)
        assert core.load_html is not load
    assert (utils.INVALID_XML_CHARS, core.load_html) == (chars, load)


PAGE = ("<!DOCTYPE html><html><head><title>T</title></head><body><nav><a href='/'>Home</a></nav>"
        "<div id='disqus_thread'><p>A reader's comment.</p></div>"
        "<article><h1>Headline</h1>" + "<p>" + "A sentence of the article that goes on. " * 6 + "</p>" * 1
        + "<p>" + "Another paragraph with more words in it. " * 5 + "</p><p>bad\x0bchar</p></article>"
        "<footer>Footer text</footer></body></html>")


def test_a_handed_over_tree_gives_the_text_of_a_copied_one_and_is_not_copied() -> None:
    copied, handed = utils.load_html(PAGE), utils.load_html(PAGE)
    expected = trafilatura.extract(copied, include_comments=False)
    assert copied.find(".//div[@id='disqus_thread']") is not None  # trafilatura changed a copy of it
    with quick_repair():
        assert trafilatura.extract(HandedOver(handed), include_comments=False) == expected
        assert trafilatura.extract(PAGE, include_comments=False) == expected  # a string: repaired and parsed as before
    assert handed.find(".//div[@id='disqus_thread']") is None  # taken over: pruned in place
