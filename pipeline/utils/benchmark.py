"""Quality measurement: the AEB shingle metric, benchmark folders and the noise-fixture report.

The metric is the article-extraction-benchmark's (re-implemented here; ``tests/test_evaluate.py``
checks it against the reference ``aeb_score.py`` when ``../shared`` is present):
  * tokens: maximal runs of ``\\w`` characters, case kept; shingles: windows of 4 tokens, as a
    multiset (1..3 tokens give one short shingle, no token gives none);
  * page precision = hits / predicted shingles (only pages with a prediction), page recall =
    hits / true shingles; corpus precision and recall are the means of those, and F1 is the
    harmonic mean of the two means (not the mean of page F1s).

The benchmark's own figures for sets that define them (wcxb-dev, from its README; the reference
``evaluate.py`` of WCXB defines the same):
  * word F1: per page, precision and recall of the bag (multiset) of lower-cased ``\\w+`` words
    against the ground truth, F1 from those; the corpus figures are plain means over pages (a
    page with no output scores 0; a page whose ground truth has no word scores 1 with an empty
    output, else 0);
  * snippets: per page, the share of its ``with`` snippets found in the output (lower-cased,
    whitespace collapsed, substring), and the share of its ``without`` snippets found (leaked);
    means over the pages that list such snippets.

Benchmark folders come in two layouts, both with ``ground-truth.json`` (``{id: {articleBody,
url}}``): ``html/<id>.html.gz`` (no sidecars: ``prepare_inputs`` writes them from the ground
truth's URLs), or ``<id>.txt`` + ``<id>.meta.json`` (used as they are).

Noise fixtures (``tests/fixtures/noise/{html,text}/``): ``<name>.html|txt``, ``<name>.meta.json``
and ``<name>.labels.json`` = ``{"article": [paragraphs that must be kept], "noise": {class:
[strings that must not appear in the output text]}}``.
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

SHINGLE_N = 4
_WORD = re.compile(r"\w+")
GROUND_TRUTH = "ground-truth.json"


# --- the metric ------------------------------------------------------------------------------
def shingles(text: str | None, n: int = SHINGLE_N) -> Counter[tuple[str, ...]]:
    toks = _WORD.findall(text or "")
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + n]) for i in range(len(toks) - n + 1))


@dataclass(frozen=True)
class PageScore:
    page_id: str
    hits: int
    n_true: int
    n_pred: int

    @property
    def precision(self) -> float | None:
        return self.hits / self.n_pred if self.n_pred else None

    @property
    def recall(self) -> float | None:
        return self.hits / self.n_true if self.n_true else None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def score_page(page_id: str, truth: str | None, prediction: str | None) -> PageScore:
    t, p = shingles(truth), shingles(prediction)
    return PageScore(page_id, sum((t & p).values()), sum(t.values()), sum(p.values()))


def aggregate(pages: list[PageScore]) -> dict[str, float]:
    """Corpus precision (mean over pages with a prediction), recall (mean over pages with a
    truth) and F1 of the two means."""
    precisions = [p.precision for p in pages if p.precision is not None]
    recalls = [p.recall for p in pages if p.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def score_predictions(truth: dict[str, str], predictions: dict[str, str]) -> tuple[dict[str, Any], list[PageScore]]:
    """Score every ground-truth id (a missing prediction counts as empty)."""
    pages = [score_page(i, truth[i], predictions.get(i)) for i in sorted(truth)]
    figures: dict[str, Any] = aggregate(pages)
    figures["pages"] = len(pages)
    figures["empty_predictions"] = sum(1 for p in pages if not p.n_pred)
    return figures, pages


class WordScore(NamedTuple):
    precision: float
    recall: float
    f1: float


def word_score(truth: str | None, prediction: str | None) -> WordScore:
    """The benchmark's word F1 of one page (bag of lower-cased words)."""
    true_words = Counter(_WORD.findall((truth or "").lower()))
    predicted = Counter(_WORD.findall((prediction or "").lower()))
    if not true_words:
        return WordScore(1.0, 1.0, 1.0) if not predicted else WordScore(0.0, 0.0, 0.0)
    if not predicted:
        return WordScore(0.0, 0.0, 0.0)
    overlap = sum((true_words & predicted).values())
    precision, recall = overlap / sum(predicted.values()), overlap / sum(true_words.values())
    return WordScore(precision, recall, 2 * precision * recall / (precision + recall) if overlap else 0.0)


