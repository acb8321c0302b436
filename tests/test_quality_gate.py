"""CI quality gate: `scrapy evaluate` on the shared dev sets must stay at or above the F1
floors in quality-floors.json. Skipped cleanly when ../shared/benchmarks is not beside the clone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import BENCHMARKS_DIR, PROJECT_DIR, needs_shared

FLOORS = {k: v for k, v in orjson.loads((PROJECT_DIR / "quality-floors.json").read_bytes()).items()
          if not k.startswith("_")}


@pytest.mark.parametrize("benchmark", sorted(FLOORS))
def test_f1_at_or_above_floor(benchmark: str, tmp_path: Path) -> None:
    folder = needs_shared(BENCHMARKS_DIR / benchmark)
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, "-m", "scrapy", "evaluate", str(folder), "--no-bare", "--json", str(out)],
                          cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = orjson.loads(out.read_bytes())
    assert figures["pages"] > 0 and figures["empty_predictions"] < figures["pages"]
    floor = FLOORS[benchmark]["f1"]
    assert figures["f1"] >= floor, (
        f"{benchmark}: F1 {figures['f1']:.4f} fell below the floor {floor} in quality-floors.json; "
        f"run `.venv/bin/scrapy evaluate {folder}` to see the worst pages")
