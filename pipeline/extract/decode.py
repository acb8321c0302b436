"""Bytes to text: decompression with a cap, binary sniffing, and the charset rule.

The charset rule, in order (first that applies wins):
  1. a byte-order mark;
  2. valid UTF-8, or UTF-8 with a few stray bytes (replaced by U+FFFD) when its valid multi-byte
     characters outnumber the invalid bytes ``MIN_UTF8_VALID_PER_INVALID`` to one: a legacy
     decoding of such a page garbles every accented letter for the sake of one byte;
  3. HTML only: the charset declared by the Content-Type header, then by ``<meta>``, unless its
     text is mojibake (below) and the detected charset's is not;
  4. mostly-ASCII bodies (under 5% high bytes): windows-1252, the WHATWG default for unlabeled
     legacy pages, if it decodes them (detectors guess wildly on a handful of accented letters);
  5. the charset charset-normalizer detects, if it decodes the body coherently;
  6. otherwise the page is rejected as ``UndecodablePage``: never silently garbled.

Mojibake check: charset-normalizer's mess ratio of the text outside the markup; a legacy
decoding above ``MAX_MESS`` is never written ("Ãîðîäñêîé" for a cp1251 page labelled
iso-8859-1).

Mojibake the page itself carries is another matter: UTF-8 text that its publisher once decoded
as Latin-1 or cp1252 and encoded again ("itâ€™s", "cafÃ©", "debtâ\x80\x94nearly"), so that the
bytes are valid UTF-8 and every charset rule above reads them faithfully. When the decoded text
shows at least ``MIN_MOJIBAKE_SIGNS`` of its signatures, ftfy (``fix_encoding``: it undoes only
what decodes back to coherent text) repairs it, and the record says so.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from ftfy import fix_encoding
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

from pipeline.extract.errors import (
    BinaryPage,
    CorruptCompression,
    EmptyPage,
    PageTooLarge,
    UndecodablePage,
)

GZIP_MAGIC = b"\x1f\x8b"
# Signatures of common non-text formats that may arrive under a text name.
BINARY_SIGNATURES = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"BZh",
    b"\xfd7zXZ", b"Rar!", b"RIFF", b"OggS", b"\x00\x00\x01\x00", b"wOFF", b"wOF2",
)
SNIFF_BYTES = 8192
# Share of C0 control characters (other than tab, CR, LF, FF) above which a body is binary.
MAX_CONTROL_SHARE = 0.02
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20)])
# A body with no Content-Type and no telling name is HTML when, past leading comments, it opens
# with one of the tags of the WHATWG MIME Sniffing Standard's HTML patterns (section 7.1: the
# doctype, html, head, script, iframe, h1, div, font, table, a, style, title, b, body, br, p), or
# meta. Templates print a <script> or <style> before their doctype: the standard's list, not
# just html/head/body, keeps such a page from being read as a text capture (2 of 802 dev pages).
# An XHTML page may open with an XML declaration.
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|"
                         rb"style|title|b|body|br|p|meta)[\s/>]", re.IGNORECASE | re.DOTALL)
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
LEGACY_DEFAULT = "cp1252"
HIGH_BYTES = bytes(range(0x80, 0x100))
MAX_HIGH_BYTE_SHARE_FOR_DEFAULT = 0.05
# charset-normalizer's "chaos" above which its guess is not trusted.
MAX_DETECTION_CHAOS = 0.2
MAX_MESS = 0.2
MESS_SAMPLE_CHARS = 50_000
MIN_UTF8_VALID_PER_INVALID = 20
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_MARKUP = re.compile(r"<[^>]*>")
# UTF-8 read as Latin-1 or cp1252: a lead byte's letter (Â, Ã, â) before a continuation byte's
# character (U+0080-U+00BF), or cp1252's forms of the common punctuation ("â€™", "â€œ") and of
# accented letters ("Ã©", "Ã¼").
_MOJIBAKE_SIGN = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf]|\u00e2\u20ac[\u2122\u0153\u009d\u02dc\u201d\u201c"
                            "\u00a6\u00a2\u201e\u2018\u2019\u2013\u2014]|\u00c3[\u201a-\u201e\u2020-\u2022\u2026"
                            "\u2030\u2039\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2122]")
# Every sign starts with one of these, and no sign holds one after its first character.
_MOJIBAKE_LEADS = ("\u00c2", "\u00c3", "\u00e2")
# One or two signs are as likely a page quoting mojibake (an article about character sets) as
# carrying it.
MIN_MOJIBAKE_SIGNS = 3


@dataclass(frozen=True)
class DecodedPage:
    text: str
    kind: str  # "html" or "text"
    encoding: str
    mojibake_repaired: bool = False
    # The body's own bytes when ``text`` is exactly their UTF-8 decoding (most pages): an HTML
    # parser fed these reads the same as from ``text``, without encoding it back (0.17 ms a page).
    utf8: bytes | None = None


def gunzip_capped(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, every member of it (``cat a.gz b.gz`` is valid gzip), refusing to
    produce more than ``max_bytes`` (bomb guard); trailing garbage is corruption, not ignored."""
    parts: list[bytes] = []
    produced = 0
    rest = data
    while rest:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(rest, max_bytes - produced + 1)
        except zlib.error as exc:
            raise CorruptCompression(f"gzip data does not decompress: {exc}") from None
        produced += len(out)
        if produced > max_bytes or inflater.unconsumed_tail:
            raise PageTooLarge(f"decompresses to more than {max_bytes} bytes")
        if not inflater.eof:
            raise CorruptCompression("gzip data is truncated")
        parts.append(out)
        rest = inflater.unused_data
        if rest and not rest.startswith(GZIP_MAGIC):
            if rest.strip(b"\0"):  # zero padding after the last member is tolerated, as gzip(1) does
                raise CorruptCompression("unexpected bytes after the gzip data")
            break
    return b"".join(parts)


