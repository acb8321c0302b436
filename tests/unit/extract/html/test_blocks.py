import math

from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.html import blocks

PAGE = """<html><head><title>T</title><script>var x = 1;</script></head><body>
<nav class="menu">Home News</nav>
<div class="article-body">Lead text in the div<br>after a break
  <h2>A section</h2>
  <p>First <b>bold</b> paragraph, with <a href="/x">a link</a>.</p>
  <ul><li>One item</li><li>Two <p>nested paragraph</p> tail</li></ul>
  <p>First <b>bold</b> paragraph, with <a href="/x">a link</a>.</p>
</div>
<footer id="siteFooter"><p><a href="/a">About us</a></p></footer>
</body></html>"""


def found():
    return blocks.candidate_blocks(LexborHTMLParser(PAGE))


def test_every_text_belongs_to_its_nearest_block_once_in_document_order():
    texts = [(b.tag, b.text) for b in found()]
    assert texts == [
        ("nav", "Home News"),
        ("div", "Lead text in the div after a break"),
        ("h2", "A section"),
        ("p", "First bold paragraph, with a link."),
        ("li", "One item"),
        ("li", "Two tail"),
        ("p", "nested paragraph"),
        ("p", "First bold paragraph, with a link."),
        ("p", "About us"),
    ]


def test_ancestor_tags_and_generic_class_id_tokens():
    by_text = {b.text: b for b in found()}
    vocabulary = {token: bit for bit, token in enumerate(blocks.NAME_TOKENS)}
    item = by_text["One item"]
    assert item.name_tokens == (1 << vocabulary["article"]) | (1 << vocabulary["body"])
    assert item.ancestor_tags == 1 << blocks.ANCESTOR_TAGS.index("ul")
    about = by_text["About us"]
    assert about.name_tokens == 1 << vocabulary["footer"]  # camelCase "siteFooter": "site" is no token
    # the link is inside the block: its text counts as link text, its tag is no ancestor
    assert about.ancestor_tags == 1 << blocks.ANCESTOR_TAGS.index("footer")
    assert about.link_chars == len("About us")


def test_feature_rows_match_the_names_and_measure_the_block():
    found_blocks = found()
    names = blocks.feature_names()
    rows = blocks.block_features(found_blocks, "A section\nFirst bold paragraph, with a link.", "A section")
    assert all(len(row) == len(names) for row in rows)
    col = {name: j for j, name in enumerate(names)}
    first = rows[3]
    assert first[col["words"]] == 6
    assert first[col["log_chars"]] == math.log1p(len("First bold paragraph, with a link."))
    assert first[col["link_share"]] == len("a link") / len("First bold paragraph, with a link.")
    assert first[col["sentence_end"]] == 1.0
    assert first[col["tag_p"]] == 1.0 and first[col["tag_container"]] == 0.0
    assert first[col["kept_share"]] == 1.0 and first[col["clean_share"]] == 0.0
    assert rows[2][col["clean_share"]] == 1.0 and rows[2][col["tag_h2_h6"]] == 1.0
    assert first[col["kept_prev"]] == 1.0 and first[col["clean_prev"]] == 1.0
    assert rows[0][col["kept_prev"]] == -1.0 and rows[-1][col["kept_next"]] == -1.0
    assert first[col["repeat_before"]] == 0.0 and rows[7][col["repeat_before"]] == 1.0
    assert rows[7][col["repeats_log"]] == math.log(2)
    assert rows[1][col["tag_container"]] == 1.0 and rows[1][col["name_article"]] == 1.0


def test_text_index_share_counts_trigrams_and_short_blocks_whole():
    index = blocks.TextIndex("The quick brown fox jumps over the lazy dog")
    assert index.share(blocks.words_of("quick brown fox jumps")) == 1.0
    assert index.share(blocks.words_of("quick brown fox sleeps")) == 0.5
    assert index.share(blocks.words_of("lazy dog")) == 1.0
    assert index.share(blocks.words_of("dog lazy")) == 0.0
    assert index.share([]) == 0.0


def test_list_items_keep_trafilaturas_convention():
    by_text = {b.text: b for b in found()}
    assert blocks.paragraph_of(by_text["One item"]) == "- One item"
    assert blocks.paragraph_of(by_text["A section"]) == "A section"


def test_keeps_uses_the_keep_threshold_for_blocks_the_rules_kept_and_the_add_threshold_otherwise():
    assert blocks.keeps(0.3, 1.0, 0.2, 0.9)
    assert not blocks.keeps(0.1, 1.0, 0.2, 0.9)
    assert not blocks.keeps(0.8, 0.0, 0.2, 0.9)
    assert blocks.keeps(0.95, 0.4, 0.2, 0.9)
