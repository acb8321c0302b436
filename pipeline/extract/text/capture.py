"""Text captures (a page's text with no HTML): keep the article's paragraphs, drop the rest.

A capture is one block per line, blank lines between spaced blocks. Each line is classified as
prose or furniture from its own shape (length, sentence ending, the named line rules of
``pipeline.extract.rules``) and from its neighbours (a link headline glued to its lede is a teaser,
whatever it says). The article is the main run of prose; metadata comes from the lines
before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.extract import rules
from pipeline.extract.byline import BYLINE, parse_byline
from pipeline.extract.dates import date_in_text
from pipeline.extract.text.header import extract_header, first_headline_like, headline_anchor
from pipeline.extract.text.line_features import MODEL_REACH, line_rows, model_keeps_line
from pipeline.extract.text.lines import (
    BARE_MARKER,
    MENU_MAX_WORDS,
    PROSE_MIN_WORDS,
    WORD,
    Line,
    body_of,
    is_checklist_item,
    is_cjk,
    is_code_line,
    is_heading_like,
    is_lede,
    is_menu_like,
    is_prose,
    is_table_row,
    split_lines,
)

if TYPE_CHECKING:
    from pipeline.extract.model import TreeModel

__all__ = ["Line", "TextResult", "clean_text_capture", "mark_feeds", "mark_line_rules", "mark_tables_of_contents"]

FEED_STAMP_WINDOW = 8
# Max-subarray weights: how much a line says for or against "the article is here".
WEIGHT_SECTION_END = -200
WEIGHT_RULE_NOISE = -10
# Noise that sits inside an article's flow (an advert slot, a paywall prompt, a caption, a
# "Read more" link) says little about where the article ends: it barely weighs against the run.
INLINE_NOISE = frozenset({rules.ADVERT, rules.PAYWALL, rules.READ_MORE, rules.CAPTION, rules.AUDIO_NOTICE})
WEIGHT_INLINE_NOISE = -4
# Noise classes that say more than WEIGHT_RULE_NOISE against the run. A sign-up box sits after
# the article or beside it far more often than inside it (at -200, a section end, it cuts the few
# articles that hold one). A line that is only a date, a time or a reading time stands over the
# article or between the items of a story list, seldom inside a body. A share row closes the
# article more often than it opens it (at -40 it cuts an article whose share row sits above it).
# A comment widget or form ("Leave a reply", "12 comments") opens the thread under the article.
NOISE_CLASS_WEIGHT: dict[str, int] = {rules.NEWSLETTER: -50, rules.DATELINE: -80, rules.SHARE: -20,
                                      rules.COMMENTS: -50}
WEIGHT_NON_PROSE = -5  # menus, buttons, bare list markers
WEIGHT_SHORT_LINE = -4  # a short line that is no menu: a subheading, a list item, a label
# ... of more than MENU_MAX_WORDS words (a subheading, a list item that says something) weighs
# half: articles hold lists and tables of such lines, and a label of one to three words ("Share",
# "Sign in") is page furniture far more often.
WEIGHT_WORDY_SHORT_LINE = -2
# A code block's lines are short and no prose, but a technical article goes on after them: they
# weigh nothing either way (as short lines, a long block cut the article in two).
WEIGHT_CODE_LINE = 0
# A table's rows (``lines.is_table_row``) likewise: a ranking or a price table goes on the article.
WEIGHT_TABLE_ROW = 0
# And a checklist's items (``lines.is_checklist_item``): as wordy short lines, a long checklist
# outweighed the prose around it and cut a how-to article in two.
WEIGHT_CHECKLIST_ITEM = 0
# A text rendering sets a page's paragraphs apart with blank lines; prose glued to the line above
# sits in a list, a card or a footer block far more often (on aeb-dev-text, a quarter to a third
# of such lines are article text, against four fifths of spaced ones): it counts a third.
GLUED_PROSE_DIVISOR = 3
# Story lists: the same kind of stamp (a date, a byline) every few lines, three times or more.
ITEM_MIN_STAMPS = 3
ITEM_MAX_GAP = 12
ITEM_MAX_EXTEND = 3  # lines of an item that may lie before its first stamp or after its last
STAMP_MAX_WORDS = 12
INLINE_BOX_MAX_ITEMS = 6  # lines of a promotion box inside the body (links, a lede, a byline)
# The body resumes after such a box with two prose lines in a row: one alone is a teaser's lede,
# and the box is a list of other stories.
INLINE_BOX_RESUME_LINES = 2
WEIGHT_SECTION_HEADING = -200  # a comment thread's or an author box's heading: the body is over
SECTION_HEADINGS = frozenset({"comments_heading", "author_bio_heading"})
# An author's bio without a heading ("Jane Doe is a reporter who covers ...", "John Roe, a CPA,
# ...") among the run's last BIO_TAIL_LINES prose lines ends the article there: the bio closes the
# page's article far more often than a paragraph about someone closes the article itself (two lines
# lose a wcxb-dev-text fold). A name of two to four words, not a pronoun or determiner, then "is a",
# "was an" or an apposition.
BIO_TAIL_LINES = 1
# A reference list's heading: the sources and citations under it close the page's article (the
# text benchmarks' truths leave them out). Only the page's last such line: an earlier one is a table
# of contents' entry, or a subheading the article goes on under.
REFERENCES_HEADING = re.compile(
    r"^(references|sources|article sources|citations|bibliography|works cited|footnotes|endnotes|"
    r"sources and references|references and sources)\s*:?$", re.IGNORECASE)
TOC_MIN_ENTRIES = 2
TOC_ENTRY_MAX_WORDS = 20
AUTHOR_BIO_LINE = re.compile(
    r"^\(?(?!(?:The|This|That|These|Our|Your|Its|It|He|She|They|We)\b)(?:[A-Z][\w'’.-]+|[A-Z]\.)"
    r"(?:\s+(?:[A-Z][\w'’.-]+|[A-Z]\.|de|van|von|da|del|la|le)){1,3}(?:,|\s+(?:is|was))\s+(?:a|an)\s")
# The first paragraph under the headline (``header.headline_anchor``) gets a bonus, so a long
# footer or comment thread cannot outweigh a short story.
WEIGHT_ANCHOR_BONUS = 60
# A line that is only a byline ("By Jane Doe", "Written by John Roe") past the first paragraph under
# the headline (anywhere, without one) opens an author box or another story: the article's own
# byline sits above its body. (-50 and -200 lose pages the -100 keeps; see the README.)
WEIGHT_LATE_BYLINE = -100


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
    # Every non-blank line in page order: (rule, class) when removed, None when kept. For tuning tools.
    trace: list[tuple[str, str] | None] = field(default_factory=list)


def mark_line_rules(lines: list[Line], extra: tuple[rules.LineRule, ...] = ()) -> None:
    """Named line rules (``rules.LINE_RULES``, then ``extra``) claim the lines that are noise alone."""
    for line in lines:
        rule = rules.match_line_rule(line.text, extra)
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
            line.mark("section_end_heading")
            in_item = False
        elif line.index in feed_stamps:
            line.mark("feed_timestamp")
            in_item = True
        elif in_item:
            line.mark("feed_item_after_timestamp")
            # A feed item is its title and a lede; a second blank-separated prose block ends it.
            if line.gap_after and line.words > PROSE_MIN_WORDS * 2:
                in_item = False


def resumes_article(lines: list[Line], first: Line) -> bool:
    """The article goes on at ``first``: INLINE_BOX_RESUME_LINES unclaimed prose lines in a row."""
    following = lines[first.index:first.index + INLINE_BOX_RESUME_LINES]
    return len(following) == INLINE_BOX_RESUME_LINES and all(
        f.noise_class is None and is_prose(f.text) for f in following)


def mark_inline_boxes(lines: list[Line]) -> None:
    """A section-end heading ("Don't miss", "Related articles") over a few links, after which the
    article's paragraphs resume: a promotion box set inside the body, not the body's end. The
    heading and its links are claimed, and weigh as a teaser rather than as the end of the run."""
    for line in lines:
        if line.rule != "section_end_heading":
            continue
        items: list[Line] = []
        for nxt in lines[line.index + 1:]:
            if nxt.noise_class in INLINE_NOISE:
                continue
            if nxt.noise_class is None and nxt.gap_before and items and resumes_article(lines, nxt):
                for item in [line, *items]:
                    item.noise_class, item.rule = None, None
                    item.mark("inline_box")
                break
            if nxt.noise_class or len(items) == INLINE_BOX_MAX_ITEMS:
                break
            items.append(nxt)


def mark_glued_blocks(lines: list[Line]) -> None:
    """Teasers (a headline glued to a one-paragraph lede, or to a "Read also" label above it), labels
    glued to captions, and a caption's sentence glued to the photo credit under it."""
    for prev, line in zip(lines, lines[1:]):
        # "Read also" over another story's headline: the headline goes with its label
        if (prev.rule == "read_more_link" and not line.gap_before and line.noise_class is None
                and is_heading_like(line.text) and (line.index + 1 >= len(lines) or lines[line.index + 1].gap_before)):
            line.mark("read_more_headline")
    for prev, line in zip(lines, lines[1:]):
        if line.gap_before or prev.noise_class or not is_heading_like(prev.text) or parse_byline(prev.text):
            continue
        if line.noise_class == rules.CAPTION:
            prev.mark("caption_label")
        elif (line.noise_class is None and is_lede(line.text) and line.gap_after
              and prev.gap_before and not date_in_text(prev.text)):
            prev.mark("teaser_headline_with_lede")
            line.mark("teaser_headline_with_lede")
    # A photo credit line ("Photo: Jane Doe, AP", "Name | Agency | Getty Images") closes the caption
    # glued above it: a sentence about the picture, not the article's (rule ``caption_credit_label``
    # claims the credit; ``caption_credit``'s "(Name/AP)" closes a caption line itself).
    for prev, line in zip(lines, lines[1:]):
        if (not line.gap_before and line.rule == "caption_credit_label" and prev.noise_class is None
                and is_prose(prev.text)):
            prev.mark("caption_label")


