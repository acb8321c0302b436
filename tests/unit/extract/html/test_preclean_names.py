"""Pre-clean's reading of class and id names token by token (``preclean._names_say``) gives what the
three searches of the whole string give, on made-up names and on every name of the dev pages."""

from __future__ import annotations

import gzip
import re

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.html import preclean
from tests.conftest import BENCHMARKS_DIR, needs_shared


def searched(names: str) -> tuple[str | None, bool, bool]:
    return (preclean.noise_class_of_names(names), preclean.POPUP_NAMES.search(names) is not None,
            preclean.CTA_NAMES.search(names) is not None)


def test_no_name_looked_for_holds_whitespace() -> None:
    """What makes a token-by-token reading exact: a match never spans two tokens."""
    names = [w for n in preclean.NOISE_CONTAINERS.values() for w in (*n.words, *n.tokens)]
    names += preclean.POPUP_NAMES.pattern.split("|") + ["cta"]
    assert names and not [n for n in names if re.search(r"\s", n)]


@pytest.mark.parametrize("names", [
    "", " ", "post", "post ", " post", "ad", "ad ", " ad", "x ad y", "bad", "ad-slot", "ads\tx", "x\nads", "ad\u00a0x",
    "promo", "promos", "post-cta x", "cta", "xcta", "cta-bar", "hs_cos_wrapper_type_cta", "ctas", "social", "social-x",
    "socials", "embed social", "tooltip", "my-tooltip-x", "comment", "comments", "commentary x", "newsletter-box",
    "x  y\u2003newsletter", "entry-content main", "ad\u2028", "a d", "c ta",
])
def test_names_read_by_tokens(names: str) -> None:
    assert preclean._names_say(names, {}) == searched(names)


def test_tokens_remembered_across_names_give_the_same_answers() -> None:
    tokens: dict[str, bool] = {}
    names = ["row col", "row ad", "col promo-x", "ad row", "x cta", "row col"]
    assert [preclean._names_say(n, tokens) for n in names] == [searched(n) for n in names]


def test_every_name_of_the_dev_pages() -> None:
    folder = needs_shared(BENCHMARKS_DIR / "aeb-dev" / "html")
    for path in sorted(folder.glob("*.html.gz")):
        tree = LexborHTMLParser(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
        tokens: dict[str, bool] = {}
        for node in tree.css("[class], [id]"):
            attrs = node.attributes
            names = ((attrs.get("class") or "") + " " + (attrs.get("id") or "")).lower()
            assert preclean._names_say(names, tokens) == searched(names), (path.name, names)
