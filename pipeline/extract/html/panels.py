"""Collapsible panels opened before trafilatura reads the page: accordions, FAQ answers, "read
more" sections whose prose a button shows or hides.

trafilatura loses such a panel's text in three ways, whatever the panel's class names say
(wcxb-dev guides and FAQs; the ground truth keeps the text, a reader gets it with one click):

1. its toggle is a ``<button>``: pre-clean drops every button with its text (most are "Share",
   "Menu", "Subscribe"), and the toggle's text is the panel's heading or the FAQ's question;
2. the panel is collapsed in the page source (``hidden`` in its class or id, ``display:none``,
   ``aria-hidden``), or the accordion around it has a name in trafilatura's discard vocabulary
   ("-icon", "expand", "slide", "button"): ``OVERALL_DISCARD_XPATH`` deletes it;
3. its text sits directly in a ``<div>`` (alone or before the ``<p>``s): trafilatura's main
   extractor reads ``<div>`` text only when the page's ``<p>`` text is short.

``open_panels`` finds the toggles (a button with ``aria-expanded`` or ``aria-controls``, or one
named like a collapsible widget, ``TOGGLE_NAMES``) whose panel holds prose with few links
(``PANEL_MIN_WORDS``, ``PANEL_MAX_LINK_SHARE``: a menu's or a share box's toggle opens links),
turns each toggle into a paragraph (or unwraps it inside or around a heading), takes the
collapsed state and the discard names off the panel and off the ancestors that hold little
besides the panels (``WIDGET_MIN_PANEL_SHARE``), and wraps each run of the panel's ``<div>`` text
outside its blocks in a ``<p>``. Pages without such a button are left as they are.
"""

from __future__ import annotations

import html as htmllib
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.extract.xpath_scans import overall_discarded

TOGGLES = "button"
TOGGLE_STATE_ATTRIBUTES = ("aria-expanded", "aria-controls")
TOGGLE_MIN_WORDS, TOGGLE_MAX_WORDS = 2, 30
# How far up a toggle's panel is looked for: the toggle and the wrappers that hold only its text.
TOGGLE_WRAPPER_DEPTH = 3
# Names of collapsible widgets, for toggles that do not state what they show.
TOGGLE_NAMES: re.Pattern[str] | None = re.compile(r"accordion|collaps|expand|toggle|faq|disclosure")
PANEL_MIN_WORDS = 15
PANEL_MAX_LINK_SHARE = 0.3
# An ancestor of a panel is part of the widget when the panels (and toggles) hold this share of its text.
WIDGET_MIN_PANEL_SHARE = 0.8
# Elements a toggle's text may stay inside as it is (a question set in an <h3> around the button).
TEXT_PARENTS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "dt", "summary", "li", "strong", "b", "label"})
TOGGLE_BLOCKS = "h1, h2, h3, h4, h5, h6, p"
INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "i", "kbd",
                         "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
                         "wbr", "img", "font", "-text", "-comment"})
HIDDEN_STATE_ATTRIBUTES = ("aria-hidden", "hidden")


class _Attributes:
    """A selectolax node's tag and attributes as the lxml element ``xpath_scans.overall_discarded`` asks
    (``tag``, ``get``, ``keys``)."""

    def __init__(self, tag: str, attributes: dict[str, str | None]) -> None:
        self.tag, self._attributes = tag, attributes

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self._attributes.get(name, default)
        return "" if value is None and name in self._attributes else value

    def keys(self) -> list[str]:
        return list(self._attributes)


def _discarded(tag: str, attributes: dict[str, str | None]) -> bool:
    return overall_discarded(_Attributes(tag, attributes))


def _words(node: LexborNode) -> int:
    return len(node.text(deep=True, separator=" ").split())


def _link_words(node: LexborNode) -> int:
    return sum(_words(link) for link in node.css("a"))


