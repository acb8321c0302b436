"""The two item types: ``Page`` (what a spider fetched) and ``Article`` (the JSONL record),
and the ``ExtractOptions`` that turn one into the other.

Spiders only ever yield ``Page``; the extraction pipeline turns it into an ``Article``, so the
same chain serves offline files and live pages. Nothing here imports the extraction libraries:
the reactor process needs these types, only the extraction workers need trafilatura.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ExtractOptions:
    """Extraction settings (``NEWSCLEAN_MAX_PAGE_BYTES``, ``_FAVOR_PRECISION``, ``_RECALL_RETRY_SHARE``,
    ``_INCLUDE_TABLES``, ``_MAX_ELEMENTS``, ``_WORKER_MEMORY_MB``)."""

    max_page_bytes: int = 10 * 1024 * 1024
    favor_precision: bool = False
    # NEWSCLEAN_RECALL_RETRY_SHARE: without favor_precision, a text under this share of the page's
    # article text is extracted again with favor_recall (article.extract_body); 0 = never
    recall_retry_share: float = 0.83
    include_tables: bool = True
    max_elements: int = 50_000  # 0 = no limit
    worker_memory_mb: int = 768  # address space of one extraction worker; 0 = no cap
    html_block_model: bool = False  # NEWSCLEAN_HTML_BLOCK_MODEL
    text_line_model: bool = False  # NEWSCLEAN_TEXT_LINE_MODEL: the learned keep/drop of capture lines
    story_signature: bool = False  # NEWSCLEAN_DUPLICATES is not off: workers sign each record's text


@dataclass(frozen=True)
class KnownMetadata:
    """What a sidecar or a feed says about a page before it is read; wins over the page."""

    url: str | None = None
    site_name: str | None = None
    language: str | None = None  # ISO 639-1
    fetched_at: str | None = None  # ISO 8601 UTC
    title: str | None = None  # a sidecar's: wins over the page's
    published: str | None = None  # ISO 8601
    # A feed's or news sitemap's title for the item: used only when the page has none (feeds
    # cut, mangle and entity-mangle titles more often than pages do).
    feed_title: str | None = None


@dataclass
class Page:
    """Raw bytes of one fetched input and what is known about it before extraction."""

    source_url: str  # where the bytes were read: file:// URI or final http(s) URL
    body: bytes = field(repr=False)  # Scrapy logs dropped items: never dump page bytes
    content_type: str = ""  # Content-Type header, if any
    kind_hint: str = ""  # "html" or "text" when the input's name says so, else sniffed
    fetched_at: str = ""  # ISO 8601 UTC
    known: KnownMetadata = field(default_factory=KnownMetadata)


@dataclass
class Article:
    """One clean article: a line of the output JSONL. Field order is output order."""

    schema_version: int
    url: str | None
    source_url: str
    site_name: str | None
    title: str | None
    authors: list[str]
    published: str | None
    published_from: str | None
    language: str | None
    description: str | None
    text: str = field(repr=False)
    word_count: int
    content_hash: str
    fetched_at: str
    extractor: dict[str, str]
    removed: dict[str, int]
    # Where else the story ran (pipeline.pipelines.stories): a canonical naming another site,
    # the url of the story's first record when this one is a copy, the story's stable id.
    canonical_url: str | None = None
    duplicate_of: str | None = None
    story_id: str | None = None
    # Not a record field (a ClassVar: never exported): the story index's MinHash signature of
    # ``text`` (``pipeline.stories.index.signature_bytes``), set by the extraction worker so that
    # the reactor process does not shingle every record; None when no worker computed it.
    story_signature: ClassVar[bytes | None] = None
