"""Stress check (not part of pytest): kill ``scrapy cron testsite`` with SIGKILL at random moments.

    .venv/bin/python -m tests.stress_kill [--seed 1] [--rounds 15] [--delay 0.08]

Each round adds 0-4 articles to a local site, starts a run and SIGKILLs it after a random
0-2 s (start-up, recovery, mid-crawl, while publishing...), unless it finished first. After
every round, every visible output must hold complete lines only. A final normal run must then
leave every article written exactly once across all outputs, no ``.part`` file and a summary
beside every output. Prints one line of figures; exits non-zero on any violation.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from tests.conftest import PROJECT_DIR
from tests.feedsite import Site


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--delay", type=float, default=0.08, help="seconds each article takes to answer")
    opts = parser.parse_args()
    rng = random.Random(opts.seed)
    tmp = Path(tempfile.mkdtemp(prefix="newsclean-stress-"))
    folder = tmp / "out" / "testsite"
    killed = 0
    with Site(articles=10, delay=opts.delay) as site:
        command = [sys.executable, "-m", "scrapy", "cron", "testsite", "-a", f"feeds={site.feed_url}",
                   "-s", "SPIDER_MODULES=tests.sitespider", "-s", f"NEWSCLEAN_STATE_PATH={tmp / 'state.sqlite'}",
                   "-s", f"NEWSCLEAN_DEFAULT_FEED={tmp}/out/%(name)s/%(time)s.jsonl", "-s", "LOG_LEVEL=WARNING"]
        for _ in range(opts.rounds):
            site.add(rng.randint(0, 4))
            proc = subprocess.Popen(command, cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait()
            for output in outputs(folder):
                for line in output.read_bytes().splitlines():
                    orjson.loads(line)  # a visible output never holds a partial record
        final = subprocess.run(command, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
        urls = [orjson.loads(line)["url"] for output in outputs(folder) for line in output.read_bytes().splitlines()]
        expected = sorted(site.article_url(n) for n in range(1, site.articles + 1))
    parts = list(folder.glob(".*.part"))
    unexplained = [o for o in outputs(folder) if not o.with_name(o.name.replace(".jsonl", ".summary.json")).exists()]
    print(f"seed={opts.seed} rounds={opts.rounds} killed={killed} articles={len(expected)} written={len(urls)} "
          f"duplicates={len(urls) - len(set(urls))} missing={len(set(expected) - set(urls))} "
          f"parts_left={len(parts)} without_summary={len(unexplained)} final_exit={final.returncode} folder={tmp}")
    return 0 if (sorted(urls) == expected and not parts and not unexplained and final.returncode == 0) else 1


def outputs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.jsonl") if not p.name.endswith(".rejects.jsonl")) if folder.is_dir() else []


if __name__ == "__main__":
    sys.exit(main())
