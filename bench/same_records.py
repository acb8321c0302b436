"""Are the records the same? Every dev page through one checkout's extraction, dumped or compared.

    nice -n 5 .venv/bin/python bench/same_records.py --project ../main --dump /tmp/fast4/main.jsonl
    nice -n 5 .venv/bin/python bench/same_records.py --compare /tmp/fast4/main.jsonl

Each page of ../shared/benchmarks/aeb-dev and wcxb-dev (802 pages) goes through the worker's
own call (``pipeline.extract.worker.extract_reply``: ``extract_article`` with the project's
settings, then the story signature), in one process, with the ground truth's URL as the
sidecar's. The reply (record, or drop reason) is written as one JSON line per page, every field
but ``fetched_at``. ``--project`` imports another checkout's ``pipeline`` (e.g. main) to make the
reference; ``--compare`` runs this checkout's and prints every page whose line differs, field by
field. Speed-ups must leave every line the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

THIS_PROJECT = Path(__file__).resolve().parent.parent
SETS = ("aeb-dev", "wcxb-dev")


def replies(project: Path) -> dict[str, dict]:
    sys.path.insert(0, str(project))
    from scrapy.settings import Settings

    from pipeline.extract.worker import extract_reply, load_function
    from pipeline.items import KnownMetadata, Page
    from pipeline.pipelines.extraction import options_from_settings

    assert Path(sys.modules["pipeline"].__file__).resolve().is_relative_to(project.resolve()), "wrong checkout"
    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    options = options_from_settings(settings)
    function = load_function(settings.get("NEWSCLEAN_EXTRACT_FUNCTION"))
    found = {}
    for name in SETS:
        root = project.parent / "shared" / "benchmarks" / name
        truth = json.loads((root / "ground-truth.json").read_text())
        for path in sorted((root / "html").glob("*.html.gz")):
            page_id = path.name[: -len(".html.gz")]
            url = (truth.get(page_id) or {}).get("url")
            # The same source URL wherever the checkout and its ../shared are.
            page = Page(source_url=f"file:///{name}/html/{path.name}", body=path.read_bytes(), kind_hint="html",
                        known=KnownMetadata(url=url))
            reply = extract_reply(function, page, options)
            if reply[0] == "ok":
                record = dataclasses.asdict(reply[1])
                record.pop("fetched_at", None)
                if isinstance(record.get("story_signature"), bytes):
                    record["story_signature"] = record["story_signature"].hex()
                found[f"{name}/{page_id}"] = {"status": "ok", "record": record}
            else:
                found[f"{name}/{page_id}"] = {"status": reply[0], "why": list(reply[1:2])}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=THIS_PROJECT, help="the checkout whose pipeline runs")
    parser.add_argument("--dump", type=Path, help="write the replies here")
    parser.add_argument("--compare", type=Path, help="compare with a dump made earlier")
    args = parser.parse_args()
    found = replies(args.project.resolve())
    if args.dump:
        with open(args.dump, "w") as fh:
            for key in sorted(found):
                fh.write(json.dumps({"page": key, **found[key]}, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"{len(found)} pages dumped to {args.dump}")
    if args.compare:
        reference = {}
        for line in args.compare.read_text().splitlines():
            entry = json.loads(line)
            reference[entry.pop("page")] = entry
        mine = {k: json.loads(json.dumps(v, sort_keys=True, ensure_ascii=False)) for k, v in found.items()}
        differ = sorted(k for k in set(reference) | set(mine) if reference.get(k) != mine.get(k))
        for key in differ:
            a, b = reference.get(key) or {}, mine.get(key) or {}
            fields = sorted(f for f in set(a.get("record", {})) | set(b.get("record", {}))
                            if a.get("record", {}).get(f) != b.get("record", {}).get(f))
            print(f"DIFFERENT {key}: status {a.get('status')} -> {b.get('status')}; fields {fields}")
        print(f"{len(mine)} pages here, {len(reference)} in {args.compare}: {len(differ)} differ")
        sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
