"""Follow-ups end to end: one alert per incident, edited as facts change, one reply for deaths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from testkit.feed_server import FeedServer, rss
from testkit.harness import USER, refetched, running, settings_for
from testkit.telegram_api import FakeTelegram


async def test_claim_denial_and_casualties_make_one_alert_edits_and_one_reply(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """The other side's denial edits the alert; reported deaths edit it and reply once;
    the same reports again, and a report adding nothing, send nothing."""
    now = datetime.now(UTC)
    feeds.serve("/am.xml", rss(), etag=True)
    feeds.serve("/broken.xml", rss(), etag=True)
    async with running(settings_for(tmp_path, telegram, feeds, database_url)) as app:
        telegram.user_says(USER, "/subscribe")
        await telegram.wait_for_sent(1, timeout=10, chat_id=USER)

        claim = ("Armenia's Defence Ministry: Azerbaijani forces fired at positions near Norabak",
                 "Azerbaijani units opened fire with small arms at Armenian positions near "
                 "Norabak in Gegharkunik this morning, the Defence Ministry said.",
                 "https://am.example/norabak-1", now - timedelta(hours=3))
        feeds.serve("/am.xml", rss(claim), etag=True)
        (alert,) = (await telegram.wait_for_sent(2, timeout=20, chat_id=USER))[1:]
        assert "Norabak" in (alert.plain_text or "")

        denial = ("Azerbaijan's Defence Ministry denies firing at Armenian positions near Norabak",
                  "The claim by Armenia's Defence Ministry that Azerbaijani units fired at "
                  "positions near Norabak is not true, the Azerbaijani Defence Ministry said.",
                  "https://az.example/norabak-denial", now - timedelta(hours=2))
        feeds.serve("/broken.xml", rss(denial), etag=True)
        await telegram.wait_until(lambda fake: len(fake.edits(USER)) >= 1, timeout=20)
        edited = telegram.edits(USER)[-1]
        assert "Azerbaijan's Defence Ministry" in (edited.plain_text or "")
        assert edited.message_id == alert.message_id

        deaths = ("Two Armenian soldiers killed by Azerbaijani fire near Norabak, ministry says",
                  "Two Armenian servicemen were killed when Azerbaijani forces opened fire near "
                  "Norabak, Armenia's Defence Ministry said.",
                  "https://am.example/norabak-2", now - timedelta(hours=1))
        feeds.serve("/am.xml", rss(claim, deaths), etag=True)
        await telegram.wait_until(lambda fake: len(fake.edits(USER)) >= 2, timeout=20)
        replies = await telegram.wait_for_sent(3, timeout=20, chat_id=USER)
        reply = replies[2]
        assert reply.reply_to_message_id == alert.message_id
        assert "2" in (reply.plain_text or "")

        again = ("Norabak: Armenian ministry repeats that two soldiers were killed",
                 "Armenia's Defence Ministry said two servicemen were killed near Norabak.",
                 "https://am.example/norabak-3", now - timedelta(minutes=30))
        feeds.serve("/am.xml", rss(claim, deaths, again), etag=True)
        await refetched(app, feeds, "/am.xml")
        assert len(telegram.sent(USER)) == 3  # subscribe reply, alert, one reply
    assert not telegram.errors
