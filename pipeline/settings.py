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
# Follow symbolic links that lead out of the input folder (corpora are often assembled from
# links); False refuses them as `outside_input_dir`, for input folders you do not control.
NEWSCLEAN_INPUT_LINKS_OUTSIDE = True
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

# --- news spider ---------------------------------------------------------------------------
# `scrapy crawl news` (spiders/news.py). Scope and safety first (50, before robots.txt at 100:
# the robots.txt requests are checked and tagged too); politeness after RetryMiddleware (550)
# so a retried request waits out its domain's backoff, and before it on the way back.
DOWNLOADER_MIDDLEWARES = {
    "pipeline.scope.ScopeMiddleware": 50,
    "pipeline.politeness.PolitenessMiddleware": 560,
}
# Builds USER_AGENT from NEWSCLEAN_CONTACT (a -s USER_AGENT=... still wins).
ADDONS = {**ADDONS, "pipeline.politeness.ContactUserAgent": 10}
# Contact URL or mailto: put in the User-Agent so site owners can reach whoever runs the crawl.
NEWSCLEAN_CONTACT = "https://github.com/newsclean/newsclean"
# Product token matched against robots.txt User-agent lines.
ROBOTSTXT_USER_AGENT = "newsclean"
# Retry-After / Crawl-delay handling (pipeline/politeness.py); off only for experiments.
NEWSCLEAN_POLITENESS_ENABLED = True
# Statuses after which a domain backs off (Retry-After honoured, else exponential).
NEWSCLEAN_BACKOFF_HTTP_CODES = [429, 503]
# First backoff without Retry-After (seconds); doubled per consecutive 429/503 of a domain.
NEWSCLEAN_BACKOFF_BASE = 5.0
# Longest backoff (seconds), also the cap on a server's Retry-After.
NEWSCLEAN_BACKOFF_MAX = 300.0
# Longest robots.txt Crawl-delay applied (seconds); larger ones are capped with a warning.
NEWSCLEAN_CRAWL_DELAY_MAX = 60.0
# Decompressed responses are capped by DOWNLOAD_MAXSIZE too (Scrapy's HttpCompression).
DOWNLOAD_FAIL_ON_DATALOSS = True
# --- end news spider -----------------------------------------------------------------------
# --- unattended runs -----------------------------------------------------------------------
# State across runs, durable output, run lock, run summary and health exit codes (issue 6).
# Run order: lock (1) -> recover a killed run's .part files (2) -> crawl -> summary/verdict.
EXTENSIONS = {
    **EXTENSIONS,
    "pipeline.runlock.RunLockExtension": 1,
    "pipeline.recovery.OrphanRecovery": 2,
    "pipeline.state.StateRecorder": 3,
    "pipeline.summary.RunSummary": 900,
}
# StateMiddleware right after scope and safety (50): a known article costs no robots.txt or other request.
# FetchOutcomes after it: it sees final answers (after retries/redirects) and 304s before
# StateMiddleware turns them into NotModified.
DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    "pipeline.statemw.StateMiddleware": 60,
    "pipeline.health.FetchOutcomes": 70,
}
# After in-run dedupe: a record already written by an earlier run is dropped (AlreadyWritten).
ITEM_PIPELINES = {**ITEM_PIPELINES, "pipeline.state.KnownArticlePipeline": 450}
# Keep state across runs (articles written, feed validators); off = every run starts afresh.
NEWSCLEAN_STATE_ENABLED = True
# The SQLite state file; the run locks (<spider>.lock) live beside it.
NEWSCLEAN_STATE_PATH = str(PROJECT_DIR / "output" / "state.sqlite")
# What to fetch again despite the state: "articles", "feeds" or "all" (same as -a refresh=).
NEWSCLEAN_STATE_REFRESH = None
# Run lock file (%(name)s = spider); None: <spider>.lock beside NEWSCLEAN_STATE_PATH.
NEWSCLEAN_RUN_LOCK_PATH = None
# Unhealthy (exit 4) when errors / fetch attempts is above this fraction; None = no limit.
NEWSCLEAN_HEALTH_MAX_ERROR_RATE = 0.25
# Unhealthy (exit 4) when there are more errors than this; None = no limit.
NEWSCLEAN_HEALTH_MAX_ERRORS = None
# Unhealthy (exit 5) when no new article was written for longer than this (seconds); None = off.
NEWSCLEAN_HEALTH_STALE_AFTER = None
# Output lines are fsynced (and their articles committed to the state) in groups of this many
# records, or when the oldest unsynced one is NEWSCLEAN_SYNC_INTERVAL seconds old. 1 = each
# record on its own (slower: every fsync and SQLite commit blocks the reactor thread).
NEWSCLEAN_SYNC_EVERY_RECORDS = 100
NEWSCLEAN_SYNC_INTERVAL = 1.0
# Delete default-place outputs (with rejects and summaries) older than this (days); None = keep all.
NEWSCLEAN_OUTPUT_RETENTION_DAYS = None
# --- end of unattended runs ----------------------------------------------------------------
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
