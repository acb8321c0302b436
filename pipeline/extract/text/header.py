"""Metadata of a text capture from the lines above its article: headline, byline, standfirst.

``headline_anchor`` finds the headline by the URL slug (or a known title) before the run
search, so that the first paragraph after it can anchor the article; ``extract_header`` then
reads the lines before the article: site name, headline, byline (authors and date), standfirst.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from pipeline.extract import rules
from pipeline.extract.byline import bare_name, parse_byline
from pipeline.extract.dates import date_in_text
from pipeline.extract.text.lines import (
    HEADING_MAX_WORDS,
    WORD,
    Line,
    body_of,
    is_heading_like,
    is_prose,
)
from pipeline.extract.urls import url_path

HEADLINE_MIN_WORDS = 5  # shorter heading-like lines are labels and buttons more often than headlines
# The headline, found by its words in the URL slug, anchors the article: the first prose line
# soon after it gets a bonus, so a long footer or comment thread cannot outweigh a short story.
ANCHOR_MIN_SLUG_WORDS = 3
ANCHOR_MIN_OVERLAP = 0.5
ANCHOR_REACH = 20  # lines between headline and body (a byline block, a share row), and standfirst and body
# A headline may end like a sentence ("... Will They Impact Care?", "... (and How to Start)"), so
# that the line shape alone calls it prose; matched by the URL slug, it is still the headline. Not
# one ending in a full stop or holding one before another word: that is a sentence of the body.
HEADLINE_END = re.compile(r"[?!)\]\"'”’»]$")
INNER_FULL_STOP = re.compile(r"\w[.!?]\s+\S")
GLUED_SLUG_MIN_CHARS = 12
# A breadcrumb trail over the headline, rendered on its line ("Home » Blog » The headline"): the
# title is its last step. Two separators of one kind at least, the steps before the last short.
BREADCRUMB_SEPARATORS = (">", "›", "»", "▸", "|", " / ")
BREADCRUMB_STEP_MAX_WORDS = 6
# The bullet a text rendering puts before a third-level list item ("* Menu", "+ Submenu", "o Entry"),
# which ``lines.LIST_MARKER`` leaves alone (an "o" opens sentences in some languages): in the
# header, a nested menu's entry.
NESTED_BULLET = re.compile(r"^o\s+(?=[A-Z0-9])")


@dataclass
class Header:
    """What the lines above an article say about it."""
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str | None = None  # "byline" or "text"


def slug_words(url: str | None) -> set[str]:
    """The words of a URL's path (digits left out): a headline's words, when the path has a slug."""
    path = url_path(url)
    return {w.lower() for w in WORD.findall(path.replace("-", " ").replace("_", " ")) if not w.isdigit()}


# How URLs spell a word's letters outside ASCII: "Straßenbahn" as "strassenbahn", "Südstadt" as
# "suedstadt" or "sudstadt", "élection" as "election".
GERMAN_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _url_spellings(word: str) -> set[str]:
    if word.isascii():
        return {word}
    stripped = {unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode()
                for w in (word, word.translate(GERMAN_TRANSLITERATION))}
    return {word} | stripped


def slug_share(text: str, slug: set[str]) -> tuple[int, int]:
    """How many of ``text``'s words (lower-cased, each once) are URL slug words, however the URL
    spells their letters outside ASCII, and how many words it has."""
    words = {w.lower() for w in WORD.findall(text)}
    return sum(1 for w in words if not _url_spellings(w).isdisjoint(slug)), len(words)


def names_a_glued_slug(text: str, slug: set[str]) -> bool:
    """The line's words run together are one of the URL's words, or hold one ("understandingwebdesign"
    for "Understanding Web Design"): a slug written without hyphens (GLUED_SLUG_MIN_CHARS letters at least)."""
    words = WORD.findall(text.lower())
    joined = "".join(words)
    if len(words) < 2 or len(joined) < GLUED_SLUG_MIN_CHARS:
        return False
    # the slug's word runs across the line's words: no single one of them holds it
    return any(len(word) >= GLUED_SLUG_MIN_CHARS and (joined in word or (
        word in joined and not any(word in w for w in words))) for word in slug)


def headline_anchor(lines: list[Line], url: str | None, title_hint: str | None) -> tuple[int, int] | None:
    """``(headline, body)``: indices of the headline and of the first prose line after it (after
    the standfirst, if there is one), or ``None`` when no line is clearly the headline.

    The headline is the first heading-like line equal to the known title, or whose words are
    mostly the URL slug's (at least ANCHOR_MIN_SLUG_WORDS of them) and which prose follows
    within ANCHOR_REACH lines; when that line is glued to the lines around it, a match set apart
    by blank lines before the prose under it is preferred.
    """
    slug = slug_words(url)
    matches = [line for line in lines if _names_the_article(line, slug, title_hint)
               and _next_prose(lines, line.index) is not None]
    # A list item (a menu's entry naming the article's topic) only when no other line matches.
    line = next((m for m in matches if header_body_of(m.text) == m.text), matches[0] if matches else None)
    if line is None:
        return None
    first = _next_prose(lines, line.index)
    if not line.gap_before:
        # A line glued to others (a breadcrumb's last step, a menu's entry) and, before the prose
        # under it, a match set apart: that one is the page's headline.
        line = next((m for m in matches if line.index < m.index < first and m.gap_before), line)
    if is_prose(line.text):
        # claimed now, or the run search would weigh it as the body's first paragraph
        line.mark("headline")
    # A prose line set apart from what follows is a standfirst: it is claimed as one, and the
    # body is anchored after it (a byline block may sit between the two).
    second = _next_prose(lines, first)
    if second is not None and second != first + 1 and not opens_section(lines[first + 1]):
        lines[first].mark("standfirst")
        return line.index, second
    return line.index, first


def _names_the_article(line: Line, slug: set[str], title_hint: str | None) -> bool:
    """Shaped like a headline and equal to the known title, or mostly the URL slug's words."""
    if line.noise_class or not (is_heading_like(line.text) or is_sentence_shaped_headline(line.text)):
        return False
    if title_hint:
        return line.text.casefold() == title_hint.casefold()
    shared, words = slug_share(line.text, slug)
    return shared >= ANCHOR_MIN_SLUG_WORDS and shared >= ANCHOR_MIN_OVERLAP * words


