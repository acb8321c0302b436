"""HTML pre-clean with selectolax: drop what is never article text before trafilatura runs.

Four kinds of removal, all data (module-level constants), applied in this order:
  1. ``FORMS``: a ``<form>`` is dropped unless it holds the article (ASP.NET pages wrap the
     whole page in one); a form with an e-mail field is a newsletter sign-up.
  2. ``NEVER_CONTENT_TAGS``: scripts, styles, controls, navigation and other non-text elements.
  3. ``NOISE_CONTAINERS``: per noise class, the words templates use in the class or id of
     that noise's containers (newsletter sign-ups, news-feed sidebars, related widgets...).
  4. Widgets found by what they say, for templates with meaningless class names:
     ``WIDGET_MARKERS`` (a short element such as "* indicates required" or "This audio is
     created with AI assistance": its enclosing widget goes), ``SECTION_HEADINGS`` (a heading
     such as "News Feed" or "Related": its section goes) and ``LINK_CARDS`` (a link wrapping a
     headline: a teaser card).

Whatever matched, an element is kept when it holds the article: ``<html>``, ``<body>``,
``<main>``, ``<article>``, anything holding an ``<article>`` or ``articleBody``, or more than
``MAX_SHARE_OF_PAGE_TEXT`` of the page's text (class names like ``post has-share-buttons`` sit
on article wrappers too). A widget grows from its marker up to the largest ancestor with at
most ``WIDGET_MAX_CHARS`` of text that does not hold the article, nor the page's main text
block (``main_text_path``: the element whose paragraphs hold the most text), so a short story
in a template without ``<h1>`` or ``<article>`` is not taken for a widget's surroundings.
Two steps keep article text from trafilatura's own deletions: before the buttons go, collapsible
panels are opened (``panels.open_panels``); after the removals, posts the article quotes from a
social network lose the wrapper names trafilatura discards (``embeds.open_embedded_posts``).
``bench/cv_html.py --ablate all`` measures what each of these adds, per fold of sites.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.extract import rules
from pipeline.extract.html.embeds import open_embedded_posts
from pipeline.extract.html.panels import open_panels

NEVER_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "button", "input", "select", "textarea", "nav", "dialog",
)
FORMS = "form"
FORM_NEWSLETTER = 'input[type="email" i], input[name*="mail" i]'
FORM_COMMENTS = "textarea"
# Containers that hold the article whatever their class says.
KEEP_TAGS = frozenset({"html", "body", "main", "article"})
# Table parts are cells of a table, not widgets ("ticker" is a column of a quotes table too).
TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def literal_pattern(words: tuple[str, ...] | list[str]) -> str:
    """A regex matching any of ``words``, as a trie (Python's ``re`` tries alternatives one
    by one; sharing prefixes makes the one-pass scan over every class name three times faster)."""
    if not words:
        return ""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        if "" in node:  # a word ends here: a longer one adds nothing to a search
            return ""
        alternatives = [re.escape(ch) + build(child) for ch, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return build(trie)


def token_pattern(tokens: tuple[str, ...]) -> str:
    """A regex matching any of ``tokens`` as a whole space-separated token."""
    return r"(?<!\S)(?:" + "|".join(re.escape(t) for t in tokens) + r")(?!\S)" if tokens else ""


@dataclass(frozen=True)
class NoiseNames:
    """How templates name the containers of one noise class: ``words`` found anywhere in a
    class or id (case-insensitive), ``tokens`` only as a whole class token or the whole id."""

    words: tuple[str, ...]
    tokens: tuple[str, ...] = ()

    def pattern(self) -> str:
        return "|".join(p for p in (literal_pattern(self.words), token_pattern(self.tokens)) if p)


NOISE_CONTAINERS: dict[str, NoiseNames] = {
    rules.NEWSLETTER: NoiseNames(("newsletter", "signup", "sign-up", "mc_embed", "mc-embed", "mailchimp", "optin",
                                  "opt-in", "subscribe-box", "subscription-box", "subscription")),
    rules.NEWS_FEED: NoiseNames(("news-feed", "newsfeed", "news_feed", "latest-news", "most-read", "mostread",
                                 "most-popular", "trending", "live-feed", "ticker")),
    rules.CAPTION: NoiseNames(("caption", "photo-credit", "image-credit")),
    rules.SHARE: NoiseNames(("share", "social-"), ("social",)),
    rules.COMMENTS: NoiseNames(("comments", "disqus", "comment-section"), ("comment",)),
    rules.COOKIE: NoiseNames(("cookie", "consent", "gdpr")),
    rules.PAYWALL: NoiseNames(("paywall", "regwall", "piano-")),
    rules.ADVERT: NoiseNames(("advert", "ad-slot", "ad-container", "adslot", "dfp-", "sponsored", "disclosure"),
                             ("ad", "ads", "promo")),
    rules.AUDIO_NOTICE: NoiseNames(("audio-player", "ai-audio", "text-to-speech", "listen-button", "tts-")),
    rules.SKIP_LINK: NoiseNames(("skip-link", "skip-to", "skiplink")),
    rules.TAGS: NoiseNames(("breadcrumb", "tag-list", "taglist", "article-tags", "post-tags", "tags-links")),
    # a legal disclaimer and the footnotes close the page like its footer (a text capture's
    # article ends at a reference list's heading the same way)
    rules.FOOTER: NoiseNames(("disclaimer", "footnotes")),
}
# Names that take a container out of a noise class: a social-media embed (a quoted tweet or
# post) is the article's content, not a share widget, though its name says "social".
NOT_NOISE_NAMES: dict[str, re.Pattern[str]] = {rules.SHARE: re.compile(r"embed")}
# Pop-ups a template shows on hover: a person's card with headlines under a name in the text, a
# glossary or feature tooltip. Their text sits inside the article's sentences, hidden until
# hovered. The trigger is often named like its pop-up ("rollover-people" around the name's link
# and "rollover-people-block"): only the innermost named element goes, never a link.
POPUP_NAMES = re.compile(r"popover|tooltip|hovercard|hover-card|rollover")
# A call to action's box ("post-cta", "cta-bar", "hs_cos_wrapper_type_cta"): "cta" as a word of
# the name, on a block of widget size without prose. Not on links and buttons: templates name the
# links inside an article's own sentences and headings "cta-link" too.
CTA_NAMES = re.compile(r"(?<![a-z])cta(?![a-z])")
CTA_TAGS = frozenset({"div", "section", "aside"})
# Classes whose containers never hold prose: a section a template names "text-to-speech" is the
# text its audio player reads out, not the player. A player says a few words ("Listen to this
# article", "0:00 / 4:12"); a section under the name with more text than that is text too,
# even when it is a line and a list rather than paragraphs of prose.
NO_PROSE_CLASSES = frozenset({rules.AUDIO_NOTICE})
NO_PROSE_MAX_CHARS = 300
# Elements that are one noise class whatever their names.
NOISE_TAGS: dict[str, str] = {"figcaption": rules.CAPTION}
_CLASS_PATTERNS = [(c, re.compile(n.pattern())) for c, n in NOISE_CONTAINERS.items()]
_ANY_NOISE_NAME = re.compile(NoiseNames(tuple(w for n in NOISE_CONTAINERS.values() for w in n.words),
                                        tuple(t for n in NOISE_CONTAINERS.values() for t in n.tokens)).pattern())
ARTICLE_MARKERS = 'article, [itemprop="articleBody"], h1'
# How templates name the standfirst (the summary under the headline); see protect_standfirst.
STANDFIRST_ELEMENTS = ", ".join(f'p[class*="{n}" i], div[class*="{n}" i], h2[class*="{n}" i]'
                                for n in ("standfirst", "teaser", "dek", "deck", "subtitle", "sub-title",
                                          "subhead", "summary", "lede", "intro", "excerpt"))
STANDFIRST_NOT_INSIDE = "p, div, h1, h2, h3, h4, ul, ol, table, a, time, address"
STANDFIRST_MIN_WORDS = 8
STANDFIRST_MAX_WORDS = 80
MAX_SHARE_OF_PAGE_TEXT = 0.4


@dataclass(frozen=True)
class WidgetMarker:
    """A short element whose whole text says which widget it belongs to.

    ``phrase``: a fixed lower-case phrase the element contains (found with lexbor's
    ``:lexbor-contains``, after a cheap check on the page's text); ``pattern``: what the element's
    whole text must match; ``max_chars``: the widget's largest text size."""

    noise_class: str
    phrase: str
    pattern: re.Pattern[str]
    max_chars: int = 600
    language: str = ""  # a marker of one language's pages: looked for only where LANGUAGE_HINTS finds it


def _marker(noise_class: str, phrase: str, pattern: str, max_chars: int = 600, language: str = "") -> WidgetMarker:
    return WidgetMarker(noise_class, phrase, re.compile(pattern, re.IGNORECASE), max_chars, language)


# Words nearly every page of the language holds and other pages rarely do: a language's markers
# are not searched for on pages without one of them (each phrase is one more scan of the text).
LANGUAGE_HINTS = {"de": (" und ", " der ")}


WIDGET_MARKERS: tuple[WidgetMarker, ...] = (
    _marker(rules.NEWSLETTER, "indicates required", r"^\*?\s*indicates required\.?$", 800),
    _marker(rules.AUDIO_NOTICE, "audio", r"^(this|the) audio (is|was|has been) (created|generated|produced|made)\b"
            r".{0,40}\b(ai|artificial intelligence|automated|synthetic)\b.{0,30}$"),
    _marker(rules.AUDIO_NOTICE, "listen", r"^listen to (this|the) (article|story)\b.{0,40}$", 300),
    _marker(rules.AUDIO_NOTICE, "narrat", r"^(this )?(article|story) (is |was )?narrated by\b.{0,60}$", 300),
    _marker(rules.PAYWALL, "continue reading", r"^(subscribe|sign up|log ?in|register|sign in)( now)? to continue "
            r"reading\b.{0,40}$", 800),
    _marker(rules.PAYWALL, "already a subscriber", r"^already a subscriber\??.{0,30}$", 800),
    _marker(rules.COOKIE, "cookies", r"\b(we|this (web)?site|our (web)?site|our partners) (and our partners )?"
            r"uses? cookies\b|\b(wir|diese (web)?seite|diese website|unsere (web)?seite|unsere website) "
            r"(verwenden|verwendet|nutzen|nutzt|setzen|setzt) cookies\b", 1000),
    _marker(rules.SHARE, "share this", r"^share this( article| story| post| page)?:?$", 400),
    # the placeholder of an embed (a post, a video, a map) that waits for consent to load it
    # (phrases a page rarely holds otherwise: every element around a phrase is looked at)
    _marker(rules.COOKIE, "this content", r"^(this content is provided by\b.{0,250}|"
            r".{0,120}\bto (view|show you|see|display) this content\b.{0,200})$", 1000),
    _marker(rules.COOKIE, "content?", r"^allow .{1,30} content\?$", 1000),
    # the same widgets on German pages
    _marker(rules.NEWSLETTER, "pflichtfeld", r"^\*?\s*pflichtfeld(er)?\.?$", 800, "de"),
    _marker(rules.AUDIO_NOTICE, "künstlich", r"^diese[rs]? (audio(version|fassung|datei)?|artikel|beitrag|text) (wurde|ist) "
            r".{0,40}\b(künstlich|künstlicher intelligenz|ki)\b.{0,40}$", 600, "de"),
    _marker(rules.AUDIO_NOTICE, "anhören", r"^((den |diesen )?(artikel|beitrag|text) )?anhören\b.{0,40}$", 300, "de"),
    _marker(rules.PAYWALL, "bereits ein", r"^(sie haben|du hast) bereits ein(en)? (abo|abonnement|konto|zugang)\??.{0,30}$", 800, "de"),
    _marker(rules.PAYWALL, "bereits abonn", r"^bereits (abonnent|abonniert)(in)?\??.{0,30}$", 800, "de"),
    _marker(rules.SHARE, "teilen", r"^((diesen |den )?(artikel|beitrag|seite) )?teilen:?$", 400, "de"),
    _marker(rules.COOKIE, "redaktioneller inhalt", r"^empfohlener redaktioneller inhalt$", 1000, "de"),
    _marker(rules.COOKIE, "externe", r"^(externen? inhalte? (einblenden|anzeigen|laden|zulassen|aktivieren)|"
            r".{0,40}\bich bin damit einverstanden, dass mir externe inhalte\b.{0,250})$", 1000, "de"),
)
# Headings that open a section of links to other stories (or of comments).
SECTION_HEADING_TAGS = ('h2, h3, h4, h5, h6, [class*="title" i], [class*="header" i], [class*="heading" i], '
                        '[class*="label" i]')
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    rules.NEWS_FEED: re.compile(r"^(news ?feed|latest( news| stories| headlines)?|most (read|popular|viewed|shared)"
                                r"|trending( now| stories)?|top stories|in other news|live updates"
                                r"|meist ?gelesen(e artikel)?|am meisten gelesen|neueste (artikel|nachrichten|meldungen)"
                                r"|top-?themen|schlagzeilen|news ?ticker)\s*:?$", re.I),
    rules.TEASER: re.compile(r"^(related( articles| stories| news| content| posts| coverage| reading)?|"
                             r"you (may|might) (also )?(like|enjoy)|more (stories|news)|read next|up next|"
                             r"recommended( for you| stories| reading)?|editors'? picks"
                             r"|das könnte (sie|dich) (auch )?interessieren|auch interessant|lesen sie (auch|mehr)|mehr zum thema"
                             r"|(weitere|ähnliche|verwandte) (artikel|beiträge|nachrichten|themen)|empfehlungen( der redaktion)?)\s*:?$", re.I),
    rules.COMMENTS: re.compile(r"^(\d+ )?(comments?|leave a (reply|comment)|join the (conversation|discussion)"
                               r"|(leser)?kommentare?|kommentar schreiben|diskutieren sie mit)"
                               r"( \(\d+\))?\s*:?$", re.I),
}
SECTION_MAX_CHARS = 2500
# Section headings set as a paragraph over a list of links ("<p><strong>Related:</strong></p>").
LABEL_CLASSES = (rules.TEASER, rules.NEWS_FEED)
LABEL_MAX_CHARS = 60
PROSE_MIN_WORDS = 30
# A link that wraps a headline or a block of text is a teaser card for another story (a link
# in running prose never holds a block).
LINK_CARDS = "a h2, a h3, a h4, a h5, a h6, a p, a div"
CARD_MAX_CHARS = 400
WIDGET_MAX_CHARS = 600
TEXT_BLOCK_PARTS = "p, br"


