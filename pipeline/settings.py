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

# --- components, in the order Scrapy runs them -----------------------------------------------
# Data flow: spider -> downloader middlewares -> spider callback yields a Page -> item pipelines
# (Page -> Article -> checks) -> feed exporter. Extensions and add-ons frame the run.

# Add-ons adjust settings before anything is built.
ADDONS = {
    # FEEDS output/<spider>/<UTC time>.jsonl only when the command line names no output.
    "pipeline.addons.output.DefaultOutput": 0,
    # USER_AGENT from NEWSCLEAN_CONTACT, so site owners can reach whoever runs the crawl.
    "pipeline.addons.useragent.ContactUserAgent": 10,
    # With REDIS_URL: scrapy-redis scheduler and dupefilter, Redis state, shared per-domain rate.
    "pipeline.addons.distributed.DistributedMode": 20,
    # Starts the extraction workers' forkserver now, so its imports overlap Scrapy's start-up.
    "pipeline.addons.workers.EarlyForkserver": 100,
}

# Built before the middlewares and pipelines (they find the state with get_extension).
# Priorities below 0 come before Scrapy's FeedExporter (0), so their spider_opened handlers run
# before this run's output file is opened.
EXTENSIONS = {
    # One run per output: the locks are taken while the crawler is built, before any file is touched.
    "pipeline.extensions.runlock.RunLockExtension": -20,
    # Publishes a killed run's .part files before this run opens its own.
    "pipeline.extensions.recovery.OrphanRecovery": -10,
    # Every input that gave no record, with its reason, beside the output.
    "pipeline.extensions.rejects.RejectsLog": 500,
    # Health verdict, exit code, summary file and old-output retention at the end of the run.
    "pipeline.extensions.summary.RunSummary": 900,
    # Owns the SQLite state: opened first by the components that need it, closed last (after the
    # summary records the run), and marks articles written once their lines are durable.
    "pipeline.extensions.state.StateExtension": 950,
}

# Requests go down in increasing order, responses come back up in decreasing order. Scrapy's
# own: RobotsTxt 100, DownloadTimeout 350, UserAgent 500, Retry 550, Redirect 600,
# HttpCompression 590, HttpProxy 750, DownloaderStats 850.
DOWNLOADER_MIDDLEWARES = {
    # Scope and safety first, so robots.txt requests and every redirect hop are checked too.
    "pipeline.downloadermiddlewares.scope.ScopeMiddleware": 50,
    # Scrapy's robots.txt middleware, raising DisallowedByRobots (not a bare IgnoreRequest).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "pipeline.downloadermiddlewares.refusals.TypedRobotsTxtMiddleware": 100,
    # Conditional requests for feeds, and no request at all for an article already written.
    "pipeline.downloadermiddlewares.incremental.StateMiddleware": 60,
    # Final outcome of every request (after retries and redirects, before 304 -> NotModified).
    "pipeline.downloadermiddlewares.outcomes.FetchOutcomes": 70,
    # Crawl-delay and Retry-After: after Retry (550), so a retried request waits out its
    # domain's backoff, and before it on the way back.
    "pipeline.downloadermiddlewares.politeness.PolitenessMiddleware": 560,
    # Scrapy's decompression, raising DecompressedTooLarge past DOWNLOAD_MAXSIZE.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "pipeline.downloadermiddlewares.refusals.TypedHttpCompressionMiddleware": 590,
    # Scrapy's redirects, raising TooManyRedirects and RedirectLoop (rejects, not silent drops).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "pipeline.downloadermiddlewares.refusals.TypedMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "pipeline.downloadermiddlewares.refusals.TypedRedirectMiddleware": 600,
}

# With REDIS_URL only: acknowledges a request read from the shared frontier once its output is
# safe (yielded requests queued, records durable or dropped). Closest to the engine.
SPIDER_MIDDLEWARES = {
    "pipeline.distributed.acks.FrontierAcks": 1,
}

# Page -> Article -> required fields -> one record per URL in the run -> and across runs.
ITEM_PIPELINES = {
    # Decode, pre-clean, trafilatura or the text-capture cleaner, post-clean: in worker processes.
    "pipeline.pipelines.extraction.ExtractionPipeline": 100,
    # A record without URL, title or text is dropped, each for its reason.
    "pipeline.pipelines.validate.ValidationPipeline": 300,
    # One record per canonical URL within the run.
    "pipeline.pipelines.dedupe.DuplicateUrlPipeline": 400,
    # A record an earlier run already wrote is dropped (AlreadyWritten).
    "pipeline.pipelines.known.KnownArticlePipeline": 450,
    # Each record's story_id, and duplicate_of for a copy of a story already written.
    "pipeline.pipelines.stories.StoryPipeline": 500,
}

