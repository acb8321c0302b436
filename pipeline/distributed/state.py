"""The state of ``pipeline.state`` in Redis, for distributed mode: the same interface as the
SQLite ``StateStore`` (``pipeline.extensions.state`` opens whichever ``NEWSCLEAN_STATE_STORE``
names; ``pipeline.addons.distributed`` names this one when ``REDIS_URL`` is set), so every
worker of every run shares what was written and the feeds' validators.

Keys, per spider (``newsclean:state:<spider>:...``), keyed by canonical URL like the SQLite tables:

- ``written``: a set of the URL keys of articles written (``is_written``; adding to it tells
  which of two workers wrote an article first);
- ``articles``: a hash URL key -> JSON of the same columns as the ``articles`` table;
- ``resources``: a hash URL key -> JSON of the ``resources`` columns (ETag, Last-Modified...);
- ``last_new``: when an article was last written for the first time; ``runs``: a list of run
  rows (JSON); ``first_run``: the start of the first run.

Every write is immediate (Redis has no transaction to join), so ``commit`` has nothing to do; a
record is still marked written only on ``records_durable``, as with SQLite.

The story index's rows (``pipeline.stories``: ``story_rows`` returns a ``StoryRows``) are the
hash ``stories`` (URL key -> row; a URL keeps the story it was first written under) and the list
``story_order`` (URL keys in the order written). Each worker loads them when it starts, as a
single run does, and before each record it reads the rows other workers stored since
(``load_new``: the tail of ``story_order``), so a copy of a story another worker of the same run
wrote is marked too. A row is stored once its record is durable, so two copies whose records are
written by two workers within that moment (the exporter's fsync batch) both count as new.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import Any

import orjson
from scrapy.settings import BaseSettings

from pipeline.distributed import KEY_PREFIX, connect
from pipeline.state import written_keys
from pipeline.utils.clock import now_utc
from pipeline.utils.url import url_key

# Never downgrade a written article (as UPSERT_SEEN in pipeline.state): read, merge and write in
# one script so two workers noting the same URL cannot undo each other.
NOTE_SEEN = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local row = cjson.decode(ARGV[2])
if old then
    local prev = cjson.decode(old)
    if prev['status'] == 'written' then row['status'] = 'written' end
    for _, name in ipairs({'first_seen', 'content_hash', 'first_written', 'output'}) do
        if prev[name] ~= nil then row[name] = prev[name] end
    end
    if row['last_fetched'] == nil then row['last_fetched'] = prev['last_fetched'] end
    if row['http_status'] == nil then row['http_status'] = prev['http_status'] end
end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(row))
"""
# As UPSERT_WRITTEN, in one round trip: KEYS written set, articles hash, last-new time;
# ARGV now, then URL key and row pairs (the article's own key first). Rows keep the first
# times and take the latest output and hash. Returns 1 when the article's key was not written.
MARK_WRITTEN = """
local new = redis.call('SADD', KEYS[1], ARGV[2])
for i = 2, #ARGV, 2 do
    redis.call('SADD', KEYS[1], ARGV[i])
    local row = cjson.decode(ARGV[i + 1])
    local old = redis.call('HGET', KEYS[2], ARGV[i])
    if old then
        local prev = cjson.decode(old)
        for _, name in ipairs({'first_seen', 'first_written', 'last_fetched'}) do
            if prev[name] ~= nil then row[name] = prev[name] end
        end
    end
    redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(row))
end
if new == 1 then
    local last = redis.call('GET', KEYS[3])
    if not last or last < ARGV[1] then redis.call('SET', KEYS[3], ARGV[1]) end
end
return new
"""

# StoryRows.add: KEYS the rows hash and the order list; ARGV URL key and row pairs. A URL already
# stored keeps its row (as INSERT OR IGNORE in pipeline.stories.sqlite).
ADD_STORIES = """
for i = 1, #ARGV, 2 do
    if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
        redis.call('RPUSH', KEYS[2], ARGV[i])
    end
end
"""


