"""Pre-clean: which elements go before trafilatura runs, and which must stay."""

from __future__ import annotations

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.html.preclean import literal_pattern, noise_class_of_names, preclean

PROSE = ("<p>The council approved the plan on Tuesday after a long debate in which several members said the cost "
         "had grown far beyond the first estimate presented to them two years ago by the officials.</p>")


def page(body: str) -> LexborHTMLParser:
    return LexborHTMLParser(f"<html><body><h1>Plan approved</h1>{body}</body></html>")


def run(body: str) -> tuple[str, dict[str, int]]:
    tree = page(body)
    removed = preclean(tree)
    return tree.body.text(separator=" "), dict(removed)


def test_form_wrapping_the_whole_page_is_kept() -> None:
    text, removed = run(f'<form id="aspnetForm"><div class="content">{PROSE * 3}</div></form>')
    assert "council approved the plan" in text
    assert removed == {}


def test_newsletter_form_is_removed_as_newsletter() -> None:
    text, removed = run(f'{PROSE * 3}<form><h3>Daily Brief</h3><input type="email" name="EMAIL"></form>')
    assert "Daily Brief" not in text
    assert removed == {"newsletter": 1}


def test_sign_up_box_without_form_goes_with_its_marker() -> None:
    box = ('<div class="box-3"><div class="t">The Morning Brief</div><p>Top stories at 7am.</p>'
           '<div>* indicates required</div><a href="#">Subscribe</a></div>')
    text, removed = run(f"<div class='body'>{PROSE}{box}{PROSE}</div>")
    assert "Morning Brief" not in text and "indicates required" not in text
    assert text.count("council approved the plan") == 2
    assert removed == {"newsletter": 1}


def test_ai_audio_notice_inside_the_article_container() -> None:
    notice = '<div class="x-row"><p>This audio is created with AI assistance</p></div>'
    text, removed = run(f"<div class='body'>{notice}{PROSE}{PROSE}</div>")
    assert "AI assistance" not in text and "council approved" in text
    assert removed == {"audio_notice": 1}


def test_news_feed_rail_found_by_its_heading() -> None:
    rail = ('<div class="rail"><div class="rail-header">News Feed</div>'
            '<div class="item"><div>5:15 AM</div><a href="/a">Grid repairs finished.</a></div></div>')
    text, removed = run(f"<div class='body'>{PROSE}{rail}{PROSE}</div>")
    assert "News Feed" not in text and "Grid repairs" not in text
    assert text.count("council approved the plan") == 2
    assert removed == {"news_feed": 1}


GERMAN_PROSE = ("<p>Der Stadtrat hat am Donnerstag nach langer Debatte den Bau der neuen Straßenbahnlinie beschlossen, "
                "deren Kosten nach Angaben der Verwaltung inzwischen deutlich über der ersten Schätzung liegen.</p>")


@pytest.mark.parametrize(("widget", "noise_class"), [
    ('<div class="n2"><div>Der Morgen-Newsletter</div><div>Ihre E-Mail-Adresse</div><div>* Pflichtfeld</div>'
     '<a href="#">Jetzt anmelden</a></div>', "newsletter"),
    ('<div class="a1"><div>Artikel anhören</div><div>Diese Audioversion wurde künstlich erzeugt.</div></div>', "audio_notice"),
    ('<div class="p3"><p>Sie haben bereits ein Abo?</p><a href="/login">Hier anmelden</a></div>', "paywall"),
    ('<div class="s4"><span>Artikel teilen</span><a href="#">Facebook</a><a href="#">E-Mail</a></div>', "share"),
    ('<div class="r8"><h2>Das könnte Sie auch interessieren</h2><a href="/a">Neuer Radweg am Fluss eröffnet</a></div>',
     "teaser"),
    ('<div class="f9"><h2>Meistgelesen</h2><div><span>16:58 Uhr</span><a href="/b">Einbruchserie in der Weststadt</a>'
     '</div></div>', "news_feed"),
    ('<div class="k6"><h2>Kommentare (12)</h2><div>Melden Sie sich an, um zu kommentieren.</div></div>', "comments"),
    ('<div class="c1"><p>Wir verwenden Cookies, um Ihnen ein optimales Nutzungserlebnis zu bieten.</p>'
     '<a href="#">Alle akzeptieren</a></div>', "cookie"),
    ('<div class="k9"><p>Empfohlener redaktioneller Inhalt</p><p>An dieser Stelle finden Sie einen externen Inhalt, der den '
     'Artikel ergänzt.</p><p>Ich bin damit einverstanden, dass mir externe Inhalte angezeigt werden.</p></div>', "cookie"),
], ids=["newsletter", "audio", "paywall", "share", "teaser", "news_feed", "comments", "cookie", "embed-consent"])
def test_german_widgets_go_with_their_marker_or_heading(widget: str, noise_class: str) -> None:
    text, removed = run(f"<div class='body'>{GERMAN_PROSE}{widget}{GERMAN_PROSE}</div>")
    without_widget, _ = run(f"<div class='body'>{GERMAN_PROSE}{GERMAN_PROSE}</div>")
    assert text.split() == without_widget.split()
    assert removed == {noise_class: 1}


