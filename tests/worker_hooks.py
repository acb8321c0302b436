"""An extraction hook for ``tests/test_workers.py`` that must stay lean: it imports only what a
worker imports anyway, so the modules a worker holds are the pool's doing, not the hook's."""

from __future__ import annotations

import sys

from pipeline.extract.article import extract_article
from pipeline.items import Article, ExtractOptions, Page

FRAMEWORKS = ("scrapy", "twisted")


def extract_naming_frameworks(page: Page, options: ExtractOptions) -> Article:
    """``extract_article``'s record, titled with the crawl frameworks this worker has imported."""
    article = extract_article(page, options)
    article.title = "imported: " + ",".join(name for name in FRAMEWORKS if name in sys.modules)
    return article