def mark_sections(lines: list[Line]) -> None:
    """Headings after which the body never continues: a comment thread, an author box."""
    for line in lines:
        if rules.COMMENTS_HEADING.match(line.text):
            line.mark("comments_heading")
        elif rules.AUTHOR_BIO_HEADING.match(line.text):
            line.mark("author_bio_heading")


def _words_key(text: str) -> str:
    return " ".join(WORD.findall(body_of(text).lower()))


def mark_tables_of_contents(lines: list[Line]) -> None:
    """A table of contents: its heading (``rules.TOC_HEADING``), and the short lines under it
    that come back further down as the article's own subheadings (the same words): the article
    keeps each once, where it heads its section. At least TOC_MIN_ENTRIES entries; a heading that
    names a table of contents goes even when none follows (a collapsed table)."""
    headings = [(line, match) for line in lines
                if line.noise_class is None and (match := rules.TOC_HEADING.match(line.text))]
    if not headings:
        return
    last_index: dict[str, int] = {}
    for line in lines:
        last_index[_words_key(line.text)] = line.index
    for heading, match in headings:
        entries = []
        for line in lines[heading.index + 1:]:
            key = _words_key(line.text)
            if not key or line.words > TOC_ENTRY_MAX_WORDS or last_index[key] == line.index:
                break
            entries.append(line)
        if len(entries) < TOC_MIN_ENTRIES:
            entries = []
        if entries or match.group("named"):
            for line in [heading, *entries]:
                line.mark("table_of_contents")


