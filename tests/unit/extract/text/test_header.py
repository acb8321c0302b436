"""Header of a text capture: the headline anchored by the URL slug, bylines, standfirst."""

from __future__ import annotations

import pytest

from pipeline.extract import rules
from pipeline.extract.text.header import (
    extract_header,
    headline_anchor,
    names_a_glued_slug,
    slug_share,
    slug_words,
    title_of,
)
from pipeline.extract.text.lines import Line, split_lines

HEADLINE = "Council opens new library in the old station"
URL = "https://example.org/news/council-opens-new-library-in-old-station"
STANDFIRST = "The new building cost less than planned and opens on Monday."
P1 = "The first paragraph of the story says what happened and where it happened, in plain words."
P2 = "A second paragraph adds the details that a reader needs to follow the rest of the story."


def blocks(*texts: str) -> list[Line]:
    """A capture of blank-line separated blocks, as lines."""
    return split_lines("\n\n".join(texts))


def claims(lines: list[Line]) -> list[str | None]:
    return [line.rule for line in lines]


# ----------------------------------------------------------------------------- slug_words

@pytest.mark.parametrize(("url", "words"), [
    (URL, {"news", "council", "opens", "new", "library", "in", "old", "station"}),
    ("https://example.org/2024/03/05/bridge_reopens-today?id=7&ref=home", {"bridge", "reopens", "today"}),
    ("https://Example.ORG/World/Story", {"world", "story"}),
    ("https://example.org/", set()),
    (None, set()),
], ids=["slug", "digits-and-query-left-out", "lowercased", "no-path", "no-url"])
def test_slug_words(url: str | None, words: set[str]) -> None:
    assert slug_words(url) == words


# ----------------------------------------------------------------------------- parse_byline

# ----------------------------------------------------------------------------- headline_anchor

def test_headline_found_by_the_slug_anchors_the_first_paragraph() -> None:
    lines = blocks("Menu of the site", HEADLINE, P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 2)
    assert claims(lines) == [None, None, None, None]


def test_prose_set_apart_after_the_headline_is_claimed_as_standfirst() -> None:
    lines = blocks("Menu of the site", HEADLINE, STANDFIRST, "By Jane Doe", P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 4)
    assert claims(lines) == [None, None, "standfirst", None, None, None]
    assert lines[2].noise_class == rules.STANDFIRST


@pytest.mark.parametrize("between", ["What the council decided", "Step 1: Check the opening hours"],
                         ids=["subheading", "numbered-step"])
def test_prose_above_a_subheading_is_the_opening_paragraph_not_a_standfirst(between: str) -> None:
    lines = blocks("Menu of the site", HEADLINE, STANDFIRST, between, P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 2)
    assert claims(lines) == [None] * 6


@pytest.mark.parametrize("between", ["By Jane Doe and John Smith", "Published March 4, 2024 at 10:00",
                                     "Highlights"], ids=["byline", "date", "one-word-label"])
def test_prose_above_a_byline_date_or_label_is_still_a_standfirst(between: str) -> None:
    lines = blocks("Menu of the site", HEADLINE, STANDFIRST, between, P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 4)
    assert claims(lines)[2] == "standfirst"


def test_known_title_anchors_whatever_the_case_and_url() -> None:
    lines = blocks("Menu of the site", HEADLINE, P1, P2)
    assert headline_anchor(lines, "https://example.org/marker/54885/", HEADLINE.upper()) == (1, 2)


@pytest.mark.parametrize(("lines", "url", "title_hint"), [
    (blocks("Menu of the site", HEADLINE, P1), "https://example.org/marker/54885/", None),
    (blocks("Menu of the site", HEADLINE, P1), None, None),
    (blocks(HEADLINE, P1), URL, "A different title from the sidecar"),
    (blocks("Council opens new budget plan for the harbour area", P1), URL, None),
    (blocks(HEADLINE, "Share", "Print"), URL, None),
    (blocks(HEADLINE, *["* Menu entry"] * 20, P1), URL, None),
    (blocks("Council opens library.", P1), URL, None),
], ids=["slug-without-words", "no-url", "title-hint-differs", "too-little-overlap", "no-prose-after",
        "prose-out-of-reach", "not-heading-like"])
def test_no_anchor(lines: list[Line], url: str | None, title_hint: str | None) -> None:
    assert headline_anchor(lines, url, title_hint) is None


def test_a_claimed_line_is_no_anchor() -> None:
    lines = blocks(HEADLINE, P1)
    lines[0].mark("share_widget", rules.SHARE)
    assert headline_anchor(lines, URL, None) is None


def test_a_menu_entry_naming_the_topic_gives_way_to_the_headline() -> None:
    lines = blocks("* Council new library news", P1, HEADLINE, P2)
    assert headline_anchor(lines, URL, None) == (2, 3)


