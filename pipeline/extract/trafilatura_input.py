"""What trafilatura is given to parse: the page's string repaired in less time, and a tree handed
over without trafilatura's copy of it.

``trafilatura.utils.load_html`` repairs every string before lxml parses it, and first deletes
the characters XML forbids (``INVALID_XML_CHARS``: C0 controls but tab, LF and CR, and U+FFFE,
U+FFFF) with a regular expression that visits every character: 0.17 ms of a pre-cleaned aeb-dev
page's 0.8 ms load, and none of the 802 dev pages holds one. Two substring searches and the
string's UTF-8 bytes (where a C0 control is a byte of its own) tell the same in 0.06 ms, so inside
``quick_repair`` the regular expression runs only on a string that holds one of its characters,
and the string lxml parses is the same.

``trafilatura.extract`` given an lxml tree copies it first (``bare_extraction``: the caller may
still want it). The recall retry's shielded tree (``shield.shield_prose``) is made for that one
call: wrapped in ``HandedOver`` inside ``quick_repair``, it is used as it is (0.3 ms a retry).

trafilatura's code these rely on is pinned in tests/unit/extract/test_trafilatura_input.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement
from trafilatura import core, utils

INVALID_XML_CHARS = utils.INVALID_XML_CHARS
C0_INVALID_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
NONCHARACTERS = ("\ufffe", "\uffff")
_load_html = core.load_html


def holds_invalid_xml_chars(html: str) -> bool:
    """Whether ``INVALID_XML_CHARS`` finds anything in ``html``."""
    if any(nonchar in html for nonchar in NONCHARACTERS):
        return True
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the expression itself answers
        return INVALID_XML_CHARS.search(html) is not None
    return len(data.translate(None, C0_INVALID_BYTES)) != len(data)


class InvalidXmlCharsWhereFound:
    """``INVALID_XML_CHARS`` for ``repair_faulty_html``, its one user, which only calls ``sub``:
    the same result, the expression run only on a string that holds one of its characters."""

    def sub(self, replacement: Any, string: Any, count: int = 0) -> Any:
        if isinstance(string, str) and not holds_invalid_xml_chars(string):
            return string
        return INVALID_XML_CHARS.sub(replacement, string, count)


@dataclass(frozen=True)
class HandedOver:
    """A tree given to ``trafilatura.extract`` (inside ``quick_repair``) for it to change as it
    likes: it is not copied first."""

    tree: HtmlElement


def load_handed_over(htmlobject: Any, max_size: int | None = None) -> HtmlElement | None:
    """``core.load_html``, with a ``HandedOver`` tree taken as the loaded tree itself (not the
    object given, so ``bare_extraction`` does not copy it)."""
    if isinstance(htmlobject, HandedOver):
        return htmlobject.tree
    return _load_html(htmlobject, max_size)


@contextlib.contextmanager
def quick_repair() -> Iterator[None]:
    """trafilatura calls (and ``load_html`` calls) inside this block repair strings as above and
    take ``HandedOver`` trees without copying them."""
    original_chars, original_load = utils.INVALID_XML_CHARS, core.load_html
    utils.INVALID_XML_CHARS, core.load_html = InvalidXmlCharsWhereFound(), load_handed_over
    try:
        yield
    finally:
        utils.INVALID_XML_CHARS, core.load_html = original_chars, original_load
