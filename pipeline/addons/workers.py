"""Add-on: the extraction workers' forkserver starts as soon as the settings are final.

The forkserver imports the extraction modules (trafilatura, lxml, the language model: about
0.4 s of CPU) before it can fork a worker, and the crawl waits for the workers. Add-ons run
first thing when the crawler is built, about 0.3 s before the item pipelines are (where
``ExtractionPipeline.from_crawler`` starts it otherwise), so the forkserver's imports run
alongside Scrapy's own start-up instead of after it. Starting it twice is harmless
(``ensure_running``), so the pipeline still starts it for crawlers built without this add-on.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object

from pipeline.pipelines.extraction import ExtractionPipeline, worker_count
from pipeline.pipelines.workerpool import start_forkserver


def extracts_in_workers(settings: BaseSettings) -> bool:
    """Whether a crawl with these settings runs ``ExtractionPipeline`` with worker processes."""
    if not worker_count(settings):
        return False
    for component in build_component_list(settings.getwithbase("ITEM_PIPELINES")):
        cls = load_object(component) if isinstance(component, str) else component
        if isinstance(cls, type) and issubclass(cls, ExtractionPipeline):
            return True
    return False


class EarlyForkserver:
    def update_settings(self, settings: BaseSettings) -> None:
        if extracts_in_workers(settings):
            start_forkserver(settings.get("NEWSCLEAN_EXTRACT_FUNCTION"))


def start_from_the_command_line(settings: BaseSettings) -> None:
    """``scrapy crawl`` and ``scrapy cron``: start the forkserver as soon as the command line is
    read (the project's settings and ``-s``), when those enable this add-on and extraction
    workers. That is before the spider checks (which import every spider module) and the
    crawler, about 0.1 s before the add-on would: the workers were ready 0.13 s after the pool
    asked for them, waiting for the forkserver's imports. The add-on still runs with the final
    settings (a second start does nothing). A forkserver that the final settings turn out not
    to need, or one of a run refused before it starts, idles and ends with the process."""
    addons = [load_object(addon) if isinstance(addon, str) else addon
              for addon in build_component_list(settings.getwithbase("ADDONS"))]
    if EarlyForkserver in addons:
        EarlyForkserver().update_settings(settings)