@dataclass
class _Memo:
    """Facts one ``preclean`` call asks again and again: an element's text length (a widget's
    walk up asks each ancestor's, every card of a list asks the list's) and whether it holds an
    article marker. Kept by ``mem_id`` only while ``preclean`` runs (a freed tree's ids are
    reused) and only until the tree changes (``tree_changed``): the same answers, asked once."""

    tree: LexborHTMLParser | None = None  # the page preclean works on
    lengths: dict[int, int] = field(default_factory=dict)
    # The markers and their ancestors: an element holds a marker when it is one of them (one
    # selector pass over the page instead of one over each element's subtree).
    holders: set[int] | None = None

    def tree_changed(self) -> None:
        self.lengths.clear()
        self.holders = None

    def marker_holders(self, tree: LexborHTMLParser) -> set[int]:
        if self.holders is None:
            self.holders = set()
            for marker in tree.css(ARTICLE_MARKERS):
                current: LexborNode | None = marker
                while current is not None and current.mem_id not in self.holders:
                    self.holders.add(current.mem_id)
                    current = current.parent
        return self.holders


_memo: _Memo | None = None  # set by preclean for the time it runs


def _text_length(node: LexborNode | None) -> int:
    if node is None:
        return 0
    if _memo is None:
        return len(node.text(deep=True, strip=True))
    length = _memo.lengths.get(node.mem_id)
    if length is None:
        length = _memo.lengths[node.mem_id] = len(node.text(deep=True, strip=True))
    return length