def header_body_of(text: str) -> str:
    """A header line's words without its list marker, a nested bullet's included."""
    return NESTED_BULLET.sub("", body_of(text), count=1)


def title_of(text: str) -> str:
    """A headline line as a title: without its list marker or the breadcrumb trail before it."""
    text = header_body_of(text)
    for separator in BREADCRUMB_SEPARATORS:
        steps = [step.strip() for step in text.split(separator)]
        if len(steps) >= 3 and steps[-1] and all(len(step.split()) <= BREADCRUMB_STEP_MAX_WORDS for step in steps[:-1]):
            return steps[-1]
    return text


def is_sentence_shaped_headline(text: str) -> bool:
    """A headline that the line shape calls prose: a question, an exclamation, a closing bracket or
    quote at the end, one sentence of HEADING_MAX_WORDS words at most."""
    return (len(text.split()) <= HEADING_MAX_WORDS and bool(HEADLINE_END.search(text))
            and not INNER_FULL_STOP.search(text))


def opens_section(line: Line) -> bool:
    """A subheading set apart (a heading of three words or more, no byline, no date): the prose
    above it is the article's opening paragraph, not a standfirst."""
    return (line.gap_before and line.noise_class is None and is_heading_like(line.text)
            and not parse_byline(line.text) and not date_in_text(line.text))


def _next_prose(lines: list[Line], after: int) -> int | None:
    """Index of the first unclaimed prose line within ANCHOR_REACH lines after ``after``."""
    return next((f.index for f in lines[after + 1:after + 1 + ANCHOR_REACH]
                 if f.noise_class is None and is_prose(f.text)), None)


