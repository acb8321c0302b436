"""CI quality gate: `scrapy evaluate` on the shared dev sets (a fixed sample of the large ones)
must stay at or above the floors in quality-floors.json, shingle F1 and word F1. Skipped
cleanly when ../shared/benchmarks is not beside the clone. wcxb-dev-text is the project's own
rendering of wcxb-dev (`make benchmarks-text`); without build/wcxb-dev-text the test renders it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import BENCHMARKS_DIR, PROJECT_DIR, needs_shared

FLOORS = {k: v for k, v in orjson.loads((PROJECT_DIR / "quality-floors.json").read_bytes()).items()
          if not k.startswith("_")}


def benchmark_folder(name: str, floors: dict, tmp_path: Path) -> Path:
    if "rendered_from" not in floors:
        return needs_shared(BENCHMARKS_DIR / name)
    rendered = PROJECT_DIR / "build" / name
    if (rendered / "ground-truth.json").is_file():
        return rendered
    source = needs_shared(BENCHMARKS_DIR / floors["rendered_from"])
    done = subprocess.run([sys.executable, str(BENCHMARKS_DIR / "render_text.py"), str(source), str(tmp_path / name)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return tmp_path / name


@pytest.mark.parametrize("benchmark", sorted(FLOORS))
def test_f1_at_or_above_floor(benchmark: str, tmp_path: Path) -> None:
    floors = FLOORS[benchmark]
    folder = benchmark_folder(benchmark, floors, tmp_path)
    out = tmp_path / "figures.json"
    sample = ["--sample", str(floors["sample"])] if floors.get("sample") else []
    done = subprocess.run([sys.executable, "-m", "scrapy", "evaluate", str(folder), "--no-bare", *sample,
                           "--json", str(out)], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = orjson.loads(out.read_bytes())
    assert figures["pages"] == floors.get("sample", figures["pages"]) and figures["empty_predictions"] < figures["pages"]
    assert figures["null_titles"] == 0
    for metric in ("f1", "word_f1"):
        assert figures[metric] >= floors[metric], (
            f"{benchmark}: {metric} {figures[metric]:.4f} fell below the floor {floors[metric]} in "
            f"quality-floors.json; run `.venv/bin/scrapy evaluate {folder} {' '.join(sample)}` to see the worst pages")