def _holds_marker(node: LexborNode) -> bool:
    if _memo is None or _memo.tree is None:
        return node.css_first(ARTICLE_MARKERS) is not None
    return node.mem_id in _memo.marker_holders(_memo.tree)


def main_text_path(tree: LexborHTMLParser) -> frozenset[int]:
    """The ``mem_id`` of the page's main text block and of its ancestors.

    The main text block is the element whose paragraphs (``<p>`` children, or its own text
    between ``<br>``) hold the most text: wherever a template puts its article, and whatever
    it calls it, a widget found by what it says never grows over it."""
    weight: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for node in tree.css(TEXT_BLOCK_PARTS):
        parent = node.parent
        if parent is None:
            continue
        if node.tag == "p":
            size = _text_length(node)
        elif parent.mem_id in weight:  # the block's own text is counted once, at its first <br>
            continue
        else:
            size = len(parent.text(deep=False, strip=True))
        weight[parent.mem_id] = weight.get(parent.mem_id, 0) + size
        parents[parent.mem_id] = parent
    if not weight:
        return frozenset()
    current: LexborNode | None = parents[max(weight, key=weight.__getitem__)]
    path = set()
    while current is not None:
        path.add(current.mem_id)
        current = current.parent
    return frozenset(path)


def holds_article(node: LexborNode, page_text: int, main_path: frozenset[int] = frozenset()) -> bool:
    if node.tag in KEEP_TAGS or node.mem_id in main_path:
        return True
    if _holds_marker(node):
        return True
    return page_text > 0 and _text_length(node) > MAX_SHARE_OF_PAGE_TEXT * page_text


