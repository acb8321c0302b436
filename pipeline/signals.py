"""Signals newsclean components send to each other (Scrapy's own are in ``scrapy.signals``)."""

# Sent by AtomicFileFeedStorage when it knows where a feed will land: kwargs ``path`` (Path).
feed_path_known = object()
# Sent by a spider's errback when an input could not be fetched: kwargs ``source_url``,
# ``reason`` (short name) and ``detail``.
page_failed = object()