def sniff_kind(body: bytes, content_type: str, kind_hint: str) -> str:
    if kind_hint in ("html", "text"):
        return kind_hint
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        return "html"
    if mime == "text/plain":
        return "text"
    return "html" if _HTML_START.match(body[:SNIFF_BYTES]) else "text"


def check_not_binary(body: bytes) -> None:
    head = body[:SNIFF_BYTES]
    if any(head.startswith(sig) for sig in BINARY_SIGNATURES):
        raise BinaryPage("starts with the signature of a binary format")
    if any(head.startswith(bom) for bom, _ in BOMS):
        return  # UTF-16/32 text legitimately holds NUL bytes
    if b"\x00" in head:
        raise BinaryPage("contains NUL bytes")
    # Counted as the bytes translate() deletes: a tenth of the time of a regex's findall.
    if head and (len(head) - len(head.translate(None, CONTROL_BYTES))) / len(head) > MAX_CONTROL_SHARE:
        raise BinaryPage("too many control characters for text")


def _declared_encoding(body: bytes, content_type: str) -> str | None:
    declared = http_content_type_encoding(content_type) if content_type else None
    return declared or html_body_declared_encoding(body[:SNIFF_BYTES])


def decode_body(body: bytes, kind: str, content_type: str = "") -> tuple[str, str, bool]:
    """``(text, encoding)`` by the module's charset rule, and whether ``text`` is exactly ``body``
    read as UTF-8."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return body.decode(name), name.replace("-sig", ""), False
    try:
        return body.decode("utf-8"), "utf-8", True
    except UnicodeDecodeError:
        pass
    text, encoding = _decode_legacy(body, kind, content_type)
    return text, encoding, False


def _decode_legacy(body: bytes, kind: str, content_type: str) -> tuple[str, str]:
    """Rules 2 to 6 of the module docstring, for a body that is not valid UTF-8 and has no BOM."""
    if mostly_utf8(body):
        return body.decode("utf-8", errors="replace"), "utf-8"
    declared_text = None
    if kind == "html":
        declared = resolve_encoding(_declared_encoding(body, content_type) or "")
        # A UTF-16/32 label on a body without a BOM is a template error: the markup itself is
        # ASCII-compatible (WHATWG treats such a label as UTF-8), and decoding it as UTF-16
        # would "succeed" and turn the page into nonsense.
        if declared and declared not in ("utf-8", "utf8") and not declared.startswith(("utf-16", "utf-32")):
            try:
                declared_text = body.decode(declared)
            except (UnicodeDecodeError, LookupError):
                pass
            else:
                if not is_mojibake(declared_text):
                    return declared_text, declared
    high_bytes = len(body) - len(body.translate(None, HIGH_BYTES))
    if declared_text is None and high_bytes / len(body) < MAX_HIGH_BYTE_SHARE_FOR_DEFAULT:
        try:
            text = body.decode(LEGACY_DEFAULT)
        except UnicodeDecodeError:
            pass
        else:
            if not is_mojibake(text):
                return text, LEGACY_DEFAULT
    best = from_bytes(body).best()
    if best is not None and best.chaos <= MAX_DETECTION_CHAOS and not is_mojibake(str(best)):
        return str(best), best.encoding
    raise UndecodablePage("not UTF-8 and no charset decodes it without mojibake")


def mostly_utf8(body: bytes) -> bool:
    """UTF-8 but for a few stray bytes (rule 2 of the module docstring)."""
    valid = len(_UTF8_MULTIBYTE.findall(body))
    invalid = body.decode("utf-8", errors="replace").count("\ufffd") - body.count("\ufffd".encode())
    return valid >= MIN_UTF8_VALID_PER_INVALID * max(invalid, 1)


def is_mojibake(text: str) -> bool:
    """Text that reads as the wrong charset's (the mojibake check of the module docstring)."""
    return mess_ratio(_MARKUP.sub(" ", text[:MESS_SAMPLE_CHARS]), MAX_MESS) > MAX_MESS


