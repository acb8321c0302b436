"""Candidate text blocks of a (pre-cleaned) page and their features, for the keep/drop model.

Every text node belongs to its nearest block ancestor (``BLOCK_TAGS``: paragraphs, headings,
list items, cells, and containers such as ``div`` that hold text directly), so a block's text is
the text only it holds: nested blocks never give the same words twice. Blocks come in document
order (of their first text). Features describe the block (length, links, punctuation, tag),
its ancestors (tags, and a fixed generic vocabulary of class/id tokens; no token names a site),
its place in the page, and whether trafilatura's text holds its words (``kept_share``): the
model starts from trafilatura's choice and corrects it where the block's other features
disagree. ``bench/train_html_blocks.py`` trains the model; ``pipeline/extract/article.py``
applies it (``NEWSCLEAN_HTML_BLOCK_MODEL``).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
    "figcaption", "caption", "div", "section", "article", "main", "header", "footer", "aside",
    "ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "tr", "form", "figure", "address",
    "details", "summary", "body", "center", "fieldset", "legend", "hgroup", "nav", "menu",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "head", "title"})
LINE_BREAK_TAGS = frozenset({"br", "hr"})
LIST_ITEM_TAGS = frozenset({"li", "dd", "dt"})

# The block's own tag, one-hot by kind.
TAG_KINDS = (
    ("tag_p", frozenset({"p"})),
    ("tag_h1", frozenset({"h1"})),
    ("tag_h2_h6", frozenset({"h2", "h3", "h4", "h5", "h6"})),
    ("tag_li", LIST_ITEM_TAGS),
    ("tag_cell", frozenset({"td", "th", "caption"})),
    ("tag_quote", frozenset({"blockquote", "pre"})),
    ("tag_figcaption", frozenset({"figcaption"})),
)
# Ancestor (or self) tags worth knowing.
ANCESTOR_TAGS = ("article", "main", "header", "footer", "aside", "form", "ul", "ol", "table", "figure",
                 "blockquote", "a", "section", "nav")
# Class/id tokens, chosen a priori as the generic words templates name their parts with (none
# names a site); ``bench/train_html_blocks.py`` prints on how many dev sites each occurs and
# keeps the model's vocabulary to those seen on at least 20.
NAME_TOKENS = (
    "content", "article", "body", "text", "story", "post", "entry", "main", "page", "single",
    "related", "share", "social", "comment", "comments", "footer", "header", "nav", "menu",
    "promo", "newsletter", "subscribe", "caption", "sidebar", "widget", "ad", "ads", "banner",
    "teaser", "card", "author", "byline", "meta", "date", "tag", "tags", "breadcrumb", "title",
    "headline", "summary", "excerpt", "lead", "intro", "more", "recommended", "popular", "list",
    "item", "link", "links", "copyright", "cookie", "modal", "image", "photo", "media", "video",
    "figure", "credit", "rich", "prose", "paragraph", "wrapper", "container", "inner", "block",
    "section", "module", "grid", "col", "row", "top", "bottom", "hidden", "footnote", "description",
)
_NAME_TOKEN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_WORD = re.compile(r"\w+")
SENTENCE_END = tuple('.!?:"\u201d\u2019)\u00bb')
_PUNCTUATION = re.compile(r"[.,;:!?]")
_DIGIT = re.compile(r"\d")
NEIGHBOURHOOD = 3  # blocks either side whose trafilatura share is averaged (weighted by length)


@dataclass
class Block:
    """One candidate block: its text pieces and the facts its features come from."""

    tag: str
    depth: int
    ancestor_tags: int
    name_tokens: int
    first: int = -1
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    text: str = ""


def name_tokens_of(node: LexborNode, index: dict[str, int]) -> int:
    """Bit mask of the vocabulary tokens in the element's class and id (camelCase split, lower-cased)."""
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    mask = 0
    if names.strip():
        for token in _NAME_TOKEN.findall(names):
            bit = index.get(token.lower())
            if bit is not None:
                mask |= 1 << bit
    return mask


