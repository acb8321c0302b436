"""Signals newsclean components send to each other (Scrapy's own are in ``scrapy.signals``)."""

# Sent by AtomicFileFeedStorage when it knows where a feed will land: kwargs ``path`` (Path).
feed_path_known = object()
# Sent by a spider's errback when an input could not be fetched: kwargs ``source_url``,
# ``reason`` (short name) and ``detail``.
page_failed = object()
# Sent by AtomicFileFeedStorage after a group of complete lines of a feed is fsynced in its
# ``.part`` file: kwargs ``path`` (Path of the final output) and ``lines`` (list of bytes, each
# with its newline). pipeline.state commits articles as written only on this signal.
records_durable = object()
