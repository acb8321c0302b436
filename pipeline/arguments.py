"""What a run is told, checked before it starts: spider arguments, ``NEWSCLEAN_`` settings, outputs.

Each spider declares its ``-a`` arguments once, as a table of ``Argument`` (name, parser, what
is accepted, what it does). Scrapy sets every ``-a NAME=VALUE`` as a spider attribute whatever
the name, so a mistyped ``-a dirr=...`` used to crawl the default folder and exit 0; here an
unknown name, or a value its parser refuses, is a ``UsageProblem`` whose message is one line
naming the argument, the value and what is accepted. Scrapy likewise accepts any ``-s`` name:
only the ``NEWSCLEAN_`` settings declared in ``pipeline/settings.py`` exist.

``scrapy crawl`` and ``scrapy cron`` run these checks before anything starts and turn a
``UsageProblem`` into one line and exit code 1 (``pipeline.commands.crawl``); a spider built any
other way (``scrapy evaluate``, a script) checks its arguments in ``from_crawler`` and raises it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from scrapy.spiderloader import get_spider_loader

import pipeline.settings as project_settings

SETTING_PREFIX = "NEWSCLEAN_"
# The settings newsclean reads: the ones pipeline/settings.py declares, and no others.
KNOWN_SETTINGS = frozenset(name for name in vars(project_settings) if name.startswith(SETTING_PREFIX))


class UsageProblem(ValueError):
    """The run cannot start as asked. Its message is one line for the user, not a traceback."""


@dataclass(frozen=True)
class Argument:
    """One ``-a NAME=VALUE`` a spider accepts. ``parse`` turns the text into the value the spider
    gets, raising ``ValueError`` (with a short reason, or none) when it cannot; ``accepts`` says
    what is accepted, ``help`` what the argument does. ``setting``: a setting whose value is
    used, and checked the same way, when the argument is not given."""

    name: str
    parse: Callable[[str], Any]
    accepts: str
    help: str
    setting: str | None = None


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest known name, else the list of known names."""
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (known: {', '.join(known)})" if known else " (this spider takes none)"


def parse_value(argument: Argument, raw: Any, source: str) -> Any:
    try:
        return argument.parse(str(raw))
    except (ValueError, OSError) as exc:
        reason = f" ({exc})" if str(exc) else ""
        raise UsageProblem(f"bad {source}={str(raw)!r}{reason}: expected {argument.accepts}") from None


def parse_arguments(table: Iterable[Argument], given: Mapping[str, Any],
                    settings: BaseSettings | None = None) -> dict[str, Any]:
    """The parsed value of every argument given (or set through its setting); ``UsageProblem``
    for an unknown name or a refused value."""
    declared = {argument.name: argument for argument in table}
    for name in given:
        if name not in declared:
            raise UsageProblem(f"unknown argument {name}{did_you_mean(name, declared)}")
    values: dict[str, Any] = {}
    for argument in declared.values():
        if argument.name in given:
            values[argument.name] = parse_value(argument, given[argument.name], f"argument {argument.name}")
        elif argument.setting and settings is not None and settings.get(argument.setting) not in (None, ""):
            values[argument.name] = parse_value(argument, settings.get(argument.setting),
                                                f"setting {argument.setting}")
    return values


class DeclaredArguments:
    """Spider mixin (list it before ``scrapy.Spider``): ``arguments`` is the table of the spider's
    ``-a`` arguments; ``from_crawler`` checks what was given and passes the parsed values to
    ``__init__``. ``check_values`` checks arguments together (one of two required...)."""

    arguments: ClassVar[tuple[Argument, ...]] = ()

    @classmethod
    def check_values(cls, values: dict[str, Any]) -> None:
        """Raise ``UsageProblem`` when the arguments do not fit together; nothing by default."""

    @classmethod
    def parse_arguments(cls, given: Mapping[str, Any],
                        settings: BaseSettings | None = None) -> dict[str, Any]:
        values = parse_arguments(cls.arguments, given, settings)
        cls.check_values(values)
        return values

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Any:
        values = cls.parse_arguments(kwargs, crawler.settings)
        return super().from_crawler(crawler, *args, **values)  # type: ignore[misc]


