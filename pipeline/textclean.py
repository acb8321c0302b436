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
# A title cut short ("... grows...", "become […]") is a teaser's, not a sentence.
TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
PROSE_MIN_WORDS = 7  # with a sentence ending
PROSE_ANY_WORDS = 20  # without one
CJK_PROSE_MIN_CHARS = 25
HEADING_MAX_WORDS = 25
HEADLINE_MIN_WORDS = 5  # shorter heading-like lines are labels and buttons more often than headlines
FEED_STAMP_WINDOW = 8
# Max-subarray weights: how much a line says for or against "the article is here".
WEIGHT_SECTION_END = -200
WEIGHT_RULE_NOISE = -10
# Noise that sits inside an article's flow (an advert slot, a paywall prompt, a caption, a
# "Read more" link) says little about where the article ends: it barely weighs against the run.
INLINE_NOISE = frozenset({rules.ADVERT, rules.PAYWALL, rules.READ_MORE, rules.CAPTION, rules.AUDIO_NOTICE})
WEIGHT_INLINE_NOISE = -4
WEIGHT_NON_PROSE = -5  # menus, buttons, bare list markers
WEIGHT_SHORT_LINE = -4  # a short line that is no menu: a subheading, a list item, a label
# A text rendering sets a page's paragraphs apart with blank lines; prose glued to the line above
# sits in a list, a card or a footer block far more often (on aeb-dev-text, a quarter to a third
# of such lines are article text, against four fifths of spaced ones): it counts a third.
GLUED_PROSE_DIVISOR = 3
BYLINE = re.compile(
    r"^(?:by|words by|written by|posted by|von|por|par|di|oleh)\s+(?P<rest>[A-Z\u00c0-\u024f].{1,200})$", re.IGNORECASE)
NAME = re.compile(r"^[A-Z\u00c0-\u024f][\w.'’-]*(?:\s+(?:[A-Z\u00c0-\u024f][\w.'’-]*|de|da|van|von|der|la|le|bin|al))"
                  r"{0,4}$")
AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&|\|)\s*")
WORD = re.compile(r"\w+")
# A list item's marker as a text rendering writes it ("* ", "+ ", "• ", "1. "): not part of its words.
LIST_MARKER = re.compile(r"^(?:[*+•·▪◦‣>-]|\d{1,2}[.)])\s+")
BARE_MARKER = re.compile(r"^[*+•·▪◦‣>|-]+$")
# Story lists: the same kind of stamp (a date, a byline) every few lines, three times or more.
ITEM_MIN_STAMPS = 3
ITEM_MAX_GAP = 12
ITEM_MAX_EXTEND = 3  # lines of an item that may lie before its first stamp or after its last
STAMP_MAX_WORDS = 12
# Headline/lede pairs in a row that make a teaser list rather than an article with subheadings.
TEASER_MIN_PAIRS = 3
INLINE_BOX_MAX_ITEMS = 4  # links in a promotion box inside the body
# A teaser's lede is a one- or two-sentence summary; a longer paragraph under a short heading is
# the article's own (a definition list, a Q&A), whatever its layout.
TEASER_LEDE_MAX_WORDS = 50
MENU_MAX_WORDS = 3
WEIGHT_SECTION_HEADING = -200
# The headline, found by its words in the URL slug, anchors the article: the first prose line
# soon after it gets a bonus, so a long footer or comment thread cannot outweigh a short story.
ANCHOR_MIN_SLUG_WORDS = 3
ANCHOR_MIN_OVERLAP = 0.5
ANCHOR_REACH = 20  # lines between headline and body (a byline block, a share row), and standfirst and body
WEIGHT_ANCHOR_BONUS = 60


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
    # Every non-blank line in page order: (rule, class) when removed, None when kept. For tuning tools.
    trace: list[tuple[str, str] | None] = field(default_factory=list)


def body_of(text: str) -> str:
    """A line's words without the list marker a text rendering put in front of them."""
    return LIST_MARKER.sub("", text, count=1)


def is_cjk(text: str) -> bool:
    return len(CJK.findall(text)) > len(text) / 3


def is_prose(text: str) -> bool:
    text = body_of(text)
    if is_cjk(text):
        return len(text) >= CJK_PROSE_MIN_CHARS and bool(SENTENCE_END.search(text))
    words = len(text.split())
    return words >= PROSE_ANY_WORDS or (words >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text))
                                        and not TRUNCATED.search(text))


def is_lede(text: str) -> bool:
    """Prose short enough to be a teaser's summary."""
    return is_prose(text) and (len(text.split()) <= TEASER_LEDE_MAX_WORDS if not is_cjk(text)
                               else len(text) <= TEASER_LEDE_MAX_WORDS * 3)


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
            if nxt.noise_class is None and nxt.gap_before and is_prose(nxt.text) and items:
                for item in [line, *items]:
                    item.noise_class, item.rule = None, None
                    item.mark("inline_box", rules.TEASER)
                break
            if nxt.noise_class or len(items) == INLINE_BOX_MAX_ITEMS:
                break
            items.append(nxt)


