"""Feed parsing and normalisation, on the quirks real feeds of the region have."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.exceptions import FeedParseError
from bot.ingest.parse import clean_text, normalize_url, parse_feed, split_feed
from testkit.feed_server import fixture_bytes

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def rss(items: str, *, head: str = '<?xml version="1.0" encoding="utf-8"?>',
        link: str = "https://news.example/") -> bytes:
    """A minimal RSS 2.0 document around `items`."""
    return (f'{head}<rss version="2.0"><channel><title>T</title><link>{link}</link>'
            f"{items}</channel></rss>").encode()


def test_html_and_cdata_become_plain_text() -> None:
    """Tags, CDATA and double-escaped entities end up as clean text."""
    body = rss(
        "<item><title><![CDATA[Fire <b>near</b> Sotk]]></title><link>https://n.am/1</link>"
        "<description><![CDATA[<p><img src='x.webp'/>The &amp;ldquo;enemy&amp;rdquo;"
        "&amp;nbsp;fired&#13;</p><script>alert(1)</script>]]></description></item>"
    )
    (entry,) = parse_feed(body, url="https://n.am/rss", now=NOW)
    assert entry.title == "Fire near Sotk"
    assert entry.summary == "The “enemy” fired"


def test_dates_to_utc_and_missing_dates() -> None:
    """+0400 offsets convert to UTC; a missing date stays None; a far-future one is dropped."""
    body = rss(
        "<item><title>a</title><link>https://n.am/a</link>"
        "<pubDate>Tue, 24 Nov 2026 10:00:00 +0400</pubDate></item>"
        "<item><title>b</title><link>https://n.am/b</link></item>"
        "<item><title>c</title><link>https://n.am/c</link>"
        "<pubDate>Tue, 24 Nov 2099 10:00:00 +0000</pubDate></item>"
    )
    a, b, c = parse_feed(body, url="https://n.am/rss", now=NOW)
    assert a.published == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    assert b.published is None
    assert c.published is None


def test_relative_links_absolutised_and_javascript_dropped() -> None:
    """Relative links resolve against the feed; javascript: links are removed."""
    body = rss(
        "<item><title>a</title><link>/news/1</link></item>"
        "<item><title>b</title><link>javascript:alert(1)</link></item>"
        "<item><title>c</title><link>//cdn.n.am/x</link></item>",
        link="https://n.am/",
    )
    a, b, c = parse_feed(body, url="https://n.am/rss/feed.xml", now=NOW)
    assert a.url == "https://n.am/news/1"
    assert b.url is None
    assert c.url == "https://cdn.n.am/x"


def test_duplicate_guids_fall_back_to_links() -> None:
    """A guid shared by every item identifies none; links keep items apart."""
    body = rss(
        "<item><guid>same</guid><title>a</title><link>https://q.az/1</link></item>"
        "<item><guid>same</guid><title>b</title><link>https://q.az/2</link></item>"
    )
    a, b = parse_feed(body, url="https://q.az/rss", now=NOW)
    assert a.dedupe_key != b.dedupe_key
    assert a.guid is None


def test_same_item_twice_in_one_feed_kept_once() -> None:
    """An item repeated in one document is returned once."""
    item = "<item><guid>g1</guid><title>a</title><link>https://n.am/1</link></item>"
    assert len(parse_feed(rss(item + item), url="https://n.am/rss", now=NOW)) == 1


def test_no_guid_no_description() -> None:
    """Items with only a title and link still get a stable key."""
    body = rss("<item><title>Only title</title><link>https://az.az/x</link></item>")
    (first,) = parse_feed(body, url="https://az.az/rss", now=NOW)
    (again,) = parse_feed(body, url="https://az.az/rss", now=NOW)
    assert first.dedupe_key == again.dedupe_key
    assert first.summary == ""


def test_windows_1251_feed() -> None:
    """A windows-1251 Russian feed decodes correctly."""
    body = (
        '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>T'
        "</title><item><title>Обстрел у села Сотк</title><link>https://r.ru/1</link></item>"
        "</channel></rss>"
    ).encode("cp1251")
    (entry,) = parse_feed(body, url="https://r.ru/rss", now=NOW)
    assert entry.title == "Обстрел у села Сотк"


def test_atom_feed() -> None:
    """Atom entries parse with their links and dates."""
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
        b'<entry><id>urn:1</id><title>Drone strike reported</title>'
        b'<link href="https://a.example/1"/><updated>2026-11-24T09:00:00Z</updated>'
        b"<summary>Text</summary></entry></feed>"
    )
    (entry,) = parse_feed(body, url="https://a.example/atom", now=NOW)
    assert entry.url == "https://a.example/1"
    assert entry.published == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<!DOCTYPE html><html><body>Just a moment...</body></html>",
        b"<html><head><title>Attention Required! | Cloudflare</title></head></html>",
        b"this is not xml at all",
    ],
)
def test_not_a_feed_is_an_error(body: bytes) -> None:
    """Empty bodies, HTML pages and junk raise FeedParseError instead of 'no news'."""
    with pytest.raises(FeedParseError):
        parse_feed(body, url="https://x.example/rss", now=NOW)


def test_entity_expansion_bomb_is_harmless() -> None:
    """A billion-laughs document neither hangs nor explodes in memory."""
    lol = "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    body = (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
            '<rss version="2.0"><channel><title>&l9;</title><item><title>&l9;</title>'
            "<link>https://x/1</link></item></channel></rss>").encode()
    try:
        entries = parse_feed(body, url="https://x.example/rss", now=NOW)
    except FeedParseError:
        return
    assert all(len(e.title) <= 600 for e in entries)


def test_clean_text_strips_controls_and_bidi() -> None:
    """Control characters and bidi overrides are removed from titles."""
    assert clean_text("a\x00b\u202ec\x1bd", limit=100) == "abcd"


def test_normalize_url() -> None:
    """Tracking parameters, www, fragments and trailing slashes don't make URLs differ."""
    a = normalize_url("http://www.News.am/eng/news/1/?utm_source=tg&b=2&a=1#top")
    b = normalize_url("https://news.am/eng/news/1?a=1&b=2")
    assert a == b
    assert normalize_url("javascript:alert(1)") is None