def check_settings(settings: BaseSettings) -> None:
    """``UsageProblem`` for a ``NEWSCLEAN_`` setting that ``pipeline/settings.py`` does not declare
    (Scrapy would keep it, and nothing would ever read it)."""
    for name in sorted(str(n) for n in settings):
        if name.startswith(SETTING_PREFIX) and name not in KNOWN_SETTINGS:
            raise UsageProblem(f"unknown setting {name}{did_you_mean(name, KNOWN_SETTINGS)}")
    duplicates_action(settings)
    duplicate_threshold(settings)
    duplicate_window_days(settings)


DUPLICATE_ACTIONS = ("mark", "drop", "off")


def duplicates_action(settings: BaseSettings) -> str:
    """``NEWSCLEAN_DUPLICATES``: ``mark`` (keep and mark), ``drop`` or ``off``."""
    value = str(settings.get("NEWSCLEAN_DUPLICATES", "mark")).strip().lower()
    if value not in DUPLICATE_ACTIONS:
        raise UsageProblem(f"bad setting NEWSCLEAN_DUPLICATES={value!r}: expected mark, drop or off")
    return value


def duplicate_threshold(settings: BaseSettings) -> float:
    """``NEWSCLEAN_DUPLICATE_THRESHOLD``: a similarity in (0, 1]."""
    raw = settings.get("NEWSCLEAN_DUPLICATE_THRESHOLD", 0.5)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not 0.0 < value <= 1.0:
        raise UsageProblem(f"bad setting NEWSCLEAN_DUPLICATE_THRESHOLD={str(raw)!r}: expected a number in (0, 1]")
    return value


def duplicate_window_days(settings: BaseSettings) -> float | None:
    """``NEWSCLEAN_DUPLICATE_WINDOW_DAYS``: a positive number of days, or ``None`` / 0 for no limit."""
    raw = settings.get("NEWSCLEAN_DUPLICATE_WINDOW_DAYS", 30)
    if raw is None or str(raw).strip().lower() in ("", "none", "0"):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        value = -1.0
    if not value > 0:
        raise UsageProblem(f"bad setting NEWSCLEAN_DUPLICATE_WINDOW_DAYS={str(raw)!r}: "
                           "expected a positive number of days, or 0 for no limit")
    return value


def check_feed_formats(feeds: Mapping[str, Mapping[str, Any]], settings: BaseSettings) -> None:
    """``UsageProblem`` for an output whose format has no exporter: Scrapy's feed exporter would
    log one error and run the whole crawl without writing it. (``-o``/``-O`` with such a format
    is refused earlier, by Scrapy's own command-line check.)"""
    exporters = {name for name, path in settings.getwithbase("FEED_EXPORTERS").items() if path}
    for uri, options in feeds.items():
        fmt = options.get("format")
        if fmt not in exporters:
            raise UsageProblem(f"output {uri}: format {fmt!r} is not written by newsclean "
                               f"(use one of {', '.join(sorted(exporters))})")


def find_spider(settings: BaseSettings, name: str) -> type:
    """The spider class called ``name``; ``UsageProblem`` naming the closest one when none is."""
    loader = get_spider_loader(settings)
    try:
        return loader.load(name)
    except KeyError:
        raise UsageProblem(f"unknown spider {name}{did_you_mean(name, loader.list())}") from None


# --- parsers shared by the spiders' tables ---------------------------------------------------

def folder(value: str) -> Path:
    path = Path(value).expanduser().resolve()
    if not path.exists():
        raise ValueError("no such folder")
    if not path.is_dir():
        raise ValueError("not a folder")
    return path


def readable_file(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError("no such file" if not path.exists() else "not a file")
    with path.open("rb"):  # unreadable: OSError, reported with its reason
        pass
    return path


def comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def positive_int(value: str) -> int:
    number = int(value.strip()) if value.strip().isdigit() else 0
    if number < 1:
        raise ValueError
    return number