def candidate_blocks(tree: LexborHTMLParser, vocabulary: tuple[str, ...] = NAME_TOKENS) -> list[Block]:
    """The page's text blocks in document order (of their first text), empty ones left out."""
    body = tree.body
    if body is None:
        return []
    index = {token: bit for bit, token in enumerate(vocabulary)}
    tag_bits = {tag: bit for bit, tag in enumerate(ANCESTOR_TAGS)}
    root = Block("body", 0, 0, name_tokens_of(body, index))
    blocks = [root]
    counter = 0
    # (node, its block, ancestor tag mask, name token mask, depth, inside a link)
    stack: list[tuple[LexborNode, Block, int, int, int, bool]] = []
    for child in reversed(list(body.iter(include_text=True))):
        stack.append((child, root, 0, root.name_tokens, 1, False))
    while stack:
        node, block, tags, tokens, depth, in_link = stack.pop()
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if text:
                if block.first < 0 and text.strip():
                    block.first = counter
                    counter += 1
                block.parts.append(text)
                if in_link:
                    block.link_chars += len(text.strip())
            continue
        if tag in SKIP_TAGS or tag is None or tag.startswith("-") or tag == "!--":
            continue
        if tag in LINE_BREAK_TAGS:
            block.parts.append("\n")
            continue
        tags |= 1 << tag_bits[tag] if tag in tag_bits else 0
        tokens |= name_tokens_of(node, index)
        if tag == "a":
            in_link = True
        if tag in BLOCK_TAGS:
            block = Block(tag, depth, tags, tokens)
            blocks.append(block)
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, block, tags, tokens, depth + 1, in_link))
    kept = []
    for block in blocks:
        if block.first < 0:
            continue
        block.text = " ".join("".join(block.parts).split())
        if block.text:
            kept.append(block)
    kept.sort(key=lambda b: b.first)
    return kept


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return set(zip(words, words[1:], words[2:]))


class TextIndex:
    """A text's words as trigrams, to ask what share of a block's words it holds."""

    def __init__(self, text: str) -> None:
        words = words_of(text)
        self.trigrams = trigrams(words)
        self.joined = " " + " ".join(words) + " "

    def share(self, words: list[str]) -> float:
        """Share of ``words``' trigrams in the text (for fewer than three words: 1 when they
        occur together in it, else 0)."""
        if not words:
            return 0.0
        if len(words) < 3:
            return 1.0 if f" {' '.join(words)} " in self.joined else 0.0
        known = self.trigrams
        return sum(g in known for g in zip(words, words[1:], words[2:])) / (len(words) - 2)


@functools.cache
def _bits(mask: int, width: int) -> list[float]:
    return [1.0 if mask >> bit & 1 else 0.0 for bit in range(width)]


@functools.cache
def _tag_columns(tag: str) -> list[float]:
    """The tag's one-hot kind, then 1 for a container (no listed kind)."""
    is_kind = [1.0 if tag in tags else 0.0 for _, tags in TAG_KINDS]
    return is_kind + [0.0 if any(is_kind) else 1.0]


def feature_names(vocabulary: tuple[str, ...] = NAME_TOKENS) -> list[str]:
    return ([
        "log_chars", "words", "link_share", "punctuation_share", "digit_share", "sentence_end",
        "capitalised_share", "mean_word_length",
    ] + [name for name, _ in TAG_KINDS] + ["tag_container", "depth"]
        + [f"in_{tag}" for tag in ANCESTOR_TAGS] + [f"name_{token}" for token in vocabulary]
        + ["position", "chars_before_share", "kept_share", "kept_prev", "kept_next", "kept_around",
           "prev_log_chars", "next_log_chars", "prev_link_share", "next_link_share",
           "page_log_chars", "page_kept_share", "page_blocks_log"]
        + ["clean_share", "clean_prev", "clean_next", "clean_around", "page_clean_share"]
        + ["repeat_before", "repeats_log"])


def repeat_features(texts: list[str]) -> list[list[float]]:
    """Per block: 1 when the same text came earlier in the page; log of how often it occurs."""
    counts = Counter(texts)
    seen: set[str] = set()
    rows = []
    for text in texts:
        rows.append([1.0 if text in seen else 0.0, math.log(counts[text])])
        seen.add(text)
    return rows


