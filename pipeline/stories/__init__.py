"""Stories: one story, many URLs. Records that carry the same story (a syndicated copy, the
same article under another URL, a lightly edited rewrite) share a ``story_id``; every record
after the first names the first one in ``duplicate_of``.

- ``index.py``: the duplicate index (exact content hashes, MinHash LSH over word shingles with
  rensa, cross-site canonical links), in memory, with no storage of its own;
- ``sqlite.py``: its rows in the state's SQLite file, so a story written yesterday is
  recognised today. Another backend (Redis) implements the same three methods
  (``StoryRows``), returned by the state store's ``story_rows``.

The Scrapy side is ``pipeline.pipelines.stories``.
"""
