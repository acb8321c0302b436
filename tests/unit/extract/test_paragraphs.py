"""Post-clean of extracted paragraphs (named rules, feed items) and the record's text, hash and
word count."""

from __future__ import annotations

import hashlib
import random
import re
import sys
import unicodedata

import pytest

from pipeline.extract.paragraphs import (
    LETTER,
    clean_paragraphs,
    content_hash,
    has_distinct_letters,
    normalize_text,
    not_prose,
    word_count,
)

PROSE = "The council approved the plan on Tuesday after a long debate."
# Feed items end at their lede: a paragraph of more than 14 words.
LEDE = "Crews worked through the night to restore power to the last homes in the northern district."


# ----------------------------------------------------------------------------- clean_paragraphs

NOISE = [
    ("Advertisement", "advert", "advert_label"),
    ("Share this article", "share", "share_widget"),
    ("Skip to content", "skip_link", "skip_link"),
    ("We use cookies to improve your experience.", "cookie", "cookie_banner"),
    ("Read more: the full story of the bridge", "read_more", "read_more_link"),
    ("Tags: politics, city", "tags", "tag_list_label"),
    ("5 min read", "dateline", "reading_time"),
    ("Photo: Jane Doe", "caption", "caption_credit_label"),
    ("* indicates required", "newsletter", "newsletter_required_marker"),
    ("Get our free daily newsletter", "newsletter", "newsletter_mention"),
    ("Leave a Reply", "comments", "comment_form"),
    ("Already a subscriber?", "paywall", "paywall_prompt"),
    ("Most read", "news_feed", "section_end_heading"),
    ("Most read in Business", "news_feed", "section_end_heading"),
    ("Popular articles", "news_feed", "section_end_heading"),
    ("You may also like...", "news_feed", "section_end_heading"),
    ("- 11 min read", "dateline", "reading_time"),
    ("Lesezeit: 4 Minuten", "dateline", "reading_time"),
    ("Page 1 of 8", "site_chrome", "page_counter"),
    ("Next article: The bridge reopens", "site_chrome", "post_navigation"),
    ("Back to all posts", "site_chrome", "post_navigation"),
    ("AdvertisementAdvertisement", "advert", "advert_label"),
    ("Anzeige", "advert", "advert_label"),
    ("Check Price on Amazon", "advert", "call_to_action"),
    ("Request a free quote today!", "advert", "call_to_action"),
    ("Learn more", "read_more", "read_more_link"),
    ("Related Reading: the bridge in pictures", "read_more", "read_more_link"),
    ("Tags", "tags", "tag_list_label"),
    ("PIN FOR LATER", "share", "share_widget"),
    ("Follow us", "share", "follow_us"),
    ("Lakers vs Nets: league makes final decision on game [VIDEO]", "teaser", "tagged_teaser"),
    ("[convertkit form=1630175]", "site_chrome", "raw_shortcode"),
    ("Tell us what YOU think...", "comments", "comments_widget"),
    ("Written by Jane Doe", "byline", "byline"),
    ("Jane Doe contributed reporting to this story.", "byline", "reporting_credit"),
    ("UPDATED: Tue., Nov. 19, 2019", "dateline", "updated_label"),
    ("2019-11-19T08:57:40+01:00", "dateline", "bare_date"),
    ("Follow Newsbeat on Instagram, Facebook, Twitter and YouTube.", "share", "follow_us"),
    ("Subscribe to our YouTube channel for more videos", "share", "follow_us"),
    ("By Jane Doe and John Roe", "byline", "byline"),
]


@pytest.mark.parametrize(("noise", "noise_class", "rule"), NOISE, ids=[rule for _, _, rule in NOISE])
def test_noise_paragraph_is_removed_and_counted_under_its_class(noise: str, noise_class: str, rule: str) -> None:
    kept, removed, removed_lines = clean_paragraphs([PROSE, noise, PROSE])
    assert kept == [PROSE, PROSE]
    assert dict(removed) == {noise_class: 1}
    assert removed_lines == [(rule, noise_class, noise)]


@pytest.mark.parametrize("line", [
    "By Audience",  # a heading: a name has two words at least
    "Get started",  # a tutorial's first section
    "Next, the committee will meet.",
    "Follow the money",
    "Page one of the report was missing.",
    "- Corporate relocation (commercial moving, furniture disassembly/reassembly, storage)",  # no credit: lower case
])
def test_lines_like_noise_are_kept(line: str) -> None:
    assert clean_paragraphs([PROSE, line, PROSE])[0] == [PROSE, line, PROSE]


