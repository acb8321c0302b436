"""HTML pre-clean with selectolax: drop what is never article text before trafilatura runs.

Two kinds of removal, both data:
  * ``NEVER_CONTENT_TAGS``: scripts, styles, forms, navigation and other non-text elements.
  * ``NOISE_CONTAINERS``: per noise class, CSS selectors for the containers templates use for
    that noise (newsletter sign-ups, news-feed sidebars, related-article widgets, captions...).

A container is kept, whatever its class says, when it holds the article: an ``<article>`` or
``articleBody`` inside it, or more than ``MAX_SHARE_OF_PAGE_TEXT`` of the page's text (class
names like ``post has-share-buttons`` sit on article wrappers too).
"""

from __future__ import annotations

from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline import rules

NEVER_CONTENT_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas",
    "form", "button", "input", "select", "textarea", "nav", "dialog",
)


def _containing(*words: str) -> str:
    """Selector for elements whose class or id contains any of ``words`` (case-insensitive)."""
    return ", ".join(f'[class*="{w}" i], [id*="{w}" i]' for w in words)


def _token(*words: str) -> str:
    """Selector for elements with one of ``words`` as a whole class token or as the id."""
    return ", ".join(f'[class~="{w}" i], [id="{w}" i]' for w in words)


NOISE_CONTAINERS: dict[str, str] = {
    rules.NEWSLETTER: _containing("newsletter", "signup", "sign-up", "mc_embed", "mc-embed", "mailchimp",
                                  "optin", "opt-in", "subscribe-box", "subscription-box"),
    rules.NEWS_FEED: _containing("news-feed", "newsfeed", "news_feed", "latest-news", "most-read",
                                 "mostread", "most-popular", "trending", "live-feed", "ticker"),
    rules.TEASER: _containing("related", "recommend", "read-next", "readnext", "more-stories", "outbrain",
                              "taboola", "recirc", "also-read", "more-news"),
    rules.CAPTION: "figcaption, " + _containing("caption", "photo-credit", "image-credit"),
    rules.SHARE: _containing("share", "social-") + ", " + _token("social"),
    rules.COMMENTS: _containing("comments", "disqus", "comment-section") + ", " + _token("comment"),
    rules.COOKIE: _containing("cookie", "consent", "gdpr"),
    rules.PAYWALL: _containing("paywall", "regwall", "piano-"),
    rules.ADVERT: _containing("advert", "ad-slot", "ad-container", "adslot", "dfp-", "sponsored") + ", "
    + _token("ad", "ads", "promo"),
    rules.AUDIO_NOTICE: _containing("audio-player", "ai-audio", "text-to-speech", "listen-button", "tts-"),
    rules.SKIP_LINK: _containing("skip-link", "skip-to", "skiplink"),
    rules.TAGS: _containing("breadcrumb", "tag-list", "taglist", "article-tags", "post-tags"),
}
ARTICLE_MARKERS = 'article, [itemprop="articleBody"]'
MAX_SHARE_OF_PAGE_TEXT = 0.4


def _text_length(node: LexborNode | None) -> int:
    return len(node.text(deep=True, strip=True)) if node is not None else 0


def holds_article(node: LexborNode, page_text: int) -> bool:
    if node.tag in ("html", "body", "main", "article"):
        return True
    if node.css_first(ARTICLE_MARKERS) is not None:
        return True
    return page_text > 0 and _text_length(node) > MAX_SHARE_OF_PAGE_TEXT * page_text


def preclean(tree: LexborHTMLParser) -> Counter[str]:
    """Remove never-content elements and noise containers in place; count removals per class."""
    removed: Counter[str] = Counter()
    tree.strip_tags(list(NEVER_CONTENT_TAGS))
    page_text = _text_length(tree.body)
    for noise_class, selector in NOISE_CONTAINERS.items():
        matches = [node for node in tree.css(selector) if not holds_article(node, page_text)]
        matched_ids = {node.mem_id for node in matches}
        # Innermost first, so no node is touched after an ancestor has destroyed it.
        for node in reversed(matches):
            if not _has_ancestor_in(node, matched_ids):
                removed[noise_class] += 1
            node.decompose()
    return removed


def _has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False
