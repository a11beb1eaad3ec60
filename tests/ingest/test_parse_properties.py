"""Property-based checks over feed entries: any text survives parsing and renders safely."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.exceptions import FeedParseError
from bot.ingest.parse import parse_feed, split_feed
from bot.present.formatting import TELEGRAM_LIMIT, esc, link, shorten_html
from testkit.telegram_api import parse_html_entities

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
# XML 1.0 cannot carry most control characters at all; everything else is fair game,
# including markup, entities, bidi overrides and astral-plane characters.
xml_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=600,
).map(lambda s: "".join(c for c in s if c in "\t\n\r" or ord(c) >= 0x20))
links = st.one_of(
    st.just("https://news.example/a"),
    st.just("javascript:alert(1)"),
    st.just("/relative/path?x=1&y=<2>"),
    st.text(max_size=80),
)


def rss_with(title: str, description: str, url: str) -> bytes:
    """One RSS item with the given raw strings, XML-escaped as a feed would."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{escape(title)}</title><description>{escape(description)}"
        f"</description><link>{escape(url)}</link></item></channel></rss>"
    ).encode()


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(xml_text, xml_text, links)
def test_any_entry_parses_to_clean_text_and_safe_html(title: str, desc: str, url: str) -> None:
    """Whatever a feed says, the entry is clean text and its rendering is valid Telegram HTML."""
    try:
        entries = parse_feed(rss_with(title, desc, url), url="https://news.example/rss", now=NOW)
    except FeedParseError:
        return
    for entry in entries:
        assert all(ord(c) >= 0x20 or c == " " for c in entry.title + entry.summary)
        assert entry.url is None or entry.url.startswith(("http://", "https://"))
        message = shorten_html(
            f"<b>{esc(entry.title)}</b>\n{esc(entry.summary)}\n{link(entry.url, 'Source')}",
            TELEGRAM_LIMIT,
        )
        plain, _ = parse_html_entities(message)  # raises like Telegram on bad markup
        assert len(plain.encode("utf-16-le")) // 2 <= TELEGRAM_LIMIT


feed_items = st.lists(
    st.tuples(xml_text, xml_text, st.sampled_from(["https://news.example/{i}", "/rel/{i}?a=1&b=2",
                                                    "javascript:void({i})", ""]),
              st.sampled_from(["", "g{i}", "https://news.example/p/{i}"])),
    min_size=1, max_size=6,
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(feed_items)
def test_items_cut_from_any_feed_parse_as_in_the_whole(
    items: list[tuple[str, str, str, str]],
) -> None:
    """Whatever the items say, each one cut out and parsed alone gives its whole-feed entry."""
    parts = []
    for i, (title, desc, url, guid) in enumerate(items):
        guid_tag = f"<guid>{escape(guid.format(i=i))}</guid>" if guid else ""
        parts.append(f"<item><title>{i} {escape(title)}</title><description>{escape(desc)}"
                     f"</description><link>{escape(url.format(i=i))}</link>{guid_tag}</item>")
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            "<link>https://news.example/</link>" + "\n".join(parts) + "</channel></rss>").encode()
    layout = split_feed(body)
    assert layout is not None
    assert len(layout.items) == len(items)
    whole = parse_feed(body, url="https://news.example/rss", now=NOW)
    alone = [entry for item in layout.items
             for entry in parse_feed(layout.body([item]), url="https://news.example/rss", now=NOW)]
    assert alone == whole
