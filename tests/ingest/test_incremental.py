"""What is new in a fetched body: only unseen items are parsed, in chunks, as in the whole feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.exceptions import FeedParseError
from bot.ingest.incremental import new_entries, parse_items
from bot.ingest.parse import parse_feed, split_feed
from testkit.feed_server import fixture_bytes, rss

URL = "https://news.example/rss"
START = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
FEEDS = ["armenpress_en.xml", "newsam_ru_cp1251.xml", "azertag_az.xml", "hetq_hy.xml",
         "civilnet_atom_en.xml", "hostile_markup_en.xml", "relative_links_rss_en.xml"]


def story(n: int) -> tuple[str, str, str, datetime]:
    """Feed item `n`: its own link and guid, a date fixed across bodies."""
    return f"Story {n}", f"Text of story {n}.", f"https://news.example/{n}", START + timedelta(
        minutes=n
    )


@pytest.mark.parametrize("name", FEEDS)
def test_items_parsed_in_chunks_are_the_whole_feeds_entries(name: str) -> None:
    """Any chunk size gives the whole feed's entries, in order (fixtures in four languages)."""
    body = fixture_bytes(name)
    layout = split_feed(body)
    assert layout is not None
    whole = parse_feed(body, url=URL)
    for chunk in (1, 2, 7, 1000):
        assert parse_items(layout, layout.items, url=URL, content_type=None, chunk=chunk) == whole


def test_a_link_repeated_across_chunks_is_one_entry() -> None:
    """Items without guid sharing a link key alike: a later one is dropped as in the whole feed,
    even when the two are parsed in different chunks."""
    items = "".join(
        f"<item><title>T{n}</title><link>https://news.example/{n % 3}</link></item>"
        for n in range(6)
    )
    body = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}'
            "</channel></rss>").encode()
    layout = split_feed(body)
    assert layout is not None
    chunked = parse_items(layout, layout.items, url=URL, content_type=None, chunk=2)
    assert [e.title for e in chunked] == ["T0", "T1", "T2"]
    assert chunked == parse_feed(body, url=URL)


def test_only_items_the_last_body_lacked_are_new() -> None:
    """A feed that gains items on top yields those; its unchanged body yields nothing."""
    first, seen = new_entries(rss(*(story(n) for n in range(5, 0, -1))), None, url=URL,
                              content_type=None)
    assert [e.title for e in first] == [f"Story {n}" for n in range(5, 0, -1)]
    assert seen is not None
    assert len(seen.items) == 5
    body = rss(*(story(n) for n in range(7, 2, -1)))  # two new on top, two old fell off
    later, after = new_entries(body, seen, url=URL, content_type=None)
    assert [e.title for e in later] == ["Story 7", "Story 6"]
    assert after is not None
    assert new_entries(body, after, url=URL, content_type=None) == ([], None)


def test_a_feed_the_quick_reader_refuses_is_read_whole_every_time() -> None:
    """Repeated guids make the keys depend on the whole feed: it is parsed whole, and nothing
    is remembered of its items (so nothing is skipped next time)."""
    items = "".join(f"<item><title>T{n}</title><guid>same</guid>"
                    f"<link>https://news.example/{n}</link></item>" for n in range(3))
    body = f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()
    entries, seen = new_entries(body, None, url=URL, content_type=None)
    assert [e.title for e in entries] == ["T0", "T1", "T2"]
    assert seen is not None
    assert seen.items == frozenset()
    assert len(new_entries(body + b" ", seen, url=URL, content_type=None)[0]) == 3


def test_channel_posts_are_known_by_id() -> None:
    """A channel page's posts are new until seen once, whatever else on the page changes."""
    page = fixture_bytes("tme_mod_armenia.html")
    first, seen = new_entries(page, None, url=URL, content_type=None, channel="mod_armenia")
    assert first
    assert seen is not None
    changed = page.replace(b"</body>", b"<!-- views changed --></body>")
    assert new_entries(changed, seen, url=URL, content_type=None, channel="mod_armenia")[0] == []


def test_not_a_feed_raises() -> None:
    """An HTML page where a feed should be is refused, not read as an empty feed."""
    with pytest.raises(FeedParseError):
        new_entries(fixture_bytes("site_homepage.html"), None, url=URL, content_type=None)
