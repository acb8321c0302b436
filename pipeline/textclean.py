"""Text captures (a page's text with no HTML): keep the article's paragraphs, drop the rest.

A capture is one block per line, blank lines between spaced blocks. Each line is classified as
prose or furniture from its own shape (length, sentence ending, the named line rules of
``pipeline.rules``) and from its neighbours (a link headline glued to its lede is a teaser,
whatever it says). The article is the main run of prose; metadata comes from the lines
before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from pipeline import rules
from pipeline.dates import date_in_text

SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」』]$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
PROSE_MIN_WORDS = 7  # with a sentence ending
PROSE_ANY_WORDS = 20  # without one
CJK_PROSE_MIN_CHARS = 25
HEADING_MAX_WORDS = 25
FEED_STAMP_WINDOW = 8
# Max-subarray weights: how much a line says for or against "the article is here".
WEIGHT_SECTION_END = -200
WEIGHT_RULE_NOISE = -10
WEIGHT_NON_PROSE = -5
BYLINE = re.compile(
    r"^(?:by|words by|written by|von|por|par|di|oleh)\s+(?P<rest>[A-Z\u00c0-\u024f].{1,200})$", re.IGNORECASE)
NAME = re.compile(r"^[A-Z\u00c0-\u024f][\w.'’-]*(?:\s+(?:[A-Z\u00c0-\u024f][\w.'’-]*|de|da|van|von|der|la|le|bin|al))"
                  r"{0,4}$")
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*")
WORD = re.compile(r"\w+")


@dataclass
class Line:
    index: int
    text: str
    gap_before: bool
    gap_after: bool = False
    noise_class: str | None = None
    rule: str | None = None

    @property
    def words(self) -> int:
        return len(self.text.split())

    def mark(self, rule: str, noise_class: str) -> None:
        if self.noise_class is None:
            self.rule, self.noise_class = rule, noise_class


@dataclass
class TextResult:
    paragraphs: list[str]
    title: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str | None = None
    removed: Counter[str] = field(default_factory=Counter)
    removed_lines: list[tuple[str, str, str]] = field(default_factory=list)  # (rule, class, text)


def is_cjk(text: str) -> bool:
    return len(CJK.findall(text)) > len(text) / 3


def is_prose(text: str) -> bool:
    if is_cjk(text):
        return len(text) >= CJK_PROSE_MIN_CHARS and bool(SENTENCE_END.search(text))
    words = len(text.split())
    return words >= PROSE_ANY_WORDS or (words >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text)))


def is_heading_like(text: str) -> bool:
    words = len(text.split())
    return 3 <= words <= HEADING_MAX_WORDS and not text.endswith((".", ",", ";")) and not is_prose(text)


def split_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    gap = True
    for raw in text.splitlines():
        stripped = " ".join(raw.split())
        if not stripped:
            gap = True
            if lines:
                lines[-1].gap_after = True
            continue
        lines.append(Line(len(lines), stripped, gap_before=gap))
        gap = False
    if lines:
        lines[-1].gap_after = True
    return lines


def mark_line_rules(lines: list[Line]) -> None:
    for line in lines:
        rule = rules.match_line_rule(line.text)
        if rule:
            line.mark(rule.name, rule.noise_class)


def mark_feeds(lines: list[Line]) -> None:
    """Section-end headings, feed time stamps, and each feed item up to the next stamp.

    A time stamp counts as a feed's only when another stands within FEED_STAMP_WINDOW lines:
    a lone time under a headline is the article's own dateline.
    """
    stamps = [line.index for line in lines if rules.FEED_TIMESTAMP.match(line.text)]
    feed_stamps = {i for i in stamps if any(0 < abs(i - j) <= FEED_STAMP_WINDOW for j in stamps)}
    in_item = False
    for line in lines:
        if rules.SECTION_END_HEADING.match(line.text):
            line.mark("section_end_heading", rules.NEWS_FEED)
            in_item = False
        elif line.index in feed_stamps:
            line.mark("feed_timestamp", rules.NEWS_FEED)
            in_item = True
        elif in_item:
            line.mark("feed_item_after_timestamp", rules.NEWS_FEED)
            # A feed item is its title and a lede; a second blank-separated prose block ends it.
            if line.gap_after and line.words > PROSE_MIN_WORDS * 2:
                in_item = False


def mark_glued_blocks(lines: list[Line]) -> None:
    """Teasers (a headline glued to a one-paragraph lede) and labels glued to captions."""
    for prev, line in zip(lines, lines[1:]):
        if line.gap_before or prev.noise_class or not is_heading_like(prev.text) or parse_byline(prev.text):
            continue
        if line.noise_class == rules.CAPTION:
            prev.mark("caption_label", rules.CAPTION)
        elif line.noise_class is None and is_prose(line.text) and line.gap_after and prev.gap_before:
            prev.mark("teaser_headline_with_lede", rules.TEASER)
            line.mark("teaser_headline_with_lede", rules.TEASER)


def line_weight(line: Line) -> int:
    if line.rule == "section_end_heading":
        return WEIGHT_SECTION_END
    if line.noise_class == rules.NEWS_FEED:
        return -line.words - 1
    if line.noise_class:
        return WEIGHT_RULE_NOISE
    if is_prose(line.text):
        return min(line.words, 120) if not is_cjk(line.text) else min(len(line.text) // 2, 120)
    return WEIGHT_NON_PROSE


def main_run(lines: list[Line]) -> tuple[int, int]:
    """``[start, end)`` of the contiguous span with the greatest total weight (Kadane)."""
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    for i, line in enumerate(lines):
        if total <= 0:
            total, start = 0, i
        total += line_weight(line)
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def _slug_words(url: str | None) -> set[str]:
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "", flags=re.I).split("?", 1)[0]
    return {w.lower() for w in WORD.findall(path.replace("-", " ").replace("_", " ")) if not w.isdigit()}


def parse_byline(text: str) -> tuple[list[str], str | None] | None:
    """``(authors, published)`` from a byline such as "by Ann Lee and Bo Li June 2, 2024 9:15 AM"."""
    m = BYLINE.match(text)
    if not m or len(text.split()) > 30:
        return None
    rest = m.group("rest")
    published = date_in_text(rest)
    names_part = re.split(r"\s(?=(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)|\s(?=\d)|\s[-–—|·•]\s",
                          rest, maxsplit=1, flags=re.IGNORECASE)[0]
    authors = [a.strip() for a in AUTHOR_SPLIT.split(names_part) if NAME.match(a.strip())]
    if not authors:
        return None
    return authors, published


def extract_header(lines: list[Line], run_start: int, result: TextResult, *, site_name: str | None,
                   url: str | None, title_hint: str | None) -> None:
    """Site name, headline, byline and standfirst from the lines before the main run."""
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
            line.mark("byline", rules.BYLINE)
            break
    for line in header:
        if site_name and line.text.casefold() == site_name.casefold():
            line.mark("site_name_line", rules.SITE_CHROME)
        elif not result.published and line.noise_class == rules.DATELINE:
            found = date_in_text(line.text)
            if found:
                result.published, result.published_from = found, "text"
    candidates = [line for line in header if line.noise_class is None and is_heading_like(line.text)]
    headline = None
    if title_hint:
        headline = next((c for c in candidates if c.text.casefold() == title_hint.casefold()), None)
    elif candidates:
        slug = _slug_words(url)

        def score(line: Line) -> tuple[float, int]:
            words = {w.lower() for w in WORD.findall(line.text)}
            return (len(words & slug) / max(len(words), 1), line.words)

        headline = max(candidates, key=score)
    if headline:
        headline.mark("headline", rules.HEADLINE)
        result.title = headline.text
        after = [line for line in header if line.index > headline.index and line.noise_class is None]
        if after and is_prose(after[0].text):
            after[0].mark("standfirst", rules.STANDFIRST)
            result.description = after[0].text
    if title_hint and not result.title:
        result.title = title_hint


def keep_in_run(line: Line, lines: list[Line]) -> bool:
    """Inside the main run: prose stays, and so does a subheading spaced like one."""
    if line.noise_class:
        return False
    if is_prose(line.text):
        return True
    nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
    return (is_heading_like(line.text) and line.gap_before and line.gap_after and nxt is not None
            and nxt.noise_class is None and is_prose(nxt.text))


def clean_text_capture(text: str, *, site_name: str | None = None, url: str | None = None,
                       title_hint: str | None = None) -> TextResult:
    """Clean one text capture.

    1. Split into lines, keeping where blank lines were: they separate a page's blocks.
    2. Feed structure: section-end headings, time stamps and the items under them.
    3. Named line rules claim what is noise on its own (newsletter, captions, share...).
    4. Glued blocks: a headline glued to a lede is a teaser; a label glued to a caption is
       part of the caption. Done before the run search so teasers do not extend the run.
    5. The main run: the span with the greatest prose weight. Menus, feeds and footers
       weigh against it, so it stops where the article stops.
    6. The header before the run gives site name, headline, byline (authors, date), standfirst.
    7. Inside the run, prose and spaced subheadings stay; repeated paragraphs go.
    """
    result = TextResult(paragraphs=[])
    lines = split_lines(text)
    mark_feeds(lines)
    mark_line_rules(lines)
    mark_glued_blocks(lines)
    start, end = main_run(lines)
    extract_header(lines, start, result, site_name=site_name, url=url, title_hint=title_hint)
    seen: set[str] = set()
    for line in lines:
        inside = start <= line.index < end
        if inside and keep_in_run(line, lines):
            if line.text in seen:
                line.mark("repeated_paragraph", rules.DUPLICATE)
            else:
                seen.add(line.text)
                result.paragraphs.append(line.text)
                continue
        if line.noise_class is None:
            line.mark("outside_main_run" if not inside else "short_non_prose", rules.FURNITURE)
        result.removed[line.noise_class] += 1
        result.removed_lines.append((line.rule, line.noise_class, line.text))
    return result
