"""Article metadata from an HTML page's head: JSON-LD first, then meta tags, then markup.

Publication dates keep the time and UTC offset the page states (trafilatura's own metadata
keeps only the day), and ``published_from`` records which source gave the date.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.extract.byline import bare_name, clean_authors, parse_byline
from pipeline.extract.dates import normalize_iso

# schema.org types of an article (NewsArticle, OpinionNewsArticle, LiveBlogPosting, Report...),
# matched whole: the one pattern for "this JSON-LD object is an article".
ARTICLE_TYPES = re.compile(r"\w*(?:Article|BlogPosting|Report)", re.IGNORECASE)
# A page's metadata may also sit on its WebPage object when no article object is given.
METADATA_TYPES = re.compile(rf"{ARTICLE_TYPES.pattern}|WebPage", re.IGNORECASE)
META_TITLE = ("og:title", "twitter:title", "dc.title", "headline")
META_DESCRIPTION = ("og:description", "description", "twitter:description", "dc.description")
META_SITE_NAME = ("og:site_name", "application-name", "al:ios:app_name")
META_AUTHOR = ("author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl", "authors",
               "citation_author", "dc:creator", "dc.creator.aut", "dcterms.creator", "dcsext.author", "rbauthors",
               "cxenseparse:author", "shareaholic:article_author_name")
META_PUBLISHED = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                  "publishdate", "publish-date", "dc.date.issued", "dc.date", "date", "sailthru.date",
                  "parsely-pub-date", "article.published", "published_time")
META_URL = ("og:url",)
# Elements that hold a visible byline ("By Jane Doe", "Published March 3, 2025 by Jane Doe").
BYLINE_ELEMENTS = ('[class*="byline" i], [id*="byline" i], [class*="author" i], [class*="dateline" i], '
                   '[class*="autor" i]')  # German, Spanish, Portuguese, Polish: "autor", "autorin", "autores"
# Author keys of the library conventions, which write the surname first: "Kaufman, Jeff T.".
META_AUTHOR_SURNAME_FIRST = frozenset({"citation_author", "dc.creator", "dc:creator", "dc.creator.aut", "dcterms.creator"})
SURNAME_FIRST = re.compile(r"^(?P<surname>[A-Z\u00c0-\u024f][\w'’-]+),\s*(?P<given>[A-Z\u00c0-\u024f][\w'’-]+(?:\s+[A-Z]\.?)*)$")
# Where the walk up from a name stops looking for page furniture (see _in_page_furniture).
PAGE_CONTAINERS = frozenset({"main", "article", "body", "html"})
# An author element longer than this is a bio or a box, not a name.
NAME_ELEMENT_MAX_WORDS = 8
META_LOCALE = ("og:locale", "content-language", "language", "dc.language")
TITLE_SUFFIX = re.compile(r"\s+[|–—·•:-]\s+[^|–—·•]{2,60}$")
# Dates before this year in metadata are placeholders ("0001-01-01"), not publication dates.
MIN_YEAR = 1990


@dataclass
class HtmlMetadata:
    url: str | None = None
    title: str | None = None
    description: str | None = None
    site_name: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str | None = None
    language: str | None = None


def _meta_map(tree: LexborHTMLParser) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.css("meta[content]"):
        attrs = node.attributes  # a new dict each time it is read
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or attrs.get("http-equiv") or ""
        value = (attrs.get("content") or "").strip()
        if key and value:
            found.setdefault(key.strip().lower(), value)
    return found


def _first_name_first(value: str) -> str:
    """"Kaufman, Jeff T." -> "Jeff T. Kaufman"; anything else as it is."""
    m = SURNAME_FIRST.match(value.strip())
    return f"{m['given']} {m['surname']}" if m else value


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[k] for k in keys if meta.get(k)), None)


JSON_LD_CONTAINERS = ("@graph", "mainEntity", "itemListElement")


def json_ld_objects(tree: LexborHTMLParser, descend: tuple[str, ...] = JSON_LD_CONTAINERS) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, looking inside the ``descend`` keys; bad JSON is skipped."""
    objects: list[dict[str, Any]] = []
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = orjson.loads(node.text(deep=True).strip() or "null")
        except orjson.JSONDecodeError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k in descend)
    return objects


