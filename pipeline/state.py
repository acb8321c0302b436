"""State across runs: one SQLite file (``NEWSCLEAN_STATE_PATH``) shared by every run.

Per spider, keyed by canonical URL (``pipeline.utils.url.url_key``):

- ``articles``: every article URL seen; first seen, last fetched, status (``fetched``,
  ``written``, ``dropped``, ``failed``), ``content_hash``, first written, output file;
- ``resources``: feeds, sitemaps and listings, with the ``ETag``/``Last-Modified`` that make
  the next run's request conditional (``pipeline.downloadermiddlewares.incremental``);
- ``runs``: one row per finished run (the "nothing new for too long" health check).
- ``stories``: the story index's rows (``pipeline.stories.sqlite``, reached with ``story_rows``).

Durability rule: an article becomes ``written`` only when the feed storage reports its record
fsynced in the run's output (signal ``records_durable``), never earlier. A run killed between the
two leaves the record in a ``.part`` file that ``pipeline.extensions.recovery`` publishes and
records at the next start, so no record is lost and none is written twice.

One owner: the extension ``pipeline.extensions.state.StateExtension`` opens the store when the
crawler is built and closes it when the engine stops; every other component reaches it with
``crawler.get_extension(StateExtension)``.

Offline inputs (``file://`` sources, the seeds spider) are recorded but never skipped or dropped
as known: re-running a folder of files is deliberate, and the golden tests rely on it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from pipeline.utils.clock import now_utc
from pipeline.utils.url import is_offline, same_site, url_key

if TYPE_CHECKING:
    from pipeline.stories.sqlite import SqliteStoryRows

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    spider TEXT NOT NULL, url_key TEXT NOT NULL, url TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_fetched TEXT, status TEXT NOT NULL, http_status INTEGER,
    content_hash TEXT, first_written TEXT, output TEXT,
    PRIMARY KEY (spider, url_key));
CREATE TABLE IF NOT EXISTS resources (
    spider TEXT NOT NULL, url_key TEXT NOT NULL, url TEXT NOT NULL, role TEXT,
    etag TEXT, last_modified TEXT, last_fetched TEXT, http_status INTEGER,
    PRIMARY KEY (spider, url_key));
CREATE TABLE IF NOT EXISTS runs (
    spider TEXT NOT NULL, started TEXT NOT NULL, finished TEXT NOT NULL, exit_code INTEGER,
    records INTEGER, new_records INTEGER, output TEXT);
"""
# Never downgrade a written article: a later fetch failure or drop does not unwrite it.
UPSERT_SEEN = """
INSERT INTO articles (spider, url_key, url, first_seen, last_fetched, status, http_status)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (spider, url_key) DO UPDATE SET
    last_fetched = COALESCE(excluded.last_fetched, articles.last_fetched),
    http_status = COALESCE(excluded.http_status, articles.http_status),
    status = CASE WHEN articles.status = 'written' THEN 'written' ELSE excluded.status END
"""
UPSERT_WRITTEN = """
INSERT INTO articles (spider, url_key, url, first_seen, last_fetched, status, content_hash,
                      first_written, output)
VALUES (?, ?, ?, ?, ?, 'written', ?, ?, ?)
ON CONFLICT (spider, url_key) DO UPDATE SET
    status = 'written', content_hash = excluded.content_hash, output = excluded.output,
    last_fetched = COALESCE(articles.last_fetched, excluded.last_fetched),
    first_written = COALESCE(articles.first_written, excluded.first_written)
"""
UPSERT_RESOURCE = """
INSERT INTO resources (spider, url_key, url, role, etag, last_modified, last_fetched, http_status)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (spider, url_key) DO UPDATE SET
    role = excluded.role, last_fetched = excluded.last_fetched, http_status = excluded.http_status
"""
REFRESH_SCOPES = {"": frozenset(), "0": frozenset(), "false": frozenset(), "no": frozenset(),
                  "1": frozenset({"articles", "feeds"}), "true": frozenset({"articles", "feeds"}),
                  "yes": frozenset({"articles", "feeds"}), "all": frozenset({"articles", "feeds"}),
                  "articles": frozenset({"articles"}), "feeds": frozenset({"feeds"})}


