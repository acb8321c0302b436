"""Article or not: home, section, tag and list pages are recognized and never become records.

Two gates, both pure:
1. ``listing_url`` (before fetching): the URL alone says listing (site root, ``/tag/...``,
   ``/category/...``, ``/page/2``). Such feed/sitemap entries are not fetched at all.
2. ``listing_page`` (after fetching): what the page declares (``og:type``, JSON-LD ``@type``)
   wins; without a declaration, its shape decides: mostly link text, or many teaser blocks
   with little running prose. An article-like page is kept: a wrong rejection loses a record,
   a wrong acceptance is still checked by extraction and validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.html.metadata import ARTICLE_TYPES, json_ld_objects

# First path segment of listing pages on most news sites and CMSs.
LISTING_SEGMENTS = frozenset({
    "tag", "tags", "topic", "topics", "category", "categories", "section", "sections", "author",
    "authors", "archive", "archives", "search", "page", "label", "labels", "subject", "subjects",
})
PAGINATION = re.compile(r"/page/\d+/?$", re.I)
PAGE_QUERY = re.compile(r"(^|&)(page|paged|p)=\d+(&|$)", re.I)
# og:type values that declare a non-article page.
LISTING_OG_TYPES = frozenset({"website", "profile", "blog"})
LISTING_LD_TYPES = frozenset({"collectionpage", "itemlist", "searchresultspage", "profilepage"})
# Shape thresholds (checked on the aeb-dev article pages: none of them is a listing by shape).
PROSE_MIN_CHARS = 120  # a paragraph of running prose, not a teaser line
MIN_PROSE_PARAGRAPHS = 3  # an article has at least this many
MAX_LINK_TEXT_SHARE = 0.6  # share of visible text inside links above which a page is a list
MIN_TEASERS = 4  # <article> / teaser blocks that make a list when prose is missing


@dataclass(frozen=True)
class PageShape:
    og_type: str
    ld_types: tuple[str, ...]
    prose_paragraphs: int
    link_text_share: float
    teasers: int


def listing_url(url: str) -> str | None:
    """Why the URL alone marks a listing page, or ``None``."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments and not parts.query:
        return "site root"
    if segments and segments[0].lower() in LISTING_SEGMENTS:
        return f"/{segments[0].lower()}/ page"
    if PAGINATION.search(parts.path) or PAGE_QUERY.search(parts.query):
        return "paginated list"
    return None


def _ld_types(tree: LexborHTMLParser) -> tuple[str, ...]:
    # Not inside itemListElement: the entries of a list page are articles, the page is not.
    found: list[str] = []
    for item in json_ld_objects(tree, descend=("@graph", "mainEntity")):
        kinds = item.get("@type")
        found.extend(k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str))
    return tuple(found)


def page_shape(html: str) -> PageShape:
    tree = LexborHTMLParser(html)
    og = tree.css_first('meta[property="og:type"][content]')
    ld_types = _ld_types(tree)
    body = tree.body
    for node in (body.css("script, style, noscript, template") if body else []):
        node.decompose()
    prose = 0
    for p in tree.css("p"):
        if p.css_first("a") is not None and len(p.text(deep=True, strip=True)) - sum(
                len(a.text(deep=True, strip=True)) for a in p.css("a")) < PROSE_MIN_CHARS:
            continue
        if len(p.text(deep=True, strip=True)) >= PROSE_MIN_CHARS:
            prose += 1
    total = len(" ".join((body.text(deep=True, separator=" ") if body else "").split()))
    linked = sum(len(" ".join(a.text(deep=True, separator=" ").split())) for a in tree.css("a"))
    return PageShape(
        og_type=(og.attributes.get("content") or "").strip().lower() if og else "",
        ld_types=ld_types,
        prose_paragraphs=prose,
        link_text_share=linked / total if total else 0.0,
        teasers=len(tree.css("article")) + len(tree.css('[class~="teaser"], [class~="card"]')),
    )


def listing_page(html: str, url: str) -> str | None:
    """Why a fetched HTML page is not an article (``not_article`` reject detail), or ``None``.

    1. A URL that names a listing (see ``listing_url``) is one.
    2. A page that declares itself an article (``og:type`` article, JSON-LD *Article*) is one.
    3. A declared collection (JSON-LD CollectionPage/ItemList...) or ``og:type`` website page
       without running prose is a listing.
    4. Undeclared: a page that is mostly link text, or many teasers with little prose.
    """
    reason = listing_url(url)
    if reason:
        return reason
    shape = page_shape(html)
    if shape.og_type == "article" or any(ARTICLE_TYPES.fullmatch(t) for t in shape.ld_types):
        return None
    few_prose = shape.prose_paragraphs < MIN_PROSE_PARAGRAPHS
    declared = next((t for t in shape.ld_types if t.lower() in LISTING_LD_TYPES), None)
    if declared and few_prose:
        return f"declared {declared}"
    if shape.og_type in LISTING_OG_TYPES and few_prose:
        return f"og:type {shape.og_type} without article prose"
    if shape.link_text_share > MAX_LINK_TEXT_SHARE and few_prose:
        return f"{shape.link_text_share:.0%} of the text is links"
    if shape.teasers >= MIN_TEASERS and few_prose:
        return f"{shape.teasers} teasers and {shape.prose_paragraphs} prose paragraphs"
    return None
