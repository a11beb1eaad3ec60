"""Telegram HTML helpers: escaping, links and shortening."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.present.formatting import esc, link, shorten_html, visible_length


def test_escape_hostile_title() -> None:
    """Markup in feed text comes out inert."""
    assert esc('<b onclick="x">&</b>') == "&lt;b onclick=&quot;x&quot;&gt;&amp;&lt;/b&gt;"


def test_link_only_for_web_urls() -> None:
    """http(s) links become anchors; javascript: and junk become plain text."""
    assert link("https://ex.am/a?b=1&c=2", "Ex") == '<a href="https://ex.am/a?b=1&amp;c=2">Ex</a>'
    assert link("javascript:alert(1)", "<x>") == "&lt;x&gt;"
    assert link(None, "Name") == "Name"


def test_shorten_closes_tags_and_respects_limit() -> None:
    """A long message is cut under the limit with its tags closed."""
    markup = "<b>Head</b>\n<i>" + esc("a & b " * 2000) + "</i>"
    short = shorten_html(markup, 200)
    assert visible_length(short) <= 200
    assert short.endswith("…</i>")
    assert short.count("<i>") == short.count("</i>")


def test_short_text_untouched() -> None:
    """Text under the limit is returned as it was."""
    assert shorten_html("<b>ok</b>", 100) == "<b>ok</b>"


@given(st.text(max_size=3000), st.integers(min_value=10, max_value=500))
def test_shorten_escaped_text_property(text: str, limit: int) -> None:
    """Any escaped text shortens to at most `limit` visible characters, entities intact."""
    short = shorten_html(f"<b>{esc(text)}</b>", limit)
    assert visible_length(short) <= limit
    assert "&" not in short.replace("&amp;", "").replace("&lt;", "").replace(
        "&gt;", "").replace("&quot;", "").replace("&#x27;", "")
