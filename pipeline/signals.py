"""Signals newsclean components send to each other (Scrapy's own are in ``scrapy.signals``)."""

# Sent by AtomicFileFeedStorage when it knows where a feed will land: kwargs ``path`` (Path) and
# ``append`` (True for ``-o``: the run adds to the file; its rejects and summary do the same).
feed_path_known = object()
# Sent by AtomicFileFeedStorage once a feed's output is renamed into place: kwargs ``path``.
feed_published = object()
# Sent by a spider's errback when an input could not be fetched: kwargs ``source_url``,
# ``reason`` (short name) and ``detail``.
page_failed = object()
# Sent by AtomicFileFeedStorage after a group of records of a feed is fsynced in its ``.part``
# file: kwargs ``path`` (Path of the final output) and ``lines`` (list of bytes: each record as
# one JSON line, with its newline; for ``jsonl`` the output's own lines). pipeline.state commits
# articles as written only on this signal.
records_durable = object()
# Sent by OrphanRecovery for each output of a killed run it publishes: kwargs ``path`` (Path it was
# published as) and ``lines`` (its complete record lines). The state has already marked them
# written; the story index adds what it had not stored (the killed run's rows wait for durability).
records_recovered = object()
# Sent by PolitenessMiddleware when a host answers 429/503 and its requests back off: kwargs
# ``host`` (lower-case host name) and ``seconds``. In distributed mode the shared rate holds the
# host for every worker (pipeline.distributed.ratelimit).
domain_backoff = object()
