"""End to end on real parts: loopback Bot API + loopback feeds -> one alert in a chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from testkit.feed_server import FeedServer, rss
from testkit.harness import USER, refetched, running, settings_for, settled
from testkit.telegram_api import FakeTelegram


async def test_subscribe_then_one_alert_and_nothing_twice_after_restart(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """A subscriber gets exactly one alert with its link; unrelated and old items send
    nothing; a restart sends nothing again."""
    now = datetime.now(UTC)
    feeds.serve("/am.xml", rss(), etag=True)
    feeds.html_page("/broken.xml")
    settings = settings_for(tmp_path, telegram, feeds, database_url)
    async with running(settings) as app:
        telegram.user_says(USER, "/start")
        telegram.user_says(USER, "/subscribe")
        replies = await telegram.wait_for_sent(2, timeout=10, chat_id=USER)
        assert "Border Watch" in (replies[0].plain_text or "")
        assert "Subscribed" in (replies[1].plain_text or "")

        incident_link = "https://news.example/am/2026/sotk-fire"
        feeds.serve(
            "/am.xml",
            rss(
                ("Armenia's Defence Ministry: Azerbaijani forces opened fire on Sotk",
                 "Azerbaijani units fired small arms at Armenian positions near Sotk in "
                 "Gegharkunik this morning, the Defence Ministry said. No casualties.",
                 incident_link, now - timedelta(minutes=20)),
                ("Armenia and Azerbaijan foreign ministers to meet in Vienna",
                 "The ministers will discuss the peace treaty text next week.",
                 "https://news.example/am/2026/talks", now - timedelta(minutes=10)),
                ("Azerbaijani forces opened fire on Armenian positions near Tegh",
                 "The Defence Ministry said Azerbaijani units fired at positions near Tegh "
                 "in Syunik; no casualties.",
                 "https://news.example/am/2020/old-tegh", now - timedelta(days=5)),
            ),
            etag=True,
        )
        await telegram.wait_for_sent(3, timeout=20, chat_id=USER)
        await settled(app, cycles=2)  # a duplicate would have been sent by now
        alerts = telegram.sent(USER)[2:]
        assert len(alerts) == 1, [a.plain_text for a in alerts]
        alert = alerts[0]
        assert alert.parse_mode == "HTML"
        assert incident_link in (alert.text or "")
        assert "Sotk" in (alert.plain_text or "")
        assert "Armenia's Defence Ministry" in (alert.plain_text or "")
        assert "Not confirmed independently" in (alert.plain_text or "")

        telegram.user_says(USER, "/status")
        status = (await telegram.wait_for_sent(4, timeout=10, chat_id=USER))[-1]
        assert "Loopback Broken" in (status.plain_text or "")

    sent_before = len(telegram.sent(USER))
    async with running(settings) as app:
        await refetched(app, feeds, "/am.xml")  # the restarted bot reads the feed again
    assert len(telegram.sent(USER)) == sent_before
    assert not telegram.errors


async def test_malformed_commands_get_usage(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """Wrong arguments get a usage reply; hostile text is escaped."""
    feeds.serve("/am.xml", rss())
    feeds.serve("/broken.xml", rss())
    async with running(settings_for(tmp_path, telegram, feeds, database_url)):
        telegram.user_says(USER, "/latest lots")
        telegram.user_says(USER, "/incident <script>alert(1)</script>")
        telegram.user_says(USER, "/latest")
        first, second, third = await telegram.wait_for_sent(3, timeout=10, chat_id=USER)
        assert "Usage: /latest" in (first.plain_text or "")
        assert "Usage: /incident" in (second.plain_text or "")
        assert "No incidents" in (third.plain_text or "")
    assert not telegram.errors