def _names(value: Any, by_id: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Names of a JSON-LD value; a node given only by its ``@id`` (a Yoast-style ``@graph``
    names the author once, as a Person, and points at it) is looked up in ``by_id``."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "name" not in value and by_id and isinstance(value.get("@id"), str) and value["@id"] in by_id:
            value = by_id[value["@id"]]
        return _names(value.get("name"))
    if isinstance(value, list):
        return [n for v in value for n in _names(v, by_id)]
    return []


def _types(obj: dict[str, Any]) -> list[Any]:
    types = obj.get("@type")
    return types if isinstance(types, list) else [types]


def _article_ld(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The article's JSON-LD object: an article type first, a WebPage only without one (a page's
    WebPage often comes first in its graph and gives dates but no author)."""
    for pattern in (ARTICLE_TYPES, METADATA_TYPES):
        for obj in objects:
            if any(isinstance(t, str) and pattern.fullmatch(t) for t in _types(obj)) and (
                    obj.get("headline") or obj.get("datePublished")):
                return obj
    return {}


def _in_page_furniture(node: LexborNode) -> bool:
    """Inside a sidebar, footer, menu or comment thread: a name there is another story's or a
    commenter's. The walk stops at the page's ``<main>``, ``<article>`` or ``<body>``: templates
    name the whole page by its layout ("has-sidebar" on ``<body>``)."""
    parent = node.parent
    while parent is not None and parent.tag not in PAGE_CONTAINERS:
        names = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}".lower()
        if parent.tag in ("aside", "footer", "nav") or "comment" in names or "sidebar" in names:
            return True
        parent = parent.parent
    return False


def byline_authors(tree: LexborHTMLParser) -> list[str]:
    """The names of the first visible byline, for pages whose metadata names no author: "By Jane
    Doe", or an author element that holds only a name, maybe with the date after it ("Jane Doe
    4 August 2010")."""
    for node in tree.css(BYLINE_ELEMENTS):
        text = " ".join(node.text(separator=" ").split())
        parsed = parse_byline(text)
        if parsed:
            return parsed[0]
        if 0 < len(text.split()) <= NAME_ELEMENT_MAX_WORDS and not _in_page_furniture(node):
            name = bare_name(text)
            if name:
                return [name]
    return []


def html_metadata(tree: LexborHTMLParser) -> HtmlMetadata:
    """Metadata from one parsed page (pass the tree before any pre-cleaning)."""
    meta = _meta_map(tree)
    objects = json_ld_objects(tree)
    ld = _article_ld(objects)
    result = HtmlMetadata()

    canonical = tree.css_first('link[rel="canonical"][href]')
    result.url = (canonical.attributes.get("href") if canonical else None) or _first(meta, META_URL)

    h1 = tree.css_first("h1")
    title_tag = tree.css_first("title")
    result.title = next((t for t in (
        ld.get("headline") if isinstance(ld.get("headline"), str) else None,
        _first(meta, META_TITLE),
        h1.text(deep=True, separator=" ", strip=True) if h1 else None,
        TITLE_SUFFIX.sub("", title_tag.text(strip=True)) if title_tag else None,
    ) if t and t.strip()), None)
    if result.title:
        result.title = " ".join(htmllib.unescape(result.title).split())

    result.description = _first(meta, META_DESCRIPTION) or (ld.get("description") if isinstance(
        ld.get("description"), str) else None)
    if result.description:
        result.description = " ".join(htmllib.unescape(result.description).split()) or None
    publisher = ld.get("publisher")
    result.site_name = _first(meta, META_SITE_NAME) or next(iter(_names(publisher)), None)
    if result.site_name:
        result.site_name = htmllib.unescape(result.site_name).strip() or None

    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    result.authors = clean_authors(_names(ld.get("author"), by_id))
    if not result.authors:
        result.authors = clean_authors([_first_name_first(v) if k in META_AUTHOR_SURNAME_FIRST else v
                                        for k, v in meta.items() if k in META_AUTHOR])
    if not result.authors:
        result.authors = clean_authors([n.text(strip=True) for n in tree.css('[rel="author"], [itemprop="author"]')])
    if not result.authors:
        result.authors = byline_authors(tree)

    for source, ask in (
        ("json-ld", lambda: ld.get("datePublished")),
        ("meta", lambda: _first(meta, META_PUBLISHED)),
        # asked only when the first two give no date: a selector pass over the whole page
        ("markup", lambda: next((n.attributes.get("datetime") for n in tree.css("time[datetime]")), None)),
    ):
        value = ask()
        published = normalize_iso(value) if isinstance(value, str) else None
        if published and int(published[:4]) >= MIN_YEAR:
            result.published, result.published_from = published, source
            break

    html = tree.css_first("html")
    lang = (html.attributes.get("lang") if html else None) or _first(meta, META_LOCALE) or ld.get("inLanguage")
    if isinstance(lang, str) and lang.strip():
        result.language = lang.strip().replace("_", "-").split("-")[0].lower()[:3]
    return result
