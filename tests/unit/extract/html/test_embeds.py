"""``open_embedded_posts``: tweets and Bluesky posts an article quotes reach the text wherever
their embed code sits; a post in a sidebar does not. ``tests/fixtures/recall/embedded_posts.html``
is a page written for these tests: a news story quoting a tweet in a "social-media-embed" wrapper,
one in WordPress's embed figure and a Bluesky post with no wrapper, and a sidebar holding the
paper's own tweet. Real trafilatura throughout."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.extract.article import ExtractOptions, extract_article
from pipeline.extract.html import preclean
from pipeline.extract.html.embeds import open_embedded_posts
from pipeline.items import KnownMetadata, Page

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "recall" / "embedded_posts.html"
WRAPPED_POSTS = [
    "The council paid forty thousand dollars for a slogan that every teenager in town laughed at within a minute "
    "of seeing it https://t.co/abc",
    "Say what you like about the billboards along the river road, at least the whole county now knows where our "
    "town is",
]
BARE_POST = ("The billboards opposite the primary school have to come down before the children ask their teachers "
             "what they mean")
SIDEBAR_POST = "Follow the Example Gazette for breaking news"


def fixture_lines() -> list[str]:
    page = Page(source_url=FIXTURE.as_uri(), body=FIXTURE.read_bytes(), kind_hint="html",
                known=KnownMetadata(url="https://gazette.example/news/slogan"))
    return extract_article(page, ExtractOptions()).text.split("\n")


def test_quoted_posts_stay_in_place_with_their_authors() -> None:
    lines = fixture_lines()
    for post in WRAPPED_POSTS + [BARE_POST]:
        assert post in lines
    assert lines[lines.index(WRAPPED_POSTS[0]) + 1] == "— River Watcher (@riverwatcher) November 18, 2019"
    assert lines[lines.index(WRAPPED_POSTS[1]) + 1] == "— Ferry Landing Cafe (@ferrycafe) November 19, 2019"
    assert lines[lines.index(WRAPPED_POSTS[0]) - 1] == "A whole lot of people on social media pointed out the problem."
    assert not any(SIDEBAR_POST in line for line in lines)


def test_without_it_trafilatura_deletes_the_wrapped_posts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(preclean, "open_embedded_posts", lambda tree: 0)
    lines = fixture_lines()
    for post in WRAPPED_POSTS:
        assert post not in lines
    assert BARE_POST in lines


def test_only_the_wrappers_the_post_fills_lose_their_names() -> None:
    tweet = '<blockquote class="twitter-tweet"><p>A post of a dozen words or so, quoted by the story here.</p></blockquote>'
    tree = LexborHTMLParser(
        f'<body><article><div class="story-embeds"><p>{"Words of the story around the post. " * 3}</p>'
        f'<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">{tweet}</div></figure></div>'
        f'<blockquote class="instagram-media"><a href="/p">View this post on Instagram</a></blockquote>'
        f'</article></body>')
    assert open_embedded_posts(tree) == 1
    assert tree.css_first("figure") is None
    assert tree.css_first("blockquote.twitter-tweet").parent.attributes == {}
    assert tree.css_first("div.story-embeds") is not None
    assert tree.css_first("blockquote.instagram-media") is not None


def test_a_block_of_posts_is_one_wrapper_and_a_quoted_post_counts_with_its_quoter() -> None:
    quoted = '<blockquote class="twitter-tweet"><p>The post being quoted, in a few words.</p></blockquote>'
    tweet = f'<blockquote class="twitter-tweet"><p>A post that quotes another one.</p>{quoted}</blockquote>'
    tree = LexborHTMLParser(f'<body><main><figure class="wp-block-embed"><div class="social-embeds">{tweet}{tweet}'
                            f'</div></figure><p>{"The story goes on after the posts. " * 3}</p></main></body>')
    assert open_embedded_posts(tree) == 2
    assert tree.css_first("figure") is None
    assert tree.css_first("main > div").attributes == {}
