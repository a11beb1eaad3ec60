"""Tests of the fakes themselves, over real HTTP with httpx (and once through PTB)."""

from __future__ import annotations

import importlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from testkit.feed_server import FIXTURES_DIR, FeedServer
from testkit.telegram_api import FakeTelegram, parse_html_entities


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    """A running fake Bot API."""
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A running feed server."""
    with FeedServer() as server:
        yield server


def call(tg: FakeTelegram, method: str, **params: object) -> httpx.Response:
    """POST a Bot API call the way PTB does: form fields, non-strings JSON-encoded."""
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return httpx.post(f"{tg.api_url}/{method}", data=data, timeout=5)


def test_get_me_and_auth(tg: FakeTelegram) -> None:
    """getMe answers the bot user; a wrong token is 401 and an unknown method 404."""
    me = httpx.get(f"{tg.api_url}/getMe").json()
    assert me["ok"]
    assert me["result"]["is_bot"]
    assert me["result"]["id"] == tg.bot_id
    assert httpx.get(f"{tg.base_url}123:wrong/getMe").status_code == 401
    missing = httpx.post(f"{tg.api_url}/sendTelepathy", json={})
    assert missing.status_code == 404
    assert missing.json()["description"] == "Not Found: method not found"


def test_send_message_is_recorded(tg: FakeTelegram) -> None:
    """A valid HTML message is answered with a Message and appears in sent()."""
    reply = call(tg, "sendMessage", chat_id=42, text="<b>Sotk</b> &amp; Tegh", parse_mode="HTML")
    message = reply.json()["result"]
    assert message["text"] == "Sotk & Tegh"
    assert message["from"]["id"] == tg.bot_id
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
    (sent,) = tg.sent(42)
    assert sent.plain_text == "Sotk & Tegh"
    assert sent.parse_mode == "HTML"
    second = call(tg, "sendMessage", chat_id=42, text="again").json()["result"]
    assert second["message_id"] == message["message_id"] + 1


@pytest.mark.parametrize(
    "text",
    ["Q&A: 3 < 5", "<img src=x>", "<b>open", "<b><i>x</b></i>", '<span class="x">s</span>'],
)
def test_invalid_html_is_refused(tg: FakeTelegram, text: str) -> None:
    """Unescaped or unsupported markup is a 400 "can't parse entities", as on Telegram."""
    reply = call(tg, "sendMessage", chat_id=1, text=text, parse_mode="HTML")
    assert reply.status_code == 400
    assert reply.json()["description"].startswith("Bad Request: can't parse entities")
    assert tg.sent() == []


def test_html_parser_counts_utf16_and_drops_javascript_links() -> None:
    """Entity offsets are UTF-16; a javascript: href yields no text_link entity."""
    text, entities = parse_html_entities('🇦🇲 <i>Սոթք</i> <a href="javascript:alert(1)">x</a>')
    assert text == "🇦🇲 Սոթք x"
    assert entities == [{"type": "italic", "offset": 5, "length": 4}]


def test_too_long_message_is_refused(tg: FakeTelegram) -> None:
    """More than 4096 characters after entity parsing is "message is too long"."""
    ok = call(tg, "sendMessage", chat_id=1, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert ok.status_code == 200
    long = call(tg, "sendMessage", chat_id=1, text="x" * 4097)
    assert long.json()["description"] == "Bad Request: message is too long"


def test_length_is_counted_in_utf16_units_of_the_visible_text(tg: FakeTelegram) -> None:
    """Telegram counts UTF-16 units: 2,048 emoji fit, one more character does not; markup
    and entities count as the text they stand for."""
    emoji = "\U0001f1e6" * 2048  # astral: two units each
    fits = call(tg, "sendMessage", chat_id=1, text=f'<a href="https://x.example/">{emoji}</a>',
                parse_mode="HTML")
    assert fits.json()["ok"]
    over = call(tg, "sendMessage", chat_id=1, text=emoji + "&amp;", parse_mode="HTML")
    assert over.json()["description"] == "Bad Request: message is too long"
    caption = call(tg, "sendPhoto", chat_id=1, photo="AgAD-fake", caption="\U0001f600" * 513)
    assert caption.json()["description"] == "Bad Request: message caption is too long"


def test_injected_chat_faults(tg: FakeTelegram) -> None:
    """block_chat gives 403, migrate gives migrate_to_chat_id, fail_next is used up once."""
    tg.block_chat(7)
    blocked = call(tg, "sendMessage", chat_id=7, text="hi")
    assert blocked.status_code == 403
    assert blocked.json()["description"] == "Forbidden: bot was blocked by the user"
    tg.migrate(-55, -100555)
    moved = call(tg, "sendMessage", chat_id=-55, text="hi").json()
    assert moved["parameters"] == {"migrate_to_chat_id": -100555}
    tg.fail_next("sendMessage", 502, "Bad Gateway")
    assert call(tg, "sendMessage", chat_id=8, text="hi").status_code == 502
    assert call(tg, "sendMessage", chat_id=8, text="hi").status_code == 200


def test_rate_limits_answer_429() -> None:
    """With limits on, a second message to one chat within a second is 429 with retry_after."""
    with FakeTelegram(enforce_limits=True) as tg:
        assert call(tg, "sendMessage", chat_id=5, text="one").status_code == 200
        refused = call(tg, "sendMessage", chat_id=5, text="two")
        assert refused.status_code == 429
        assert refused.json()["parameters"]["retry_after"] >= 1
        assert call(tg, "sendMessage", chat_id=6, text="other chat").status_code == 200
        assert tg.stats.rejected_429 == 1
        assert tg.stats.per_chat == {5: 1, 6: 1}


def test_token_bucket_allows_a_burst() -> None:
    """The token-bucket model lets a burst through (plus one of slack), then answers 429; the
    bucket refills at the rate, never above the burst. Time is a clock the test moves, so how
    long a request takes on a busy machine changes nothing."""
    now = [1000.0]
    chats = iter(range(100, 200))  # a new chat per message: only the global bucket limits
    with FakeTelegram(
        enforce_limits=True, limit_algorithm="token_bucket", global_per_second=3,
        clock=lambda: now[0],
    ) as tg, httpx.Client(timeout=5) as client:

        def send(n: int) -> list[int]:
            return [
                client.post(f"{tg.api_url}/sendMessage",
                            data={"chat_id": str(next(chats)), "text": "x"}).status_code
                for _ in range(n)
            ]

        assert send(5) == [200, 200, 200, 200, 429]
        now[0] += 1 / 3  # one token's worth of time
        assert send(2) == [200, 429]
        now[0] += 60.0  # a long pause refills the bucket to the burst, not beyond
        assert send(5) == [200, 200, 200, 200, 429]
        assert tg.stats.rejected_429 == 3


def test_get_updates_long_poll(tg: FakeTelegram) -> None:
    """getUpdates waits for user_says, marks commands, and forgets updates below offset."""
    threading.Timer(0.2, tg.user_says, args=(42, "/status Sotk")).start()
    started = time.monotonic()
    updates = call(tg, "getUpdates", timeout=5).json()["result"]
    assert 0.1 < time.monotonic() - started < 3
    message = updates[0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    next_offset = updates[0]["update_id"] + 1
    started = time.monotonic()
    assert call(tg, "getUpdates", offset=next_offset, timeout=0.3).json()["result"] == []
    assert time.monotonic() - started >= 0.25


async def test_ptb_bot_round_trip(tg: FakeTelegram) -> None:
    """PTB's Bot accepts the fake's objects, and wait_for_sent works inside the event loop."""
    from telegram import Bot

    async with Bot(tg.token, base_url=tg.base_url) as bot:
        await bot.send_photo(
            3, photo=b"\x89PNG" + bytes(300), caption="<i>map</i>", parse_mode="HTML"
        )
        (sent,) = await tg.wait_for_sent(1, timeout=2)
        assert sent.photo_size == 304
        assert sent.plain_text == "map"
        member = await bot.get_chat_member(-1001, tg.bot_id)
        assert member.status == "member"


def test_feed_conditional_get(feeds: FeedServer) -> None:
    """A matching If-None-Match or If-Modified-Since gets 304; a changed body gets 200."""
    feeds.serve("/f.xml", b"<rss/>", etag=True, last_modified="Wed, 14 Oct 2026 06:00:00 GMT")
    first = httpx.get(feeds.url("/f.xml"))
    assert first.status_code == 200
    assert first.content == b"<rss/>"
    again = httpx.get(feeds.url("/f.xml"), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert httpx.get(feeds.url("/f.xml"), headers=since).status_code == 304
    feeds.serve("/f.xml", b"<rss>new</rss>", etag=True)
    changed = httpx.get(feeds.url("/f.xml"), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert feeds.hits("/f.xml") == 4
    assert feeds.requests("/f.xml")[1].header("if-none-match") == first.headers["ETag"]


def test_feed_faults(feeds: FeedServer) -> None:
    """Status with Retry-After, a redirect loop and an empty body behave as scripted."""
    feeds.status("/busy", 503, retry_after=120)
    busy = httpx.get(feeds.url("/busy"))
    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "120"
    feeds.redirect_loop("/loop")
    with pytest.raises(httpx.TooManyRedirects):
        httpx.get(feeds.url("/loop"), follow_redirects=True)
    feeds.empty("/empty")
    assert httpx.get(feeds.url("/empty")).content == b""
    assert httpx.get(feeds.url("/nothing-here")).status_code == 404


def test_gzip_bomb_headers(feeds: FeedServer) -> None:
    """The gzip bomb is small on the wire, declares gzip, and inflates far beyond it."""
    feeds.gzip_bomb("/bomb", uncompressed_size=64 * 1024 * 1024)
    with httpx.stream("GET", feeds.url("/bomb")) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert int(response.headers["Content-Length"]) < 200_000
        inflated = 0
        for chunk in response.iter_bytes():
            inflated += len(chunk)
            if inflated > 10 * 1024 * 1024:
                break
    assert inflated > 10 * 1024 * 1024


def test_stop_ends_hanging_and_huge_requests() -> None:
    """stop() returns promptly while a request hangs and another streams a huge body."""
    server = FeedServer().start()
    server.hang("/hang")
    server.huge("/huge", 10 * 1024**3)
    results: list[str] = []

    def fetch(path: str) -> None:
        try:
            with httpx.stream("GET", server.url(path), timeout=10) as response:
                for _ in response.iter_bytes():
                    pass
            results.append("done")
        except httpx.HTTPError as exc:
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=fetch, args=(p,)) for p in ("/hang", "/huge")]
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    server.stop()
    for thread in threads:
        thread.join(5)
    assert time.monotonic() - started < 3
    assert len(results) == 2
    assert "done" not in results


def test_every_fixture_is_documented() -> None:
    """Each file in tests/fixtures/feeds/ has a line in its README."""
    readme = (FIXTURES_DIR / "README.md").read_text(encoding="utf-8")
    names = sorted(p.name for p in Path(FIXTURES_DIR).iterdir() if p.name != "README.md")
    assert names, "no fixtures"
    assert [n for n in names if f"`{n}`" not in readme] == []


def test_package_exports_resolve() -> None:
    """Every name in the package's __all__ exists (the public surface stays importable)."""
    package = importlib.import_module("testkit")
    assert [name for name in package.__all__ if not hasattr(package, name)] == []