def extract_header(lines: list[Line], run_start: int, *, site_name: str | None, url: str | None,
                   title_hint: str | None, anchor_headline: int | None = None) -> Header:
    """Site name, headline, byline and standfirst from the lines before the main run (``run_start``).

    Claims the lines it uses (headline, byline, standfirst, site name) with their rule.
    ``anchor_headline`` is the headline ``headline_anchor`` found, if any.
    """
    result = Header()
    header = lines[:run_start]
    # The byline may also open the run (some captures glue it to the first paragraph).
    for line in header + lines[run_start:run_start + 2]:
        if line.noise_class and line.noise_class != rules.DATELINE:
            continue
        parsed = parse_byline(line.text)
        if parsed:
            result.authors, result.published = parsed
            result.published_from = "byline" if result.published else None
            line.noise_class, line.rule = None, None
            line.mark("byline")
            break
    for line in header:
        if site_name and line.text.casefold() == site_name.casefold():
            line.mark("site_name_line")
        elif not result.published and line.noise_class == rules.DATELINE:
            found = date_in_text(line.text)
            if found:
                result.published, result.published_from = found, "text"
    candidates = [line for line in header if line.noise_class is None and not date_in_text(line.text)
                  and (is_heading_like(line.text) or is_sentence_shaped_headline(line.text))]
    # A list item is a menu's or a teaser list's, unless nothing else is heading-like.
    candidates = [c for c in candidates if header_body_of(c.text) == c.text] or candidates
    slug = slug_words(url)

    def score(line: Line) -> tuple[bool, bool, float, bool, bool, int]:
        # two words of the URL slug at least (one is chance), and among such lines one set
        # apart by a blank line (a menu's or a breadcrumb's entries are glued together), then
        # the share of its words in the slug; then (what decides when the slug names none) a line set apart
        # on both sides that does not open with a person's name (an account menu's "You are
        # signed in as" is glued to its neighbours; a staff writer's line stands alone); then a
        # sentence-like length, then the nearest to the body: a headline sits above its article
        shared, words = slug_share(line.text, slug)
        shared = words if names_a_glued_slug(line.text, slug) else shared
        named = shared >= 2
        return (named, named and line.gap_before, shared / words if named else 0.0,
                line.gap_before and line.gap_after and bare_name(line.text) is None,
                line.words >= HEADLINE_MIN_WORDS, line.index)

    headline = None
    if title_hint:
        headline = next((c for c in candidates if c.text.casefold() == title_hint.casefold()), None)
    elif anchor_headline is not None and anchor_headline < run_start:
        headline = lines[anchor_headline]
        if header_body_of(headline.text) != headline.text and candidates:
            # a list item anchors when no other line names the article closely enough (a
            # breadcrumb's or a menu's entry): a line naming it by two slug words is the headline
            best = max(candidates, key=score)
            headline = best if score(best)[0] else headline
    elif candidates:
        headline = max(candidates, key=score)
    if headline:
        headline.mark("headline")
        result.title = title_of(headline.text)
        after = [line for line in header if line.index > headline.index and line.noise_class is None]
        claimed = next((line for line in header if line.rule == "standfirst"), None)
        if claimed:
            result.description = claimed.text
        elif after and is_prose(after[0].text):
            after[0].mark("standfirst")
            result.description = after[0].text
    if title_hint and not result.title:
        result.title = title_hint
    return result


def first_headline_like(lines: list[Line], url: str | None = None) -> str | None:
    """The title of last resort for a capture whose header gave none, without its list marker:
    the headline-like line (``HEADLINE_MIN_WORDS`` words at least, not a sentence, no date)
    sharing the most words with the URL slug (``ANCHOR_MIN_SLUG_WORDS`` at least, whatever rule
    claimed it: a headline that says "newsletter" is still the headline), else the first such
    line no rule claimed. The line stays where it is: it may be article text."""
    slug = slug_words(url)
    shapes = [(line, text) for line in lines if len((text := body_of(line.text)).split()) >= HEADLINE_MIN_WORDS
              and is_heading_like(text) and not date_in_text(text)]
    shared = [(slug_share(text, slug)[0], -line.index, text) for line, text in shapes]
    best = max(shared, default=None)
    if best and best[0] >= ANCHOR_MIN_SLUG_WORDS:
        return title_of(best[2])
    return next((title_of(text) for line, text in shapes if line.noise_class is None), None)