def test_author_box_at_the_end_is_removed_from_its_heading() -> None:
    box = ["About the Author", "Jane Doe", "Jane Doe covers city hall for the paper."]
    kept, removed, removed_lines = clean_paragraphs([PROSE, LEDE, PROSE, LEDE] + box)
    assert kept == [PROSE, LEDE, PROSE, LEDE]
    assert dict(removed) == {"author_bio": 3}
    assert [rule for rule, _, _ in removed_lines] == ["author_bio_heading", "author_box", "author_box"]


def test_author_heading_stays_in_the_first_half_or_over_a_long_section() -> None:
    early = [PROSE, "About the author", PROSE, LEDE, PROSE]
    assert clean_paragraphs(early)[0] == early
    long_section = [PROSE] * 4 + ["About the author"] + [f"{LEDE} {n}" for n in range(16)]
    assert clean_paragraphs(long_section)[0] == long_section


def test_counts_add_up_per_class() -> None:
    _, removed, _ = clean_paragraphs(["Share this article", PROSE, "Print", "Advertisement", "Email"])
    assert dict(removed) == {"share": 3, "advert": 1}


def test_prose_is_kept_in_order_with_nothing_removed() -> None:
    paragraphs = [PROSE, "Comments from the mayor followed the vote.", "Next, the committee will meet.", LEDE]
    assert clean_paragraphs(paragraphs) == (paragraphs, {}, [])


def test_repeated_paragraphs_are_kept() -> None:
    kept, removed, _ = clean_paragraphs(["1 cup flour", PROSE, "1 cup flour"])
    assert kept == ["1 cup flour", PROSE, "1 cup flour"]
    assert not removed


def test_blank_paragraphs_are_skipped_and_inner_whitespace_collapsed() -> None:
    kept, removed, _ = clean_paragraphs(["  The   council\n approved\tit. ", "   ", "", PROSE])
    assert kept == ["The council approved it.", PROSE]
    assert not removed


def test_feed_items_between_time_stamps_are_news_feed() -> None:
    paragraphs = ["10:15", "Power restored in the north", LEDE, "11:20", "Bridge reopens to traffic", LEDE, PROSE]
    kept, removed, removed_lines = clean_paragraphs(paragraphs)
    assert kept == [PROSE]
    assert dict(removed) == {"news_feed": 6}
    assert [rule for rule, _, _ in removed_lines] == ["feed_timestamp"] + ["feed_item_after_timestamp"] * 2 + [
        "feed_timestamp"] + ["feed_item_after_timestamp"] * 2


def test_a_lone_time_stamp_is_a_dateline_not_a_feed() -> None:
    kept, removed, removed_lines = clean_paragraphs(["10:15", PROSE, LEDE])
    assert kept == [PROSE, LEDE]
    assert removed_lines == [("bare_date", "dateline", "10:15")]


def test_a_section_end_heading_alone_does_not_take_what_follows() -> None:
    kept, removed, _ = clean_paragraphs([PROSE, "Most read", LEDE])
    assert kept == [PROSE, LEDE]
    assert dict(removed) == {"news_feed": 1}


# ----------------------------------------------------------------------------- normalize_text

@pytest.mark.parametrize(("paragraphs", "text"), [
    (["First.", "Second."], "First.\nSecond."),
    (["  padded  ", "inner \t  space", "line\nbreak"], "padded\ninner space\nline break"),
    (["kept", "", "   ", "\n", "also kept"], "kept\nalso kept"),
    (["cafe\u0301"], "caf\u00e9"),  # combining accent composed (NFC)
    (["\ufb01ne"], "\ufb01ne"),  # NFC, not NFKC: the ligature stays
    ([], ""),
], ids=["one-per-line", "whitespace-collapsed", "blank-skipped", "nfc", "not-nfkc", "empty"])
def test_normalize_text(paragraphs: list[str], text: str) -> None:
    assert normalize_text(paragraphs) == text


# ----------------------------------------------------------------------------- content_hash

def test_content_hash_is_sha256_of_the_canonical_text() -> None:
    assert content_hash("Hello  World") == "sha256:" + hashlib.sha256(b"hello world").hexdigest()


@pytest.mark.parametrize(("a", "b"), [
    ("Council Approves Plan", "council approves plan"),
    ("STRASSE gesperrt", "straße gesperrt"),  # casefold, not lower
    ("\ufb01nal \uff21\uff22\uff23 2\u00b2", "final abc 22"),  # NFKC: ligature, full-width, superscript
    ("caf\u00e9", "cafe\u0301"),
    ("one  two\nthree\u00a0four", " one two three four "),
    ("first\n\nsecond", "first second"),
], ids=["case", "casefold", "nfkc", "composed-decomposed", "whitespace", "paragraph-breaks"])
def test_cosmetic_differences_hash_the_same(a: str, b: str) -> None:
    assert content_hash(a) == content_hash(b)