class StateStore:
    """The SQLite file. Reads are immediate; writes join one transaction until ``commit``."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> StateStore:
        return cls(Path(settings["NEWSCLEAN_STATE_PATH"]).expanduser().resolve())

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a commit survives power loss, not only kill -9
        self.db.executescript(SCHEMA)
        # Redirect chains seen in this run: final URL key -> keys of the URLs that led to it.
        self.aliases: dict[str, set[str]] = {}

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def is_written(self, spider: str, url: str) -> bool:
        row = self.db.execute("SELECT status FROM articles WHERE spider = ? AND url_key = ?",
                              (spider, url_key(url))).fetchone()
        return row is not None and row[0] == "written"

    def note_seen(self, spider: str, url: str, status: str, http_status: int | None = None,
                  fetched: bool = True) -> None:
        now = now_utc()
        self.db.execute(UPSERT_SEEN, (spider, url_key(url), url, now, now if fetched else None, status, http_status))

    def mark_written(self, spider: str, record: dict[str, Any], output: str, commit: bool = True) -> bool:
        """Record a durable record under its URL, its source URL and their redirect aliases.
        True when the article is new (its URL was never written before).

        A page fetched from one site whose URL names another site (a sidecar's or feed's URL) is
        recorded under the URL it was fetched from only: a page cannot make another site's
        article "known" (the real one would never be fetched). Hosts of one site (``amp.`` and
        ``www.``, see ``pipeline.utils.url.site``) are one publisher: the AMP page makes its
        article known (``written_keys``)."""
        keys = written_keys(record, self.aliases)
        if not keys:
            return False
        new = not self.is_written(spider, next(iter(keys.values())))
        now = now_utc()
        for key, original in keys.items():
            self.db.execute(UPSERT_WRITTEN, (spider, key, original, now, now, record.get("content_hash"), now, output))
        if commit:
            self.db.commit()
        return new

    def story_rows(self, spider: str) -> SqliteStoryRows:
        """The story index's rows of ``spider`` (``pipeline.stories``), in this same file and
        transaction: another state backend returns its own ``StoryRows``."""
        from pipeline.stories.sqlite import SqliteStoryRows  # rensa only for runs that use stories

        return SqliteStoryRows(self.db, spider)

    def validators(self, spider: str, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM resources WHERE spider = ? AND url_key = ?",
                              (spider, url_key(url))).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_resource(self, spider: str, url: str, role: str, http_status: int,
                      validators: tuple[str | None, str | None] | None = None) -> None:
        """Note a fetch of a feed/sitemap/listing; ``validators`` (ETag, Last-Modified), when
        given, replace the stored ones (``None`` keeps them: a 304, or not yet safe to store)."""
        now = now_utc()
        self.db.execute(UPSERT_RESOURCE, (spider, url_key(url), url, role, None, None, now, http_status))
        if validators is not None:
            self.db.execute("UPDATE resources SET etag = ?, last_modified = ? WHERE spider = ? AND url_key = ?",
                            (*validators, spider, url_key(url)))

    def last_new_article_at(self, spider: str) -> str | None:
        """When this spider last wrote an article for the first time, else its first run."""
        row = self.db.execute("SELECT MAX(first_written) FROM articles WHERE spider = ?", (spider,)).fetchone()
        if row and row[0]:
            return row[0]
        row = self.db.execute("SELECT MIN(started) FROM runs WHERE spider = ?", (spider,)).fetchone()
        return row[0] if row else None

    def record_run(self, spider: str, started: str, finished: str, exit_code: int, records: int,
                   new_records: int, output: str | None) -> None:
        self.db.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (spider, started, finished, exit_code, records, new_records, output))
        self.db.commit()


def written_keys(record: dict[str, Any], aliases: dict[str, set[str]]) -> dict[str, str]:
    """URL key -> URL under which a durable record is known: its URL first, then its source URL
    and that URL's redirect aliases (``StateStore.mark_written`` says why the source URL may
    replace the URL). Empty when the record names no URL."""
    url = record.get("url") or record.get("source_url")
    source = record.get("source_url")
    if isinstance(source, str) and not is_offline(source) and isinstance(url, str) and not same_site(url, source):
        url = source
    if not isinstance(url, str) or not url:
        return {}
    keys = {url_key(url): url}
    if isinstance(source, str) and source:
        keys[url_key(source)] = source
        for alias in aliases.get(url_key(source), ()):
            keys.setdefault(alias, alias)
    return keys


def parse_refresh(value: str) -> frozenset[str]:
    """``-a refresh=`` / ``NEWSCLEAN_STATE_REFRESH``: what to re-fetch despite the state."""
    scope = REFRESH_SCOPES.get(str(value).strip().lower())
    if scope is None:
        raise ValueError
    return scope


def refresh_scope(crawler: Crawler) -> frozenset[str]:
    """What ``-a refresh=`` (or ``NEWSCLEAN_STATE_REFRESH``) re-fetches: ``articles``, ``feeds``
    or both (``all``/``1``). The news spider's value is parsed already (``pipeline.arguments``);
    other spiders may carry it as text."""
    value = getattr(crawler.spider, "refresh", None)
    if isinstance(value, frozenset):
        return value
    value = value or crawler.settings.get("NEWSCLEAN_STATE_REFRESH") or ""
    try:
        return parse_refresh(value)
    except ValueError:
        raise ValueError(f"refresh={value!r}: use one of all, articles, feeds (or 1/0)") from None
