"""The lines of a text capture and their shape: prose, heading-like, a menu item.

Shared by ``pipeline.extract.text.capture`` (which lines are the article) and ``pipeline.extract.text.header``
(headline, byline, standfirst). A capture is one block per line, blank lines between spaced
blocks; each ``Line`` remembers whether a blank line stood before and after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract import rules

SENTENCE_END = re.compile(r"[.!?…:;\"'”’»)\]。！？」』]$")
# A title cut short ("... grows...", "become […]") is a teaser's, not a sentence.
TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
PROSE_MIN_WORDS = 7  # with a sentence ending
PROSE_ANY_WORDS = 20  # without one
WRAPPED_MIN_CHARS = 40
# a word in lower case, not a lone letter: "o Item" is a rendering's bullet
WRAPPED_START = re.compile(r"(?!by\s+[A-Z])([^\W\d_A-Z]{2}|a\s)")  # "by Jane Doe" is a byline
WRAPPED_MIN_LOWER_SHARE = 0.5
# ... unless nearly every word is capitalised: a drop-down's options or a row of names and links
# ("Select Country Albania Algeria ..."), not a sentence.
NAME_ROW_MIN_SHARE = 0.8
TERM_LIST_MAX_WORDS_PER_COMMA = 6  # a comma every few words: a list of terms, which articles hold
CJK_PROSE_MIN_CHARS = 25
HEADING_MAX_WORDS = 25
MENU_MAX_WORDS = 3
# A teaser's lede is a one- or two-sentence summary; a longer paragraph under a short heading is
# the article's own (a definition list, a Q&A), whatever its layout.
TEASER_LEDE_MAX_WORDS = 50
WORD = re.compile(r"\w+")
# A list item's marker as a text rendering writes it ("* ", "+ ", "• ", "1. "): not part of its words.
LIST_MARKER = re.compile(r"^(?:[*+•·▪◦‣>-]|\d{1,2}[.)])\s+")
BARE_MARKER = re.compile(r"^[*+•·▪◦‣>|-]+$")
# A line of program code: it ends in a bracket or a semicolon, opens with a closing bracket, a
# comment, a tag or a keyword, or holds an assignment or a comparison.
CODE_LINE = re.compile(r"""
    (?:[{};(\[] | \)[;,]? | \],? | \},? | />)$
  | ^(?:[})\]] | // | /\* | \#! | \#include\b | </?[a-zA-Z][\w-]*[\s>/]
       | (?:import|from|def|class|const|let|var|return|if|for|while|function|public|private|async|await
           |fn|func|package|SELECT|INSERT)\b.*[^.!?]$)
  | \s(?:={1,3}|=>|!==?|\+=|->)\s
""", re.VERBOSE)

# A checklist's item: a list item of CHECKLIST_ITEM_MIN_WORDS words or more, no prose, in sentence
# case (fewer than CHECKLIST_MAX_CAPITALISED of its words after the first capitalised: "* Book the
# venue and send the invitations"). A list of links to other pages is in title case ("* Social Media
# Marketing Video Tutorials").
CHECKLIST_ITEM_MIN_WORDS = 5
CHECKLIST_MAX_CAPITALISED = 0.5
# A table's row as a text rendering writes it ("3 UPenn Wharton 1 (tie) 35% / 50% $175,000"): two
# figures or more, glued to another such row. Articles hold tables (rankings, prices, results); as
# short lines they weighed against the run, and a long one cut the article in two.
TABLE_ROW_MIN_NUMBERS = 2
NUMBER = re.compile(r"\d")


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

    def mark(self, rule: str, noise_class: str | None = None) -> None:
        """Claim the line for ``rule`` unless a rule already did; a structural rule's noise
        class comes from ``rules.STRUCTURAL_RULES`` (a ``LineRule`` passes its own)."""
        if noise_class is None:
            noise_class = rules.STRUCTURAL_RULES[rule]
        if self.noise_class is None:
            self.rule, self.noise_class = rule, noise_class


def body_of(text: str) -> str:
    """A line's words without the list marker a text rendering put in front of them."""
    return LIST_MARKER.sub("", text, count=1)


def is_cjk(text: str) -> bool:
    """Mostly Chinese, Japanese or Korean script: words are not space-separated."""
    return len(CJK.findall(text)) > len(text) / 3


def is_prose(text: str) -> bool:
    """A sentence or more: long enough and ending like one (CJK: by characters)."""
    text = body_of(text)
    if is_cjk(text):
        return len(text) >= CJK_PROSE_MIN_CHARS and bool(SENTENCE_END.search(text))
    words = len(text.split())
    if words >= PROSE_ANY_WORDS and not is_name_row(text):
        return True
    return words >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text)) and not TRUNCATED.search(text)


