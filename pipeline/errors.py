"""Why an input yields no record: one ``DropItem`` subclass per reason.

Scrapy's core stats count ``item_dropped_reasons_count/<ClassName>`` for every drop, and the
rejects log (``pipeline.extensions.rejects``) writes the class name as the reject ``reason``, so a new
reason needs only a new class here.
"""

from __future__ import annotations

from scrapy.exceptions import DropItem

from pipeline.extract import errors as extract_errors


class RejectedPage(DropItem):
    """Base class: the input could not become an article record.

    ``url`` is the article URL when the record was already built: Scrapy hands the rejects
    log the item the spider yielded (the ``Page``), not the ``Article`` that was dropped.
    """

    def __init__(self, message: str, log_level: str | None = None, *, url: str | None = None):
        super().__init__(message, log_level)
        self.url = url


def _drop_of(problem: type[extract_errors.PageProblem]) -> type[RejectedPage]:
    """The drop Scrapy counts for one of the extraction core's problems: same name, same doc,
    and still an instance of the core's class."""
    return type(problem.__name__, (RejectedPage, problem), {"__doc__": problem.__doc__, "__module__": __name__})


# The extraction core's reasons (pipeline.extract.errors), as drops; ``drop_for`` converts.
EmptyPage = _drop_of(extract_errors.EmptyPage)
BinaryPage = _drop_of(extract_errors.BinaryPage)
UndecodablePage = _drop_of(extract_errors.UndecodablePage)
PageTooLarge = _drop_of(extract_errors.PageTooLarge)
CorruptCompression = _drop_of(extract_errors.CorruptCompression)
NoArticleText = _drop_of(extract_errors.NoArticleText)
TooManyElements = _drop_of(extract_errors.TooManyElements)
PageTooComplex = _drop_of(extract_errors.PageTooComplex)


# Raised by pipeline.pipelines.extraction and its worker pool.
class ExtractTimeout(RejectedPage):
    """Extraction of one page ran past NEWSCLEAN_EXTRACT_TIMEOUT and was abandoned."""


class ExtractFailed(RejectedPage):
    """The extractor raised an unexpected error on this page."""


# Raised by pipeline.pipelines.validate.
class MissingUrl(RejectedPage):
    """The record has no article URL."""


class EmptyText(RejectedPage):
    """The record's clean text is empty."""


# Raised by pipeline.pipelines.dedupe.
class DuplicateUrl(RejectedPage):
    """A record for the same article URL was already written in this run."""


# Raised by pipeline.pipelines.known.
class AlreadyWritten(RejectedPage):
    """A record for the same article URL was written by an earlier run (state across runs)."""


# Raised by pipeline.pipelines.stories (NEWSCLEAN_DUPLICATES=drop).
class DuplicateStory(RejectedPage):
    """The record carries a story already written (a copy, exact or near, or its declared
    syndication); dropped instead of marked."""


def drop_for(problem: extract_errors.PageProblem) -> RejectedPage:
    """The drop Scrapy counts for a problem the extraction core raised (same class name)."""
    return drop_named(type(problem).__name__, str(problem))


def drop_named(reason: str, message: str) -> RejectedPage:
    """The drop of class ``reason`` (a worker reports its problem by name); ``ExtractFailed``
    for a name that is no drop."""
    drop = globals().get(reason)
    if not (isinstance(drop, type) and issubclass(drop, RejectedPage)):
        drop = ExtractFailed
    return drop(message)
