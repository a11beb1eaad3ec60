"""The outbox: every message queued once, in its chat's language, claimed by one sender, and
follow-ups aimed at the alert that went out."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.clock import utcnow
from bot.db.chats import DigestTarget
from bot.db.outbox import EDIT_PRIORITY_OFFSET, RenderedAlert
from bot.db.store import Store
from bot.db.tables import Delivery
from bot.domain import DeliveryKind, DeliveryStatus, Priority
from bot.subscribers.prefs import ChatPrefs
from tests.db.conftest import NOW, RecordFor

ALERT = RenderedAlert(
    texts={"en": "<b>Alert</b>", "ru": "<b>Тревога</b>"},
    markups={"en": '{"inline_keyboard": []}', "ru": '{"inline_keyboard": [[]]}'},
    filter_text="Drone strike near Tegh",
)


async def subscribe(store: Store, chat_id: int, language: str = "en") -> None:
    """A subscribed private chat in `language`."""
    await store.chats.upsert_chat(chat_id, type_="private", title=None, language=language)
    await store.chats.subscribe(chat_id)


async def rows(store: Store) -> list[Delivery]:
    """Every delivery, oldest first."""
    async with store.sessions() as session:
        return list((await session.scalars(select(Delivery).order_by(Delivery.id))).all())


async def test_alert_goes_once_to_each_chat_in_its_language(
    store: Store, record_for: RecordFor
) -> None:
    """Each subscriber gets the alert in its language (English where there is no text in
    it), with that language's keyboard, once, however often the incident is saved."""
    await subscribe(store, 1, "en")
    await subscribe(store, 2, "ru")
    await subscribe(store, 3, "hy")
    assert await store.record_incident(await record_for("inc-a"), alert=ALERT) == 3
    assert await store.record_incident(await record_for("inc-a"), alert=ALERT) == 0
    by_chat = {row.chat_id: row for row in await rows(store)}
    assert (by_chat[1].text, by_chat[2].text, by_chat[3].text) == (
        "<b>Alert</b>", "<b>Тревога</b>", "<b>Alert</b>")
    assert by_chat[2].reply_markup == ALERT.markups["ru"]
    assert by_chat[3].reply_markup == ALERT.markups["en"]
    assert {row.kind for row in by_chat.values()} == {DeliveryKind.ALERT}
    assert {row.priority for row in by_chat.values()} == {20}


async def test_follow_ups_target_the_sent_alert_and_refresh_pending_ones(
    store: Store, record_for: RecordFor
) -> None:
    """An edit goes to chats whose alert went out, aimed at its message and keeping its
    buttons; an alert still waiting is rewritten instead; a reply is queued once per version."""
    await subscribe(store, 1)
    await subscribe(store, 2)
    await store.record_incident(await record_for("inc-b"), alert=ALERT)
    claimed = await store.outbox.claim_due(utcnow(), 1)
    await store.outbox.mark_sent_many([(claimed[0].id, 555)])
    record = await record_for("inc-b")
    queued = await store.record_incident(record, edits={"en": "edited"}, replies={"en": "more"})
    assert queued == 2
    assert await store.record_incident(record, edits={"en": "edited"}) == 0  # same version
    by_kind = {(row.kind, row.chat_id): row for row in await rows(store)}
    sent_to = claimed[0].chat_id
    waiting = 2 if sent_to == 1 else 1
    edit = by_kind[DeliveryKind.EDIT, sent_to]
    assert (edit.target_message_id, edit.reply_markup, edit.text) == (555, ALERT.markups["en"],
                                                                       "edited")
    assert edit.priority == 20 + EDIT_PRIORITY_OFFSET
    reply = by_kind[DeliveryKind.REPLY, sent_to]
    assert (reply.target_message_id, reply.reply_markup) == (555, None)
    assert by_kind[DeliveryKind.ALERT, waiting].text == "edited"
    assert (DeliveryKind.EDIT, waiting) not in by_kind


async def test_claims_in_priority_order_and_never_twice(store: Store) -> None:
    """Due rows are claimed by priority; a claimed row is `sending` and not claimed again;
    a crash's `sending` rows go back to pending at start."""
    await store.outbox.queue_messages([7], key="low", text="low", priority=Priority.LOW)
    await store.outbox.queue_messages([7], key="critical", text="crit",
                                      priority=Priority.CRITICAL)
    first = await store.outbox.claim_due(utcnow(), 1)
    assert [row.text for row in first] == ["crit"]
    second = await store.outbox.claim_due(utcnow(), 5)
    assert [row.text for row in second] == ["low"]
    assert await store.outbox.claim_due(utcnow(), 5) == []
    assert await store.outbox.delivery_counts() == {DeliveryStatus.SENDING: 2}
    assert await store.outbox.requeue_inflight() == 2
    assert await store.outbox.delivery_counts() == {"pending": 2}


async def test_retry_failure_and_shortened_text(store: Store) -> None:
    """A retry waits its delay; a failure is final; a shortened text is queued again."""
    await store.outbox.queue_messages([8, 9, 10], key="n", text="notice")
    claimed = await store.outbox.claim_due(utcnow(), 3)
    retry, fail, shorten = (row.id for row in claimed)
    await store.outbox.mark_retry(retry, delay=60, error="network")
    await store.outbox.mark_failed(fail, "bad request")
    await store.outbox.set_text(shorten, "short")
    assert [row.text for row in await store.outbox.claim_due(utcnow(), 5)] == ["short"]
    later = await store.outbox.claim_due(utcnow() + timedelta(seconds=61), 5)
    assert [row.id for row in later] == [retry]
    assert (await store.outbox.delivery_counts())[DeliveryStatus.FAILED] == 1


async def test_notices_and_digests_are_queued_once(store: Store) -> None:
    """An operator notice goes once per key and chat; a digest once per chat and day, even
    when two replicas queue it, to each subscribed topic."""
    assert await store.outbox.queue_messages([1, 2, 1], key="down:3", text="down") == 2
    assert await store.outbox.queue_messages([1, 2], key="down:3", text="down") == 0
    await store.chats.upsert_chat(-100, type_="supergroup", title="Forum")
    prefs = ChatPrefs.from_json({}, "en").with_(mode="digest")
    await store.chats.save_prefs(-100, prefs)
    target = DigestTarget(-100, (0, 12), prefs, NOW)
    assert await store.outbox.queue_digest(target, "digest", NOW) == 2
    assert await store.outbox.queue_digest(target, "digest", NOW) == 0
    digests = [row for row in await rows(store) if row.chat_id == -100]
    assert sorted(row.thread_id for row in digests) == [0, 12]
    assert {(row.kind, row.priority) for row in digests} == {
        (DeliveryKind.MESSAGE, Priority.DIGEST)}
    stored = await store.chats.prefs(-100)
    assert stored is not None
    assert stored.digest_last == NOW
    assert json.loads(digests[0].reply_markup or "null") is None