def mark_glued_blocks(lines: list[Line]) -> None:
    """Teasers (a headline glued to a one-paragraph lede) and labels glued to captions."""
    for prev, line in zip(lines, lines[1:]):
        if line.gap_before or prev.noise_class or not is_heading_like(prev.text) or parse_byline(prev.text):
            continue
        if line.noise_class == rules.CAPTION:
            prev.mark("caption_label", rules.CAPTION)
        elif (line.noise_class is None and is_lede(line.text) and line.gap_after
              and prev.gap_before and not date_in_text(prev.text)):
            prev.mark("teaser_headline_with_lede", rules.TEASER)
            line.mark("teaser_headline_with_lede", rules.TEASER)


def mark_sections(lines: list[Line]) -> None:
    """Headings after which the body never continues: a comment thread, an author box."""
    for line in lines:
        if rules.COMMENTS_HEADING.match(line.text):
            line.mark("comments_heading", rules.COMMENTS)
        elif rules.AUTHOR_BIO_HEADING.match(line.text):
            line.mark("author_bio_heading", rules.AUTHOR_BIO)


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
                line.mark("item_list", rules.TEASER)


def mark_teaser_alternation(lines: list[Line]) -> None:
    """TEASER_MIN_PAIRS or more headline/lede pairs in a row: a list of teasers.

    An article's subheadings are followed by several paragraphs, or are questions; a teaser
    list alternates one headline, one lede, with nothing else, and starts after a break (a
    label, a heading): pairs that run straight on from prose are the article's own list.
    """
    def headline(line: Line) -> bool:
        return (line.noise_class is None and is_heading_like(body_of(line.text))
                and not line.text.endswith(("?", ":")))

    def lede(line: Line) -> bool:
        return line.noise_class is None and is_lede(line.text)

    i = 0
    while i < len(lines) - 1:
        j = i
        while j + 1 < len(lines) and headline(lines[j]) and lede(lines[j + 1]):
            j += 2
        continues_prose = i > 0 and lede(lines[i - 1])
        if (j - i) // 2 >= TEASER_MIN_PAIRS and not continues_prose:
            for line in lines[i:j]:
                line.mark("teaser_alternation", rules.TEASER)
            i = j
        else:
            i += 1