@pytest.mark.parametrize(("a", "b"), [
    ("The plan was approved.", "The plan was rejected."),
    ("word", "word."),
    ("to gether", "together"),
], ids=["word", "punctuation", "space-inside-word"])
def test_different_text_hashes_differently(a: str, b: str) -> None:
    assert content_hash(a) != content_hash(b)


# ----------------------------------------------------------------------------- word_count

@pytest.mark.parametrize(("text", "count"), [
    ("", 0),
    ("   \n ", 0),
    ("one", 1),
    ("Hello, world!", 2),
    ("The plan.\nA second line.", 5),
    ("Grüße aus Köln", 3),
    ("well-known", 2),
    ("don't", 2),  # runs of letters/digits, as the README says
    ("3.5 km in 2024", 5),
    ("— … !!", 0),
], ids=["empty", "blank", "one", "punctuation", "lines", "non-ascii", "hyphen", "apostrophe", "digits",
        "symbols-only"])
def test_word_count(text: str, count: int) -> None:
    assert word_count(text) == count


@pytest.mark.parametrize(("text", "why"), [
    ("A" * 85, "fewer than 3 different letters"),
    ("ab ab ab ab ab", "fewer than 3 different letters"),
    ("Intro words here. " + "x1y2z3" * 1000, "one token of 6000 characters is most of the text"),
], ids=["repeated-letter", "two-letters", "huge-token"])
def test_text_that_is_not_prose(text: str, why: str) -> None:
    assert not_prose(text) == why


@pytest.mark.parametrize("text", ["", "12 34 _", "aAaA", "ßs", "ẞ", "ﬀ", "İi", "ıI", "e\u0301é", "Σσς", "Жж。a",
                                  "ab" * 50 + "c", "x" * 300])
def test_distinct_letters_are_counted_as_every_letter_of_the_folded_text_would(text: str) -> None:
    """``has_distinct_letters`` stops early; it answers as the set of all letters would
    (case folding may turn one letter into two: ß -> ss, ﬀ -> ff)."""
    letters = set(LETTER.findall(text.casefold()))
    assert [has_distinct_letters(text, n) for n in range(1, 5)] == [len(letters) >= n for n in range(1, 5)]


@pytest.mark.parametrize("text", [
    "Council approves bridge repairs.",
    "市議会は火曜日、橋は春に再び開通すると発表した。",
    "Read the report at https://example.org/" + "a" * 250 + " and the council's answer, which runs to "
    + "many words " * 40,
], ids=["short-sentence", "cjk", "long-url-in-prose"])
def test_prose_passes(text: str) -> None:
    assert not_prose(text) is None


def test_str_split_whitespace_is_the_regex_whitespace_normalize_text_collapsed() -> None:
    space = re.compile(r"\s")
    assert all(bool(space.fullmatch(chr(c))) == chr(c).isspace() for c in range(sys.maxunicode + 1))


def test_normalize_text_collapses_as_the_regex_did() -> None:
    chooser = random.Random(5)
    alphabet = [" ", "\t", "\n", "\x0b", "\x1c", "\x85", "\xa0", "\u2003", "\u3000", "a", "e\u0301", "\ufb01", "."]
    for _ in range(2000):
        paragraphs = ["".join(chooser.choice(alphabet) for _ in range(chooser.randrange(0, 10))) for _ in range(3)]
        former = "\n".join(unicodedata.normalize("NFC", re.sub(r"\s+", " ", p).strip()) for p in paragraphs if p.strip())
        assert normalize_text(paragraphs) == former, paragraphs


def test_the_junk_token_is_found_at_the_middle_as_the_longest_token_would_be() -> None:
    chooser = random.Random(6)
    for _ in range(3000):
        text = "".join(chooser.choice(["x" * chooser.randrange(1, 300), " ", "\n", "\u3000", "ab"])
                       for _ in range(chooser.randrange(1, 8))).strip() or "x"
        text = "abc " + text  # past the distinct-letter test
        longest = max(text.split(), key=len)
        expected = (f"one token of {len(longest)} characters is most of the text"
                    if len(longest) >= 200 and len(longest) * 2 > len(text) else None)
        assert not_prose(text) == expected
