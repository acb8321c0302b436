from __future__ import annotations

import codecs
import gzip

import pytest

from pipeline.extract.decode import decode_body, decode_page
from pipeline.extract.errors import (
    BinaryPage,
    CorruptCompression,
    EmptyPage,
    PageTooLarge,
    UndecodablePage,
)

LIMIT = 1_000_000


@pytest.mark.parametrize(("body", "error"), [
    (b"", EmptyPage),
    (b"  \n\t\n", EmptyPage),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), BinaryPage),
    (b"<html>" + bytes(range(0, 9)) * 50, BinaryPage),
    (b"\x1f\x8b\x08\x00garbage", CorruptCompression),
    (b"x" * (LIMIT + 1), PageTooLarge),
], ids=["empty", "whitespace", "png", "nul-bytes", "broken-gzip", "too-large"])
def test_rejects_with_reason(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_page(body, max_bytes=LIMIT)


def test_gzip_bomb_is_capped() -> None:
    bomb = gzip.compress(b"a" * (LIMIT * 20))
    assert len(bomb) < LIMIT
    with pytest.raises(PageTooLarge):
        decode_page(bomb, max_bytes=LIMIT)


def test_gzip_page_is_decompressed() -> None:
    page = decode_page(gzip.compress("<html><body><p>Grüße</p></body></html>".encode()), max_bytes=LIMIT)
    assert (page.kind, page.encoding) == ("html", "utf-8")
    assert "Grüße" in page.text


def test_html_declared_charset_is_used() -> None:
    body = '<html><head><meta charset="windows-1251"></head><body><p>Привет, мир</p></body></html>'
    page = decode_page(body.encode("cp1251"), max_bytes=LIMIT)
    assert page.encoding == "cp1251" and "Привет, мир" in page.text


def test_http_header_charset_wins_over_detection() -> None:
    body = "<html><body><p>café crème brûlée, déjà vu</p></body></html>".encode("latin-1")
    page = decode_page(body, content_type="text/html; charset=ISO-8859-1", max_bytes=LIMIT)
    assert "café crème brûlée" in page.text


def test_text_in_legacy_charset_is_detected_not_garbled() -> None:
    text = ("Der Bürgermeister äußerte sich am Dienstag zur Lage. Die Straßen blieben gesperrt, "
            "während die Behörden über weitere Maßnahmen berieten. ") * 5
    page = decode_page(text.encode("cp1252"), kind_hint="text", max_bytes=LIMIT)
    assert page.text == text


def test_utf16_with_bom() -> None:
    page = decode_page("\ufeffHello world, this is text.".encode("utf-16-le"), kind_hint="text", max_bytes=LIMIT)
    assert page.text == "Hello world, this is text."


def test_undecodable_text_is_rejected() -> None:
    noise = bytes((i * 37 + 128) % 256 for i in range(4000))
    noise = bytes(b for b in noise if b >= 0x80)
    with pytest.raises((UndecodablePage, BinaryPage)):
        decode_page(noise, kind_hint="text", max_bytes=LIMIT)


@pytest.mark.parametrize(("body", "kind"), [
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    (b"  <html lang='en'><p>x", "html"),
    (b"Plain words on a line.\nAnother line.", "text"),
    # templates that print a script or a style before their doctype (WHATWG sniffing patterns)
    (b"\n<script type=\"text/javascript\">var a = 1;</script>\n<!DOCTYPE html><html>", "html"),
    (b"<!-- cache -->\n<style>\n#x { display: none }\n</style>\n<!DOCTYPE html>", "html"),
    (b"<div class=\"page\"><p>x</p></div>", "html"),
    (b"<br/>", "html"),
    (b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">', "html"),
    # a capture that opens with a word in angle brackets, or a tag-like word, is still text
    (b"<Editor's note> This story was updated.\nSecond line.", "text"),
    (b"<ahem> A story about tags.\n", "text"),
    (b"<bold claims> are not tags\n", "text"),
])
def test_kind_is_sniffed_without_hint(body: bytes, kind: str) -> None:
    assert decode_page(body, max_bytes=LIMIT).kind == kind


def test_multi_member_gzip_is_read_whole() -> None:
    body = gzip.compress(b"<html><body><p>first half, ") + gzip.compress(b"second half</p></body></html>")
    assert decode_page(body, max_bytes=LIMIT).text.endswith("first half, second half</p></body></html>")


def test_bytes_after_the_gzip_data_are_corruption() -> None:
    with pytest.raises(CorruptCompression):
        decode_page(gzip.compress(b"<html><p>page</p></html>") + b"garbage tail", max_bytes=LIMIT)


def test_multi_member_gzip_is_capped_in_total() -> None:
    member = gzip.compress(b"a" * (LIMIT // 2 + 10))
    with pytest.raises(PageTooLarge):
        decode_page(member + member, max_bytes=LIMIT)


@pytest.mark.parametrize("content_type", ["", "text/html; charset=UTF-16LE"])
def test_utf16_label_on_an_ascii_compatible_body_is_not_believed(content_type: str) -> None:
    label = '<meta charset="utf-16">' if not content_type else ""
    body = f"<html><head>{label}<title>Café</title></head><body><p>Crème brûlée for everyone.</p></body></html>"
    page = decode_page(body.encode("cp1252"), content_type=content_type, max_bytes=LIMIT)
    assert page.encoding == "cp1252" and "Crème brûlée" in page.text


# --- mojibake (issue 16 item 6) ----------------------------------------------------------------
CURLY = "We’d like to say the council’s decision was “final”, but it wasn’t. Café au lait, naïve résumé. " * 4
RUSSIAN = "Городской совет сообщил во вторник, что мост снова откроется для движения весной. " * 3


def test_utf8_with_one_stray_byte_stays_utf8() -> None:
    body = CURLY.encode("utf-8") + b" \x92 " + CURLY.encode("utf-8")
    text, encoding = decode_body(body, "text")[:2]
    assert encoding == "utf-8"
    assert text == CURLY + " \ufffd " + CURLY


def test_a_wrong_latin1_label_on_a_cp1251_page_is_not_believed() -> None:
    body = f"<html><head><meta charset='iso-8859-1'></head><body><p>{RUSSIAN}</p></body></html>".encode("cp1251")
    text, encoding = decode_body(body, "html")[:2]
    assert RUSSIAN in text and encoding != "iso8859-1"


def test_a_legacy_page_is_still_windows_1252() -> None:
    body = "Le café de la gare a rouvert ses portes après deux ans de travaux. ".encode("cp1252") * 5
    assert decode_body(body, "text")[:2] == ("Le café de la gare a rouvert ses portes après deux ans de travaux. " * 5,
                                             "cp1252")


def test_text_that_only_decodes_as_mojibake_is_rejected() -> None:
    body = bytes(range(0x80, 0x100)) * 40  # every high byte, no language in any charset
    with pytest.raises(UndecodablePage):
        decode_body(body, "text")


# The page's own mojibake: UTF-8 text once read as cp1252 or Latin-1 and encoded as UTF-8 again
# (browsers' cp1252 keeps the five bytes it leaves undefined, such as 0x9d, as C1 characters).
CP1252_MOJIBAKE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in CURLY.encode("utf-8"))
LATIN1_MOJIBAKE = CURLY.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize("carried", [CP1252_MOJIBAKE, LATIN1_MOJIBAKE], ids=["cp1252", "latin-1"])
def test_mojibake_the_page_carries_is_repaired(carried: str) -> None:
    body = f"<html><head><meta charset='utf-8'></head><body><p>{carried}</p></body></html>".encode("utf-8")
    page = decode_page(body, max_bytes=LIMIT)
    assert page.text == f"<html><head><meta charset='utf-8'></head><body><p>{CURLY}</p></body></html>"
    assert (page.encoding, page.mojibake_repaired) == ("utf-8", True)


@pytest.mark.parametrize("text", [
    CURLY + RUSSIAN,
    # an article about character sets quoting two pieces of mojibake keeps them
    "Old pages showed â€™ for an apostrophe and Ã© for é, the report said, and some still do. " + CURLY,
], ids=["accented", "quoted"])
def test_text_without_mojibake_is_left_as_it_is(text: str) -> None:
    page = decode_page(text.encode("utf-8"), kind_hint="text", max_bytes=LIMIT)
    assert (page.text, page.mojibake_repaired) == (text, False)


def test_mojibake_signs_counts_what_finditer_finds() -> None:
    # Text dense in the signs' characters, leads next to leads included: the count from the leads'
    # positions is finditer's, up to the cap.
    import random

    from pipeline.extract.decode import _MOJIBAKE_SIGN, mojibake_signs

    alphabet = ["\u00c2", "\u00c3", "\u00e2", "\u20ac", "\u2122", "\u201d", "\u0153", "\u00a9", "\u00bf",
                "\u0080", "\u2019", "\u0160", "a", " "]
    chooser = random.Random(8)
    for _ in range(3000):
        text = "".join(chooser.choice(alphabet) for _ in range(chooser.randrange(0, 24)))
        found = sum(1 for _ in _MOJIBAKE_SIGN.finditer(text))
        for cap in (1, 3, 100):
            assert mojibake_signs(text, cap) == min(found, cap), (text, cap)


def test_control_share_counts_c0_controls_but_not_whitespace() -> None:
    from pipeline.extract.decode import check_not_binary

    text = b"<p>" + b"x" * 997
    check_not_binary(text[:-20] + b"\x01\x1f\x0b\x0e" * 5)  # 20 of 1,000: 2%, not over it
    check_not_binary(text[:-40] + b"\t\n\r\x0c" * 10)  # whitespace controls are text
    with pytest.raises(BinaryPage):
        check_not_binary(text[:-21] + b"\x01\x1f\x0b\x0e\x08" * 4 + b"\x7f" + b"\x02")  # 21 of 1,000


def test_the_utf8_bytes_are_given_only_when_the_text_is_exactly_their_decoding() -> None:
    page = "<html><body><p>Grüße aus Köln, café</p></body></html>"
    assert decode_page(page.encode(), max_bytes=LIMIT).utf8 == page.encode()
    assert decode_page(codecs.BOM_UTF8 + page.encode(), max_bytes=LIMIT).utf8 is None
    assert decode_page(page.encode("cp1252"), max_bytes=LIMIT).utf8 is None
    stray = ("<html><body><p>" + "Grüße aus Köln. " * 30 + "</p>").encode() + b"\xff</body></html>"
    decoded = decode_page(stray, max_bytes=LIMIT)
    assert (decoded.encoding, decoded.utf8) == ("utf-8", None)  # the stray byte became U+FFFD
    carried = "<p>It\u00e2\u20ac\u2122s the caf\u00c3\u00a9\u00e2\u20ac\u2122s \u00e2\u20ac\u0153menu\u00e2\u20ac\u009d</p>"
    repaired = decode_page(carried.encode(), max_bytes=LIMIT)
    assert repaired.mojibake_repaired and repaired.utf8 is None