def test_an_embed_waiting_for_consent_goes_with_its_notice() -> None:
    placeholder = ('<div class="k9"><p>This content is provided by YouTube, which may be using cookies and other '
                   'technologies. To show you this content, we need your permission to use cookies.</p>'
                   '<p>You can use the buttons below to amend your preferences.</p><a href="#">Allow and continue</a></div>')
    text, removed = run(f"<div class='body'>{PROSE}{placeholder}{PROSE}</div>")
    without, _ = run(f"<div class='body'>{PROSE}{PROSE}</div>")
    assert text.split() == without.split()
    assert removed == {"cookie": 1}


@pytest.mark.parametrize("label", ["<strong>Related:</strong>", "<b>YOU MIGHT ALSO LIKE:</b>", "Mehr zum Thema:"])
def test_a_label_paragraph_over_lists_of_links_goes_with_them(label: str) -> None:
    links = '<ul><li><a href="/a">Bus drivers strike again on Monday</a></li><li><a href="/b">A new cycle path opens</a></li></ul>'
    text, removed = run(f"<div class='body'>{PROSE}<p>{label}</p>{links}{PROSE}</div>")
    without, _ = run(f"<div class='body'>{PROSE}{PROSE}</div>")
    assert text.split() == without.split()
    assert removed == {"teaser": 2}


def test_a_label_paragraph_over_the_article_own_points_stays() -> None:
    points = "<ul><li>Two new lines by 2030</li><li>A <a href='/plan'>plan</a> for the depot</li></ul>"
    text, removed = run(f"<div class='body'>{PROSE}<p><strong>Related:</strong></p>{points}{PROSE}</div>")
    assert "Two new lines by 2030" in text and "Related:" in text
    assert removed == {}


def test_link_card_is_a_teaser() -> None:
    card = '<div class="c"><a href="/other"><div>Other story title</div><div>Its short lede.</div></a></div>'
    text, removed = run(f"<div class='body'>{PROSE}{card}{PROSE}</div>")
    assert "Other story" not in text
    assert removed == {"teaser": 1}


def test_inline_link_in_prose_is_not_a_card() -> None:
    text, removed = run(f"<div class='body'><p>Officials <a href='/x'>said on Monday</a> it would open.</p>{PROSE}</div>")
    assert "said on Monday" in text
    assert removed == {}


def test_table_cells_named_like_noise_are_kept() -> None:
    text, _ = run(f'{PROSE}<table><tr><th class="ticker">Ticker</th></tr><tr><td class="ticker">HD</td></tr></table>')
    assert "Ticker" in text and "HD" in text


def test_container_holding_the_article_is_kept_whatever_its_class() -> None:
    text, removed = run(f'<div class="post has-share-buttons">{PROSE * 4}</div><div class="share-bar">Share</div>')
    assert "council approved" in text and "Share" not in text
    assert removed == {"share": 1}


def test_a_noise_name_does_not_remove_the_main_text_block() -> None:
    # Under 40% of the page, no <article> or <h1> inside: only the main-text guard keeps it.
    body = (f'<div class="entry-content text-to-speech">{PROSE * 2}</div>'
            f'<div class="share-bar">{"<p>Share on a network</p>" * 3}</div>'
            f'<ul class="menu">{"<li>A menu entry of the site with a longer name</li>" * 40}</ul>')
    tree = LexborHTMLParser(f"<html><body>{body}</body></html>")
    removed = preclean(tree)
    assert "council approved the plan" in tree.body.text()
    assert "Share on a network" not in tree.body.text()
    assert dict(removed) == {"share": 1}