def has_prose(node: LexborNode) -> bool:
    """Two or more paragraphs of ``PROSE_MIN_WORDS`` words: article text, not a widget."""
    found = 0
    for p in node.css("p"):
        if len(p.text(deep=True, separator=" ").split()) >= PROSE_MIN_WORDS:
            found += 1
            if found >= 2:
                return True
    return False


def widget_of(node: LexborNode, max_chars: int, page_text: int,
              main_path: frozenset[int] = frozenset()) -> LexborNode | None:
    """The largest ancestor-or-self of ``node`` with at most ``max_chars`` of text that neither
    holds the article (``main_path``: see ``main_text_path``) nor has prose; ``None`` when
    ``node`` itself fails that."""
    best = None
    current: LexborNode | None = node
    while current is not None and current.tag not in KEEP_TAGS:
        if (_text_length(current) > max_chars or holds_article(current, page_text, main_path)
                or has_prose(current)):
            break
        best, current = current, current.parent
    return best


class _Removals:
    """Nodes to remove, by class; removed outermost-only, so each widget counts once."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[LexborNode, str]] = {}

    def add(self, node: LexborNode | None, noise_class: str) -> None:
        if node is not None:
            self.nodes.setdefault(node.mem_id, (node, noise_class))

    def apply(self, removed: Counter[str]) -> None:
        ids = set(self.nodes)
        outermost = [(n, c) for n, c in self.nodes.values() if not _has_ancestor_in(n, ids)]
        for node, noise_class in outermost:
            removed[noise_class] += 1
            node.decompose()
        self.nodes.clear()
        if _memo is not None and outermost:
            _memo.tree_changed()


def _remove_forms(tree: LexborHTMLParser, page_text: int, removed: Counter[str]) -> None:
    todo = _Removals()
    for form in tree.css(FORMS):
        if holds_article(form, page_text):
            continue
        if form.css_first(FORM_NEWSLETTER) is not None:
            todo.add(form, rules.NEWSLETTER)
        elif form.css_first(FORM_COMMENTS) is not None:
            todo.add(form, rules.COMMENTS)
        else:
            todo.add(form, rules.SITE_CHROME)
    todo.apply(removed)


def noise_class_of_names(names: str) -> str | None:
    """The noise class a lower-cased ``"<class> <id>"`` string names, first in table order."""
    if not _ANY_NOISE_NAME.search(names):
        return None
    return next((c for c, pattern in _CLASS_PATTERNS
                 if pattern.search(names) and not (c in NOT_NOISE_NAMES and NOT_NOISE_NAMES[c].search(names))), None)


# Whether a token (a class, or the id) holds any name the three tables above look for: none of
# their names holds whitespace, so a match in a "<class> <id>" string lies within one of its tokens
# (and a token name or "cta" matches its token alone as it does among the others).
_ANY_NAME = re.compile("|".join((_ANY_NOISE_NAME.pattern, POPUP_NAMES.pattern, CTA_NAMES.pattern)))
_NO_NAME = (None, False, False)


def _names_say(names: str, tokens: dict[str, bool]) -> tuple[str | None, bool, bool]:
    """(noise class, pop-up, call to action) of a lower-cased ``"<class> <id>"`` string. Nine in ten
    name none of them: ruled out token by token, each token searched once a page (``tokens``), in less
    time than three searches of each string (aeb-dev: 0.46 against 0.58 ms a page)."""
    for token in names.split():
        named = tokens.get(token)
        if named is None:
            named = tokens[token] = _ANY_NAME.search(token) is not None
        if named:
            return noise_class_of_names(names), POPUP_NAMES.search(names) is not None, CTA_NAMES.search(names) is not None
    return _NO_NAME


def _remove_containers(tree: LexborHTMLParser, page_text: int, removed: Counter[str]) -> None:
    # One pass over named elements and a regex beats lexbor's [class*=... i] selectors 2:1.
    # A name never removes the main text block or its ancestors (a template that calls its
    # article body "related-articles-text"), as for the widgets below. A heading's id is the
    # anchor a CMS writes from its text for the table of contents ("h-what-is-social-shopping",
    # "hr-shared-services"), not a template's name for a widget: only a heading's class counts.
    todo = _Removals()
    main_path = main_text_path(tree)
    popups: list[LexborNode] = []
    classes: dict[str, tuple[str | None, bool, bool]] = {}  # most names repeat on a page
    tokens: dict[str, bool] = {}  # and their tokens in many combinations
    for node in tree.css("[class], [id]"):
        attrs = node.attributes  # one dict: lexbor's attrs.get costs more than building it
        names = attrs.get("class") or ""
        if node.tag not in HEADING_TAGS:
            names += " " + (attrs.get("id") or "")
        names = names.lower()
        if names in classes:
            noise_class, popup, cta = classes[names]
        else:
            noise_class, popup, cta = classes[names] = _names_say(names, tokens)
        if noise_class and node.tag not in TABLE_PARTS and not holds_article(node, page_text, main_path) and not (
                noise_class in NO_PROSE_CLASSES and (has_prose(node) or _text_length(node) > NO_PROSE_MAX_CHARS)):
            todo.add(node, noise_class)
        elif popup:
            popups.append(node)
        elif (cta and node.tag in CTA_TAGS and _text_length(node) <= WIDGET_MAX_CHARS
              and not holds_article(node, page_text, main_path) and not has_prose(node)):
            todo.add(node, rules.ADVERT)
    _add_innermost_popups(popups, page_text, main_path, todo)
    for tag, noise_class in NOISE_TAGS.items():
        for node in tree.css(tag):
            if not holds_article(node, page_text, main_path):
                todo.add(node, noise_class)
    todo.apply(removed)


def _add_innermost_popups(popups: list[LexborNode], page_text: int, main_path: frozenset[int],
                          todo: _Removals) -> None:
    """The pop-ups (``POPUP_NAMES``) that hold no other: a trigger wrapped around its pop-up keeps
    the words it shows in the text. Each pop-up marks only its nearest pop-up ancestor as holding
    one: that ancestor marks the next in turn."""
    ids = {node.mem_id for node in popups}
    outer: set[int] = set()
    for node in popups:
        parent = node.parent
        while parent is not None and parent.mem_id not in ids:
            parent = parent.parent
        if parent is not None:
            outer.add(parent.mem_id)
    for node in popups:
        if node.mem_id not in outer and node.tag != "a" and not holds_article(node, page_text, main_path):
            todo.add(node, rules.SITE_CHROME)


def _remove_markers(tree: LexborHTMLParser, text_lower: str, page_text: int, main_path: frozenset[int],
                    todo: _Removals) -> None:
    languages = {language for language, hints in LANGUAGE_HINTS.items() if any(hint in text_lower for hint in hints)}
    for marker in WIDGET_MARKERS:
        if (marker.language and marker.language not in languages) or marker.phrase not in text_lower:
            continue
        for node in tree.css(f':lexbor-contains("{marker.phrase}" i)'):
            text = node.text(deep=True, separator=" ", strip=True)
            if len(text) <= 300 and marker.pattern.search(" ".join(text.split())):
                todo.add(widget_of(node, marker.max_chars, page_text, main_path), marker.noise_class)


def _remove_sections(tree: LexborHTMLParser, page_text: int, main_path: frozenset[int], todo: _Removals) -> None:
    for heading in tree.css(SECTION_HEADING_TAGS):
        text = " ".join(heading.text(deep=True, separator=" ", strip=True).split())
        noise_class = next((c for c, p in SECTION_HEADINGS.items() if len(text) <= 60 and p.match(text)), None)
        if noise_class:
            section = widget_of(heading, SECTION_MAX_CHARS, page_text, main_path)
            todo.add(section, noise_class)
            if section is heading:  # the heading sits among the article's own paragraphs
                _add_following_links(heading, todo, noise_class)


def _remove_labelled_link_lists(tree: LexborHTMLParser, todo: _Removals) -> None:
    """A paragraph that only says "Related:" (a section heading's words, set as a label in a
    ``<p>``) over lists of links to other stories: the label and the lists. Only lists whose
    every item is a link go: a label over a list of the article's own points is no section."""
    labels = {}
    for first_list in tree.css("ul, ol"):
        label = first_list.prev
        while label is not None and not label.is_element_node:
            label = label.prev
        if label is not None and label.tag == "p":
            labels.setdefault(label.mem_id, label)
    for label in labels.values():
        text = label.text(deep=True, separator=" ", strip=True)
        if len(text) > LABEL_MAX_CHARS:
            continue
        text = " ".join(text.split())
        noise_class = next((c for c in LABEL_CLASSES if c in SECTION_HEADINGS and SECTION_HEADINGS[c].match(text)), None)
        if noise_class is None:
            continue
        lists = []
        node = label.next
        while node is not None:
            if node.is_element_node:
                items = node.css("li") if node.tag in ("ul", "ol") else []
                if not items or any(item.css_first("a") is None for item in items):
                    break
                lists.append(node)
            node = node.next
        if lists:
            for node in (label, *lists):
                todo.add(node, noise_class)


