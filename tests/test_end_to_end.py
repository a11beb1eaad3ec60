"""End to end on real parts: loopback Bot API + loopback feeds -> one alert in a chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

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


SEED = Path(__file__).resolve().parent / "fixtures" / "seed-article.txt"


async def test_seed_article_alert_carries_the_event_not_its_background(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """The September 2022 report, served as a fresh item, gives one alert: each ministry's
    accusation with its places, Azerbaijan's losses without a figure, and no number from the
    background paragraphs (last week's death, August's losses, the wars' tolls)."""
    title, _, body = SEED.read_text("utf-8").partition("\n")
    feeds.serve("/am.xml", rss())
    feeds.serve("/broken.xml", rss())
    settings = settings_for(tmp_path, telegram, feeds, database_url)
    async with running(settings):
        telegram.user_says(USER, "/start")
        telegram.user_says(USER, "/subscribe")
        await telegram.wait_for_sent(2, timeout=10, chat_id=USER)
        feeds.serve(
            "/am.xml",
            rss((escape(title), escape(body.strip()), "https://news.example/2022/clashes",
                 datetime.now(UTC) - timedelta(minutes=10))),
        )
        alert = (await telegram.wait_for_sent(3, timeout=20, chat_id=USER))[-1]
        telegram.user_says(USER, "/latest")
        latest = (await telegram.wait_for_sent(4, timeout=10, chat_id=USER))[-1]
        assert "Sotk" in (latest.plain_text or "")  # the one incident, not a second alert
        assert len(telegram.sent(USER)) == 4
    text = alert.plain_text or ""
    lines = text.splitlines()
    am = next(line for line in lines if line.startswith("• Armenia's Defence Ministry says"))
    assert "Azerbaijani forces shelled positions near" in am
    assert all(place in am for place in ("Goris", "Sotk", "Jermuk"))
    az = next(line for line in lines if line.startswith("• Azerbaijan's Defence Ministry says"))
    assert "Armenian forces" in az
    assert all(place in az for place in ("Dashkasan", "Kalbajar", "Lachin"))
    assert "• Azerbaijan's Defence Ministry reports losses on the Azerbaijani side, without " \
        "giving figures" in lines
    bullets = "\n".join(line for line in lines if line.startswith("•"))
    assert not any(ch.isdigit() for ch in bullets), bullets  # no 1, 2, 12, 500, 6,500, 30,000
    assert "killed" not in text
    assert "wounded" not in text
    assert "reports the incident" not in text
    assert not telegram.errors