def test_section_heading_does_not_take_a_short_article_with_it() -> None:
    text, _ = run('<div class="wrap"><h3 class="title">Latest</h3><div>Short story text without paragraphs.</div>'
                  '<h1>Plan approved</h1></div>')
    assert "Short story text" in text


def test_section_heading_does_not_grow_over_the_main_text_block() -> None:
    # No <h1>, no <article>, no long paragraph: only the main-text guard keeps the story.
    story = "<br>".join(f"Line {n} of a short story told in short lines." for n in range(6))
    tree = LexborHTMLParser(f'<html><body><div class="wrap"><h3 class="title">Latest</h3><div>{story}</div></div>'
                            f'<ul class="menu">{"<li>A menu entry of the site</li>" * 40}</ul></body></html>')
    preclean(tree)
    assert "Line 5 of a short story" in tree.body.text()


def test_heading_ids_written_from_their_text_are_not_widget_names() -> None:
    headings = ('<h2 id="h-what-is-social-shopping">What is social shopping?</h2>'
                '<h3 id="key-benefits-of-hr-shared-services">Key benefits of HR shared services</h3>')
    text, removed = run(f"<div class='body'>{PROSE}{headings}{PROSE}</div>"
                        "<h3 class='share-title'>Share</h3><div id='social-share'>Share on a network</div>")
    assert "What is social shopping?" in text and "Key benefits of HR shared services" in text
    assert "Share" not in text
    assert removed == {"share": 2}


def test_section_named_for_text_to_speech_is_the_text_it_reads() -> None:
    text, removed = run(f'<section class="wysiwyg text-to-speech">{PROSE * 2}</section>'
                        '<div class="text-to-speech-player">Listen to this article</div>')
    assert text.count("council approved the plan") == 2 and "Listen" not in text
    assert removed == {"audio_notice": 1}


def test_section_named_for_text_to_speech_keeps_its_list() -> None:
    # Under 40% of the page and off the main text's path: only its length keeps it.
    items = "".join(f"<li>Benefit {n}: the plan pays back what a cancelled trip cost you.</li>" for n in range(6))
    text, removed = run(f'<div class="story">{PROSE * 8}</div><section class="wysiwyg text-to-speech">'
                        f'<p>Plans cover the following:</p><ul>{items}</ul></section>'
                        '<div class="text-to-speech-player">Listen to this article</div>')
    assert "Plans cover the following:" in text and "Benefit 5: the plan" in text and "Listen" not in text
    assert removed == {"audio_notice": 1}


def test_hover_card_goes_and_the_name_it_pops_from_stays() -> None:
    card = ('<p>Rep. <span class="rollover-people"><a class="rollover-people-link" href="/people/jane-doe">Jane Doe</a>'
            '<span class="rollover-people-block"><img src="/j.jpg"><a class="name" href="/people/jane-doe">Jane Doe</a>'
            '<a href="/news/1">Budget talks stall again</a></span></span> voted against the plan.</p>')
    text, removed = run(PROSE + card + PROSE)
    assert " ".join(text.split()).count("Rep. Jane Doe voted against the plan.") == 1
    assert "Budget talks" not in text
    assert removed == {"site_chrome": 1}


def test_tooltip_label_inside_its_trigger_goes_alone() -> None:
    icon = '<div class="icon-tooltip"><img src="/v.svg"><span class="icon-tooltip-text">Vegan</span></div>'
    text, removed = run(PROSE + icon + PROSE)
    assert "Vegan" not in text
    assert removed == {"site_chrome": 1}


def test_social_media_embed_is_content_not_a_share_widget() -> None:
    quote = '<div class="social-media-embed"><blockquote>Yes this is real, said the governor.</blockquote></div>'
    text, removed = run(f"<div class='body'>{PROSE}{quote}{PROSE}</div><div class='social-links'>Follow</div>")
    assert "Yes this is real" in text and "Follow" not in text
    assert removed == {"share": 1}