def mojibake_signs(text: str, enough: int) -> int:
    """How many ``_MOJIBAKE_SIGN`` matches ``text`` holds, counting stops at ``enough``. A sign is
    tried only where one of its leads stands: a match holds no lead past its first character, so
    these are the matches ``finditer`` gives, without its scan of every character (10 ms for a
    547,000-character page holding an "â", against 0.06 ms)."""
    signs = 0
    for lead in _MOJIBAKE_LEADS:
        at = text.find(lead)
        while at != -1:
            if _MOJIBAKE_SIGN.match(text, at):
                signs += 1
                if signs >= enough:
                    return signs
            at = text.find(lead, at + 1)
    return signs


def repair_mojibake(text: str) -> tuple[str, bool]:
    """``text`` with the mojibake it carries undone (see the module docstring), and whether any was."""
    if mojibake_signs(text, MIN_MOJIBAKE_SIGNS) < MIN_MOJIBAKE_SIGNS:
        return text, False
    repaired = fix_encoding(text)
    return repaired, repaired != text


def decode_page(body: bytes, *, content_type: str = "", kind_hint: str = "",
                compressed: bool = False, max_bytes: int) -> DecodedPage:
    """Turn one input's bytes into text, or raise a ``PageProblem`` subclass saying why."""
    if len(body) > max_bytes:
        raise PageTooLarge(f"{len(body)} bytes, over the limit of {max_bytes}")
    if compressed or body.startswith(GZIP_MAGIC):
        body = gunzip_capped(body, max_bytes)
    if not body.strip():
        raise EmptyPage("no content")
    check_not_binary(body)
    kind = sniff_kind(body, content_type, kind_hint)
    text, encoding, exact_utf8 = decode_body(body, kind, content_type)
    if not text.strip():
        raise EmptyPage("no content after decoding")
    text, repaired = repair_mojibake(text)
    return DecodedPage(text=text, kind=kind, encoding=encoding, mojibake_repaired=repaired,
                       utf8=body if exact_utf8 and not repaired else None)
