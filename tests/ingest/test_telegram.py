"""Channel preview pages to entries: posts, links, reposts, albums, and pages that fail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.exceptions import ChannelLayoutError, ConfigError, FeedParseError
from bot.ingest.parse import FeedEntry
from bot.ingest.telegram import channel_name, channel_of, channel_url, parse_channel, preview_url
from bot.settings import load_settings
from testkit.feed_server import fixture_bytes
from testkit.tme_preview import Post, preview_page

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def page(name: str = "tme_mod_armenia.html") -> dict[str, FeedEntry]:
    """The fixture's entries keyed by post id."""
    parsed = parse_channel(fixture_bytes(name), channel="mod_armenia", now=NOW)
    return {e.guid.rpartition("/")[2]: e for e in parsed.entries if e.guid}


def test_posts_keep_their_link_time_and_text_with_links() -> None:
    """A text post: its own t.me link, its time, its text without markup and with its link."""
    parsed = parse_channel(fixture_bytes("tme_mod_armenia.html"), channel="mod_armenia", now=NOW)
    assert parsed.title == "Ministry of Defence of Armenia"
    first = parsed.entries[0]
    assert first.url == "https://t.me/mod_armenia/1001"
    assert first.url_norm == "https://t.me/mod_armenia/1001"
    assert first.published == datetime(2026, 12, 2, 6, 40, 12, tzinfo=UTC)
    assert first.title.startswith("On December 2, at around 10:40, units of the Azerbaijani")
    assert "<" not in first.summary
    assert "&amp;" not in first.summary
    # The link keeps its address, with the '&' t.me escapes twice in such links mended.
    assert "mil.am (https://mil.am/en/news/1234?a=1&b=2)" in first.summary
    assert "There are no casualties on the Armenian side." in first.summary
    assert "🇦🇲" in first.summary
    assert "#MoD" in first.summary
    assert first.forwarded_from is None


def test_album_repost_edit_caption_and_reply() -> None:
    """An album is one post with its caption; a repost says whose; a reply is its own text."""
    posts = page()
    assert sorted(posts) == ["1001", "1002", "1005", "1006", "1009", "1010"]
    assert posts["1002"].summary.startswith("Photos of the damage")
    assert posts["1005"].forwarded_from == "Armenpress"
    assert posts["1006"].title.startswith("Update: the situation")
    assert posts["1009"].summary == (
        "Azerbaijani statements about Armenian fire near Kalbajar are not true."
    )
    assert posts["1010"].summary.startswith("Video: drone footage")


def test_an_edited_post_keeps_its_key() -> None:
    """The dedupe key is the post's id: an edit of a post is the same item."""
    when = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    before = parse_channel(preview_page("chan_x", [Post(7, "Shelling near Sotk.", when)]),
                           channel="chan_x", now=NOW)
    after = parse_channel(
        preview_page("chan_x", [Post(7, "Shelling near Sotk; one wounded.", when, edited=True)]),
        channel="chan_x", now=NOW,
    )
    assert before.entries[0].dedupe_key == after.entries[0].dedupe_key
    assert before.entries[0].summary != after.entries[0].summary


def test_empty_channel_is_not_an_error_until_it_had_posts() -> None:
    """A channel with no posts yet is empty; the same page for a channel that had posts is
    a change of markup."""
    parsed = parse_channel(fixture_bytes("tme_empty_channel.html"), channel="bw_empty_channel")
    assert parsed.entries == ()
    assert parsed.title == "Border Watch test channel"
    with pytest.raises(ChannelLayoutError):
        parse_channel(fixture_bytes("tme_empty_channel.html"), channel="bw_empty_channel",
                      had_posts=True)


@pytest.mark.parametrize("had_posts", [False, True])
def test_changed_layout_is_an_error(had_posts: bool) -> None:
    """A redesigned page yields no posts and says so; unreadable post ids say the markup
    changed even for a new source."""
    expected = ChannelLayoutError if had_posts else FeedParseError
    with pytest.raises(expected, match="markup"):
        parse_channel(fixture_bytes("tme_changed_layout.html"), channel="mod_armenia",
                      had_posts=had_posts)
    with pytest.raises(ChannelLayoutError, match="markup changed"):
        parse_channel(fixture_bytes("tme_unreadable_posts.html"), channel="mod_armenia",
                      had_posts=had_posts)


def test_no_preview_and_empty_bodies_fail() -> None:
    """The landing page of a channel without a preview, and an empty body, are no channel."""
    with pytest.raises(FeedParseError, match="no channel preview"):
        parse_channel(fixture_bytes("tme_no_preview.html"), channel="some_private_channel")
    with pytest.raises(FeedParseError, match="empty"):
        parse_channel(b"  ", channel="x_channel")


def test_dates_in_the_future_and_foreign_posts() -> None:
    """A clock far ahead gives no date; a block of another channel's post is not this one's."""
    future = datetime(2027, 1, 1, tzinfo=UTC)
    parsed = parse_channel(
        preview_page("chan_x", [Post(1, "Text one.", future), Post(2, "Text two.", NOW)]),
        channel="chan_x", now=NOW,
    )
    assert [e.published for e in parsed.entries] == [None, NOW]
    other = preview_page("other_chan", [Post(3, "Text.", NOW)])
    with pytest.raises(ChannelLayoutError):
        parse_channel(other, channel="chan_x")


@pytest.mark.parametrize(
    ("ref", "name"),
    [
        ("mod_armenia", "mod_armenia"),
        ("@MoD_Armenia", "mod_armenia"),
        ("https://t.me/mod_armenia", "mod_armenia"),
        ("https://t.me/s/mod_armenia", "mod_armenia"),
        ("t.me/mod_armenia/1234", "mod_armenia"),
        ("http://telegram.me/mod_armenia", "mod_armenia"),
        ("https://t.me/joinchat/AAAA", None),
        ("https://t.me/+AbCdEf", None),
        ("https://t.me/c/12345/6", None),
        ("https://evil.example/mod_armenia", None),
        ("https://t.me:8443/mod_armenia", None),
        ("abc", None),
        ("", None),
    ],
)
def test_channel_names(ref: str, name: str | None) -> None:
    """Channel references people write resolve to one username; invite and private links
    and other hosts do not."""
    assert channel_name(ref) == name


def test_channel_urls() -> None:
    """A channel is stored under its t.me preview URL and read from the configured base."""
    assert channel_url("mod_armenia") == "https://t.me/s/mod_armenia"
    assert channel_of("https://t.me/s/mod_armenia") == "mod_armenia"
    assert channel_of("https://armenpress.am/en/rss/articles") is None
    assert preview_url("mod_armenia", "http://127.0.0.1:9/") == "http://127.0.0.1:9/s/mod_armenia"


def test_web_base_url_setting() -> None:
    """TELEGRAM_WEB_BASE_URL defaults to https://t.me, loses a trailing slash, and must be an
    http(s) URL."""
    assert load_settings().telegram_web_base_url == "https://t.me"
    loopback = load_settings(telegram_web_base_url="http://127.0.0.1:8000/")
    assert loopback.telegram_web_base_url == "http://127.0.0.1:8000"
    with pytest.raises(ConfigError, match="TELEGRAM_WEB_BASE_URL"):
        load_settings(telegram_web_base_url="t.me")