@pytest.mark.parametrize(("names", "expected"), [
    ("social-media-embed", None), ("social-share embed-icons", None),
    ("related-posts", None), ("x ad", "advert"), ("adx", None), ("c-social", None), ("social", "share"),
    ("comments-area", "comments"), ("mc_embed_signup", "newsletter"), ("entry-content", None),
    ("tags-links", "tags"), ("cookie-consent", "cookie"),
], ids=lambda v: str(v))
def test_noise_class_of_names(names: str, expected: str | None) -> None:
    assert noise_class_of_names(names) == expected


def test_literal_pattern_matches_exactly_its_words() -> None:
    import re

    pattern = re.compile(literal_pattern(("ad-slot", "adslot", "advert", "ad")))
    assert [bool(pattern.search(s)) for s in ("ad", "xadvertx", "bd-slot", "a")] == [True, True, False, False]


class _Forgetful(dict):
    """A memo table that keeps nothing: every fact is asked of the tree again."""

    def __setitem__(self, key, value) -> None:
        pass


def _without_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.extract.html import preclean as module

    class Forgetting(module._Memo):
        def __init__(self, tree: LexborHTMLParser) -> None:
            super().__init__(None, _Forgetful())  # no tree: each marker question asks the tree

    monkeypatch.setattr(module, "_Memo", Forgetting)


def test_the_memo_changes_nothing_on_the_dev_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pre-clean remembers text lengths and article markers while a pass runs and forgets them
    whenever the tree changes: the same pre-cleaned page and counts as asking the tree each time."""
    import gzip

    from pipeline.extract.html import preclean as module
    from tests.conftest import BENCHMARKS_DIR, needs_shared

    pages = sorted((needs_shared(BENCHMARKS_DIR / "aeb-dev") / "html").glob("*.html.gz"))
    htmls = [gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace") for path in pages]

    def cleaned() -> list[tuple[str, dict[str, int]]]:
        found = []
        for html in htmls:
            tree = LexborHTMLParser(html)
            found.append((tree.html, dict(preclean(tree))))
            assert module._memo is None
        return found

    remembered = cleaned()
    _without_memo(monkeypatch)
    assert cleaned() == remembered
    assert sum(bool(counts) for _, counts in remembered) > len(htmls) / 2



def test_the_main_text_block_is_weighed_again_after_containers_are_removed() -> None:
    """A share box inside a paragraph makes it the heaviest until the box goes; weighed again
    after that, the story's own paragraph is the main text block, and the "Share this" widget
    beside it does not grow over it (a length remembered from before the removal would let it)."""
    box = '<span class="share-links">' + "Send it to a friend. " * 30 + "</span>"
    story = ("<p>The bridge over the river reopened on Monday after eight months of repairs that cost the city "
             "more than planned, and the first buses crossed it at dawn.</p>")
    filler = "<div>" + "Opening hours and directions for visitors to the old town. " * 30 + "</div>"
    text, removed = run(f'{filler}<div><p>Intro. {box}</p></div><div>{story}<div><b>Share this</b></div></div>')
    assert "The bridge over the river reopened" in text and "Send it" not in text and "Share this" not in text
    assert removed == {"share": 2}


def test_call_to_action_box_goes_but_not_a_cta_link_in_prose() -> None:
    prose = PROSE.replace("the plan", '<a class="cta-link" href="/plan">the plan</a>')
    box = ('<div class="post-cta"><h4 class="post-cta__title">Planning a move?</h4>'
           '<p>Book a free call with our team.</p></div>')
    text, removed = run(f"<div class='body'>{prose}{box}{PROSE}</div>")
    assert "Planning a move" not in text and "Book a free call" not in text
    assert " ".join(text.split()).count("council approved the plan") == 2
    assert removed == {"advert": 1}


def test_a_cta_named_block_with_prose_is_kept() -> None:
    text, removed = run(f"<div class='body'>{PROSE}<div class='cta-section'>{PROSE}{PROSE}</div></div>")
    assert text.count("council approved the plan") == 3
    assert removed == {}


def test_disclaimer_and_footnotes_go_as_footer() -> None:
    notes = '<section class="footnotes"><ol><li><p>Figures from the 2023 survey.</p></li></ol></section>'
    disclaimer = '<div class="post-disclaimer"><p>This is general guidance, not advice.</p></div>'
    text, removed = run(f"<div class='body'>{PROSE}{PROSE}{notes}{disclaimer}</div>")
    assert "2023 survey" not in text and "general guidance" not in text
    assert removed == {"footer": 2}