class RedisStoryRows:
    """``pipeline.stories.sqlite.StoryRows`` in Redis; writes are immediate (``commit`` is a no-op)."""

    def __init__(self, server: Any, rows_key: str, order_key: str):
        self.server = server
        self.rows_key = rows_key
        self.order_key = order_key
        self.add_script = server.register_script(ADD_STORIES)
        self.read = 0  # entries of the order list this worker has read
        self.own: set[str] = set()  # URL keys this worker stored: already in its index

    def load(self, since: str | None = None) -> Iterator[Any]:
        """Every row (written at or after ``since``, when given: older rows are still read from
        Redis, and skipped here), in the order stored."""
        self.read = 0
        return self.load_new(since)

    def load_new(self, since: str | None = None) -> Iterator[Any]:
        """Rows stored since the last ``load`` / ``load_new``, by other workers (this worker's
        own rows are in its index already)."""
        from pipeline.stories.index import StoryRow, signature_from_bytes

        keys = self.server.lrange(self.order_key, self.read, -1)
        self.read += len(keys)
        keys = [key for key in keys if key.decode() not in self.own]
        for start in range(0, len(keys), 1000):
            for raw in self.server.hmget(self.rows_key, keys[start:start + 1000]):
                if raw:
                    row = orjson.loads(raw)
                    written_at = row.get("written_at")
                    if since and written_at and written_at < since:
                        continue
                    yield StoryRow(row["url"], row["canonical_url"], row["content_hash"], row["story_id"],
                                   row["first_url"], signature_from_bytes(base64.b64decode(row["signature"])),
                                   written_at)

    def add(self, rows: Iterable[Any]) -> None:
        from pipeline.stories.index import signature_bytes

        args = []
        for row in rows:
            self.own.add(url_key(row.url))
            args += [url_key(row.url), orjson.dumps({
                "url": row.url, "canonical_url": row.canonical_url, "content_hash": row.content_hash,
                "story_id": row.story_id, "first_url": row.first_url, "written_at": row.written_at,
                "signature": base64.b64encode(signature_bytes(row.signature)).decode()})]
        if args:
            self.add_script(keys=[self.rows_key, self.order_key], args=args)

    def commit(self) -> None:
        pass


class RedisStateStore:
    def __init__(self, server: Any, url: str):
        self.server = server
        self.path = url  # shown where the SQLite store shows its file (logs, run summary)
        self.aliases: dict[str, set[str]] = {}  # redirect chains seen by this worker, as in StateStore
        self.note_seen_script = server.register_script(NOTE_SEEN)
        self.mark_written_script = server.register_script(MARK_WRITTEN)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RedisStateStore:
        server = connect(settings)
        server.ping()
        url = str(settings.get("REDIS_URL"))
        return cls(server, url.split("@")[-1] if "@" in url else url)  # no password in logs

    def key(self, spider: str, name: str) -> str:
        return f"{KEY_PREFIX}:state:{spider}:{name}"

    def commit(self) -> None:
        pass

    def close(self) -> None:
        pass

    def is_written(self, spider: str, url: str) -> bool:
        return bool(self.server.sismember(self.key(spider, "written"), url_key(url)))

    def note_seen(self, spider: str, url: str, status: str, http_status: int | None = None,
                  fetched: bool = True) -> None:
        now = now_utc()
        row = {"url": url, "first_seen": now, "last_fetched": now if fetched else None, "status": status,
               "http_status": http_status}
        self.note_seen_script(keys=[self.key(spider, "articles")],
                              args=[url_key(url), orjson.dumps({k: v for k, v in row.items() if v is not None})])

    def mark_written(self, spider: str, record: dict[str, Any], output: str, commit: bool = True) -> bool:
        """As ``StateStore.mark_written``: True when no worker wrote this article before."""
        keys = written_keys(record, self.aliases)
        if not keys:
            return False
        now = now_utc()
        rows = [part for key, original in keys.items() for part in (key, orjson.dumps({
            "url": original, "first_seen": now, "last_fetched": now, "status": "written",
            "content_hash": record.get("content_hash"), "first_written": now, "output": output}))]
        keys_used = [self.key(spider, "written"), self.key(spider, "articles"), self.key(spider, "last_new")]
        return self.mark_written_script(keys=keys_used, args=[now, *rows]) == 1

    def story_rows(self, spider: str) -> RedisStoryRows:
        """The story index's rows of ``spider`` (``pipeline.stories``), in this Redis."""
        return RedisStoryRows(self.server, self.key(spider, "stories"), self.key(spider, "story_order"))

    def validators(self, spider: str, url: str) -> tuple[str | None, str | None]:
        raw = self.server.hget(self.key(spider, "resources"), url_key(url))
        if not raw:
            return None, None
        row = orjson.loads(raw)
        return row.get("etag"), row.get("last_modified")

    def save_resource(self, spider: str, url: str, role: str, http_status: int,
                      validators: tuple[str | None, str | None] | None = None) -> None:
        etag, last_modified = validators if validators is not None else self.validators(spider, url)
        row = {"url": url, "role": role, "etag": etag, "last_modified": last_modified,
               "last_fetched": now_utc(), "http_status": http_status}
        self.server.hset(self.key(spider, "resources"), url_key(url), orjson.dumps(row))

    def last_new_article_at(self, spider: str) -> str | None:
        value = self.server.get(self.key(spider, "last_new")) or self.server.get(self.key(spider, "first_run"))
        return value.decode() if isinstance(value, bytes) else value

    def record_run(self, spider: str, started: str, finished: str, exit_code: int, records: int,
                   new_records: int, output: str | None) -> None:
        row = {"started": started, "finished": finished, "exit_code": exit_code, "records": records,
               "new_records": new_records, "output": output}
        with self.server.pipeline() as pipe:
            pipe.rpush(self.key(spider, "runs"), orjson.dumps(row))
            pipe.set(self.key(spider, "first_run"), started, nx=True)
            pipe.execute()