def _next_element(node: LexborNode) -> LexborNode | None:
    """The next element with text (empty anchors and markers between a toggle and its panel skipped)."""
    node = node.next
    while node is not None and not (node.is_element_node and node.text(deep=True, strip=True)):
        node = node.next
    return node


def _only_text_child(node: LexborNode) -> bool:
    """Whether ``node`` holds all its parent's text (empty markers beside it aside)."""
    parent = node.parent
    return parent is not None and len(parent.text(deep=True, strip=True)) == len(node.text(deep=True, strip=True))


def panel_of(toggle: LexborNode, tree: LexborHTMLParser,
             ids: dict[str, LexborNode] | None = None) -> LexborNode | None:
    """The element ``aria-controls`` names (looked up in ``ids`` when given: one pass over the
    page rather than one per toggle), else the element after the toggle (or after the wrappers
    that hold only the toggle's text)."""
    ident = (toggle.attributes.get("aria-controls") or "").strip().lstrip("#")
    if ident and not re.search(r'[\s"\\]', ident):
        panel = ids.get(ident) if ids is not None else tree.css_first(f'[id="{ident}"]')
        if panel is not None:
            return panel
    node: LexborNode | None = toggle
    for _ in range(TOGGLE_WRAPPER_DEPTH):
        if node is None:
            return None
        after = _next_element(node)
        if after is not None:
            return after
        node = node.parent if _only_text_child(node) else None
    return None


def is_toggle(toggle: LexborNode, panel: LexborNode) -> bool:
    """A button that states what it shows (``aria-expanded``, ``aria-controls``), or whose or
    whose panel's names say it collapses (``TOGGLE_NAMES``)."""
    attributes = toggle.attributes
    if any(name in attributes for name in TOGGLE_STATE_ATTRIBUTES):
        return True
    if not TOGGLE_NAMES:
        return False
    names = " ".join(filter(None, (attributes.get("class"), attributes.get("id"),
                                   panel.attributes.get("class"), panel.attributes.get("id"))))
    return TOGGLE_NAMES.search(names.lower()) is not None


def holds_panel_prose(panel: LexborNode) -> bool:
    words = _words(panel)
    return words >= PANEL_MIN_WORDS and _link_words(panel) < PANEL_MAX_LINK_SHARE * words


def open_panels(tree: LexborHTMLParser) -> int:
    """Open the page's collapsible panels that hold prose (see the module's docstring); how many."""
    found: list[tuple[LexborNode, LexborNode]] = []
    panel_ids: set[int] = set()
    ids: dict[str, LexborNode] | None = None
    for toggle in tree.css(TOGGLES):
        text_words = _words(toggle)
        if not TOGGLE_MIN_WORDS <= text_words <= TOGGLE_MAX_WORDS:
            continue
        if ids is None and "aria-controls" in toggle.attributes:
            ids = {}
            for node in tree.css("[id]"):
                ids.setdefault(node.attributes.get("id") or "", node)
        panel = panel_of(toggle, tree, ids)
        if (panel is None or _inside(panel, toggle) or panel.tag in TOGGLE_BLOCKS or panel.tag == "button"
                or not holds_panel_prose(panel)):
            continue
        if panel.mem_id in panel_ids or not is_toggle(toggle, panel):
            continue
        panel_ids.add(panel.mem_id)
        found.append((toggle, panel))
    if not found:
        return 0
    _show(found)
    # Every node to change is found before any changes, and the deepest <div>s are rewritten
    # first: rewriting one removes only its inline children, never an ancestor still to do.
    loose = {div.mem_id: div for _, panel in found for div in _loose_prose(panel)}
    for toggle, _ in found:
        _toggle_to_text(toggle)
    for div in sorted(loose.values(), key=_depth, reverse=True):
        _wrap_runs(div)
    return len(found)


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    while node is not None:
        if node.mem_id == ancestor.mem_id:
            return True
        node = node.parent
    return False