def stamp_kind(text: str) -> str | None:
    """``date`` or ``byline`` for a line that is only a time stamp or only a byline, else ``None``."""
    body = body_of(text).strip(" |·•-–—")
    if len(body.split()) > STAMP_MAX_WORDS:
        return None
    if rules.STAMP_DATE.match(body):
        return "date"
    if BYLINE.match(body) and len(body.split()) <= STAMP_MAX_WORDS:
        return "byline"
    return None


def _chains(indices: list[int]) -> list[list[int]]:
    """Runs of stamps at a steady spacing (each gap within one line of the previous one)."""
    chains: list[list[int]] = []
    for i in indices:
        chain = chains[-1] if chains else None
        if chain:
            gap = i - chain[-1]
            steady = len(chain) < 2 or abs(gap - (chain[-1] - chain[-2])) <= 1
            if 2 <= gap <= ITEM_MAX_GAP and steady:
                chain.append(i)
                continue
        chains.append([i])
    return chains


def mark_item_lists(lines: list[Line]) -> None:
    """Lists of other stories: a date or byline every few lines, at a steady spacing.

    Each item is a title (and maybe a lede) with its stamp; the lines between the first and
    last stamp are items, and so are up to one period of lines before the first and after the
    last (ITEM_MAX_EXTEND at most), where the first and last items' other lines sit.
    """
    kinds = [stamp_kind(line.text) for line in lines]
    for kind in ("date", "byline"):
        for chain in _chains([i for i, k in enumerate(kinds) if k == kind]):
            if len(chain) < ITEM_MIN_STAMPS:
                continue
            period = sorted(b - a for a, b in zip(chain, chain[1:]))[len(chain) // 2 - 1]
            reach = min(period - 1, ITEM_MAX_EXTEND)
            for line in lines[max(0, chain[0] - reach):chain[-1] + reach + 1]:
                line.mark("item_list")


def line_weight(line: Line, lines: list[Line] | None = None) -> int:
    if line.rule == "section_end_heading":
        return WEIGHT_SECTION_END
    if line.rule in SECTION_HEADINGS:
        return WEIGHT_SECTION_HEADING
    if line.noise_class == rules.NEWS_FEED:
        return -line.words - 1
    if line.noise_class in INLINE_NOISE:
        return WEIGHT_INLINE_NOISE
    if line.noise_class:
        return NOISE_CLASS_WEIGHT.get(line.noise_class, WEIGHT_RULE_NOISE)
    if is_prose(line.text):
        weight = min(line.words, 120) if not is_cjk(line.text) else min(len(line.text) // 2, 120)
        return weight if line.gap_before else weight // GLUED_PROSE_DIVISOR
    if lines is not None and is_code_line(line, lines):
        return WEIGHT_CODE_LINE
    if lines is not None and is_table_row(line, lines):
        return WEIGHT_TABLE_ROW
    if is_checklist_item(line.text):
        return WEIGHT_CHECKLIST_ITEM
    if lines is not None and not BARE_MARKER.match(line.text) and not is_menu_like(line, lines):
        return WEIGHT_WORDY_SHORT_LINE if len(body_of(line.text).split()) > MENU_MAX_WORDS else WEIGHT_SHORT_LINE
    return WEIGHT_NON_PROSE


def main_run(lines: list[Line], anchor: int | None = None) -> tuple[int, int]:
    """``[start, end)`` of the contiguous span with the greatest total weight (Kadane).

    A line seen before on the page weighs nothing for it: repeated blocks are page furniture
    (a dialog, a menu) more often than the article. A byline after ``anchor`` weighs
    WEIGHT_LATE_BYLINE.
    """
    best, best_span = 0, (0, 0)
    total, start = 0, 0
    seen: set[str] = set()
    for i, line in enumerate(lines):
        if total <= 0:
            total, start = 0, i
        weight = line_weight(line, lines)
        if line.text in seen:
            weight = min(weight, 0)
        if i == anchor:
            weight += WEIGHT_ANCHOR_BONUS
        elif (anchor is None or i > anchor) and line.noise_class is None and stamp_kind(line.text) == "byline":
            weight = min(weight, WEIGHT_LATE_BYLINE)
        seen.add(line.text)
        total += weight
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def section_end(lines: list[Line], start: int, end: int) -> int:
    """The run's end, moved up to the first comment thread's or author box's heading inside it:
    the body never goes on past one. The run search weighs such a heading at
    WEIGHT_SECTION_HEADING only, and a long thread's comments (or a long bio) outweighed it."""
    return next((line.index for line in lines[start:end] if line.rule in SECTION_HEADINGS), end)


def author_bio_end(lines: list[Line], start: int, end: int) -> int:
    """The run's end, moved up to an author's bio (``AUTHOR_BIO_LINE``) among its last
    BIO_TAIL_LINES prose lines, the first excepted."""
    prose = [line for line in lines[start:end] if line.noise_class is None and is_prose(line.text)]
    for line in prose[1:][-BIO_TAIL_LINES:]:
        if AUTHOR_BIO_LINE.match(line.text):
            return line.index
    return end


def references_end(lines: list[Line], start: int, end: int) -> int:
    """The run's end, moved up to the page's last reference-list heading (``REFERENCES_HEADING``)
    when it lies inside the run past its first line."""
    last = max((line.index for line in lines if REFERENCES_HEADING.match(line.text)), default=None)
    return last if last is not None and start < last < end else end


def announced_list_end(lines: list[Line], start: int, end: int) -> int:
    """The run's end, moved past the block a last line ending in a colon announces ("Tour dates:",
    "What's new:"): a list or a table of short lines that the run search alone weighs as furniture."""
    if end <= start or not lines[end - 1].text.endswith((":", "：")) or lines[end - 1].noise_class:
        return end
    i = end
    while i < len(lines) and lines[i].noise_class is None and not (i > end and lines[i].gap_before):
        i += 1
    return i if i - end >= 2 else end  # a list: two items or more


def keep_in_run(line: Line, lines: list[Line]) -> bool:
    """Inside the main run: prose stays, and so does every short line between prose (list
    items, subheadings, short sentences), except bare markers and menu-like clusters (a table's
    rows of three words or fewer are no menu)."""
    if line.noise_class:
        return False
    if is_prose(line.text):
        return True
    if BARE_MARKER.match(line.text):
        return False
    return not is_menu_like(line, lines) or is_table_row(line, lines)


def model_candidates(lines: list[Line], start: int, end: int) -> list[int]:
    """The lines the line model decides: no named rule claimed them, and they lie in the main run
    or within MODEL_REACH lines of it (further out, the rules' "not the article" stands)."""
    return [line.index for line in lines[max(0, start - MODEL_REACH):end + MODEL_REACH] if line.noise_class is None]


def model_keeps(model: TreeModel, lines: list[Line], start: int, end: int, anchor: int | None,
                rule_keeps: list[bool]) -> list[bool]:
    """Keep/drop of every line: the line model's for its candidates, the rules' for the rest."""
    keeps = list(rule_keeps)
    candidates = model_candidates(lines, start, end)
    for i, row in zip(candidates, line_rows(lines, start, end, anchor, rule_keeps, candidates)):
        keeps[i] = model_keeps_line(model, row)
    return keeps


def clean_text_capture(text: str, *, site_name: str | None = None, url: str | None = None,
                       title_hint: str | None = None, line_model: TreeModel | None = None) -> TextResult:
    """Clean one text capture.

    1. Split into lines, keeping where blank lines were: they separate a page's blocks. A
       paragraph the page broke with ``<br>`` every few words is one line again.
    2. Feed structure: section-end headings, time stamps and the items under them.
    3. Named line rules claim what is noise on its own (newsletter, captions, share...).
    4. Promotion boxes inside the body ("Don't miss" over a few links, prose resuming) are
       claimed as teasers, so their heading does not end the run as a section end would.
    5. Glued blocks: a headline glued to a short lede is a teaser; a label glued to a caption,
       and a sentence glued above a photo credit, are part of the caption. Done before the run
       search so teasers do not extend the run.
    6. The headline, found by the URL slug (``pipeline.extract.text.header``), anchors the first
       paragraph under it (after a standfirst set apart, if any).
    7. The main run: the span with the greatest prose weight. Menus, feeds and footers
       weigh against it, and prose glued into a block counts a third, so it stops where the
       article stops; it ends at a comment thread's or author box's heading inside it, at an
       author's bio among its last lines and at a reference list's heading; a last line ending
       in a colon takes the list it announces.
    8. The header before the run gives site name, headline, byline (authors, date), standfirst;
       without a headline there, the title is the capture's first headline-like line.
    9. Inside the run, prose and spaced subheadings stay; repeated paragraphs go. With a
       ``line_model`` (``NEWSCLEAN_TEXT_LINE_MODEL``), the model decides instead for the lines
       no named rule claimed in the run or within ``MODEL_REACH`` lines of it, from the rules'
       decision and the line's shape and neighbours
       (``pipeline.extract.text.line_features``); a line it drops that the rules kept is
       counted as ``line_model`` (class ``furniture``).
    """
    result = TextResult(paragraphs=[])
    lines = split_lines(text)
    mark_feeds(lines)
    mark_sections(lines)
    mark_item_lists(lines)
    mark_line_rules(lines, rules.TEXT_LINE_RULES)
    mark_inline_boxes(lines)
    mark_glued_blocks(lines)
    anchor = headline_anchor(lines, url, title_hint)
    start, end = main_run(lines, anchor[1] if anchor else None)
    end = section_end(lines, start, end)
    end = author_bio_end(lines, start, end)
    end = references_end(lines, start, end)
    end = announced_list_end(lines, start, end)
    # After the run search: a table of contents says where the article's sections are, not where
    # the article is (weighed as furniture, it pushed the run past the first sections under it).
    # Before the header: its heading is no headline.
    mark_tables_of_contents(lines)
    header = extract_header(lines, start, site_name=site_name, url=url, title_hint=title_hint,
                            anchor_headline=anchor[0] if anchor else None)
    result.title, result.description, result.authors = header.title, header.description, header.authors
    result.title = result.title or first_headline_like(lines, url)
    result.published, result.published_from = header.published, header.published_from
    keeps = [start <= line.index < end and keep_in_run(line, lines) for line in lines]
    rule_keeps = keeps
    if line_model is not None:
        keeps = model_keeps(line_model, lines, start, end, anchor[1] if anchor else None, rule_keeps)
    seen: set[str] = set()
    for line in lines:
        inside = start <= line.index < end
        if keeps[line.index]:
            if line.text in seen:
                line.mark("repeated_paragraph")
            else:
                seen.add(line.text)
                result.paragraphs.append(line.text)
                result.trace.append(None)
                continue
        if line.noise_class is None and rule_keeps[line.index]:
            line.mark("line_model")
        elif line.noise_class is None:
            line.mark("outside_main_run" if not inside else "short_non_prose")
        result.removed[line.noise_class] += 1
        result.removed_lines.append((line.rule, line.noise_class, line.text))
        result.trace.append((line.rule, line.noise_class))
    return result