def test_a_list_item_anchors_when_no_other_line_names_the_article() -> None:
    lines = blocks("Menu of the site", "* " + HEADLINE, P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 2)


def test_a_headline_set_apart_wins_over_a_glued_breadcrumb_step_naming_the_article() -> None:
    lines = split_lines(f"Menu of the site\nHome News {HEADLINE}\n\n{HEADLINE}\n\n{P1}\n\n{P2}")
    assert headline_anchor(lines, URL, None) == (2, 3)
    header = extract_header(lines, 3, site_name=None, url=URL, title_hint=None, anchor_headline=2)
    assert header.title == HEADLINE


def test_a_glued_headline_keeps_the_anchor_against_a_subheading_under_its_first_paragraph() -> None:
    lines = split_lines(f"* Menu entry\n{HEADLINE}\n\n{P1}\n\nNew library in the old station opens\n\n{P2}")
    assert headline_anchor(lines, URL, None) == (1, 2)


def test_three_slug_words_making_the_whole_heading_anchor() -> None:
    assert headline_anchor(blocks("Council news library", P1), URL, None) == (0, 1)


@pytest.mark.parametrize("headline", [
    "Why did the council open a new library in the old station?",
    "Council opens new library in the old station (and keeps the clock)",
    "“Council opens new library in the old station”",
], ids=["question", "closing-bracket", "quoted"])
def test_a_headline_shaped_like_a_sentence_anchors_and_is_claimed(headline: str) -> None:
    lines = blocks("Menu of the site", headline, P1, P2)
    assert headline_anchor(lines, URL, None) == (1, 2)
    assert claims(lines) == [None, "headline", None, None]


@pytest.mark.parametrize("line", [
    "Council opens new library in the old station. Why did it take so long?",
    "The council opens a new library in the old station, and the old station keeps its clock.",
    " ".join(["Council opens new library in the old station"] * 4) + "?",
], ids=["two-sentences", "full-stop", "too-long"])
def test_a_body_sentence_with_the_slug_words_is_no_headline(line: str) -> None:
    lines = blocks("Menu of the site", line, P1, P2)
    assert headline_anchor(lines, URL, None) is None
    assert claims(lines) == [None, None, None, None]


# ----------------------------------------------------------------------------- extract_header

def test_site_name_headline_byline_and_standfirst() -> None:
    lines = blocks("The Gazette", HEADLINE, "By Jane Doe and John Roe March 3, 2024 9:15 AM", STANDFIRST, P1, P2)
    header = extract_header(lines, 4, site_name="the gazette", url=URL, title_hint=None)
    assert (header.title, header.description, header.authors, header.published, header.published_from) == (
        HEADLINE, STANDFIRST, ["Jane Doe", "John Roe"], "2024-03-03T09:15:00", "byline")
    assert claims(lines) == ["site_name_line", "headline", "byline", "standfirst", None, None]
    assert [line.noise_class for line in lines[:4]] == [rules.SITE_CHROME, rules.HEADLINE, rules.BYLINE,
                                                         rules.STANDFIRST]


def test_byline_without_a_date_gives_no_date_source() -> None:
    header = extract_header(blocks(HEADLINE, "By Jane Doe", P1), 2, site_name=None, url=None, title_hint=None)
    assert (header.authors, header.published, header.published_from) == (["Jane Doe"], None, None)


def test_byline_glued_to_the_start_of_the_run_is_found() -> None:
    lines = blocks(HEADLINE, P1, "By Jane Doe", P2)
    header = extract_header(lines, 1, site_name=None, url=None, title_hint=None)
    assert header.authors == ["Jane Doe"]
    assert claims(lines) == ["headline", None, "byline", None]


def test_a_dated_line_gives_the_date_when_no_byline_does() -> None:
    lines = blocks(HEADLINE, "March 3, 2024", P1)
    lines[1].mark("bare_date", rules.DATELINE)
    header = extract_header(lines, 2, site_name=None, url=None, title_hint=None)
    assert (header.published, header.published_from) == ("2024-03-03", "text")


def test_the_byline_date_wins_over_a_dated_line() -> None:
    lines = blocks(HEADLINE, "March 3, 2024", "By Jane Doe June 2, 2024", P1)
    lines[1].mark("bare_date", rules.DATELINE)
    header = extract_header(lines, 3, site_name=None, url=None, title_hint=None)
    assert (header.published, header.published_from) == ("2024-06-02", "byline")


@pytest.mark.parametrize(("url", "title"), [
    (URL, HEADLINE),  # most of its words in the slug
    (None, "Weather today in the city centre"),  # nearest the body
], ids=["by-slug", "nearest-without-url"])
def test_headline_choice(url: str | None, title: str) -> None:
    lines = blocks(HEADLINE, "Weather today in the city centre", P1)
    assert extract_header(lines, 2, site_name=None, url=url, title_hint=None).title == title


