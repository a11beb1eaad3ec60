"""OPML export and import: feeds for any reader, channels as links only Border Watch reads."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from bot.ingest.opml import OpmlEntry, parse_opml, render_opml
from bot.ingest.telegram import channel_name, channel_url

FEED = OpmlEntry("Armenpress", "https://armenpress.am/rss/en", "en", "armenian")
CHANNEL = OpmlEntry("@news_channel", channel_url("news_channel"), "ru", "independent")


def outlines(document: bytes) -> list[dict[str, str]]:
    """The attributes of every outline of an OPML document."""
    return [dict(o.attrib) for o in ET.fromstring(document).iter("outline")]


def test_channels_are_links_that_feed_readers_pass_over() -> None:
    """A feed is an rss outline with its xmlUrl; a channel is a link to t.me/<name> with no
    xmlUrl (its preview page is HTML no reader can subscribe to), and a comment says why."""
    document = render_opml([FEED, CHANNEL])
    feed, channel = outlines(document)
    assert feed["type"] == "rss"
    assert feed["xmlUrl"] == FEED.url
    assert channel["type"] == "link"
    assert "xmlUrl" not in channel
    assert channel["url"] == "https://t.me/news_channel"
    assert "/s/" not in document.decode()
    assert b"<!-- Telegram channels have no RSS feed" in document
    assert b"<!--" not in render_opml([FEED])  # nothing to explain without channels


def test_export_imports_back_whole() -> None:
    """What the export lists comes back from the import: names, languages, perspectives, and
    each channel as a link that names the same channel."""
    feed, channel = parse_opml(render_opml([FEED, CHANNEL]))
    assert feed == FEED
    assert (channel.name, channel.lang, channel.perspective) == ("@news_channel", "ru",
                                                                 "independent")
    assert channel_name(channel.url) == "news_channel"


@pytest.mark.parametrize("outline", [
    '<outline type="link" text="Site" url="https://armenpress.am/"/>',
    '<outline type="link" text="Invite" url="https://t.me/joinchat/AbCdEf"/>',
    '<outline type="link" text="Bare" url="news_channel"/>',
    '<outline text="Folder" url="https://t.me/news_channel"/>',
])
def test_other_links_are_not_sources(outline: str) -> None:
    """Only a link outline to a public channel on t.me is read as a source; links to web
    pages, invite links, bare words and outlines that are not links are not."""
    assert parse_opml(f"<opml version='2.0'><body>{outline}</body></opml>") == []