def line_weight(line: Line, lines: list[Line] | None = None) -> int:
    if line.rule == "section_end_heading":
        return WEIGHT_SECTION_END
    if line.rule in ("comments_heading", "author_bio_heading"):
        return WEIGHT_SECTION_HEADING
    if line.noise_class == rules.NEWS_FEED:
        return -line.words - 1
    if line.noise_class in INLINE_NOISE:
        return WEIGHT_INLINE_NOISE
    if line.noise_class:
        return WEIGHT_RULE_NOISE
    if is_prose(line.text):
        weight = min(line.words, 120) if not is_cjk(line.text) else min(len(line.text) // 2, 120)
        return weight if line.gap_before else weight // GLUED_PROSE_DIVISOR
    if lines is not None and not BARE_MARKER.match(line.text) and not is_menu_like(line, lines):
        return WEIGHT_SHORT_LINE
    return WEIGHT_NON_PROSE


def headline_anchor(lines: list[Line], url: str | None, title_hint: str | None) -> tuple[int, int] | None:
    """``(headline, body)``: indices of the headline and of the first prose line after it (after
    the standfirst, if there is one), or ``None`` when no line is clearly the headline.

    The headline is the first heading-like line equal to the known title, or whose words are
    mostly the URL slug's (at least ANCHOR_MIN_SLUG_WORDS of them) and which prose follows
    within ANCHOR_REACH lines.
    """
    slug = _slug_words(url)
    for line in lines:
        if line.noise_class or not is_heading_like(line.text):
            continue
        if title_hint:
            if line.text.casefold() != title_hint.casefold():
                continue
        else:
            words = {w.lower() for w in WORD.findall(line.text)}
            shared = len(words & slug)
            if shared < ANCHOR_MIN_SLUG_WORDS or shared < ANCHOR_MIN_OVERLAP * len(words):
                continue
        first = _next_prose(lines, line.index)
        if first is None:
            continue
        # A prose line set apart from what follows is a standfirst: it is claimed as one, and the
        # body is anchored after it (a byline block may sit between the two).
        second = _next_prose(lines, first)
        if second is not None and second != first + 1:
            lines[first].mark("standfirst", rules.STANDFIRST)
            return line.index, second
        return line.index, first
    return None


def _next_prose(lines: list[Line], after: int) -> int | None:
    """Index of the first unclaimed prose line within ANCHOR_REACH lines after ``after``."""
    return next((f.index for f in lines[after + 1:after + 1 + ANCHOR_REACH]
                 if f.noise_class is None and is_prose(f.text)), None)


def main_run(lines: list[Line], anchor: int | None = None) -> tuple[int, int]:
    """``[start, end)`` of the contiguous span with the greatest total weight (Kadane).

    A line seen before on the page weighs nothing for it: repeated blocks are page furniture
    (a dialog, a menu) more often than the article.
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
        seen.add(line.text)
        total += weight
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def announced_list_end(lines: list[Line], start: int, end: int) -> int:
    """The run's end, moved past the block a last line ending in a colon announces ("Tour dates:",
    "What's new:"): a list or a table of short lines that the run search alone weighs as furniture."""
    if end <= start or not lines[end - 1].text.endswith((":", "：")) or lines[end - 1].noise_class:
        return end
    i = end
    while i < len(lines) and lines[i].noise_class is None and not (i > end and lines[i].gap_before):
        i += 1
    return i if i - end >= 2 else end  # a list: two items or more


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
                   url: str | None, title_hint: str | None, anchor_headline: int | None = None) -> None:
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
    candidates = [line for line in header if line.noise_class is None and is_heading_like(line.text)
                  and not date_in_text(line.text)]
    # A list item is a menu's or a teaser list's, unless nothing else is heading-like.
    candidates = [c for c in candidates if body_of(c.text) == c.text] or candidates
    headline = None
    if title_hint:
        headline = next((c for c in candidates if c.text.casefold() == title_hint.casefold()), None)
    elif anchor_headline is not None and anchor_headline < run_start:
        headline = lines[anchor_headline]
    elif candidates:
        slug = _slug_words(url)

        def score(line: Line) -> tuple[float, bool, int]:
            # the share of its words in the URL slug (two at least: one is chance), then a
            # sentence-like length, then the nearest to the body: a headline sits above its article
            words = {w.lower() for w in WORD.findall(line.text)}
            shared = len(words & slug)
            return (shared / len(words) if shared >= 2 else 0.0, line.words >= HEADLINE_MIN_WORDS, line.index)

        headline = max(candidates, key=score)
    if headline:
        headline.mark("headline", rules.HEADLINE)
        result.title = headline.text
        after = [line for line in header if line.index > headline.index and line.noise_class is None]
        claimed = next((line for line in header if line.rule == "standfirst"), None)
        if claimed:
            result.description = claimed.text
        elif after and is_prose(after[0].text):
            after[0].mark("standfirst", rules.STANDFIRST)
            result.description = after[0].text
    if title_hint and not result.title:
        result.title = title_hint


def is_menu_like(line: Line, lines: list[Line]) -> bool:
    """A short link-like line glued to another one: a menu or a row of buttons."""
    def short(other: Line) -> bool:
        return other.words <= MENU_MAX_WORDS and not SENTENCE_END.search(other.text)

    if not short(line):
        return False
    prev = lines[line.index - 1] if line.index > 0 else None
    nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
    return bool((prev and not line.gap_before and short(prev)) or (nxt and not line.gap_after and short(nxt)))


def keep_in_run(line: Line, lines: list[Line]) -> bool:
    """Inside the main run: prose stays, and so does every short line between prose (list
    items, subheadings, short sentences), except bare markers and menu-like clusters."""
    if line.noise_class:
        return False
    if is_prose(line.text):
        return True
    if BARE_MARKER.match(line.text):
        return False
    return not is_menu_like(line, lines)


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
    mark_sections(lines)
    mark_item_lists(lines)
    mark_line_rules(lines, rules.TEXT_LINE_RULES)
    mark_inline_boxes(lines)
    mark_glued_blocks(lines)
    mark_teaser_alternation(lines)
    anchor = headline_anchor(lines, url, title_hint)
    start, end = main_run(lines, anchor[1] if anchor else None)
    end = announced_list_end(lines, start, end)
    extract_header(lines, start, result, site_name=site_name, url=url, title_hint=title_hint,
                   anchor_headline=anchor[0] if anchor else None)
    seen: set[str] = set()
    for line in lines:
        inside = start <= line.index < end
        if inside and keep_in_run(line, lines):
            if line.text in seen:
                line.mark("repeated_paragraph", rules.DUPLICATE)
            else:
                seen.add(line.text)
                result.paragraphs.append(line.text)
                result.trace.append(None)
                continue
        if line.noise_class is None:
            line.mark("outside_main_run" if not inside else "short_non_prose", rules.FURNITURE)
        result.removed[line.noise_class] += 1
        result.removed_lines.append((line.rule, line.noise_class, line.text))
        result.trace.append((line.rule, line.noise_class))
    return result