def _remove_link_cards(tree: LexborHTMLParser, page_text: int, main_path: frozenset[int], todo: _Removals) -> None:
    links: set[int] = set()  # a card's headline and its paragraphs lead to the same link
    for headline in tree.css(LINK_CARDS):
        link = headline.parent
        while link is not None and link.tag != "a":
            link = link.parent
        if link is not None and link.mem_id not in links:
            links.add(link.mem_id)
            todo.add(widget_of(link, CARD_MAX_CHARS, page_text, main_path), rules.TEASER)


def _remove_widgets(tree: LexborHTMLParser, text_lower: str, page_text: int, removed: Counter[str]) -> None:
    todo = _Removals()
    main_path = main_text_path(tree)
    _remove_markers(tree, text_lower, page_text, main_path, todo)
    _remove_sections(tree, page_text, main_path, todo)
    _remove_labelled_link_lists(tree, todo)
    _remove_link_cards(tree, page_text, main_path, todo)
    todo.apply(removed)


def _add_following_links(heading: LexborNode, todo: _Removals, noise_class: str) -> None:
    """After a section heading among the article's paragraphs: the lists and link blocks
    that follow it (up to the next paragraph of prose) belong to the section."""
    node = heading.next
    while node is not None:
        if node.is_element_node:
            if node.tag == "p" or node.tag.startswith("h"):
                break
            if node.tag in ("ul", "ol") or node.css_first("a, time") is not None:
                todo.add(node, noise_class)
            else:
                break
        node = node.next


