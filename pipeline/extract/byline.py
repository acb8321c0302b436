"""Bylines and author names, the same for HTML pages and text captures.

``parse_byline`` reads a byline line: "By Ann Lee and Bo Li June 2, 2024 9:15 AM",
"Published March 3, 2025 by Dana Whitfield", "Von Anna Müller und Hans Meier",
"By Jane Doe, Staff Writer". ``clean_authors`` keeps the person names of author fields: it
splits lists, drops "By", job titles, credentials, dates glued to a name and anything not
shaped like a name.
"""

from __future__ import annotations

import html as htmllib
import re

from pipeline.extract import rules
from pipeline.extract.dates import MONTH_NAME, date_in_text

# The word that opens the names, in the languages whose news sites we read.
BY_WORD = r"(?:by|words by|written by|posted by|text by|story by|article by|report by|von|por|par|di|oleh)"
# A line that opens with the names: "By Ann Lee", "Von Anna Müller" (a story list's stamp, too).
BYLINE = re.compile(rf"^{BY_WORD}\s+(?P<rest>[A-Z\u00c0-\u024f].{{1,200}})$", re.IGNORECASE)
# The same, maybe after a date and its label: "Published March 3, 2025 by Dana Whitfield".
DATED_BYLINE = re.compile(rf"^(?:(?P<before>.{{0,60}}?)\s+)?{BY_WORD}\s+(?P<rest>[A-Z\u00c0-\u024f].{{1,200}})$",
                          re.IGNORECASE)
BYLINE_MAX_WORDS = 30
# Where the names end: a date, a number, a separator, or a date's label.
NAMES_END = re.compile(rf"(?:^|\s)(?=(?:{MONTH_NAME})\.?\s+\d)|\s(?=\d)|\s[-–—|·•]\s|"
                       r"\s(?=(?:published|updated|posted|modified)\b)", re.IGNORECASE)
NAME = re.compile(r"^[A-Z\u00c0-\u024f][\w.'’-]*(?:\s+(?:[A-Z\u00c0-\u024f][\w.'’-]*|de|da|van|von|der|la|le|bin|al))"
                  r"{0,4}$")
# Between the entries of a list of authors, and between two names of one entry ("and" in the
# byline languages): "Jane Doe, John Roe & Ann Lee".
ENTRY_SPLIT = re.compile(r"\s*[,;|]\s*")
AND_SPLIT = re.compile(r"\s*&\s*|\s+(?:and|und|et|y|e|i|en|og|och|dan)\s+")
NOT_A_NAME = re.compile(
    r"^(https?://|www\.)|@|\.(com|org|net|co\.uk)\b|\d|\b(staff|editor(ial)?|team|desk|agency|admin|writer|"
    r"correspondent|reporter|contributor|print|article|media|updated|published|coordinator|manager|director|"
    r"expert|specialist|officer|founder|president|strategist|consultant|analyst|ceo|cto)s?\b", re.IGNORECASE)
# Post-nominal letters that follow a name after a comma ("Jane Doe, MS, RDN").
CREDENTIAL = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?)$")
BY_PREFIX = re.compile(r"^by(?:\s+|(?=[A-Z]))", re.IGNORECASE)


def clean_authors(raw: list[str]) -> list[str]:
    """Person names from author fields (see the module docstring), in order, each once.

    An entry that is not names ("Staff Writer", "MS", "Home and Digital Security Expert") ends
    the list: what follows a job title is its employer ("AI Writer, Embarque"), not an author."""
    authors: list[str] = []
    for field in raw:
        for entry in ENTRY_SPLIT.split(htmllib.unescape(field).strip()):
            names = [BY_PREFIX.sub("", name.strip()).strip() for name in AND_SPLIT.split(entry)]
            names = [name for name in names if name]
            if not names:
                continue
            if not all(is_name(name) and not (authors and CREDENTIAL.match(name)) for name in names):
                break
            authors.extend(name for name in names if name not in authors)
    return authors


# Words of an author element's label or of an organisation, never of a person's name.
NOT_IN_A_BARE_NAME = re.compile(r"\b(the|full|bio|author|authors|written|posted|about|association|society|"
                                r"ltd|inc|llc|gmbh|company|group|foundation|university|institute|news|blog)\b",
                                re.IGNORECASE)


def bare_name(text: str) -> str | None:
    """The one person's name a text opens with, up to a date or a separator: "Jane Doe 4 August
    2010", "Jane Doe | May 2"; ``None`` when it opens with anything else (a label, an
    organisation, a single word)."""
    names = clean_authors([NAMES_END.split(text, maxsplit=1)[0]])
    if len(names) != 1 or " " not in names[0] or not NAME.match(names[0]) or NOT_IN_A_BARE_NAME.search(names[0]):
        return None
    return names[0]


def is_name(text: str) -> bool:
    """Shaped like a person's name: capitalised, at most five words, no digits, links or titles."""
    return (len(text) <= 60 and text[0].isupper() and len(text.split()) <= 5
            and not NOT_A_NAME.search(text))


def parse_byline(text: str) -> tuple[list[str], str | None] | None:
    """``(authors, published)`` of a byline line, or ``None`` when the line is not one."""
    if len(text.split()) > BYLINE_MAX_WORDS:
        return None
    m, before = BYLINE.match(text), ""
    if m is None:
        m = DATED_BYLINE.match(text)
        if m is None:
            return None
        before = (m.group("before") or "").strip(" |·•-–—,")
        if not rules.STAMP_DATE.match(before):
            return None  # words before "by" that are not a date: a sentence, not a byline
    rest = m.group("rest")
    names_part = NAMES_END.split(rest, maxsplit=1)[0]
    authors = [name for name in clean_authors([names_part]) if NAME.match(name)]
    if not authors:
        return None
    return authors, date_in_text(rest) or (date_in_text(before) if before else None)