# --- output --------------------------------------------------------------------------------
# Every format a user may pick writes the record's fields as jsonl does (pipeline/feedexport/
# exporters.py); marshal and pickle are refused: Python-only bytes, nothing to recover after a kill.
FEED_EXPORTERS = {
    "jsonl": "pipeline.feedexport.exporters.OrjsonLinesExporter",
    "jl": "pipeline.feedexport.exporters.OrjsonLinesExporter",
    "jsonlines": "pipeline.feedexport.exporters.OrjsonLinesExporter",
    "json": "pipeline.feedexport.exporters.JsonArrayExporter",
    "csv": "pipeline.feedexport.exporters.CsvExporter",
    "xml": "pipeline.feedexport.exporters.XmlExporter",
    "marshal": None,
    "pickle": None,
}
FEED_STORAGES = {"": "pipeline.feedexport.storage.AtomicFileFeedStorage",
                 "file": "pipeline.feedexport.storage.AtomicFileFeedStorage"}
FEED_EXPORT_ENCODING = "utf-8"
# %(time)s gets microseconds when an earlier output already carries this second.
FEED_URI_PARAMS = "pipeline.feedexport.names.unused_time_params"
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
# trafilatura's favor_precision. Off: on site-grouped held-out folds it cuts article text on
# wcxb-dev (-0.003 F1, 4 of 5 folds) for less boilerplate on aeb-dev (+0.005); pre-clean and the
# line rules already remove the named noise. On, a page whose precise text is a sliver is
# extracted again without it (README, Quality).
NEWSCLEAN_FAVOR_PRECISION = False
# Without favor_precision: a page whose text holds under this share of the pre-cleaned page's
# text outside its nav, header, footer, aside, form and menu is extracted a second time with
# trafilatura's favor_recall, and the wider text is taken when it is more than 1.1 times as long
# (README, Recall). Every share from 0.83 up keeps the held-out gain of running it wherever its
# text could be taken (0.83, the lowest: fewest second runs); 0 never runs the second extraction (fastest).
NEWSCLEAN_RECALL_RETRY_SHARE = 0.83
# Keep text inside <table> elements (some sites lay articles out in tables).
NEWSCLEAN_INCLUDE_TABLES = True
# HTML: keep or drop the pre-cleaned page's blocks with the learned model
# (pipeline/extract/models/html-blocks.json, bench/train_html_blocks.py) instead of taking
# trafilatura's text as the rules clean it. Off: see the README's Quality for its held-out figures.
NEWSCLEAN_HTML_BLOCK_MODEL = False
# Text captures: a learned keep/drop decision (pipeline/extract/models/text-lines.json) for the
# lines no named rule claims, instead of the main-run rule alone. Off unless it wins on held-out
# folds (README, "Quality").
NEWSCLEAN_TEXT_LINE_MODEL = False
# HTML pages with more tags than this are rejected as TooManyElements before they are parsed:
# a page of a million <p> took 2 GB in the parsers. The largest page of aeb-dev and wcxb-dev
# has 5,106 tags; 0 = no limit.
NEWSCLEAN_MAX_ELEMENTS = 50_000
# Address space (MiB) of each extraction worker (RLIMIT_AS): a page that needs more is rejected
# as PageTooComplex (or, if its worker dies, ExtractFailed) and the run goes on; 0 = no cap.
# A ready worker maps about 180 MiB; a 10 MB page of 20,000 paragraphs extracts within 768
# (crawl tree peak 551 MiB); a page of a million <p> (element limit off) ends as a reject in
# 5 s, tree peak 912 MiB (1,168 MiB with a 1024 cap). Not applied with NEWSCLEAN_EXTRACT_WORKERS=0.
NEWSCLEAN_WORKER_MEMORY_MB = 768
# Write the rejects file beside the output.
NEWSCLEAN_REJECTS_ENABLED = True
# Where to write rejects; default: <output stem>.rejects.jsonl beside each file feed.
NEWSCLEAN_REJECTS_PATH = None

