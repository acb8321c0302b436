"""Scrapy settings for newsclean: the one configuration surface (override with ``-s NAME=VALUE``).

Project settings are prefixed ``NEWSCLEAN_``; each has one comment saying what it controls.
"""

from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent

BOT_NAME = "newsclean"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "pipeline.commands"

# --- politeness and safety (live crawls) ---------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = "newsclean/0.1 (+https://github.com/newsclean/newsclean)"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# Unattended runs expose no control surface.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- item flow -----------------------------------------------------------------------------
# Page -> Article (extract + clean) -> required fields -> one record per URL -> feeds.
ITEM_PIPELINES = {
    "pipeline.extraction.ExtractionPipeline": 100,
    "pipeline.validate.ValidationPipeline": 300,
    "pipeline.dedupe.DuplicateUrlPipeline": 400,
}
EXTENSIONS = {
    "pipeline.rejects.RejectsLog": 500,
}

# --- output --------------------------------------------------------------------------------
FEED_EXPORTERS = {"jsonl": "pipeline.exporters.OrjsonLinesExporter"}
FEED_STORAGES = {"": "pipeline.exporters.AtomicFileFeedStorage",
                 "file": "pipeline.exporters.AtomicFileFeedStorage"}
FEED_EXPORT_ENCODING = "utf-8"
ADDONS = {"pipeline.output.DefaultOutput": 0}
# Output when no -o/-O (and no FEEDS) is given: output/<spider>/<UTC time>.jsonl.
NEWSCLEAN_DEFAULT_FEED = str(PROJECT_DIR / "output" / "%(name)s" / "%(time)s.jsonl")

# --- newsclean -----------------------------------------------------------------------------
# Folder `scrapy crawl seeds` reads when no `-a dir=` is given.
NEWSCLEAN_SEEDS_DIR = str(PROJECT_DIR / "seeds")
# Largest page accepted, before and after decompression (bytes); bigger inputs are rejected.
NEWSCLEAN_MAX_PAGE_BYTES = 10 * 1024 * 1024
# trafilatura's favor_precision: less boilerplate at a small cost in recall (measured on aeb-dev).
NEWSCLEAN_FAVOR_PRECISION = True
# Keep text inside <table> elements (some sites lay articles out in tables).
NEWSCLEAN_INCLUDE_TABLES = True
# Write the rejects file beside the output.
NEWSCLEAN_REJECTS_ENABLED = True
# Where to write rejects; default: <output stem>.rejects.jsonl beside the first file feed.
NEWSCLEAN_REJECTS_PATH = None

# --- extraction workers (issue 7: throughput and memory) ------------------------------------
# Extraction processes (pipeline.workers); None = one per core, 0 = in the reactor thread
# (the reference path, for debugging; no time limit there).
NEWSCLEAN_EXTRACT_WORKERS = None
# Seconds one page may take in a worker before it is abandoned (reject `ExtractTimeout`) and
# its worker replaced; 0 = no limit.
NEWSCLEAN_EXTRACT_TIMEOUT = 30
# Pages a worker extracts before it is replaced by a fresh one (bounds slow leaks); 0 = never.
NEWSCLEAN_EXTRACT_MAX_PAGES_PER_WORKER = 2000
# The function workers run on each page (dotted path); tests point it at crafted hooks.
NEWSCLEAN_EXTRACT_FUNCTION = "pipeline.extract.extract_article"
# Back-pressure: Scrapy stops sending requests while the responses in its scraper (pages
# waiting for or in extraction included) hold more body bytes than this.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# Items processed in parallel per response. Scrapy starts this many asyncio tasks for every
# response; our spiders yield one Page per response, and the default 100 cost ~1 ms of reactor
# CPU per page (measured with bench/throughput.py).
CONCURRENT_ITEMS = 4
# --- end extraction workers ----------------------------------------------------------------

# --- Scrapy behaviour ----------------------------------------------------------------------
LOG_LEVEL = "INFO"
FEED_STORE_EMPTY = True
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
