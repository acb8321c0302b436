"""Exit codes: one list, and a run that could not start is told apart."""

from __future__ import annotations

from pipeline.health import (
    EXIT_CODES,
    EXIT_INTERRUPTED,
    EXIT_NOT_STARTED,
    RunFacts,
    Thresholds,
    assess,
    could_not_start,
)


def facts(**changes: object) -> RunFacts:
    base = dict(finish_reason="start_error", entries=0, entries_fetched=0, entry_failures={}, attempts=0,
                errors={"spider/FileNotFoundError": 1})
    return RunFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_start_that_failed_before_any_record_is_exit_1() -> None:
    verdict = assess(facts(), Thresholds())
    assert verdict.exit_code == EXIT_NOT_STARTED
    assert verdict.reasons[0] == "the spider's start() failed before the run wrote any record"
    after_records = facts(entries=3, entries_fetched=3, attempts=3, records=3)
    assert assess(after_records, Thresholds()).exit_code == EXIT_INTERRUPTED


def test_could_not_start() -> None:
    assert could_not_start({"finish_reason": "start_error"})
    assert not could_not_start({"finish_reason": "start_error", "item_scraped_count": 2})
    assert not could_not_start({"finish_reason": "finished"})
    assert not could_not_start({})  # not closed yet: nothing to hold back


def test_every_exit_code_has_a_meaning() -> None:
    assert sorted(EXIT_CODES) == [0, 1, 2, 3, 4, 5, 6, 75]
    assert all(meaning and "\n" not in meaning for meaning in EXIT_CODES.values())


def test_pages_lost_by_the_extraction_pool_fail_the_run() -> None:
    from pipeline.health import EXIT_ERRORS, errors_by_type

    errors = errors_by_type({"newsclean/extract/pool/lost": 3, "newsclean/extract/pool/started": 4})
    assert errors == {"pool/lost": 3}
    verdict = assess(facts(finish_reason="finished", entries=1, entries_fetched=1, attempts=9, errors=errors),
                     Thresholds(max_error_rate=0.5))
    assert verdict.exit_code == EXIT_ERRORS
    assert verdict.reasons == ["3 pages lost: the extraction pool had no worker left to extract them"]


def test_a_worker_whose_start_urls_another_worker_queued_is_healthy() -> None:
    """Distributed mode: the seen set gave the start URL to the other worker."""
    from pipeline.health import EXIT_NO_START, EXIT_OK, facts_from_stats

    stats = {"finish_reason": "finished", "newsclean/entry/total": 0, "newsclean/entry/fetched": 0,
             "newsclean/fetch/ok": 40, "item_scraped_count": 40}
    assert assess(facts_from_stats(stats, None), Thresholds()).exit_code == EXIT_NO_START
    stats["newsclean/redis/start_elsewhere"] = 1
    assert assess(facts_from_stats(stats, None), Thresholds()).exit_code == EXIT_OK