def protect_standfirst(tree: LexborHTMLParser) -> str | None:
    """Find the standfirst (the summary under the headline) and keep trafilatura from dropping
    it; its text, or ``None``.

    Templates name it "teaser-text", "dek", "standfirst"... and put it in a ``<header>``:
    trafilatura's precision mode discards any element named "teaser" and every ``<header>``.
    A named element of prose length next to the ``<h1>`` (same parent or grandparent) becomes a
    plain ``<p>`` of its text, and its ``<header>`` is unwrapped, so it stays article text."""
    headline = tree.css_first("h1")
    if headline is None or headline.parent is None:
        return None
    scope = headline.parent.parent or headline.parent  # every candidate lies in this subtree
    near = {n.mem_id for n in (headline.parent, headline.parent.parent) if n is not None}
    for node in scope.css(STANDFIRST_ELEMENTS):
        parent = node.parent
        grandparent = parent.parent if parent is not None else None
        if not {n.mem_id for n in (parent, grandparent) if n is not None} & near:
            continue
        if any(inner.mem_id != node.mem_id for inner in node.css(STANDFIRST_NOT_INSIDE)):
            continue  # a container of blocks (or of the headline), not a standfirst
        text = " ".join(node.text(deep=True).split())
        if not STANDFIRST_MIN_WORDS <= len(text.split()) <= STANDFIRST_MAX_WORDS:
            continue
        ancestor = node.parent
        # A plain <p> without the telling names (trafilatura drops a text-only <div> too).
        node.replace_with(LexborHTMLParser(f"<p>{htmllib.escape(text)}</p>").css_first("p"))
        while ancestor is not None and ancestor.tag != "body":
            if ancestor.tag == "header":
                ancestor.unwrap()
                break
            ancestor = ancestor.parent
        return text
    return None


def preclean(tree: LexborHTMLParser) -> Counter[str]:
    """Remove never-content elements and noise widgets in place; count removals per class."""
    global _memo
    removed: Counter[str] = Counter()
    tree.strip_tags(["script", "style", "noscript", "template"])
    body_text = tree.body.text(deep=True, strip=True) if tree.body is not None else ""
    page_text = len(body_text)
    _memo = _Memo(tree)
    try:
        _remove_forms(tree, page_text, removed)
        open_panels(tree)  # before the buttons go: an accordion's toggle holds its panel's heading
        tree.strip_tags(list(NEVER_CONTENT_TAGS))
        _memo.tree_changed()
        _remove_containers(tree, page_text, removed)
        _remove_widgets(tree, body_text.lower(), page_text, removed)
        open_embedded_posts(tree)
    finally:
        _memo = None
    return removed


def _has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False
