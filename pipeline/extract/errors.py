"""Why a page cannot become an article, as the extraction core sees it.

The core imports nothing from Scrapy (extraction workers import only it), so these are plain
exceptions. ``pipeline.errors`` declares a Scrapy ``DropItem`` of the same name for each, and
the extraction pipeline raises that one, so Scrapy's stats and the rejects file count drops by
these names.
"""

from __future__ import annotations


class PageProblem(Exception):
    """Base class: the page could not become an article record."""


# Raised by pipeline.extract.decode while turning response bytes into text.
class EmptyPage(PageProblem):
    """The body is empty or only whitespace."""


class BinaryPage(PageProblem):
    """The body is not text (NUL bytes, image or archive signatures, control characters)."""


class UndecodablePage(PageProblem):
    """The body is not UTF-8 and no other charset decodes it plausibly."""


class PageTooLarge(PageProblem):
    """The body, or what it decompresses to, is over NEWSCLEAN_MAX_PAGE_BYTES."""


class CorruptCompression(PageProblem):
    """A ``.gz`` input (or gzip body) that does not decompress."""


# Raised by pipeline.extract.article.
class NoArticleText(PageProblem):
    """Extraction found no article body in a readable page."""


class TooManyElements(PageProblem):
    """The HTML page has more tags than NEWSCLEAN_MAX_ELEMENTS (refused before it is parsed)."""


# Raised by pipeline.extract.worker (and the in-process path) when extraction ran out of memory.
class PageTooComplex(PageProblem):
    """Extracting the page needed more memory than NEWSCLEAN_WORKER_MEMORY_MB allows."""
