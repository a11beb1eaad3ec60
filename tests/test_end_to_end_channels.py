"""End to end with a public channel: a ministry's post alerts within one poll interval, and
an outlet's later report of the same event joins that incident instead of alerting again."""

from __future__ import annotations

import asyncio
import html
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.settings import Settings
from testkit.feed_server import FeedServer, rss
from testkit.harness import loopback_settings, running, settled, until
from testkit.telegram_api import FakeTelegram
from testkit.tme_preview import HTML_CONTENT_TYPE, Post, preview_page

USER = 4343
INTERVAL = 5  # seconds between polls of each source
TICK = 1.0  # the poll job's period for this interval (bot.app: interval / 5, at least 1 s)
CHANNEL = "mod_armenia_e2e"


def settings_for(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> Settings:
    """A ministry's channel and an independent outlet's feed, both on the loopback server."""
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Armenia MoD channel"\ntelegram = "{CHANNEL}"\nlang = "en"\n'
        f'perspective = "official"\nside = "armenian"\nactor = "am_mod"\n'
        f"interval_seconds = {INTERVAL}\n\n"
        f'[[sources]]\nname = "Loopback Outlet"\nurl = "{feeds.url("/outlet.xml")}"\n'
        f'lang = "en"\nperspective = "independent"\ninterval_seconds = {INTERVAL}\n',
        encoding="utf-8",
    )
    return loopback_settings(telegram, database_url, sources,
                             telegram_web_base_url=feeds.base_url,
                             poll_interval_seconds=INTERVAL)


async def test_ministry_post_alerts_first_and_outlet_report_joins_it(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """The ministry's post about new shelling alerts within one poll interval (plus the poll
    job's tick and processing), attributed to the ministry and linking the post; the
    outlet's report of the same shelling a little later becomes a further source of that
    incident, and no second alert is sent."""
    now = datetime.now(UTC)
    page = f"/s/{CHANNEL}"
    feeds.serve(page, preview_page(CHANNEL, [Post(10, "Greetings on Army Day.",
                                                  now - timedelta(days=3))]),
                content_type=HTML_CONTENT_TYPE)
    feeds.serve("/outlet.xml", rss(), etag=True)
    async with running(settings_for(tmp_path, telegram, feeds, database_url)) as app:
        telegram.user_says(USER, "/start")
        telegram.user_says(USER, "/subscribe")
        await telegram.wait_for_sent(2, timeout=10, chat_id=USER)

        async def polled_twice() -> bool:
            return feeds.hits(page) >= 2  # from then on, polls come once per interval

        await until(polled_twice, 4 * INTERVAL)
        feeds.serve(page, preview_page(CHANNEL, [
            Post(10, "Greetings on Army Day.", now - timedelta(days=3)),
            Post(11, "On December 2, at around 10:40, units of the Azerbaijani armed forces "
                     "opened fire from artillery at Armenian combat positions near Sotk.\n"
                     "There are no casualties on the Armenian side.", datetime.now(UTC)),
        ]), content_type=HTML_CONTENT_TYPE)
        posted = asyncio.get_running_loop().time()
        (alert,) = (await telegram.wait_for_sent(3, timeout=4 * INTERVAL, chat_id=USER))[2:]
        elapsed = asyncio.get_running_loop().time() - posted
        # One interval until the source's next poll, one tick of the poll job, and a margin
        # for classifying, storing and sending on a busy machine.
        assert elapsed < INTERVAL + TICK + 3.0, elapsed
        text = html.unescape(alert.plain_text or "")
        # The post is the ministry's own statement, not an outlet's report of one.
        assert "• Armenia's Defence Ministry " in text
        assert "Media reports" not in text
        assert "Sotk" in text
        assert f"https://t.me/{CHANNEL}/11" in (alert.text or "")

        feeds.serve("/outlet.xml", rss((
            "Azerbaijani artillery fired at Armenian positions near Sotk",
            "Azerbaijani forces shelled Armenian combat positions near Sotk in Gegharkunik "
            "on Tuesday, Armenia's Defence Ministry said. No casualties were reported.",
            "https://outlet.example/2026/sotk-shelling", datetime.now(UTC),
        )), etag=True)
        store = app.bot_data.services.store

        async def joined() -> bool:
            incidents = await store.latest_incidents()
            if not incidents:
                return False
            items = await store.incident_items(incidents[0].id)
            return len(items) == 2

        await until(joined, 4 * INTERVAL)
        (incident,) = await store.latest_incidents()
        sources = {source.name for _, source in await store.incident_items(incident.id)}
        assert sources == {"Armenia MoD channel", "Loopback Outlet"}
        await settled(app)  # a second alert would have been sent by now
        assert len(telegram.sent(USER)) == 3
    assert not telegram.errors