def _show(found: list[tuple[LexborNode, LexborNode]]) -> None:
    """Take the collapsed state and discard names off each panel, and off its ancestors while the
    panels and toggles hold ``WIDGET_MIN_PANEL_SHARE`` of their text."""
    inside: dict[int, int] = {}
    for toggle, panel in found:
        for part in (toggle, panel):
            length = len(part.text(deep=True, strip=True))
            node = part.parent
            while node is not None:
                inside[node.mem_id] = inside.get(node.mem_id, 0) + length
                node = node.parent
    asked: set[int] = set()  # an ancestor asked for one panel is not asked again (nor those above it)
    for _, panel in found:
        unmark(panel)
        node = panel.parent
        while node is not None and node.tag not in ("body", "html") and node.mem_id not in asked:
            asked.add(node.mem_id)
            if inside.get(node.mem_id, 0) < WIDGET_MIN_PANEL_SHARE * len(node.text(deep=True, strip=True)):
                break
            unmark(node)
            node = node.parent


def unmark(node: LexborNode) -> None:
    """Take off ``node`` what makes ``OVERALL_DISCARD_XPATH`` select it: the collapsed state, a
    hiding style, and the id and class names in its vocabulary (other names stay)."""
    attributes = node.attributes
    if not _discarded(node.tag, attributes):
        return
    attrs = node.attrs
    for name in HIDDEN_STATE_ATTRIBUTES:
        if name in attributes:
            del attrs[name]
    if "style" in attributes and _discarded(node.tag, {"style": attributes["style"]}):
        del attrs["style"]  # "display:none", and "overflow:hidden" matches too
    ident = attributes.get("id")
    if ident and _discarded(node.tag, {"id": ident}):
        del attrs["id"]
    classes = (attributes.get("class") or "").split()
    if classes:
        kept = [name for name in classes if not _discarded(node.tag, {"class": name})
                and not _discarded(node.tag, {"class": "x " + name})]
        if kept:
            attrs["class"] = " ".join(kept)
        else:
            del attrs["class"]
    for name in ("role", "data-component", "data-lp-replacement-content"):
        if name in node.attributes and _discarded(node.tag, {name: node.attributes[name]}):
            del attrs[name]


def _loose_prose(panel: LexborNode) -> list[LexborNode]:
    """The panel's ``<div>``s (itself included) with text outside any block child."""
    return [div for div in [panel, *panel.css("div")] if div.tag == "div" and any(_inline_runs(div))]


def _inline_runs(div: LexborNode) -> list[list[LexborNode]]:
    """The runs of text and inline elements between ``div``'s block children that hold words."""
    runs: list[list[LexborNode]] = [[]]
    child = div.child
    while child is not None:
        if child.tag in INLINE_TAGS:
            runs[-1].append(child)
        elif runs[-1]:
            runs.append([])
        child = child.next
    return [run for run in runs if any(node.tag != "-comment" and _has_words(node) for node in run)]


def _has_words(node: LexborNode) -> bool:
    text = node.text_content if node.tag == "-text" else node.text(deep=True)
    return bool(text and text.strip())


def _wrap_runs(div: LexborNode) -> None:
    """Each run of ``_inline_runs`` becomes a ``<p>`` in its place."""
    for run in _inline_runs(div):
        markup = "".join(htmllib.escape(node.text_content or "") if node.tag == "-text" else node.html or ""
                         for node in run if node.tag != "-comment")
        run[0].insert_before(LexborHTMLParser(f"<p>{markup}</p>").css_first("p"))
        for node in run:
            node.decompose()


def _depth(node: LexborNode) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _toggle_to_text(toggle: LexborNode) -> None:
    parent = toggle.parent
    if (parent is not None and parent.tag in TEXT_PARENTS) or toggle.css_first(TOGGLE_BLOCKS) is not None:
        toggle.unwrap()
    else:
        text = " ".join(toggle.text(deep=True, separator=" ").split())
        toggle.replace_with(LexborHTMLParser(f"<p>{htmllib.escape(text)}</p>").css_first("p"))