def _flat(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def snippet_share(prediction: str | None, snippets: list[str]) -> float | None:
    """Share of ``snippets`` found in ``prediction`` (lower-cased, whitespace collapsed);
    ``None`` when the page lists none."""
    if not snippets:
        return None
    flat = _flat(prediction)
    return sum(1 for s in snippets if _flat(s) in flat) / len(snippets)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def benchmark_figures(bench: Benchmark, predictions: dict[str, str]) -> tuple[dict[str, Any], list[PageScore]]:
    """Shingle figures (``score_predictions``) plus the word and snippet figures of one
    prediction set over every ground-truth id (a missing prediction counts as empty)."""
    figures, pages = score_predictions(bench.truth, predictions)
    words = [word_score(bench.truth[i], predictions.get(i)) for i in sorted(bench.truth)]
    figures.update(word_precision=_mean([w.precision for w in words]), word_recall=_mean([w.recall for w in words]),
                   word_f1=_mean([w.f1 for w in words]))
    found = [s for i in sorted(bench.truth) if (s := snippet_share(predictions.get(i), bench.with_snippets.get(i, [])))
             is not None]
    leaked = [s for i in sorted(bench.truth)
              if (s := snippet_share(predictions.get(i), bench.without_snippets.get(i, []))) is not None]
    if found or leaked:
        figures.update(with_found=_mean(found), without_leaked=_mean(leaked))
    return figures, pages


# --- benchmark folders -----------------------------------------------------------------------
@dataclass
class Benchmark:
    root: Path
    layout: str  # "html" (html/<id>.html.gz) or "text" (<id>.txt + <id>.meta.json)
    truth: dict[str, str]
    urls: dict[str, str]
    with_snippets: dict[str, list[str]] = field(default_factory=dict)
    without_snippets: dict[str, list[str]] = field(default_factory=dict)


def load_benchmark(root: Path) -> Benchmark:
    root = Path(root)
    gt_path = root / GROUND_TRUTH
    if not gt_path.is_file():
        raise FileNotFoundError(f"{gt_path} not found: not a benchmark folder")
    data = orjson.loads(gt_path.read_bytes())
    truth = {k: (v.get("articleBody") or "") if isinstance(v, dict) else (v or "") for k, v in data.items()}
    urls = {k: v.get("url") for k, v in data.items() if isinstance(v, dict) and v.get("url")}
    layout = "html" if (root / "html").is_dir() else "text"
    snippets = {kind: {k: list(v.get(kind) or []) for k, v in data.items() if isinstance(v, dict) and v.get(kind)}
                for kind in ("with", "without")}
    return Benchmark(root, layout, truth, urls, snippets["with"], snippets["without"])


def prepare_inputs(bench: Benchmark, workdir: Path) -> Path:
    """The folder to crawl. HTML layout: a link to each page plus a ``<id>.meta.json`` sidecar
    holding the ground truth's URL (the only thing the pipeline is told), in ``workdir``. Text
    layout: the folder itself, or links to the captures of ``bench.truth`` when that is a sample."""
    inputs = Path(workdir) / "inputs"
    if bench.layout == "text":
        if {p.stem for p in bench.root.glob("*.txt")} <= set(bench.truth):
            return bench.root
        inputs.mkdir(parents=True, exist_ok=True)  # a sample: only its captures and sidecars
        for page_id in sorted(bench.truth):
            for name in (f"{page_id}.txt", f"{page_id}.meta.json"):
                if (bench.root / name).is_file():
                    (inputs / name).symlink_to((bench.root / name).resolve())
        return inputs
    inputs.mkdir(parents=True, exist_ok=True)
    for page_id in sorted(bench.truth):
        source = (bench.root / "html" / f"{page_id}.html.gz").resolve()
        if not source.is_file():
            continue
        (inputs / source.name).symlink_to(source)
        if bench.urls.get(page_id):
            (inputs / f"{page_id}.meta.json").write_bytes(orjson.dumps({"url": bench.urls[page_id]}))
    return inputs


def page_id_of(source_url: str) -> str:
    """``file:///.../<id>.html.gz`` or ``.../<id>.txt`` -> ``<id>``."""
    name = source_url.rsplit("/", 1)[-1]
    name = name[:-3] if name.endswith(".gz") else name
    return name.rsplit(".", 1)[0]


def input_files(bench: Benchmark) -> dict[str, Path]:
    if bench.layout == "html":
        return {i: bench.root / "html" / f"{i}.html.gz" for i in bench.truth}
    return {i: bench.root / f"{i}.txt" for i in bench.truth}


# --- noise fixtures --------------------------------------------------------------------------
@dataclass
class Fixture:
    name: str  # "<kind>/<stem>"
    path: Path
    article: list[str]
    noise: dict[str, list[str]]


@dataclass
class LeakReport:
    leaks: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # class -> [(fixture, string)]
    lost: list[tuple[str, str]] = field(default_factory=list)  # (fixture, article paragraph)
    fixtures: int = 0
    classes: set[str] = field(default_factory=set)

    @property
    def leak_count(self) -> int:
        return sum(len(v) for v in self.leaks.values())


def load_fixtures(root: Path) -> list[Fixture]:
    fixtures: list[Fixture] = []
    for labels in sorted(Path(root).rglob("*.labels.json")):
        stem = labels.name[: -len(".labels.json")]
        page = next((p for p in (labels.with_name(f"{stem}.html"), labels.with_name(f"{stem}.txt")) if p.is_file()),
                    None)
        if page is None:
            continue
        data = orjson.loads(labels.read_bytes())
        fixtures.append(Fixture(f"{labels.parent.name}/{stem}", page, list(data.get("article", [])),
                                {k: list(v) for k, v in data.get("noise", {}).items()}))
    return fixtures


def _squash(text: str) -> str:
    return " ".join(text.split())


def leak_report(fixtures: list[Fixture], texts: dict[Path, str]) -> LeakReport:
    """Noise strings found in each fixture's output text, per class, and article paragraphs
    missing from it. ``texts`` maps a fixture's page path to its output text ("" if dropped)."""
    report = LeakReport(fixtures=len(fixtures))
    for fx in fixtures:
        text = texts.get(fx.path.resolve(), "")
        flat = _squash(text)
        for noise_class, strings in fx.noise.items():
            report.classes.add(noise_class)
            report.leaks.setdefault(noise_class, [])
            for s in strings:
                if s in text or _squash(s) in flat:
                    report.leaks[noise_class].append((fx.name, s))
        for paragraph in fx.article:
            if _squash(paragraph) not in flat:
                report.lost.append((fx.name, paragraph))
    return report


def process_table(*, include_reaped: bool = False) -> tuple[dict[int, int], dict[int, float]]:
    """Every process's parent and the CPU seconds it has used so far (Linux ``/proc``); with
    ``include_reaped``, plus the CPU of its children that have already exited and been waited
    for (``cutime``/``cstime``)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    last_field = 15 if include_reaped else 13
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                data = fh.read()
        except OSError:
            continue  # exited while we looked
        fields = data[data.rindex(b")") + 2:].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = sum(int(f) for f in fields[11:last_field]) / CLOCK_TICKS  # utime, stime[, cutime, cstime]
    return parents, cpu


def process_tree(root: int | None = None, *, include_reaped: bool = False) -> dict[int, float]:
    """``root`` (default: this process) and every process below it, each with the CPU seconds it
    has used so far (see ``process_table``)."""
    parents, cpu = process_table(include_reaped=include_reaped)
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found: dict[int, float] = {}
    todo = [root or os.getpid()]
    while todo:
        pid = todo.pop()
        found[pid] = cpu.get(pid, 0.0)
        todo.extend(children.get(pid, ()))
    return found


def process_tree_cpu_seconds(root: int | None = None) -> float:
    """CPU seconds of a process tree, exited workers included. Extraction runs in worker
    processes, so a pipeline's cost per page is the tree's CPU, not the main process's."""
    return sum(process_tree(root, include_reaped=True).values())


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) when it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            text = fh.read().decode()
    except OSError:
        return 0, 0
    values = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", text, re.M))
    return int(values.get("Rss", 0)), int(values.get("Pss", 0))


def tree_memory_mb(root: int, pids: Any = None) -> tuple[float, float, int]:
    pids = process_tree(root) if pids is None else pids
    rss = pss = 0
    for pid in pids:
        r, p = memory_kb(pid)
        rss, pss = rss + r, pss + p
    return rss / 1024, pss / 1024, len(pids)


class Sampler(threading.Thread):
    """Peak tree memory of a running process, sampled every ``interval`` seconds (the benchmark's
    and the hostile-input test's): summed RSS (shared pages counted once per process, so it
    overstates) and summed PSS (shared pages split between sharers), and each process's CPU."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss = self.peak_pss = 0.0
        self.max_processes = 0
        self.cpu: dict[int, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            pids = process_tree(self.pid)  # own CPU only: the sampler adds processes up itself
            for pid, seconds in pids.items():
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), seconds)
            rss, pss, count = tree_memory_mb(self.pid, pids)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.max_processes = max(self.max_processes, count)
            self.done.wait(self.interval)
