"""Lines of a text capture and their shapes: prose, lede, heading-like, menu item."""

from __future__ import annotations

import pytest

from pipeline.extract.text.lines import (
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

SENTENCE = "The council met on Tuesday to vote."  # 7 words, the fewest prose may have
COUNTRIES = ("Select Country Albania Algeria Argentina Australia Austria Bahrain Bangladesh Belgium Bolivia "
             "Brazil Bulgaria Canada Chile China Colombia Croatia Cyprus Denmark Egypt Estonia Finland France")


# ----------------------------------------------------------------------------- split_lines

def test_split_lines_collapses_whitespace_and_records_the_gaps() -> None:
    lines = split_lines("  Title   here \n\n\nFirst\tline\nsecond line\n")
    assert [(ln.index, ln.text, ln.gap_before, ln.gap_after) for ln in lines] == [
        (0, "Title here", True, True),
        (1, "First line", True, False),
        (2, "second line", False, True),
    ]


WRAPPED = ("Gym equipment refers to the various machines, tools, and accessories used in a\n"
           "fitness facility to help individuals achieve their fitness goals. These\n"
           "machines are designed to target different muscle groups.")


def test_a_paragraph_broken_every_few_words_is_one_line() -> None:
    [line] = split_lines(WRAPPED)
    assert line.text == " ".join(WRAPPED.split())
    assert (line.gap_before, line.gap_after) == (True, True)


@pytest.mark.parametrize("text", [
    # a sentence's end, then a new one
    "The council met on Tuesday to vote on the new library budget.\nthen the mayor spoke.",
    # a menu's Title Case labels over a page title in lower case
    "Ask the Chatbot Games & Quizzes History & Society Science & Tech Videos\nhistory of coffee",
    # a standfirst over its byline
    "Logistics made it difficult to deliver the amount of tutoring that helps\nby Jill Barshay August 25, 2025",
    # a rendering's "o" bullets under a long item
    "o From Diploma to MW: Gus Zhu shares his story and tips - 28 May 2025\no Sake education returns home",
    # a blank line between: two blocks
    "Gym equipment refers to the various machines, tools, and accessories used in a\n\nfitness facility to help.",
    # a short line
    "Read the rules in\nthe handbook",
], ids=["sentence-end", "menu", "byline", "o-bullets", "blank-line", "short"])
def test_lines_that_are_not_a_broken_paragraph_stay_apart(text: str) -> None:
    assert len(split_lines(text)) == 2


@pytest.mark.parametrize("text", ["", "\n\n", "  \n\t\n"], ids=["empty", "newlines", "blank-lines"])
def test_split_lines_of_nothing(text: str) -> None:
    assert split_lines(text) == []


def test_lines_start_unclaimed() -> None:
    [line] = split_lines("One line")
    assert (line.noise_class, line.rule) == (None, None)


# ----------------------------------------------------------------------------- Line

def test_line_words() -> None:
    assert Line(0, "three short words", gap_before=True).words == 3


def test_first_mark_wins() -> None:
    line = Line(0, "Share", gap_before=True)
    line.mark("share_widget", "share")
    line.mark("account_link", "site_chrome")
    assert (line.rule, line.noise_class) == ("share_widget", "share")


# ----------------------------------------------------------------------------- body_of

@pytest.mark.parametrize(("text", "body"), [
    ("* Check the forecast", "Check the forecast"),
    ("+ Carry water", "Carry water"),
    ("• Tell someone", "Tell someone"),
    ("- A dash item", "A dash item"),
    ("> A quoted line", "A quoted line"),
    ("1. First step", "First step"),
    ("12) Twelfth step", "Twelfth step"),
    ("* * Nested", "* Nested"),  # one marker only
    ("100. Not a list number", "100. Not a list number"),
    ("*bold* words", "*bold* words"),  # no space after the star
    ("2024 was a year", "2024 was a year"),
], ids=["star", "plus", "bullet", "dash", "quote", "number-dot", "number-paren", "one-marker-only",
        "three-digits", "no-space", "year"])
def test_body_of(text: str, body: str) -> None:
    assert body_of(text) == body


# ----------------------------------------------------------------------------- is_cjk

@pytest.mark.parametrize(("text", "cjk"), [
    ("市議会は火曜日、橋は春に再び開通すると発表した。", True),
    ("시의회는 화요일 다리가 봄에 다시 개통될 것이라고 밝혔다.", True),
    ("Tokyo 東京", False),  # two of eight characters
    ("Plain English words", False),
    ("", False),
], ids=["japanese", "korean", "mostly-latin", "latin", "empty"])
def test_is_cjk(text: str, cjk: bool) -> None:
    assert is_cjk(text) is cjk


# ----------------------------------------------------------------------------- is_prose

@pytest.mark.parametrize(("text", "prose"), [
    (SENTENCE, True),
    (SENTENCE[:-1], False),  # seven words without a sentence ending
    ("Six words only in this line.", False),
    ("She said: “We will open it next week”", True),  # a closing quote ends a sentence
    ("Will the bridge open to traffic this spring?", True),
    (" ".join(["word"] * 20), True),  # long enough without an ending
    (" ".join(["word"] * 19), False),
    ("Another headline number about something else grows...", False),  # truncated title
    ("Another headline number about something else becomes […]", False),
    ("* " + SENTENCE, True),  # the list marker is not a word
    ("* Six words only in this line.", False),
    ("市議会は火曜日、橋は春に再び開通すると発表し、修理費用は多くかかったと述べた。", True),
    ("市議会は火曜日、橋は春に再び開通した。", False),  # too few characters
    ("市議会は火曜日、橋は春に再び開通すると発表し、修理費用は多くかかったと述べた", False),  # no ending
    (COUNTRIES, False),  # a drop-down's options: names, no sentence
    (COUNTRIES + ".", True),  # a sentence ending: judged as a sentence, whatever its words
    (("Key Services: Web Design, Paid Search, Social Media Marketing, Email Marketing, Brand Strategy, "
      "Content Creation, Video Production, Local SEO, Mobile Apps"), True),  # a comma every few words: terms
    (("Home News Sport Business Technology Science Health Education Entertainment Arts Travel Weather "
      "Opinion Video Audio Podcasts Newsletters Games Puzzles Crosswords"), False),  # a menu run together
    (("The council said the bridge would reopen in the spring after a decade of repairs to its "
      "Victorian Iron Frame"), True),  # lowercase words: prose
], ids=["sentence", "no-ending", "too-short", "closing-quote", "question", "twenty-words", "nineteen-words",
        "truncated-dots", "truncated-bracket", "list-item", "short-list-item", "cjk", "cjk-short",
        "cjk-no-ending", "name-row", "name-row-full-stop", "term-list", "menu-row", "prose-no-ending"])
def test_is_prose(text: str, prose: bool) -> None:
    assert is_prose(text) is prose


# ----------------------------------------------------------------------------- is_lede

@pytest.mark.parametrize(("text", "lede"), [
    (SENTENCE, True),
    (" ".join(["word"] * 49) + " end.", True),  # 50 words
    (" ".join(["word"] * 50) + " end.", False),  # 51 words: the article's own paragraph
    ("Council opens new library", False),  # not prose
], ids=["sentence", "fifty-words", "fifty-one-words", "heading"])
def test_is_lede(text: str, lede: bool) -> None:
    assert is_lede(text) is lede


# ----------------------------------------------------------------------------- is_heading_like

@pytest.mark.parametrize(("text", "heading"), [
    ("Council opens new library", True),
    ("Three word title", True),
    ("Two words", False),
    ("Council opens new library.", False),
    ("Council opens new library,", False),
    ("Council opens new library;", False),
    ("Council opens new library in the old station after a decade of work", True),
    (SENTENCE, False),  # prose
    (" ".join(["Word"] * 19), True),
    (" ".join(["word"] * 20), False),  # twenty words are prose
    (" ".join(["Word"] * 20), True),  # ... unless every word is capitalised: no prose then
], ids=["headline", "three-words", "two-words", "full-stop", "comma", "semicolon", "long-headline", "prose",
        "nineteen-words", "twenty-words", "twenty-capitalised-words"])
def test_is_heading_like(text: str, heading: bool) -> None:
    assert is_heading_like(text) is heading


# ----------------------------------------------------------------------------- is_menu_like

def menu_flags(text: str) -> list[bool]:
    lines = split_lines(text)
    return [is_menu_like(line, lines) for line in lines]


@pytest.mark.parametrize(("text", "flags"), [
    ("* Home\n* World\n* Sport", [True, True, True]),
    ("Home\n\nWorld\n\nSport", [False, False, False]),  # set apart by blank lines
    ("Home\n" + SENTENCE, [False, False]),  # glued to prose
    ("Home\nWorld\n\n" + SENTENCE, [True, True, False]),
    ("Share\nLink copied.", [False, False]),  # a sentence ending is no button
    ("Four words per line\nFour words per line", [False, False]),
    ("Only one short line", [False]),
], ids=["menu", "spaced", "glued-to-prose", "menu-then-prose", "sentence-end", "four-words", "alone"])
def test_is_menu_like(text: str, flags: list[bool]) -> None:
    assert menu_flags(text) == flags


# ----------------------------------------------------------------------------- is_code_line

def test_is_code_line_needs_a_block_of_code_shaped_lines() -> None:
    lines = split_lines("const total = items.length;\nif (total > 0) {\nrender(items);\n}\n\n"
                        "Share\n\nThe function returns early when the list is empty, as the docs say.\n\n"
                        "print(total)\n")
    assert [is_code_line(line, lines) for line in lines] == [True, True, True, True, False, False, False]


# ----------------------------------------------------------------------------- is_checklist_item

@pytest.mark.parametrize(("text", "item"), [
    ("* Book the venue and send the invitations", True),
    ("1. Research potential wedding venues - if separate", True),
    ("* Send Save-the-Date cards (or email) – include website URL", True),
    ("* Book the venue", False),  # four words: a label as often as a step
    ("* Social Media Marketing Video Tutorials", False),  # title case: a link to another page
    ("* Best Free Social Media Marketing Resources & Tutorials", False),
    ("Book the venue and send the invitations", False),  # no list marker
    ("* Book the venue and send the invitations to every guest on the list.", False),  # prose
], ids=["step", "numbered", "dash-note", "four-words", "title-case-link", "title-case-ampersand", "no-marker",
        "prose"])
def test_is_checklist_item(text: str, item: bool) -> None:
    assert is_checklist_item(text) is item


# ----------------------------------------------------------------------------- is_table_row

def test_is_table_row_needs_two_figures_and_a_glued_neighbour_row() -> None:
    lines = split_lines("Rank State Rate\n1 Alaska $14.55\n2 Wyoming $43.88\n\n3 Montana $45.57\n\n"
                        "See all 12 deals\n4 Idaho $50.10\n"
                        "In 2024 the state with the lowest rate was Alaska, at 14.55 dollars an hour.\n"
                        "Its rate was 2 dollars under the 2023 figure.\n")
    assert [is_table_row(line, lines) for line in lines] == [False, True, True, False, False, False, False, False]
