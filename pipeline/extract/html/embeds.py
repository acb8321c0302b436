"""Posts an article quotes from a social network, kept where the publisher's embed code put them.

A news story often carries the posts it reports on ("a whole lot of people on Twitter pointed it
out", then the tweets); without them the text around them reads as if something were missing.
The networks' embed code is a ``<blockquote>`` holding the post's text, which trafilatura keeps as
a quote; but publishers wrap it in an element named for what it is ("social-media-embed",
WordPress's ``<figure class="wp-block-embed">``), "embed" and "social" are in trafilatura's
discard vocabulary (``OVERALL_DISCARD_XPATH``), and trafilatura deletes every ``<figure>`` as an
image: the wrapper goes, and the post with it. Pre-clean already spares such wrappers from its
share widgets (``preclean.NOT_NOISE_NAMES``). ``open_embedded_posts`` runs after pre-clean, so a
post pre-clean removed with its container (a sidebar's feed, a "follow us" box) stays removed; it
takes the discard names off each post left and off the ancestors its posts fill
(``WRAPPER_MIN_POST_SHARE`` of their text, all the posts in them together: a block of several
posts is one wrapper), and unwraps a ``<figure>`` among them.

Convention: the two ground truths differ (aeb-dev's keep the tweets of its 2019 news pages,
wcxb-dev's leave out the few posts in its 2025 blog pages); the pipeline keeps them as the
article's quotes wherever the embed code sits, as trafilatura does when there is no wrapper.
Instagram's, Threads' and Mastodon's embed code is not listed: it carries a link ("View this post
on Instagram", "Post by @name"), not the post.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

from pipeline.extract.html.panels import unmark

# The embed code of X/Twitter and of Bluesky: a blockquote of the post's text, its author and date.
EMBEDDED_POSTS = "blockquote.twitter-tweet, blockquote.bluesky-embed"
# A wrapper is the post's when the post holds this share of its text (a caption may sit beside it).
WRAPPER_MIN_POST_SHARE = 0.8
ARTICLE_LEVEL_TAGS = frozenset({"article", "main", "body", "html"})


def open_embedded_posts(tree: LexborHTMLParser) -> int:
    """Take trafilatura's discard names off each embedded post and off the wrappers its posts
    fill; how many posts (a post quoted inside another counts with it)."""
    posts = [post for post in tree.css(EMBEDDED_POSTS) if not _inside_post(post)]
    opened = 0
    for post in posts:
        if not post.text(deep=True, strip=True):
            continue
        opened += 1
        unmark(post)
        node = post.parent
        while node is not None and node.tag not in ARTICLE_LEVEL_TAGS:
            # the posts a wrapper holds, not this one alone: a block of two or three tweets
            held = sum(len(inner.text(deep=True, strip=True)) for inner in node.css(EMBEDDED_POSTS)
                       if not _inside_post(inner, node))
            if held < WRAPPER_MIN_POST_SHARE * len(node.text(deep=True, strip=True)):
                break
            parent = node.parent
            if node.tag == "figure":
                node.unwrap()  # trafilatura deletes every <figure>, taking it for an image
            else:
                unmark(node)
            node = parent
    return opened


def _inside_post(post: LexborNode, within: LexborNode | None = None) -> bool:
    """Whether ``post`` is quoted inside another post (below ``within``, when given)."""
    node = post.parent
    while node is not None and (within is None or node.mem_id != within.mem_id):
        if node.tag == "blockquote" and node.css_matches(EMBEDDED_POSTS):
            return True
        node = node.parent
    return False
