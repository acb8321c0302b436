"""The README's tables say what the code accepts: spider arguments, exit codes, settings."""

from __future__ import annotations

import re

import pytest

import pipeline.health as health
import pipeline.settings as project_settings
from spiders.news import NewsSpider
from spiders.seeds import SeedsSpider
from tests.conftest import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
KNOWN_SETTINGS = {name for name in vars(project_settings) if name.startswith("NEWSCLEAN_")}


def section(title: str) -> str:
    body = README.split(f"\n## {title}\n", 1)[1]
    return body.split("\n## ", 1)[0]


def table_after(text: str, header: str) -> list[list[str]]:
    """The rows of the first Markdown table whose header row starts with ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def argument_names(title: str) -> set[str]:
    rows = table_after(section(title), "| argument |")
    return {name for row in rows for name in re.findall(r"`(\w+)`", row[0])}


@pytest.mark.parametrize(("title", "spider"), [("Running it", SeedsSpider), ("Live crawling", NewsSpider)])
def test_argument_tables_list_the_declared_arguments(title: str, spider: type) -> None:
    declared = {argument.name for argument in getattr(spider, "arguments", ())}
    assert argument_names(title) == declared != set()


def test_exit_code_table_lists_every_exit_code() -> None:
    documented = [int(row[0]) for row in table_after(section("Running from cron"), "| code |")]
    constants = sorted({value for name, value in vars(health).items() if name.startswith("EXIT_")
                        and isinstance(value, int)})
    assert documented == list(getattr(health, "EXIT_CODES", {})) == constants


def test_settings_named_in_the_readme_exist_and_every_setting_is_named() -> None:
    named = set(re.findall(r"NEWSCLEAN_[A-Z_]*[A-Z]\b(?!\*)", README))
    patterns = set(re.findall(r"(NEWSCLEAN_[A-Z_]*)\*", README))
    assert named - KNOWN_SETTINGS == set()
    assert all(any(known.startswith(prefix) for known in KNOWN_SETTINGS) for prefix in patterns)
    undocumented = {name for name in KNOWN_SETTINGS
                    if name not in named and not any(name.startswith(prefix) for prefix in patterns)}
    assert undocumented == set()
