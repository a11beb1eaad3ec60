"""Daily digests: the message (pure) and the job that queues one per chat and day."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import utcnow
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, NewItem, Store
from bot.db.tables import Delivery, Incident
from bot.ingest.sources import Source
from bot.present.i18n import t, tn
from bot.subscribers.digest import queue_due_digests, render_digest
from bot.subscribers.prefs import ChatPrefs
from testkit.telegram_api import parse_html_entities

NOW = utcnow().replace(microsecond=0)


def row(number: int, severity: str = "high") -> Incident:
    """An incident row as the digest reads it."""
    return Incident(id=f"inc-20261124-{number:04d}", severity=severity,
                    headline=f"Firing near place {number}", sectors="", view={},
                    first_published_at=NOW, last_published_at=NOW, created_at=NOW)


def test_empty_digest_says_so() -> None:
    """A day without matching incidents still gets its digest, saying there were none."""
    assert render_digest([], "ru") == t("ru", "digest_empty")


def test_long_digest_lists_forty_and_counts_the_rest() -> None:
    """Forty incidents at most, the latest; the rest are counted; Telegram accepts the HTML."""
    text = render_digest([row(n) for n in range(45)], "en")
    plain = parse_html_entities(text)[0]
    assert tn("en", "digest_title", 45).replace("<b>", "").replace("</b>", "") in plain
    assert "place 44" in plain
    assert "place 4 " not in plain  # the oldest five are counted, not listed
    assert "place 5 " in plain
    assert t("en", "digest_more", n=5) in plain
    assert len(text) <= 4096


async def incident(store: Store, number: int, severity: str) -> None:
    """An alerted incident recorded an hour ago, with one report."""
    if not await store.all_sources():
        await store.sync_sources([Source("Outlet", "https://outlet.example/rss")])
    source = (await store.all_sources())[0]
    (item_id,) = await store.store_items([NewItem(
        source_id=source.id, dedupe_key=f"k{number}", url=None, url_norm=None,
        title=f"Report {number}", summary="", published_at=NOW, first_seen_at=NOW,
        lang="en", is_incident=True, score=1.0, severity=severity, facts=None,
    )])
    record = IncidentRecord(
        item_id=item_id, incident_id=f"inc-20261124-{number:04d}",
        first_published_at=NOW - timedelta(hours=1), last_published_at=NOW - timedelta(hours=1),
        severity=severity, headline=f"Firing near place {number}", sectors=(), view={},
    )
    await store.record_incident(record, alert=RenderedAlert({"en": "alert"}, {}, ""))


async def test_due_digests_are_queued_once_per_chat_with_its_filters(store: Store) -> None:
    """Each chat in digest mode whose time has come gets one digest of the incidents its
    filters let through; chats with instant alerts get none; running again queues nothing."""
    await incident(store, 1, "high")
    await incident(store, 2, "critical")
    due = (NOW - timedelta(hours=1)).hour * 60
    for chat_id, prefs in (
        (1, {"mode": "digest", "digest_minute": due}),
        (2, {"mode": "digest", "digest_minute": due, "min_severity": "critical"}),
        (3, {}),
    ):
        await store.chats.upsert_chat(chat_id, type_="private", title=None)
        await store.chats.save_prefs(chat_id, ChatPrefs.from_json({}, "en").with_(**prefs))
        await store.chats.subscribe(chat_id)
    assert await queue_due_digests(store, NOW) == 2
    assert await queue_due_digests(store, NOW) == 0
    async with store.sessions() as session:
        digests = {
            d.chat_id: d.text
            for d in (await session.scalars(
                select(Delivery).where(Delivery.dedupe_key.like("digest:%")))).all()
        }
    assert sorted(digests) == [1, 2]
    assert "place 1" in digests[1]
    assert "place 2" in digests[1]
    assert "place 1" not in digests[2]
    assert "place 2" in digests[2]