def test_zone_less_date_read_as_utc() -> None:
    """An RFC 822 date without a zone (feedparser drops it) is kept, read as UTC."""
    body = rss("<item><title>a</title><link>https://h.am/a</link>"
               "<pubDate>Tue, 24 Nov 2026 09:05:00</pubDate></item>")
    (entry,) = parse_feed(body, url="https://h.am/rss", now=NOW)
    assert entry.published == datetime(2026, 11, 24, 9, 5, tzinfo=UTC)


# -- split_feed: items read alone give what the whole feed gives --------------------------

SPLITTABLE = ["armenpress_en.xml", "civilnet_atom_en.xml", "hetq_hy.xml", "apa_az.xml",
              "relative_links_rss_en.xml", "hostile_markup_en.xml", "no_pubdate_en.xml",
              "newsam_ru_cp1251.xml", "koi8r_ru.xml", "google_news_en.xml"]


@pytest.mark.parametrize("name", SPLITTABLE)
def test_items_parsed_alone_match_the_whole_feed(name: str) -> None:
    """Each item cut out of a fixture parses, alone, to the entry the whole feed gives it."""
    body = fixture_bytes(name)
    layout = split_feed(body)
    assert layout is not None
    whole = parse_feed(body, url="https://site.example/rss", now=NOW)
    alone = [entry for item in layout.items
             for entry in parse_feed(layout.body([item]), url="https://site.example/rss", now=NOW)]
    assert len(layout.items) >= len(whole) > 0
    assert alone == whole
    assert parse_feed(layout.body(layout.items), url="https://site.example/rss", now=NOW) == whole


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (rss("<item><title>a</title></item>", head='<?xml version="1.0" encoding="shift_jis"?>'),
         "a multi-byte encoding expat lacks"),
        (fixture_bytes("malformed.xml"), "not well-formed"),
        (fixture_bytes("billion_laughs.xml"), "declares entities"),
        ("<?xml version='1.0' encoding='utf-16'?><rss><channel><item><title>a</title></item>"
         "</channel></rss>".encode("utf-16"), "UTF-16"),
        (rss("<item><title>a</title><guid>g</guid></item>"
             "<item><title>b</title><guid> g </guid></item>"), "repeated guid"),
        (rss("<item/>"), "an empty item"),
        (rss("<item><title>a</title><link>a</link></item><link>https://other.example/</link>"
             "<item><title>b</title><link>b</link></item>"), "channel link between items"),
        (rss(""), "no items"),
    ],
)
def test_feeds_left_to_feedparser_whole(body: bytes, why: str) -> None:
    """What the quick cut cannot do exactly is not cut at all."""
    assert split_feed(body) is None, why


def _expanding_feed(encoding: str = "utf-8") -> bytes:
    """The outside review's feed: one 10 KB entity referenced 20,000 times (about 70 KB)."""
    refs = "&e;" * 20_000
    text = (f'<?xml version="1.0" encoding="{encoding}"?>'
            f'<!DOCTYPE rss [<!ENTITY e "{"x" * 10_000}">]>'
            f'<rss version="2.0"><channel><title>T</title><item><title>a</title>'
            f"<description>{refs}</description><link>https://x/1</link></item>"
            "</channel></rss>")
    return text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_entity_declarations_are_refused(encoding: str) -> None:
    """A document that declares entities is not a feed: refused before any expansion."""
    with pytest.raises(FeedParseError, match="declares XML entities"):
        parse_feed(_expanding_feed(encoding), url="https://x.example/rss", now=NOW)


def test_unknown_declared_encoding_is_left_to_feedparser() -> None:
    """An encoding Python does not know makes the quick cut step aside; feedparser reads it."""
    body = rss("<item><title>a</title><link>https://x.example/a</link></item>",
               head='<?xml version="1.0" encoding="x-unknown-charset"?>')
    assert split_feed(body) is None
    (entry,) = parse_feed(body, url="https://x.example/rss", now=NOW)
    assert entry.title == "a"


@pytest.mark.parametrize("mark", ["\u061c", "\ufeff", "\u2060", "\u2066", "\u200f"])
def test_clean_text_strips_every_invisible_direction_mark(mark: str) -> None:
    """The Arabic letter mark, the BOM and the word joiner go the way of the bidi overrides."""
    assert clean_text(f"Tavush{mark} shelled", limit=100) == "Tavush shelled"
