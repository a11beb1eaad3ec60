"""End to end, live: a busy day with incidents in different sectors gives one alert each.

The issue-13 case: on one day a helicopter downed near Aghdam (Karabakh), a sniper's victim at
Yeraskh and a soldier killed on the Nakhchivan border became one alert, so two of the three were
never announced. Here they come through the real pipeline (loopback feeds, poller, classifier,
clustering, outbox, loopback Bot API), one of them without a publication date (its time is when
the bot first saw it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from testkit.feed_server import FeedServer
from testkit.harness import USER, running, settings_for, settled
from testkit.telegram_api import FakeTelegram

_LINKS = {
    "helicopter": "https://news.example/2031/aghdam-helicopter",
    "sniper": "https://news.example/2031/yeraskh-sniper",
}
_NAKHCHIVAN = (
    "https://news.example/2031/nakhchivan-soldier",
    "https://news.example/2031/nakhchivan-terse",
)


def _feed(*items: tuple[str, str, str, datetime | None]) -> bytes:
    """RSS items (title, description, link, date); an item without a date has no pubDate."""
    body = "".join(
        f"<item><title>{escape(t)}</title><description>{escape(d)}</description>"
        f"<link>{link}</link><guid>{link}</guid>"
        + (f"<pubDate>{format_datetime(when)}</pubDate>" if when else "")
        + "</item>"
        for t, d, link, when in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed</title><link>http://x/</link>{body}</channel></rss>").encode()


async def test_busy_day_incidents_in_three_sectors_get_three_alerts(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """A downed helicopter near Aghdam, a sniper's victim at Yeraskh and a soldier killed on the
    Nakhchivan border (twice: an undated report, and a terse note naming only the region and no
    side), reported on one day by two outlets, are three alerts, each with its own report's
    link; nothing more is sent afterwards."""
    now = datetime.now(UTC)
    feeds.serve("/am.xml", _feed(), etag=True)
    feeds.serve("/broken.xml", _feed(), etag=True)
    settings = settings_for(tmp_path, telegram, feeds, database_url)
    async with running(settings) as app:
        telegram.user_says(USER, "/start")
        telegram.user_says(USER, "/subscribe")
        await telegram.wait_for_sent(2, timeout=10, chat_id=USER)
        feeds.serve("/am.xml", _feed(
            ("Armenian Mi-24 helicopter shot down near Aghdam, crew killed",
             "Azerbaijani forces shot down an Armenian Mi-24 helicopter near Aghdam on the "
             "Karabakh line of contact; its three crew members were killed, Stepanakert said.",
             _LINKS["helicopter"], now - timedelta(hours=3)),
            ("Conscript killed by Azerbaijani sniper at Yeraskh",
             "An Armenian conscript was killed by Azerbaijani sniper fire at a combat position "
             "near Yeraskh in Ararat province, the Defence Ministry said.",
             _LINKS["sniper"], now - timedelta(hours=2)),
        ), etag=True)
        feeds.serve("/broken.xml", _feed(
            ("Azerbaijani soldier killed on the Nakhchivan border",
             "An Azerbaijani serviceman was killed by Armenian fire on the border of the "
             "Nakhchivan Autonomous Republic, Azerbaijan's Defence Ministry said.",
             _NAKHCHIVAN[0], None),
            ("Serviceman killed on the border, ministry says",
             "A serviceman was killed by enemy fire on the Nakhchivan section of the border "
             "this morning, the Defence Ministry said.",
             _NAKHCHIVAN[1], now - timedelta(hours=2, minutes=30)),
        ), etag=True)
        await telegram.wait_for_sent(5, timeout=30, chat_id=USER)
        # the placeless ministry note and the undated report are one Nakhchivan incident
        await settled(app, cycles=2)  # a merge would show as fewer alerts, a split as more
        sent = telegram.sent(USER)[2:]
        # a follow-up (a reply to an alert: "new casualty figures") is no new alert
        alerts = [m for m in sent if m.reply_to_message_id is None]
        texts = [a.plain_text for a in alerts]
        for name, link in _LINKS.items():
            holding = [a for a in alerts if link in (a.text or "")]
            assert len(holding) == 1, (name, texts)
        nakhchivan = [a for a in alerts if any(link in (a.text or "") for link in _NAKHCHIVAN)]
        assert len(nakhchivan) == 1, texts
        assert len(alerts) == 3, texts
        # which Nakhchivan report is stored first varies (PostgreSQL): the second one joins
        # the first's alert, as a follow-up reply when it brings new facts, never an alert
        follow_ups = [m for m in sent if m.reply_to_message_id is not None]
        assert all(m.reply_to_message_id == nakhchivan[0].message_id for m in follow_ups), texts
    assert not telegram.errors
