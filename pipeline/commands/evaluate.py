"""``scrapy evaluate``: run the real pipeline over a benchmark folder or the noise fixtures.

  scrapy evaluate BENCHMARK_DIR [--json OUT] [--worst N] [--no-bare] [--sample N]
  scrapy evaluate --fixtures [FIXTURES_DIR] [--json OUT]

Both modes run ``scrapy crawl seeds`` in this process (same spider, extraction and item
pipelines, feed exporter) over a folder, read the exported JSONL back, and then:
  * benchmark mode scores it like ``aeb_score.py`` (shingle precision, recall, F1, the worst
    pages), with the benchmark's word F1 and snippet figures where the set defines them, and
    scores the references on the same pages in the same run: for HTML bare
    ``trafilatura.extract(html, url=url, include_comments=False)`` and the same with
    ``favor_precision=True`` (both loops timed, so the speeds come from the same run on the
    same machine); for text captures the raw capture and jusText over its lines;
  * fixture mode reports, per noise class, the noise strings that leaked into the output
    and the article paragraphs that were lost.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html as htmllib
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from scrapy import signals
from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from pipeline.arguments import UsageProblem, check_settings
from pipeline.health import EXIT_NOT_STARTED
from pipeline.utils.benchmark import (
    Benchmark,
    benchmark_figures,
    input_files,
    leak_report,
    load_benchmark,
    load_fixtures,
    page_id_of,
    prepare_inputs,
    process_tree_cpu_seconds,
)

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "noise"


def read_html(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8", "replace")


def bare_trafilatura(bench: Benchmark, ids: list[str], favor_precision: bool) -> tuple[dict[str, str], float, float]:
    """Bare ``trafilatura.extract(html, url=url, include_comments=False[, favor_precision=True])``
    over the HTML pages: ``(texts by id, pages per wall second, pages per CPU second)``."""
    import trafilatura

    files = input_files(bench)
    texts: dict[str, str] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    for page_id in ids:
        options = {"favor_precision": True} if favor_precision else {}
        texts[page_id] = trafilatura.extract(read_html(files[page_id]), url=bench.urls.get(page_id),
                                             include_comments=False, **options) or ""
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return texts, len(ids) / wall if wall else 0.0, len(ids) / cpu if cpu else 0.0


def justext_of_lines(text: str) -> str:
    """jusText (English stop list) over a text capture's lines, each given as a ``<p>``: the
    text-capture reference of aeb-dev-text's README."""
    import justext

    page = "<html><body>" + "".join(f"<p>{htmllib.escape(line)}</p>" for line in text.splitlines() if line.strip())
    paragraphs = justext.justext(page + "</body></html>", justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def text_references(bench: Benchmark, ids: list[str]) -> dict[str, dict[str, str]]:
    files = input_files(bench)
    raw = {i: files[i].read_text(encoding="utf-8", errors="replace") for i in ids}
    return {"raw capture": raw, "jusText": {i: justext_of_lines(t) for i, t in raw.items()}}


def sample_ids(ids: list[str], size: int) -> list[str]:
    """A fixed sample: the ``size`` ids with the smallest SHA-1 (the same on every machine)."""
    return sorted(sorted(ids, key=lambda i: hashlib.sha1(i.encode()).hexdigest())[:size])


FIGURE_COLUMNS = (("precision", "P"), ("recall", "R"), ("f1", "F1"), ("word_f1", "word F1"),
                  ("with_found", "with found"), ("without_leaked", "without leaked"))


def print_table(rows: dict[str, dict[str, Any]]) -> None:
    columns = [(key, title) for key, title in FIGURE_COLUMNS if any(key in r for r in rows.values())]
    print(f"  {'':<34}" + "".join(f"{title:>15}" for _, title in columns))
    for name, figures in rows.items():
        print(f"  {name:<34}" + "".join(f"{figures[key]:>15.4f}" if key in figures else f"{'-':>15}"
                                        for key, _ in columns))


class Command(ScrapyCommand):
    requires_project = True

    def syntax(self) -> str:
        return "BENCHMARK_DIR | --fixtures [DIR]"

    def short_desc(self) -> str:
        return "Score the real pipeline on a benchmark folder, or report noise leaks on the fixtures"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", metavar="PATH", help="write the figures as JSON here")
        parser.add_argument("--worst", type=int, default=10, metavar="N", help="list the N worst pages")
        # No absolute path here: argparse wraps help text at hyphens, and a path broke mid-name.
        parser.add_argument("--fixtures", action="store_true",
                            help="noise-fixture mode; DIR defaults to the project's tests/fixtures/noise")
        parser.add_argument("--no-bare", action="store_true",
                            help="skip the references (bare trafilatura, raw capture, jusText)")
        parser.add_argument("--sample", type=int, metavar="N",
                            help="score a fixed sample of N pages (the same on every machine)")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        if len(args) > 1 or (not args and not opts.fixtures):
            raise UsageError("give one benchmark folder, or --fixtures [DIR]")
        assert self.settings is not None
        try:
            check_settings(self.settings)
        except UsageProblem as exc:
            print(f"newsclean evaluate: {exc}; exit code {EXIT_NOT_STARTED}", file=sys.stderr, flush=True)
            raise SystemExit(EXIT_NOT_STARTED) from None
        self.workdir = Path(tempfile.mkdtemp(prefix="newsclean-evaluate-"))
        self.output = self.workdir / "out.jsonl"
        assert self.settings is not None
        if not opts.loglevel:  # figures on stdout; the crawl's log only when asked for (-L INFO)
            self.settings.set("LOG_LEVEL", "ERROR", priority="cmdline")
        # The run's records go to a private file; the rejects file lands beside it.
        self.settings.set("FEEDS", {str(self.output): {"format": "jsonl", "overwrite": True}}, priority="cmdline")
        # A measurement must neither read nor change the project's crawl state, nor wait for its lock.
        self.settings.set("NEWSCLEAN_STATE_PATH", str(self.workdir / "state.sqlite"), priority="cmdline")

    def crawl(self, folder: Path) -> tuple[list[dict[str, Any]], dict[str, float]]:
        """Records of ``scrapy crawl seeds -a dir=folder`` and its timings: ``total`` (wall, from
        building the crawler to the end) and ``wall``/``cpu`` from engine start to spider close
        (the per-page work, without the one-off start-up of imports and components); ``cpu`` is the
        whole process tree's, extraction workers included."""
        assert self.crawler_process is not None
        marks: dict[str, tuple[float, float]] = {}

        def mark(name: str) -> None:
            marks[name] = (time.perf_counter(), process_tree_cpu_seconds())

        crawler = self.crawler_process.create_crawler("seeds")
        crawler.signals.connect(lambda **_: mark("start"), signal=signals.engine_started, weak=False)
        crawler.signals.connect(lambda **_: mark("end"), signal=signals.spider_closed, weak=False)
        mark("begin")
        self.crawler_process.crawl(crawler, dir=str(folder))
        self.crawler_process.start()
        mark("finish")
        if self.crawler_process.bootstrap_failed or not self.output.exists() or "end" not in marks:
            raise RuntimeError("the crawl failed; run with -L INFO to see why")
        records = [orjson.loads(line) for line in self.output.read_bytes().splitlines() if line.strip()]
        timing = {"total": marks["finish"][0] - marks["begin"][0], "wall": marks["end"][0] - marks["start"][0],
                  "cpu": marks["end"][1] - marks["start"][1]}
        return records, timing

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            figures = self.run_fixtures(Path(args[0]) if args else DEFAULT_FIXTURES) if opts.fixtures else \
                self.run_benchmark(Path(args[0]), opts)
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
        if opts.json:
            Path(opts.json).write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))

    def run_benchmark(self, root: Path, opts: argparse.Namespace) -> dict[str, Any]:
        bench = load_benchmark(root)
        if opts.sample:
            keep = set(sample_ids(sorted(bench.truth), opts.sample))
            bench.truth = {i: t for i, t in bench.truth.items() if i in keep}
        ids = sorted(bench.truth)
        records, timing = self.crawl(prepare_inputs(bench, self.workdir))
        predictions = {page_id_of(r["source_url"]): r.get("text") or "" for r in records}
        predictions = {i: t for i, t in predictions.items() if i in bench.truth}
        figures, pages = benchmark_figures(bench, predictions)
        n = len(ids)
        figures.update(set=root.name, layout=bench.layout, seconds_total=timing["total"],
                       records=len(predictions), null_titles=sum(1 for r in records if not r.get("title")),
                       pages_per_second=n / timing["wall"] if timing["wall"] else 0.0,
                       pages_per_cpu_second=n / timing["cpu"] if timing["cpu"] else 0.0)
        print(f"{root.name}: {figures['pages']} pages ({bench.layout}"
              f"{f', fixed sample of {opts.sample}' if opts.sample else ''}), {len(predictions)} records, "
              f"{figures['empty_predictions']} empty, {figures['null_titles']} with a null title")
        rows: dict[str, dict[str, Any]] = {"pipeline (scrapy crawl seeds)": figures}
        references: dict[str, dict[str, Any]] = {}
        if not opts.no_bare:
            if bench.layout == "html":
                assert self.settings is not None
                same_options = self.settings.getbool("NEWSCLEAN_FAVOR_PRECISION")
                for key, favor_precision in (("bare", False), ("bare_favor_precision", True)):
                    texts, wall, cpu = bare_trafilatura(bench, ids, favor_precision)
                    references[key], _ = benchmark_figures(bench, texts)
                    references[key].update(pages_per_second=wall, pages_per_cpu_second=cpu)
                    if favor_precision == same_options:
                        figures.update(bare_pages_per_second=wall, bare_pages_per_cpu_second=cpu,
                                       speed_ratio=figures["pages_per_cpu_second"] / cpu if cpu else 0.0)
                rows["bare trafilatura"] = references["bare"]
                rows["bare trafilatura, favor_precision"] = references["bare_favor_precision"]
            else:
                for name, texts in text_references(bench, ids).items():
                    references[name.replace(" ", "_").lower()], _ = benchmark_figures(bench, texts)
                    rows[name] = references[name.replace(" ", "_").lower()]
            figures["references"] = references
        print_table(rows)
        if "bare" in references:
            gain = {k: figures[k] - references["bare"][k] for k in ("f1", "word_f1")}
            figures["gain_over_bare"] = gain
            print(f"  pipeline - bare trafilatura: shingle F1 {gain['f1']:+.4f}, word F1 {gain['word_f1']:+.4f}")
        worst = sorted(pages, key=lambda p: (p.f1, p.page_id))[: opts.worst]
        figures["worst"] = [{"id": p.page_id, "f1": p.f1, "precision": p.precision, "recall": p.recall,
                             "url": bench.urls.get(p.page_id)} for p in worst]
        print(f"  worst {len(worst)} pages (F1 precision recall id url):")
        for p in worst:
            print(f"    {p.f1:.3f} {p.precision or 0:.3f} {p.recall or 0:.3f} {p.page_id[:16]} "
                  f"{bench.urls.get(p.page_id) or ''}")
        print(f"  pipeline (scrapy crawl seeds): {figures['pages_per_second']:.1f} pages/s wall, "
              f"{figures['pages_per_cpu_second']:.1f} pages/CPU-s of the process tree (workers included) "
              "from engine start to spider close; "
              f"{n / timing['total']:.1f} pages/s counting start-up")
        if "speed_ratio" in figures:
            print(f"  bare trafilatura.extract loop (same options): {figures['bare_pages_per_second']:.1f} pages/s "
                  f"wall, {figures['bare_pages_per_cpu_second']:.1f} pages/CPU-s; "
                  f"pipeline/bare per core: {figures['speed_ratio']:.2f}")
        return figures

    def run_fixtures(self, root: Path) -> dict[str, Any]:
        fixtures = load_fixtures(root)
        if not fixtures:
            raise UsageError(f"no <name>.labels.json fixtures under {root}")
        inputs = self.workdir / "inputs"
        for fx in fixtures:  # a private copy keeps the fixture folders free of run output
            target = inputs / fx.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fx.path, target.with_name(fx.path.name))
            meta = fx.path.with_name(fx.path.name.rsplit(".", 1)[0] + ".meta.json")
            if meta.is_file():
                shutil.copyfile(meta, target.with_name(meta.name))
        records, _ = self.crawl(inputs)
        by_name = {r["source_url"].split("/inputs/", 1)[-1]: r.get("text") or "" for r in records}
        texts = {fx.path.resolve(): by_name.get(f"{fx.name.split('/')[0]}/{fx.path.name}", "") for fx in fixtures}
        report = leak_report(fixtures, texts)
        print(f"noise fixtures: {report.fixtures} pages under {root}, {report.leak_count} leaked strings, "
              f"{len(report.lost)} lost article paragraphs")
        for noise_class in sorted(report.classes):
            leaked = report.leaks.get(noise_class, [])
            print(f"  {noise_class:<14} {len(leaked)} leaked" + "".join(f"\n      {f}: {s!r}" for f, s in leaked))
        for name, paragraph in report.lost:
            print(f"  lost in {name}: {paragraph[:90]!r}")
        return {"fixtures": report.fixtures, "leaked": {c: len(report.leaks.get(c, [])) for c in sorted(report.classes)},
                "leaks": {c: [list(x) for x in v] for c, v in sorted(report.leaks.items())},
                "lost": [list(x) for x in report.lost]}

