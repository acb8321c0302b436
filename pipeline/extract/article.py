"""One page in, one article record out: the pure function every execution path calls.

``extract_article`` takes and returns plain picklable data, so it runs the same in the
reactor thread and in a worker process (trafilatura is not thread-safe: never call it from
threads).
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement
from selectolax.lexbor import LexborHTMLParser, LexborNode
from trafilatura.settings import Extractor

from pipeline import __version__
from pipeline.extract import rules
from pipeline.extract.dates import date_in_url, normalize_iso
from pipeline.extract.decode import decode_page
from pipeline.extract.errors import NoArticleText, TooManyElements
from pipeline.extract.html import blocks
from pipeline.extract.html.metadata import html_metadata
from pipeline.extract.html.panels import INLINE_TAGS
from pipeline.extract.html.preclean import preclean, protect_standfirst
from pipeline.extract.html.shield import shield_prose
from pipeline.extract.language import detect_language, identifier, normalize_language
from pipeline.extract.model import TreeModel, compiled_scorer
from pipeline.extract.paragraphs import (
    clean_paragraphs,
    content_hash,
    normalize_text,
    not_prose,
    word_count,
)
from pipeline.extract.readability_gate import cleaned_copy_on_demand, readability_when_it_can_win
from pipeline.extract.text.capture import clean_text_capture
from pipeline.extract.text.line_features import shipped_line_model
from pipeline.extract.trafilatura_input import HandedOver, quick_repair
from pipeline.extract.urls import title_from_slug
from pipeline.extract.xpath_scans import plain_element_classes, scanned_xpaths
from pipeline.items import SCHEMA_VERSION, Article, ExtractOptions, KnownMetadata, Page
from pipeline.utils.url import article_urls

# At import: the forkserver imports this module once, so every extraction worker shares the model
# (and the line rules' gates: 20 ms a worker otherwise).
identifier()
rules.derive_gates()


def count_tags(html: str) -> int:
    """An upper bound of the page's elements, without parsing: every ``<`` that does not open
    an end tag (comments, doctypes and ``<`` in scripts count too). 15 ms for 10 MB."""
    return html.count("<") - html.count("</")


def check_elements(html: str, limit: int) -> None:
    """Refuse a page with more than ``limit`` tags before any parser builds its tree: a page of
    a million ``<p>`` or 650,000 ``<a>`` took 1.6-2.2 GB in trafilatura and lxml (issue 16).
    The largest page of aeb-dev and wcxb-dev has 5,106 (the default limit is ten times that).
    Every ``<`` first: it bounds the tags and costs a quarter of ``count_tags`` (whose ``</``
    search took 0.19 ms a page on aeb-dev), so ordinary pages are let through on it alone."""
    if limit and html.count("<") > limit and (tags := count_tags(html)) > limit:
        raise TooManyElements(f"the page has {tags:,} tags, more than NEWSCLEAN_MAX_ELEMENTS={limit:,}")


TRAFILATURA_ENGINE = f"trafilatura {trafilatura.__version__}" if hasattr(trafilatura, "__version__") else "trafilatura"


@dataclass
class Extracted:
    """What either input path found, before it becomes a record."""

    paragraphs: list[str]
    removed: Counter[str]
    engine: str
    url: str | None = None
    title: str | None = None
    description: str | None = None
    site_name: str | None = None
    authors: list[str] | None = None
    published: str | None = None
    published_from: str | None = None
    language: str | None = None


HEADLINE_TAGS = "h1"
HEADLINE_REACH = 3  # a repeated headline sits among the first paragraphs, never further down
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def headline_key(text: str) -> str:
    """``text`` compared as a headline: compatibility forms, curly quotes, case and spacing
    folded (the page's ``<title>`` and its ``<h1>`` often differ only in those)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()).casefold()


def drop_headline(paragraphs: list[str], headlines: list[str], removed: Counter[str]) -> list[str]:
    """Without the paragraphs among the first ``HEADLINE_REACH`` that repeat a headline (the
    title, or a page ``<h1>``): the headline goes to the record's ``title``, not its text.
    On aeb-dev a first paragraph equal to an ``<h1>`` is never in the ground truth, while
    one equal to the page description (the standfirst) usually is: that one stays."""
    keys = {headline_key(h) for h in headlines if h and h.strip()}
    if not keys:
        return paragraphs
    kept = []
    for i, paragraph in enumerate(paragraphs):
        if i < HEADLINE_REACH and headline_key(paragraph) in keys:
            removed[rules.HEADLINE] += 1
        else:
            kept.append(paragraph)
    return kept


def assemble_blocks(texts: list[str], headlines: list[str]) -> tuple[list[str], Counter[str]]:
    """The record's paragraphs from the extracted ones: the named post-clean rules, then the
    headline drop; with what they removed, per noise class."""
    paragraphs, removed, _ = clean_paragraphs(texts)
    return drop_headline(paragraphs, headlines, removed), removed


MODEL_PATH = Path(__file__).with_name("models") / "html-blocks.json"


@functools.cache
def block_model() -> tuple[Callable[[Sequence[float]], float], float, float]:
    """The shipped block model as a function of a ``block_features`` row, and its keep and add
    thresholds. Loaded on first use, so the model file is read only when the setting is on."""
    model = TreeModel.load(MODEL_PATH)
    names = {name: j for j, name in enumerate(blocks.feature_names())}
    scorer = compiled_scorer(model, [names[name] for name in model.feature_names])
    return scorer, model.threshold, float(model.meta["add_threshold"])


def model_paragraphs(tree: LexborHTMLParser, body: str, rule_paragraphs: list[str],
                     headlines: list[str]) -> tuple[list[str], Counter[str]]:
    """The paragraphs the block model keeps (``NEWSCLEAN_HTML_BLOCK_MODEL``): the pre-cleaned
    page's blocks, each kept or dropped from its features and from whether trafilatura's and the
    rules' texts hold it, then the same post-clean rules and headline drop. Blocks the rules'
    text held that the model drops are counted as rule ``block_model`` (class ``furniture``)."""
    probability, keep_threshold, add_threshold = block_model()
    found = blocks.candidate_blocks(tree)
    rows = blocks.block_features(found, body, "\n".join(rule_paragraphs))
    clean = blocks.CLEAN_SHARE
    kept, dropped = [], 0
    for block, row in zip(found, rows):
        if blocks.keeps(probability(row), row[clean], keep_threshold, add_threshold):
            kept.append(blocks.paragraph_of(block))
        elif row[clean] >= 0.5:
            dropped += 1
    paragraphs, removed = assemble_blocks(kept, headlines)
    if dropped:
        removed[rules.STRUCTURAL_RULES["block_model"]] += dropped
    return paragraphs, removed


def trusted_canonical(canonical: str | None, page_url: str) -> str | None:
    """The page's canonical / og:url, resolved against the page URL, when it can name this
    article: http(s) only, and not the site root while the page itself is not (templates that
    point every page's canonical at the home page would otherwise merge all their articles)."""
    if not canonical:
        return None
    resolved = urljoin(page_url, canonical.strip())
    parts = urlsplit(resolved)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if parts.path in ("", "/") and not parts.query and urlsplit(page_url).path not in ("", "/"):
        return None
    return resolved


# favor_precision sometimes keeps a sliver of the article (one section of a long guide, a list's
# introduction without its items): when its text is under RECALL_CHECK_SHARE of what pre-clean
# left of the page, trafilatura runs again without it, and that wider text is taken when the
# precise one is under PRECISE_MAX_SHARE of its distinct text. Nested cross-validation grouped by
# site (bench/cv_recall.py, aeb-dev + wcxb-dev, 5 folds) picks 0.4/0.5 on 3 folds: held-out gain
# over bare trafilatura on wcxb-dev +0.0016/+0.0036 (shingle/word F1), against +0.0011/+0.0026
# with 0.2/0.5. The check stays 0.2 for cost: at 0.4 trafilatura runs again on 59 of 802 dev pages
# (25 at 0.2; 12 of 91 aeb-dev pages against 4, none of them taking the wider text), 28.2 against
# 24.9 CPU-ms per page on 2,000 aeb-dev pages (bench/throughput.py). See the README's Recall.
RECALL_CHECK_SHARE = 0.2
PRECISE_MAX_SHARE = 0.5


def page_text_length(tree: LexborHTMLParser) -> int:
    """Characters of text in the (pre-cleaned) page's body: what the precise text is measured against."""
    return len(tree.body.text(deep=True, strip=True)) if tree.body is not None else 0


# Page parts that hold no article text, left out of what the recall retry measures the text
# against: trafilatura's own tree cleaning drops aside, footer, form and menu, pre-clean drops nav,
# and a page header holds the masthead and menus. Counting their text sent short articles on
# furniture-heavy pages to a second run that could not win.
OUTSIDE_ARTICLE = frozenset({"nav", "footer", "aside", "header", "form", "menu"})
_OUTSIDE_ARTICLE_SELECTOR = ", ".join(sorted(OUTSIDE_ARTICLE))


def article_text_length(tree: LexborHTMLParser) -> int:
    """``page_text_length`` without the text of the outermost ``OUTSIDE_ARTICLE`` elements. Their
    text is subtracted (the stripped fragments add up exactly), so the tree trafilatura reads
    next is left as it is; 0.04 ms a page more than ``page_text_length`` on aeb-dev."""
    body = tree.body
    if body is None:
        return 0
    length = len(body.text(deep=True, strip=True))
    for node in body.css(_OUTSIDE_ARTICLE_SELECTOR):
        parent = node.parent
        while parent is not None and parent.tag not in OUTSIDE_ARTICLE:
            parent = parent.parent
        if parent is None:  # outermost: an inner one's text is in its ancestor's already
            length -= len(node.text(deep=True, strip=True))
    return length


# Blocks whose text ``free_prose_length`` counts: an inline element's text belongs to the nearest.
PROSE_BLOCK_TAGS = frozenset({"p", "li", "dd", "dt", "td", "th", "blockquote", "pre", "figcaption", "div",
                              "section", "article", "main", "body", "ul", "ol", "table", "tr",
                              "h1", "h2", "h3", "h4", "h5", "h6"})
FREE_PROSE_MIN_WORDS = 10
FREE_PROSE_MIN_CHARS = 50
FREE_PROSE_LINK_CHARS = 20  # a block holding a link this long is a teaser or a link list, not prose
FREE_PROSE_PROBE = 40  # characters of a run of text looked up in the first text


def free_prose_length(tree: LexborHTMLParser, body: str, enough: float = float("inf")) -> int:
    """Characters of the pre-cleaned page's prose that ``body`` lacks: runs of text of
    ``FREE_PROSE_MIN_WORDS`` words whose first ``FREE_PROSE_PROBE`` characters are not in
    ``body``, outside links, in a block without a link of ``FREE_PROSE_LINK_CHARS`` characters
    (teasers and related-story lists: the text trafilatura rightly leaves out, and its recall run
    too), that no line rule claims (a sign-up box's pitch: the post-clean would remove it, and a
    second run for it brings the box back glued into one paragraph with the page's other
    furniture). Counting stops past ``enough``. What the recall retry can add to a text is there; on the
    pages where none is, the retry gave the same text (aeb-dev, wcxb-dev)."""
    root = tree.body
    if root is None:
        return 0
    text = " ".join(body.split())
    linked_blocks: dict[int, bool] = {}
    length = 0
    for node in root.traverse(include_text=True):
        if node.tag != "-text":
            continue
        run = node.text_content
        if not run or len(run) < FREE_PROSE_MIN_CHARS:
            continue
        words = run.split()
        if len(words) < FREE_PROSE_MIN_WORDS:
            continue
        run = " ".join(words)
        if run[:FREE_PROSE_PROBE] in text or rules.match_line_rule(run) is not None:
            continue
        block, linked = node.parent, False
        while block is not None and block.tag not in PROSE_BLOCK_TAGS:
            linked = linked or block.tag == "a"
            block = block.parent
        if linked or block is None:
            continue
        key = block.mem_id
        if key not in linked_blocks:
            linked_blocks[key] = any(len(a.text(deep=True, strip=True)) > FREE_PROSE_LINK_CHARS
                                     for a in block.css("a"))
        if not linked_blocks[key]:
            length += len(run)
            if length >= enough:
                break
    return length


def distinct_length(text: str) -> int:
    """Characters of ``text``'s distinct paragraphs: without favor_precision, some templates give
    the article two or three times over (from its JSON-LD and its page copies)."""
    return sum(len(p) for p in set(text.split("\n")))


# Without favor_precision, trafilatura sometimes stops at the first of the article's blocks (an
# introduction, one section of a guide, the part in <p> of a template that sets the rest in
# <div>s). Its own recall escalation only looks at texts under 3,000 characters and a fifth of
# the page. When the text holds under ``ExtractOptions.recall_retry_share`` of the pre-cleaned
# page's text outside its furniture (``article_text_length``), trafilatura runs again with
# favor_recall, and that text is taken when its distinct text is more than RECALL_RETRY_RATIO
# times as long. Nested cross-validation grouped by site (bench/cv_retry.py: aeb-dev + wcxb-dev,
# 5 folds; ratio and share picked on the other four) picks 1.1 and a share of 0.83 or more on
# every fold: held-out gain over bare trafilatura on wcxb-dev +0.0115 against +0.0066 without the
# retry, every fold above its figure without it; no aeb-dev page takes the retried text. The
# former default 0.85 takes it on the same 28 wcxb-dev pages as any share up to 1 (the highest of them
# holds 0.82; the default is now 0.83, below) and runs a second time on 34 of 91 aeb-dev and 177 of 711 wcxb-dev pages: 39 and
# 135 with the whole page's text at the former default 0.7 (+0.0112 held-out), 76 and 399 at 0.9.
RECALL_RETRY_RATIO = 1.1
# ... and only when the page holds prose the text lacks (``free_prose_length``) of at least this
# share of the text's length. Nested cross-validation (bench/cv_retry.py --prose, share and this
# picked together on the other folds; grid 0-0.1) picks 0.01 on three folds of five, 0.005 and
# 0.03 on the others, with the same held-out gain (wcxb-dev +0.0162 / +0.0191), and share 0.83 on
# every fold; at 0.83 and 0.01 the retry runs on 28
# instead of 34 of 91 aeb-dev pages and 155 instead of 177 of 711 wcxb-dev pages (at 0.85 without
# it), and every record of the 802 is the same (the skipped runs all gave the first text back).
RECALL_RETRY_MIN_FREE_PROSE = 0.01


# trafilatura's main extractor reads a <div>'s own text only on pages with little <p> text, so a
# paragraph a template sets directly in a <div> among the article's <p>s is lost (a guide's item
# descriptions, a post's paragraphs in "rich text" <div>s; bare trafilatura loses them too). Setting
# every such <div> in a <p> before the first run moved 52 dev pages both ways: an author bio set in
# a <p> made trafilatura pick another part of one page (0.94 -> 0.44), and sign-up fine print,
# cookie notices and company blurbs came in. So only the <div>s of LOOSE_PROSE_MIN_WORDS words
# (under LOOSE_PROSE_MAX_LINK_SHARE of them in links, no line rule claiming them) that hold
# nothing but text and inline elements, whose text the first text lacks, and that sit beside a
# paragraph it holds (a <p> child of their parent or grandparent) are set in <p>; trafilatura runs
# again on that page, and its text is taken when it keeps LOOSE_PROSE_KEEP of the first text's
# lines and has more distinct text. Site folds (802 dev pages): see the README's eighth session.
LOOSE_PROSE_MIN_WORDS = 30
LOOSE_PROSE_MAX_LINK_SHARE = 0.3
LOOSE_PROSE_REACH = 2  # the parent and the grandparent
LOOSE_PROSE_KEEP = 0.95
LOOSE_PROSE_LINE_CHARS = 20  # shorter lines (headings, labels) are not asked for


def _flat(text: str) -> str:
    return " ".join(text.split())


def loose_prose_divs(tree: LexborHTMLParser, body: str) -> list[int]:
    """Positions, among the page's ``<div>``s, of those whose prose ``with_loose_prose`` sets in ``<p>``."""
    text = _flat(body)
    found = []
    for position, div in enumerate(tree.css("div")):
        child = div.child
        while child is not None and child.tag in INLINE_TAGS:
            child = child.next
        if child is not None:
            continue
        prose = _flat(div.text(deep=True))
        words = len(prose.split())
        if words < LOOSE_PROSE_MIN_WORDS or prose[:FREE_PROSE_PROBE] in text:
            continue
        link_words = sum(len(link.text(deep=True).split()) for link in div.css("a"))
        if link_words >= LOOSE_PROSE_MAX_LINK_SHARE * words or rules.match_line_rule(prose) is not None:
            continue
        if _beside_text(div, text):
            found.append(position)
    return found


def _beside_text(div: LexborNode, text: str) -> bool:
    node = div
    for _ in range(LOOSE_PROSE_REACH):
        parent = node.parent
        if parent is None:
            return False
        child = parent.child
        while child is not None:
            if child.tag == "p":
                paragraph = _flat(child.text(deep=True))
                if len(paragraph.split()) >= 8 and paragraph[:FREE_PROSE_PROBE] in text:
                    return True
            child = child.next
        node = parent
    return False


def with_loose_prose(tree: LexborHTMLParser, body: str, page_url: str, options: ExtractOptions) -> str:
    """``body``, or trafilatura's text of the page with its loose prose set in ``<p>`` (see above)."""
    positions = loose_prose_divs(tree, body)
    if not positions:
        return body
    page = LexborHTMLParser(tree.html or "")
    divs, originals = page.css("div"), tree.css("div")
    for position in positions:
        if position < len(divs) and _flat(divs[position].text(deep=True)) == _flat(originals[position].text(deep=True)):
            divs[position].inner_html = "<p>" + (divs[position].inner_html or "") + "</p>"
    wider = run_trafilatura(page.html or "", extractor(page_url, options.include_tables))
    lines = [line for line in body.split("\n") if len(line) >= LOOSE_PROSE_LINE_CHARS]
    flat_wider = _flat(wider)
    kept = sum(_flat(line)[:FREE_PROSE_PROBE] in flat_wider for line in lines)
    if kept >= LOOSE_PROSE_KEEP * len(lines) and distinct_length(wider) > distinct_length(body):
        return wider
    return body


def extract_body(tree: LexborHTMLParser, page_url: str, options: ExtractOptions) -> str:
    """trafilatura's text of the pre-cleaned page, without the readability runs that cannot
    change it (``readability_gate``: same text, a quarter less of trafilatura's time), its
    whole-page XPath expressions asked in one Python pass each and its elements built without
    lxml.html's Python class lookup (``xpath_scans``: same elements, same text)."""
    html = tree.html or ""
    tables = options.include_tables
    body = run_trafilatura(html, extractor(page_url, tables, favor_precision=options.favor_precision))
    if options.favor_precision:
        if RECALL_CHECK_SHARE and len(body) < RECALL_CHECK_SHARE * page_text_length(tree):
            wider = run_trafilatura(html, extractor(page_url, tables))
            if len(body) < PRECISE_MAX_SHARE * distinct_length(wider):
                return wider
    elif (options.recall_retry_share and len(body) < options.recall_retry_share * article_text_length(tree)
          and free_prose_length(tree, body, needed := RECALL_RETRY_MIN_FREE_PROSE * len(body)) >= needed):
        # fast: without readability and jusText, the fallbacks the first run already had.
        # shield_prose: what trafilatura's discard vocabulary would delete from the article.
        wider = run_trafilatura(html, extractor(page_url, tables, favor_recall=True, fast=True), shielded=True)
        if distinct_length(wider) > RECALL_RETRY_RATIO * len(body):
            return wider
    return body


def run_trafilatura(html: str, options: Extractor, *, shielded: bool = False) -> str:
    """``trafilatura.extract`` with the same text in less time: its XPath scans in one pass
    (``scanned_xpaths``), plain lxml elements, readability only where it can win (not asked in
    fast mode), jusText's tree copied only when jusText runs and the page's repair before lxml
    parses it done quicker (``quick_repair``). ``shielded``: of the page with its prose shielded
    (``shield_prose``), whose tree trafilatura takes over without copying it."""
    with scanned_xpaths(), plain_element_classes(), readability_when_it_can_win(), cleaned_copy_on_demand(), \
            quick_repair():
        page: str | HandedOver = html
        if shielded:
            shielded_tree = shield_prose(html)
            page = HandedOver(shielded_tree) if isinstance(shielded_tree, HtmlElement) else shielded_tree
        return trafilatura.extract(page, options=options) or ""


@functools.lru_cache(maxsize=16)
def _extractor_template(include_tables: bool, favor_precision: bool, favor_recall: bool, fast: bool) -> Extractor:
    return Extractor(output_format="txt", fast=fast, precision=favor_precision, recall=favor_recall, comments=False,
                     tables=include_tables, dedup=False, with_metadata=False)


def extractor(page_url: str, include_tables: bool, *, favor_precision: bool = False, favor_recall: bool = False,
              fast: bool = False) -> Extractor:
    """The options ``trafilatura.extract`` makes of its keywords (``url``, ``include_comments=False``,
    ``include_tables``, ``with_metadata=False``, ``deduplicate=False`` and the three given here), copied
    from one made once: making one reads seven values of its configuration and today's date
    (65 us; the date is read only with metadata, which is off). trafilatura changes a copy of the
    options it is given, never them (``tests/unit/extract/test_article_extractor.py`` compares the two)."""
    options = copy(_extractor_template(include_tables, favor_precision, favor_recall, fast))
    options.url = page_url
    options.source = page_url and page_url.encode("utf-8", "replace").decode("utf-8")
    return options


def htmldate_would_fetch(html: str) -> bool:
    """Whether htmldate would take ``html`` for an address and download it (its ``load_html``:
    a string that starts with "http" and holds no space). A page whose whole body is an address
    would make the worker fetch it outside Scrapy: no robots.txt, no allowed domains, no limits,
    and any host a hostile page names. Such a page holds no date to find."""
    return html.startswith("http") and " " not in html


def extract_html(html: str, page_url: str, options: ExtractOptions, html_utf8: bytes | None = None) -> Extracted:
    """1. metadata from the untouched page (head, JSON-LD); 2. selectolax pre-clean;
    3. trafilatura on what is left (comments off; ``favor_precision`` only when the setting asks,
       and then again without it when that kept a sliver of the page; without it, again with
       ``favor_recall`` when the text is a small part of the page: ``extract_body``);
    4. the shared post-clean rules (a second copy of the text among them);
    5. htmldate only when neither the metadata nor the URL gives a date (it is the slow
       part, and a date written in the URL is more trustworthy than its guess).
    ``html_utf8``: ``html``'s UTF-8 bytes when the caller has them (``DecodedPage.utf8``), parsed
    instead of ``html`` (selectolax parses a string's UTF-8 bytes)."""
    tree = LexborHTMLParser(html_utf8 if html_utf8 is not None else html)
    meta = html_metadata(tree)
    headlines = [meta.title or ""] + [node.text(deep=True, separator=" ") for node in tree.css(HEADLINE_TAGS)]
    standfirst = protect_standfirst(tree)
    removed = preclean(tree)
    body = extract_body(tree, page_url, options)
    if not options.favor_precision:
        body = with_loose_prose(tree, body, page_url, options)
    paragraphs, post_removed = assemble_blocks(body.split("\n"), headlines)
    if options.html_block_model:
        paragraphs, post_removed = model_paragraphs(tree, body, paragraphs, headlines)
    removed.update(post_removed)
    published, published_from = meta.published, meta.published_from
    if not published and date_in_url(page_url):
        # extract_article falls back to the URL's date itself; htmldate would only guess.
        published, published_from = None, None
    elif not published and not htmldate_would_fetch(html):
        found = find_date(html, original_date=True, extensive_search=False)
        if found:
            published, published_from = normalize_iso(found), "htmldate"
    return Extracted(
        paragraphs=paragraphs, removed=removed, engine=TRAFILATURA_ENGINE,
        url=trusted_canonical(meta.url, page_url), title=meta.title,
        description=meta.description or standfirst, site_name=meta.site_name, authors=meta.authors,
        published=published, published_from=published_from, language=meta.language,
    )


def extract_text(text: str, known: KnownMetadata, options: ExtractOptions) -> Extracted:
    found = clean_text_capture(text, site_name=known.site_name, url=known.url, title_hint=known.title or known.feed_title,
                               line_model=shipped_line_model() if options.text_line_model else None)
    return Extracted(
        paragraphs=found.paragraphs, removed=found.removed, engine="newsclean textclean",
        title=found.title, description=found.description, authors=found.authors,
        published=found.published, published_from=found.published_from,
    )


def extract_article(page: Page, options: ExtractOptions) -> Article:
    """Turn one fetched page into a record, or raise a ``PageProblem`` subclass saying why.

    1. Decode: decompress (capped), refuse binary, pick the charset by a stated rule.
    2. Extract by kind: HTML (metadata, pre-clean, trafilatura, post-clean) or text capture
       (line classifier). Both give paragraphs, metadata and removal counts.
    3. Merge metadata: what the caller already knew (sidecar, feed) wins over the page, the
       page over the URL; the URL's own date is the last resort for ``published``.
    4. Build the record; an empty body is rejected here, not later, so the reason is exact.
    """
    decoded = decode_page(page.body, content_type=page.content_type, kind_hint=page.kind_hint,
                          compressed=page.source_url.endswith(".gz"), max_bytes=options.max_page_bytes)
    known = page.known
    if decoded.kind == "html":
        check_elements(decoded.text, options.max_elements)
        found = extract_html(decoded.text, known.url or page.source_url, options, html_utf8=decoded.utf8)
    else:
        found = extract_text(decoded.text, known, options)
    text = normalize_text(found.paragraphs)
    if not text:
        raise NoArticleText(f"no article text found in the {decoded.kind} page")
    if why := not_prose(text):
        raise NoArticleText(f"the {decoded.kind} page's text is not prose: {why}")
    url, canonical_url = article_urls(known.url, found.url, page.source_url)
    published, published_from = normalize_iso(known.published), "feed" if known.published else None
    if not published:
        published, published_from = found.published, found.published_from
    if not published:
        published = date_in_url(url)
        published_from = "url" if published else None
    return Article(
        schema_version=SCHEMA_VERSION,
        url=url,
        source_url=page.source_url,
        site_name=known.site_name or found.site_name,
        # No article is lost to its title: the URL's slug is the last resort, then null.
        title=known.title or found.title or known.feed_title or title_from_slug(url),
        authors=list(found.authors or []),
        published=published,
        published_from=published_from,
        # The text itself beats the page's lang attribute, which templates often get wrong.
        language=(normalize_language(known.language)
                  or detect_language(text, declared=normalize_language(found.language))
                  or normalize_language(found.language)),
        description=found.description,
        text=text,
        word_count=word_count(text),
        content_hash=content_hash(text),
        fetched_at=known.fetched_at or page.fetched_at,
        extractor={"name": "newsclean", "version": __version__, "input": decoded.kind, "engine": found.engine,
                   "encoding": decoded.encoding, **({"repaired": "mojibake"} if decoded.mojibake_repaired else {})},
        removed=dict(sorted(found.removed.items())),
        canonical_url=canonical_url,
    )
