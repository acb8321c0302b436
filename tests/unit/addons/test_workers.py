"""The forkserver add-on starts the forkserver only for crawls that extract in worker processes."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from pipeline.addons.workers import extracts_in_workers


def project_settings(**overrides: object) -> Settings:
    settings = Settings()
    settings.setmodule("pipeline.settings", priority="project")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


@pytest.mark.parametrize(("overrides", "expected"), [
    ({}, True),
    ({"NEWSCLEAN_EXTRACT_WORKERS": "2"}, True),
    ({"NEWSCLEAN_EXTRACT_WORKERS": "0"}, False),
    ({"ITEM_PIPELINES": {"pipeline.pipelines.extraction.ExtractionPipeline": None}}, False),
    ({"ITEM_PIPELINES": {"pipeline.pipelines.validate.ValidationPipeline": 300}}, False),  # replaces the project's
])
def test_only_crawls_with_extraction_workers_start_the_forkserver(overrides: dict, expected: bool) -> None:
    assert extracts_in_workers(project_settings(**overrides)) is expected


def test_the_add_on_comes_after_the_add_ons_that_change_settings() -> None:
    addons = project_settings().getdict("ADDONS")
    assert addons["pipeline.addons.workers.EarlyForkserver"] == max(addons.values())


@pytest.mark.parametrize(("overrides", "started"), [
    ({}, ["pipeline.extract.article.extract_article"]),
    ({"NEWSCLEAN_EXTRACT_FUNCTION": "tests.worker_hooks.extract_naming_frameworks"}, ["tests.worker_hooks.extract_naming_frameworks"]),
    ({"NEWSCLEAN_EXTRACT_WORKERS": "0"}, []),
    ({"ADDONS": {"pipeline.addons.workers.EarlyForkserver": None}}, []),
])
def test_the_command_line_starts_the_forkserver_when_the_add_on_would(monkeypatch, overrides: dict,
                                                                        started: list) -> None:
    from pipeline.addons import workers

    calls: list[str] = []
    monkeypatch.setattr(workers, "start_forkserver", calls.append)
    workers.start_from_the_command_line(project_settings(**overrides))
    assert calls == started