def test_a_short_label_nearer_the_body_is_not_the_headline() -> None:
    header = extract_header(blocks(HEADLINE, "Short Label Here", P1), 2, site_name=None, url=None, title_hint=None)
    assert header.title == HEADLINE


def test_a_list_item_is_not_the_headline_when_another_line_can_be() -> None:
    lines = blocks(HEADLINE, "* Home and world news section page", P1)
    assert extract_header(lines, 2, site_name=None, url=None, title_hint=None).title == HEADLINE


def test_among_lines_naming_the_slug_the_one_set_apart_is_the_headline() -> None:
    # "Council library news" shares more of its words with the slug, but sits glued in a menu
    lines = split_lines(f"Home\nCouncil library news\nContact\n\n{HEADLINE} this spring\n\n{P1}")
    header = extract_header(lines, 4, site_name=None, url=URL, title_hint=None)
    assert header.title == f"{HEADLINE} this spring"


@pytest.mark.parametrize(("text", "named"), [
    ("Understanding Web Design", True),  # the slug's word is the line's words run together
    ("Small Business Cybersecurity Corner", True),  # ... or the start of them
    ("Web Design", False),  # too short to tell
    ("Understanding design", False),
    ("Best Vitamin and Supplement Subscriptions", False),  # "subscription" sits inside one word
], ids=["whole-line", "line-starts-with-it", "short", "other-words", "inside-one-word"])
def test_names_a_glued_slug(text: str, named: bool) -> None:
    slug = slug_words("https://example.org/article/understandingwebdesign/smallbusinesscyber/subscription")
    assert names_a_glued_slug(text, slug) is named


def test_a_line_naming_a_slug_without_hyphens_is_the_headline() -> None:
    lines = split_lines(f"For people who make websites\n\nUnderstanding Web Design\n\n"
                        f"Published in Creativity, Interaction Design and Layout\n\n{P1}")
    header = extract_header(lines, 3, site_name=None, url="https://example.org/article/understandingwebdesign/",
                            title_hint=None)
    assert header.title == "Understanding Web Design"


def test_a_list_item_anchor_gives_the_title_only_when_nothing_else_names_the_article() -> None:
    # the anchor is a breadcrumb's entry "3. Council library opening" (no other line matches the
    # slug closely enough); the headline above it shares fewer of its words with the slug
    headline = "2024 guide: the council opens a new library in the old station for readers"
    lines = split_lines(f"Menu of the site\n\n{headline}\n\n1. News\n2. Local\n3. Council library opening\n\n{P1}")
    anchor = headline_anchor(lines, "https://example.org/news/council-library-opening", None)
    assert anchor == (4, 5)
    header = extract_header(lines, 5, site_name=None, url="https://example.org/news/council-library-opening",
                            title_hint=None, anchor_headline=anchor[0])
    assert header.title == headline
    lines = split_lines(f"Menu of the site\n\n1. News\n2. Local\n3. Council library opening\n\n{P1}")
    header = extract_header(lines, 4, site_name=None, url="https://example.org/news/council-library-opening",
                            title_hint=None, anchor_headline=3)
    assert header.title == "Council library opening"


def test_without_slug_words_a_byline_set_apart_is_not_preferred() -> None:
    lines = split_lines(f"Jane Doe, Harbour Gazette Staff Writer\n\nHarbour\nCouncil opens new library soon\n\n{P1}")
    header = extract_header(lines, 4, site_name=None, url="https://example.org/story/54885", title_hint=None)
    assert header.title == "Council opens new library soon"


def test_without_slug_words_a_line_set_apart_beats_the_account_menu() -> None:
    """A headline the URL does not name, set apart by blank lines, over the nearer line of a
    menu glued to its neighbours."""
    lines = split_lines(f"Council opens new library soon\n\nSign In\nClose\nYou are signed in as guest\nEdit Profile\n\n{P1}")
    header = extract_header(lines, 5, site_name=None, url="https://example.org/story/54885", title_hint=None)
    assert header.title == "Council opens new library soon"


def test_a_nested_bullet_item_is_not_the_headline_when_another_line_can_be() -> None:
    lines = blocks(HEADLINE, "o Home and world news section page", P1)
    assert extract_header(lines, 2, site_name=None, url=None, title_hint=None).title == HEADLINE


def test_a_list_item_is_the_headline_when_nothing_else_is_heading_like() -> None:
    lines = blocks("* Home and world news section page", P1)
    header = extract_header(lines, 1, site_name=None, url=None, title_hint=None)
    assert header.title == "Home and world news section page"  # the title without the list marker
    assert lines[0].rule == "headline"