def paragraph_of(block: Block) -> str:
    """The block as an output paragraph, in trafilatura's convention (a list item starts with "- ")."""
    return f"- {block.text}" if block.tag in LIST_ITEM_TAGS else block.text


def kept_features(words: list[list[str]], lengths: list[int], text: str) -> list[list[float]]:
    """Per block: the share of its words ``text`` holds, the same for the blocks before and
    after it, around it (weighted by length), and for the whole page."""
    index = TextIndex(text)
    kept = [index.share(w) for w in words]
    n = len(kept)
    page = sum(k * c for k, c in zip(kept, lengths)) / (sum(lengths) or 1)
    rows = []
    for i in range(n):
        lo, hi = max(0, i - NEIGHBOURHOOD), min(n, i + NEIGHBOURHOOD + 1)
        around = sum(kept[j] * lengths[j] for j in range(lo, hi)) / (sum(lengths[lo:hi]) or 1)
        rows.append([kept[i], kept[i - 1] if i else -1.0, kept[i + 1] if i + 1 < n else -1.0, around, page])
    return rows


def block_features(blocks: list[Block], kept_text: str, clean_text: str,
                   vocabulary: tuple[str, ...] = NAME_TOKENS) -> list[list[float]]:
    """One row per block, columns as ``feature_names(vocabulary)``; ``kept_text`` is trafilatura's
    text, ``clean_text`` the paragraphs the rules keep of it (post-clean, headline dropped)."""
    index = TextIndex(kept_text)
    n = len(blocks)
    lengths = [len(b.text) for b in blocks]
    total = sum(lengths) or 1
    words = [words_of(b.text) for b in blocks]
    kept = [index.share(w) for w in words]
    links = [min(1.0, b.link_chars / max(1, len(b.text))) for b in blocks]
    log_chars = [math.log1p(c) for c in lengths]
    kept_chars = sum(k * c for k, c in zip(kept, lengths))
    clean = kept_features(words, lengths, clean_text)
    repeats = repeat_features([b.text for b in blocks])
    page = [math.log1p(total), kept_chars / total, math.log1p(n)]
    rows = []
    before = 0
    for i, block in enumerate(blocks):
        text, w = block.text, words[i]
        chars = lengths[i]
        n_words = len(w) or 1
        row = [
            log_chars[i], float(len(w)), links[i],
            len(_PUNCTUATION.findall(text)) / chars,
            len(_DIGIT.findall(text)) / chars,
            1.0 if text.endswith(SENTENCE_END) else 0.0,
            sum(t[:1].isupper() for t in text.split()) / n_words,
            len("".join(w)) / n_words,
        ]
        row += _tag_columns(block.tag) + [float(block.depth)] + _bits(block.ancestor_tags, len(ANCESTOR_TAGS))
        row += _bits(block.name_tokens, len(vocabulary))
        lo, hi = max(0, i - NEIGHBOURHOOD), min(n, i + NEIGHBOURHOOD + 1)
        around_chars = sum(lengths[lo:hi]) or 1
        row += [
            i / n, before / total, kept[i],
            kept[i - 1] if i else -1.0, kept[i + 1] if i + 1 < n else -1.0,
            sum(kept[j] * lengths[j] for j in range(lo, hi)) / around_chars,
            log_chars[i - 1] if i else -1.0, log_chars[i + 1] if i + 1 < n else -1.0,
            links[i - 1] if i else -1.0, links[i + 1] if i + 1 < n else -1.0,
        ] + page + clean[i] + repeats[i]
        rows.append(row)
        before += chars
    return rows


CLEAN_SHARE = feature_names().index("clean_share")


def keeps(probability: float, clean_share: float, keep_threshold: float, add_threshold: float) -> bool:
    """The model's decision on one block: a block the rules' text holds (``clean_share`` at
    least 0.5) stays at ``keep_threshold``, any other is added at ``add_threshold``."""
    return probability >= (keep_threshold if clean_share >= 0.5 else add_threshold)
