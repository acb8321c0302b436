"""extract_body hands trafilatura its options made once and copied (``article.extractor``): they
must be the ones ``trafilatura.extract`` makes of the keywords extract_body gave it before, and
no extraction may change the shared template."""

from __future__ import annotations

import pytest
import trafilatura
from trafilatura import core

from pipeline.extract import article

PAGE = ("<html><body><nav><a href='/'>Home</a></nav><article><h1>Title</h1>"
        + "<p>A paragraph of article text that trafilatura keeps as the body of this page.</p>" * 6
        + "</article><footer>Footer</footer></body></html>")
URL = "https://example.org/news/a-story?id=1"


def fields(options) -> dict:
    """Every attribute of an ``Extractor`` (a class with ``__slots__``)."""
    return {name: getattr(options, name) for cls in type(options).__mro__ for name in getattr(cls, "__slots__", ())}


def options_trafilatura_makes(monkeypatch: pytest.MonkeyPatch, **keywords) -> dict:
    seen = []
    real = core.bare_extraction

    def spy(filecontent, options=None, **kwargs):
        seen.append(fields(options))
        return real(filecontent, options=options, **kwargs)

    monkeypatch.setattr(core, "bare_extraction", spy)
    trafilatura.extract(PAGE, url=URL, include_comments=False, with_metadata=False, deduplicate=False, **keywords)
    monkeypatch.undo()
    return seen[0]


@pytest.mark.parametrize("tables", [True, False])
@pytest.mark.parametrize("flags", [{}, {"favor_precision": True}, {"favor_recall": True, "fast": True}])
def test_the_options_are_those_trafilatura_makes_of_the_keywords(monkeypatch, tables, flags) -> None:
    expected = options_trafilatura_makes(monkeypatch, include_tables=tables, **flags)
    assert fields(article.extractor(URL, tables, **flags)) == expected
    assert expected["url"] == expected["source"] == URL


def test_extractions_leave_the_template_unchanged() -> None:
    for flags in ({}, {"favor_precision": True}, {"favor_recall": True, "fast": True}):
        template = article._extractor_template(True, flags.get("favor_precision", False),
                                               flags.get("favor_recall", False), flags.get("fast", False))
        before = fields(template)
        short = "<html><body><p>Too short for trafilatura's minimum, so it escalates.</p></body></html>"
        for page in (PAGE, short):
            trafilatura.extract(page, options=article.extractor(URL, True, **flags))
        after = fields(template)
        assert after == before
        assert after["url"] is None  # the page's URL goes to the copy only
