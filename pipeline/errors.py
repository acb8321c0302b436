"""Why an input yields no record: one ``DropItem`` subclass per reason.

Scrapy's core stats count ``item_dropped_reasons_count/<ClassName>`` for every drop, and the
rejects log (``pipeline.rejects``) writes the class name as the reject ``reason``, so a new
reason needs only a new class here.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem


class RejectedPage(DropItem):
    """Base class: the input could not become an article record.

    ``url`` is the article URL when the record was already built: Scrapy hands the rejects
    log the item the spider yielded (the ``Page``), not the ``Article`` that was dropped.
    """

    def __init__(self, message: str, log_level: str | None = None, *, url: str | None = None):
        super().__init__(message, log_level)
        self.url = url


# Raised by pipeline.decode while turning response bytes into text.
class EmptyPage(RejectedPage):
    """The body is empty or only whitespace."""


class BinaryPage(RejectedPage):
    """The body is not text (NUL bytes, image or archive signatures, control characters)."""


class UndecodablePage(RejectedPage):
    """The body is not UTF-8 and no other charset decodes it plausibly."""


class PageTooLarge(RejectedPage):
    """The body, or what it decompresses to, is over NEWSCLEAN_MAX_PAGE_BYTES."""


class CorruptCompression(RejectedPage):
    """A ``.gz`` input (or gzip body) that does not decompress."""


# Raised by pipeline.extraction.
class NoArticleText(RejectedPage):
    """Extraction found no article body in a readable page."""


class ExtractTimeout(RejectedPage):
    """Extraction of one page ran past NEWSCLEAN_EXTRACT_TIMEOUT and was abandoned."""


class ExtractFailed(RejectedPage):
    """The extractor raised an unexpected error on this page."""


# Raised by pipeline.validate.
class MissingUrl(RejectedPage):
    """The record has no article URL."""


class MissingTitle(RejectedPage):
    """The record has no title."""


class EmptyText(RejectedPage):
    """The record's clean text is empty."""


# Raised by pipeline.dedupe.
class DuplicateUrl(RejectedPage):
    """A record for the same article URL was already written in this run."""


# Raised by pipeline.state.
class AlreadyWritten(RejectedPage):
    """A record for the same article URL was written by an earlier run (state across runs)."""