def test_a_headline_shaped_like_a_sentence_is_a_header_candidate() -> None:
    headline = "Council opens new library in the old station (and keeps the clock)"
    lines = blocks("* Home", "Just read the news!", headline, P1)
    header = extract_header(lines, 3, site_name=None, url="https://example.org/news/new-library-opens", title_hint=None)
    assert header.title == headline
    assert lines[2].rule == "headline"


@pytest.mark.parametrize(("line", "title"), [
    ("2. " + HEADLINE, HEADLINE),
    ("o " + HEADLINE, HEADLINE),
    ("o dear, the council opens a library", "o dear, the council opens a library"),
    ("Home » News » " + HEADLINE, HEADLINE),
    ("Home ▸ News ▸ " + HEADLINE, HEADLINE),
    ("| Resources | Blog | " + HEADLINE, HEADLINE),
    ("Business News›US›Lifestyle›" + HEADLINE, HEADLINE),
    ("Home / Local news / " + HEADLINE, HEADLINE),
    ("Movers / Moving Companies in San Francisco", "Movers / Moving Companies in San Francisco"),
    ("Council | Library", "Council | Library"),
    ("Seven words make a step too long to be one > A > B", "Seven words make a step too long to be one > A > B"),
], ids=["list-marker", "nested-bullet", "lower-case-o", "breadcrumb", "triangles", "leading-bar", "unspaced", "slashes", "one-slash", "one-bar", "long-step"])
def test_the_title_leaves_out_a_list_marker_and_a_breadcrumb_trail(line: str, title: str) -> None:
    assert title_of(line) == title
    lines = blocks(line, P1)
    assert extract_header(lines, 1, site_name=None, url=None, title_hint=None).title == title


def test_the_anchored_headline_is_used_and_its_claimed_standfirst_is_the_description() -> None:
    lines = blocks("* Nigeria News", HEADLINE, STANDFIRST, "By Jane Doe", P1, P2)
    headline, body = headline_anchor(lines, URL, None)
    header = extract_header(lines, body, site_name=None, url=URL, title_hint=None, anchor_headline=headline)
    assert (header.title, header.description, header.authors) == (HEADLINE, STANDFIRST, ["Jane Doe"])
    assert claims(lines) == [None, "headline", "standfirst", "byline", None, None]


def test_title_hint_picks_its_line() -> None:
    lines = blocks(HEADLINE, "Weather today in the city centre", P1)
    header = extract_header(lines, 2, site_name=None, url=None, title_hint=HEADLINE.lower())
    assert header.title == HEADLINE
    assert claims(lines) == ["headline", None, None]


def test_title_hint_without_its_line_is_the_title_and_claims_nothing() -> None:
    lines = blocks(HEADLINE, P1)
    header = extract_header(lines, 1, site_name=None, url=None, title_hint="A title from the sidecar")
    assert header.title == "A title from the sidecar"
    assert claims(lines) == [None, None]


def test_no_standfirst_when_the_line_after_the_headline_is_not_prose() -> None:
    lines = blocks(HEADLINE, "Weather today in the city centre", P1)
    header = extract_header(lines, 2, site_name=None, url=URL, title_hint=None)
    assert header.description is None
    assert claims(lines) == ["headline", None, None]


def test_nothing_before_the_run_gives_an_empty_header() -> None:
    header = extract_header(blocks(P1, P2), 0, site_name=None, url=URL, title_hint=None)
    assert (header.title, header.description, header.authors, header.published) == (None, None, [], None)


@pytest.mark.parametrize(("text", "url", "expected"), [
    ("Stadtrat beschließt neue Straßenbahn für die Südstadt", "https://x.de/stadtrat-strassenbahn-suedstadt", (3, 7)),
    ("Stadtrat beschließt neue Straßenbahn für die Südstadt", "https://x.de/stadtrat-strassenbahn-sudstadt", (3, 7)),
    ("L'élection présidentielle aura lieu en avril", "https://x.fr/election-presidentielle-avril", (3, 7)),
    ("Council opens new library", "https://x.org/council-opens-library", (3, 4)),
], ids=["german-transliterated", "german-accents-dropped", "french-accents-dropped", "ascii"])
def test_slug_words_match_however_the_url_spells_letters_outside_ascii(text: str, url: str,
                                                                        expected: tuple[int, int]) -> None:
    assert slug_share(text, slug_words(url)) == expected


def test_a_german_headline_is_the_title_by_a_transliterated_slug() -> None:
    from pipeline.extract.text.capture import clean_text_capture

    # the menu and the breadcrumb glued together, as a page's copy gives them
    capture = "\n\n".join(["Regionalbote Abo Anmelden\nStartseite Lokales Verkehr",
                            "Stadtrat beschließt neue Straßenbahnlinie durch die Südstadt", P1, P2])
    found = clean_text_capture(capture, url="https://x.de/lokales/verkehr/stadtrat-strassenbahn-suedstadt")
    assert found.title == "Stadtrat beschließt neue Straßenbahnlinie durch die Südstadt"