# --- news spider ---------------------------------------------------------------------------
# `scrapy crawl news` (spiders/news.py): politeness and safety.
# Contact URL or mailto: put in the User-Agent so site owners can reach whoever runs the crawl.
NEWSCLEAN_CONTACT = "https://github.com/newsclean/newsclean"
# Product token matched against robots.txt User-agent lines.
ROBOTSTXT_USER_AGENT = "newsclean"
# Retry-After / Crawl-delay handling (pipeline/downloadermiddlewares/politeness.py); off only for experiments.
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
# Discovery bounds: a sitemap index nested deeper than this is not followed (stat
# newsclean/news/skipped_sitemap/too_deep), and at most this many feeds and sitemaps are
# requested per run (newsclean/news/skipped_document/limit); a hostile or broken site's endless
# chain of indexes ends by itself.
NEWSCLEAN_MAX_SITEMAP_DEPTH = 3
NEWSCLEAN_MAX_DOCUMENTS = 500
# Wall-clock limit of an unattended run (`scrapy cron`), in seconds, unless CLOSESPIDER_TIMEOUT
# is given: a run that hangs would otherwise hold its run lock against every later cron run.
# 0 = none. A run that hits it ends with finish reason closespider_timeout, in its summary.
NEWSCLEAN_CRON_TIMEOUT = 3 * 3600
# --- unattended runs -----------------------------------------------------------------------
# Keep state across runs (articles written, feed validators); off = every run starts afresh.
NEWSCLEAN_STATE_ENABLED = True
# The SQLite state file.
NEWSCLEAN_STATE_PATH = str(PROJECT_DIR / "output" / "state.sqlite")
# What to fetch again despite the state: "articles", "feeds" or "all" (same as -a refresh=).
NEWSCLEAN_STATE_REFRESH = None
# One run lock file for every run of a spider (%(name)s = spider); None: one lock per output,
# beside it (pipeline/extensions/runlock.py), so runs writing different outputs do not wait.
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
# Copies of a story already written (same URL, cross-site canonical, same content_hash, or word
# 5-shingle similarity at least NEWSCLEAN_DUPLICATE_THRESHOLD): "mark" keeps them with
# duplicate_of set, "drop" drops them (reject DuplicateStory), "off" sets neither field.
NEWSCLEAN_DUPLICATES = "mark"
# Estimated Jaccard similarity of word 5-shingles from which two texts are one story.
NEWSCLEAN_DUPLICATE_THRESHOLD = 0.5
# A run indexes the stories written in the last this many days (0 = all): the index costs about
# 350 MB per 100,000 records, and syndicated copies of a story appear within days.
NEWSCLEAN_DUPLICATE_WINDOW_DAYS = 30
# Where the state lives: the SQLite store; distributed mode (pipeline.addons.distributed)
# names pipeline.distributed.state.RedisStateStore.
NEWSCLEAN_STATE_STORE = "pipeline.state.StateStore"
# --- distributed mode (REDIS_URL set; pipeline/distributed/) ---------------------------------
# This worker's name (its consumer in the frontier stream, its output folder); None = <host>-<pid>.
NEWSCLEAN_REDIS_WORKER = None
# Default output of a worker when no -o/-O is given: every worker's records under one folder.
NEWSCLEAN_REDIS_FEED = str(PROJECT_DIR / "output" / "%(name)s" / "workers" / "%(worker)s" / "%(time)s.jsonl")
# Seconds after which the requests a silent (dead) worker held go to another worker.
NEWSCLEAN_REDIS_LEASE = 30.0
# Longest wait between two polls of an idle worker (seconds); polls start 50 ms apart and double.
NEWSCLEAN_REDIS_IDLE_MAX = 2.0
# A worker stops once the shared frontier has been empty this long (seconds).
NEWSCLEAN_REDIS_IDLE_CLOSE = 5.0
# Requests a worker reads from the frontier at a time.
NEWSCLEAN_REDIS_BATCH = 4
# Requests per second to one host, all workers together (0 = no shared limit; Scrapy's
# per-worker DOWNLOAD_DELAY, AutoThrottle and Crawl-delay apply either way).
NEWSCLEAN_REDIS_DOMAIN_RATE = 2.0
# --- extraction workers --------------------------------------------------------------------
# Extraction processes (pipeline.pipelines.workerpool); None = one per core, 0 = in the reactor thread
# (the reference path, for debugging; no time limit there).
NEWSCLEAN_EXTRACT_WORKERS = None
# Seconds one page may take in a worker before it is abandoned (reject `ExtractTimeout`) and
# its worker replaced; 0 = no limit.
NEWSCLEAN_EXTRACT_TIMEOUT = 30
# Pages a worker extracts before it is replaced by a fresh one (bounds slow leaks); 0 = never.
NEWSCLEAN_EXTRACT_MAX_PAGES_PER_WORKER = 2000
# The function workers run on each page (dotted path); tests point it at crafted hooks.
NEWSCLEAN_EXTRACT_FUNCTION = "pipeline.extract.article.extract_article"
# Back-pressure: Scrapy stops sending requests while the responses in its scraper (pages
# waiting for or in extraction included) hold more body bytes than this.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 5_000_000
# Items processed in parallel per response. Scrapy starts this many asyncio tasks for every
# response; our spiders yield one Page per response, and the default 100 cost ~1 ms of reactor
# CPU per page (measured with bench/throughput.py).
CONCURRENT_ITEMS = 4
# Scrapy's check, before every callback, that a generator callback returns no value: it caches
# its answer per bound method, which each request makes anew, so about one page in six paid
# 0.25 ms of reactor CPU to read and parse the callback's source again (our callbacks return none).
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- Scrapy behaviour ----------------------------------------------------------------------
LOG_LEVEL = "INFO"
# Scrapy's, less the two DEBUG lines a page that a higher LOG_LEVEL discards (built for nothing).
LOG_FORMATTER = "pipeline.logformatter.QuietLogFormatter"
FEED_STORE_EMPTY = True
