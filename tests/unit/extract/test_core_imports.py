"""The extraction core imports nothing from Scrapy (or Twisted): extraction workers load only it."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT_DIR

CORE = PROJECT_DIR / "pipeline" / "extract"
FRAMEWORKS = ("scrapy", "twisted", "itemadapter", "parsel")


def core_modules() -> list[str]:
    return sorted(".".join(path.relative_to(PROJECT_DIR).with_suffix("").parts).removesuffix(".__init__")
                  for path in CORE.rglob("*.py"))


def loaded_frameworks(modules: list[str]) -> list[str]:
    """Import ``modules`` in a fresh interpreter; the framework modules that came with them."""
    code = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FRAMEWORKS!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=True, timeout=120)
    return eval(result.stdout)  # noqa: S307 - our own subprocess prints a list literal


def test_the_core_has_the_modules_it_should() -> None:
    assert {"pipeline.extract.article", "pipeline.extract.decode", "pipeline.extract.html.preclean",
            "pipeline.extract.text.capture"} <= set(core_modules())


def test_the_extraction_core_imports_no_scrapy_module() -> None:
    assert loaded_frameworks(core_modules()) == []


def test_the_check_sees_a_scrapy_import() -> None:
    assert "scrapy" in loaded_frameworks(["pipeline.errors"])


def test_extraction_workers_load_no_scrapy_module() -> None:
    from pipeline.pipelines.workerpool import forkserver_preload

    modules = forkserver_preload("pipeline.extract.article.extract_article")
    assert "pipeline.extract.worker" in modules
    assert loaded_frameworks(modules) == []


def test_numpy_gets_one_blas_thread_per_extraction_process() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    code = "import os, pipeline.extract.article, numpy; print(os.environ.get('OPENBLAS_NUM_THREADS'))"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=True, timeout=120, env=env)
    assert result.stdout.strip() == "1"


def test_the_forkserver_does_not_load_rensa() -> None:
    """rensa's allocator reserves 1 GiB of address space when it loads: loaded by the forkserver,
    every worker would start over its NEWSCLEAN_WORKER_MEMORY_MB cap. Workers load it themselves."""
    from pipeline.pipelines.workerpool import forkserver_preload

    modules = forkserver_preload("pipeline.extract.article.extract_article")
    code = f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\nprint('rensa' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "False"