def is_name_row(text: str) -> bool:
    """Nearly every word (of those starting with a letter) capitalised and no sentence ending: a
    drop-down's options or a menu run together. Not with a comma every few words: that is a list
    of terms ("Key services: Web Design, Paid Search, ..."), which articles hold."""
    tokens = text.split()
    if SENTENCE_END.search(text) or text.count(",") * TERM_LIST_MAX_WORDS_PER_COMMA >= len(tokens):
        return False
    initials = [w[0] for w in tokens if w[0].isalpha()]
    return bool(initials) and sum(c.isupper() for c in initials) >= NAME_ROW_MIN_SHARE * len(initials)


def is_checklist_item(text: str) -> bool:
    """A list item that says something in sentence case, not prose (``CHECKLIST_ITEM_MIN_WORDS``)."""
    if not LIST_MARKER.match(text) or is_prose(text):
        return False
    tokens = body_of(text).split()
    later = [w for w in tokens[1:] if w[0].isalpha()]
    return (len(tokens) >= CHECKLIST_ITEM_MIN_WORDS and bool(later)
            and sum(w[0].isupper() for w in later) < CHECKLIST_MAX_CAPITALISED * len(later))


def is_lede(text: str) -> bool:
    """Prose short enough to be a teaser's summary."""
    return is_prose(text) and (len(text.split()) <= TEASER_LEDE_MAX_WORDS if not is_cjk(text)
                               else len(text) <= TEASER_LEDE_MAX_WORDS * 3)


def is_heading_like(text: str) -> bool:
    """A headline's shape: a few words, not a sentence."""
    words = len(text.split())
    return 3 <= words <= HEADING_MAX_WORDS and not text.endswith((".", ",", ";")) and not is_prose(text)


def is_menu_like(line: Line, lines: list[Line]) -> bool:
    """A short link-like line glued to another one: a menu or a row of buttons."""
    def short(other: Line) -> bool:
        return other.words <= MENU_MAX_WORDS and not SENTENCE_END.search(other.text)

    return _beside_one_like_it(line, lines, short, glued=True)


def is_code_line(line: Line, lines: list[Line]) -> bool:
    """A line of a code block: shaped like code (``CODE_LINE``, no prose), next to another such line."""
    def code(other: Line) -> bool:
        return bool(CODE_LINE.search(other.text)) and not is_prose(other.text)

    return _beside_one_like_it(line, lines, code, glued=False)


def is_table_row(line: Line, lines: list[Line]) -> bool:
    """A row of a table: TABLE_ROW_MIN_NUMBERS figures or more and no prose, glued to another such row."""
    def row(other: Line) -> bool:
        return (sum(bool(NUMBER.search(w)) for w in other.text.split()) >= TABLE_ROW_MIN_NUMBERS
                and not is_prose(other.text))

    return _beside_one_like_it(line, lines, row, glued=True)


def _beside_one_like_it(line: Line, lines: list[Line], shaped: Callable[[Line], bool], glued: bool) -> bool:
    """``line`` is ``shaped``, and so is the line above or below it (with no blank line between
    them, when ``glued``)."""
    if not shaped(line):
        return False
    prev = lines[line.index - 1] if line.index > 0 else None
    nxt = lines[line.index + 1] if line.index + 1 < len(lines) else None
    return bool((prev and not (glued and line.gap_before) and shaped(prev))
                or (nxt and not (glued and line.gap_after) and shaped(nxt)))


def is_wrapped(previous: str, line: str) -> bool:
    """``line`` goes on ``previous``'s sentence: a paragraph the page broke with ``<br>``
    every few words. A long line that stops mid-sentence, then one that starts in lower case."""
    if len(previous) < WRAPPED_MIN_CHARS or WRAPPED_START.match(line) is None:
        return False
    if not (previous[-1].isalpha() or previous[-1] == ","):
        return False
    words = previous.split()  # a sentence's words, not a menu's Title Case labels
    return sum(word[0].islower() for word in words) >= WRAPPED_MIN_LOWER_SHARE * len(words)


def split_lines(text: str) -> list[Line]:
    """One ``Line`` per non-blank line, whitespace collapsed, with where the blank lines were;
    the lines of a paragraph broken every few words (``is_wrapped``) are one line again."""
    lines: list[Line] = []
    gap = True
    for raw in text.splitlines():
        stripped = " ".join(raw.split())
        if not stripped:
            gap = True
            if lines:
                lines[-1].gap_after = True
            continue
        if not gap and lines and is_wrapped(lines[-1].text, stripped):
            lines[-1].text += " " + stripped
            continue
        lines.append(Line(len(lines), stripped, gap_before=gap))
        gap = False
    if lines:
        lines[-1].gap_after = True
    return lines
