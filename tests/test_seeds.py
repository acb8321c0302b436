"""Golden tests: the real `scrapy crawl seeds` over seeds/, compared field by field.

A failure means the output changed. If the change is intended, regenerate and review with
`.venv/bin/scrapy seeds regen` then `git diff seeds/`.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from pipeline.commands.seeds import crawl_seeds, expected_path
from pipeline.discovery.files import find_inputs
from tests.conftest import PROJECT_DIR, SHARED_DIR

SEEDS_DIR = PROJECT_DIR / "seeds"
CASES = list(find_inputs(SEEDS_DIR))
REGEN = "run `.venv/bin/scrapy seeds regen` and review `git diff seeds/`"


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return crawl_seeds(SEEDS_DIR, PROJECT_DIR)


def case_id(path: Path) -> str:
    return path.relative_to(SEEDS_DIR).as_posix()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_record_matches_golden(case: Path, records: dict[str, dict]) -> None:
    expected = orjson.loads(expected_path(case).read_bytes())
    actual = records.get(case.relative_to(PROJECT_DIR).as_posix())
    assert actual is not None, f"{case_id(case)} produced no record; {REGEN}"
    for field in sorted(set(expected) | set(actual)):
        assert actual.get(field) == expected.get(field), f"field {field!r} of {case_id(case)} changed; {REGEN}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_paragraphs_are_input_lines_in_order(case: Path, records: dict[str, dict]) -> None:
    """Cleaning removes lines; it never rewrites or reorders what it keeps."""
    input_lines = [line.strip() for line in case.read_text(encoding="utf-8").splitlines() if line.strip()]
    position = -1
    for paragraph in records[case.relative_to(PROJECT_DIR).as_posix()]["text"].split("\n"):
        position = input_lines.index(paragraph, position + 1)


def test_seed_inputs_are_the_shared_bytes() -> None:
    shared = SHARED_DIR / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds not beside the clone")
    for original in sorted(shared.glob("*.txt")):
        copies = list(SEEDS_DIR.rglob(original.name))
        assert len(copies) == 1 and copies[0].read_bytes() == original.read_bytes(), original.name


def test_express_and_star_metadata(records: dict[str, dict]) -> None:
    record = records["seeds/expressandstar.com/000_e976a80ec35b9134.txt"]
    assert record["title"] == "Almost 200 Azerbaijani soldiers killed during Nagorno-Karabakh offensive"
    assert record["authors"] == []
    assert (record["published"], record["published_from"]) == ("2023-09-27", "url")
    assert record["site_name"] == "Express & Star"
    assert record["description"] == "The military operation allowed Azerbaijan to reclaim full control over the breakaway region."
    assert record["text"].startswith("A total of 192 Azerbaijani soldiers")
    assert record["text"].endswith("taken by ambulance and helicopter to hospitals in Armenia.")
    assert len(record["text"].split("\n")) == 14


def test_kyiv_independent_metadata(records: dict[str, dict]) -> None:
    record = records["seeds/kyivindependent.com/001_eda1507bfc85257a.txt"]
    assert record["title"] == "Baku claims 192 Azerbaijani troops killed, 511 wounded in Karabakh offensive"
    assert record["authors"] == ["Martin Fornusek"]
    assert (record["published"], record["published_from"]) == ("2023-09-27T12:24:00", "byline")
    assert record["site_name"] == "The Kyiv Independent"
    paragraphs = record["text"].split("\n")
    assert paragraphs[0].startswith("During Baku's recent offensive")
    assert paragraphs[-1].startswith("In the following years, tensions did not subside")
    assert len(paragraphs) == 11
    for noise in ("PM hints that Armenia", "Armenian Prime Minister Nikol Pashinyan hinted",
                  "Jeyhun Bayramov", "News Feed", "indicates required", "Subscribe", "AI assistance",
                  "Tofik Babyev", "Editors' Picks", "MORE NEWS", "Zelensky"):
        assert noise not in record["text"], noise
