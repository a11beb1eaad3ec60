"""The outbox: deliveries queued with the incident change they announce, drained by the sender.

Queueing happens inside the caller's transaction (`queue_alerts`, `queue_followups`), so an
incident and its alerts are recorded together or not at all. `dedupe_key` is unique: an alert
can be queued for a chat only once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Text, and_, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.chats import AlertMeta, ChatStore
from bot.db.tables import Chat, Delivery, utcnow

__all__ = ["Outbox"]


class Outbox:
    """Queueing and the sender's side of the deliveries table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], chats: ChatStore) -> None:
        self.sessions = sessions
        self._chats = chats

    async def queue_alerts(
        self, session: AsyncSession, meta: AlertMeta, texts: dict[str, str], priority: int
    ) -> int:
        """Queue the first alert of an incident to its audience, in each chat's language."""
        now = utcnow()
        default = texts.get("en") or next(iter(texts.values()))
        rows = [
            {
                "dedupe_key": f"alert:{meta.incident_id}:{r.chat_id}:{r.thread_id}",
                "chat_id": r.chat_id,
                "thread_id": r.thread_id,
                "incident_id": meta.incident_id,
                "kind": "alert",
                "reply_markup": r.reply_markup,
                "text": texts.get(r.language, default),
                "priority": priority,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": max(r.send_at, now),
                "created_at": now,
            }
            for r in await self._chats.audience(session, meta, now)
        ]
        for start in range(0, len(rows), 5000):
            await session.execute(insert(Delivery), rows[start : start + 5000])
        return len(rows)

    async def queue_followups(
        self,
        session: AsyncSession,
        incident_id: str,
        edits: dict[str, str],
        replies: dict[str, str],
        priority: int,
        version: int,
    ) -> int:
        """Queue edits (and replies) to chats whose alert went out; refresh pending alerts.

        Set-based (one UPDATE and one INSERT ... SELECT per language and kind), so a follow-up
        to an alert that went to 100,000 chats never loads those rows into Python.
        """
        queued = 0
        now = utcnow()
        for lang, chats in self._language_groups(edits, replies):
            edit = edits.get(lang) or edits.get("en")
            reply = replies.get(lang) or replies.get("en")
            alerts = (
                Delivery.incident_id == incident_id,
                Delivery.kind == "alert",
                Delivery.chat_id.in_(chats),
            )
            if edit:
                # Not out yet: it goes out with the newest text instead of an alert plus an edit.
                await session.execute(
                    update(Delivery).where(*alerts, Delivery.status == "pending").values(text=edit)
                )
            for kind, text in (("edit", edit), ("reply", reply)):
                if not text:
                    continue
                key = (
                    literal(f"{kind}:{incident_id}:")
                    + cast(Delivery.chat_id, String)
                    + literal(":")
                    + cast(Delivery.thread_id, String)
                    + literal(f":{version}")
                )
                rows = select(
                    key,
                    Delivery.chat_id,
                    Delivery.thread_id,
                    literal(incident_id),
                    literal(kind),
                    literal(text),
                    literal(priority + (5 if kind == "edit" else 0)),
                    literal("pending"),
                    literal(0),
                    literal(now, Delivery.next_attempt_at.type),
                    literal(now, Delivery.created_at.type),
                    Delivery.message_id,
                    # An edit without the keyboard would remove the alert's buttons.
                    Delivery.reply_markup if kind == "edit" else literal(None, Text),
                ).where(*alerts, Delivery.status.in_(("sending", "sent")))
                columns = ["dedupe_key", "chat_id", "thread_id", "incident_id", "kind", "text",
                           "priority", "status", "attempts", "next_attempt_at", "created_at",
                           "target_message_id", "reply_markup"]
                result = await session.execute(
                    _insert_ignoring_duplicates(session).from_select(columns, rows)
                )
                queued += max(0, result.rowcount or 0)  # type: ignore[attr-defined]
        return queued

    @staticmethod
    def _language_groups(
        edits: dict[str, str], replies: dict[str, str]
    ) -> list[tuple[str, Any]]:
        """(language, chat-id subquery) pairs covering every chat once."""
        langs = sorted(set(edits) | set(replies))
        groups: list[tuple[str, Any]] = [
            (lang, select(Chat.id).where(Chat.language == lang)) for lang in langs
        ]
        # Chats in a language with no text of its own get the English one.
        groups.append(("en", select(Chat.id).where(Chat.language.not_in(langs))))
        return groups

    async def queue_messages(
        self, chat_ids: Iterable[int], *, key: str, text: str, priority: int = 50
    ) -> int:
        """Queue one plain message (an operator notice) to each chat, once per `key`."""
        now = utcnow()
        queued = 0
        async with self.sessions.begin() as session:
            for chat_id in chat_ids:
                dedupe = f"message:{key}:{chat_id}"
                exists = await session.scalar(
                    select(Delivery.id).where(Delivery.dedupe_key == dedupe)
                )
                if exists is None:
                    session.add(
                        Delivery(dedupe_key=dedupe, chat_id=chat_id, thread_id=0, kind="message",
                                 text=text, priority=priority, status="pending", attempts=0,
                                 next_attempt_at=now, created_at=now)
                    )
                    queued += 1
        return queued

    async def requeue_inflight(self) -> int:
        """At start: rows a crash left in `sending` go back to pending. Returns how many."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Delivery).where(Delivery.status == "sending").values(status="pending")
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def claim_due(
        self, now: datetime, limit: int, *, skip_chats: Iterable[int] = ()
    ) -> list[Delivery]:
        """Take up to `limit` due deliveries (priority order) and mark them `sending`."""
        skip = list(skip_chats)
        async with self.sessions.begin() as session:
            stmt = (
                select(Delivery)
                .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
                .order_by(Delivery.priority, Delivery.next_attempt_at, Delivery.id)
                .limit(limit)
            )
            if skip:
                stmt = stmt.where(Delivery.chat_id.not_in(skip))
            # Two senders (replicas) must never claim one row: PostgreSQL locks the rows and
            # skips those another transaction holds; SQLite serialises writers anyway.
            stmt = stmt.with_for_update(skip_locked=True)
            rows = list((await session.scalars(stmt)).all())
            if rows:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_([r.id for r in rows]), Delivery.status == "pending")
                    .values(status="sending")
                )
            return rows

    async def mark_sent_many(self, sent: Sequence[tuple[int, int | None]]) -> None:
        """Record a batch of `(delivery_id, message_id)` as sent, in one transaction."""
        if not sent:
            return
        now = utcnow()
        async with self.sessions.begin() as session:
            await session.execute(
                update(Delivery),
                [
                    {"id": delivery_id, "status": "sent", "message_id": message_id,
                     "sent_at": now, "error": None}
                    for delivery_id, message_id in sent
                ],
            )

    async def set_text(self, delivery_id: int, text: str) -> None:
        """Replace a delivery's text (a shortened version) and queue it again."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(text=text, status="pending", attempts=Delivery.attempts + 1)
            )

    async def mark_retry(
        self, delivery_id: int, *, delay: float, error: str, count_attempt: bool = True
    ) -> None:
        """Put a delivery back in the queue after `delay` seconds."""
        async with self.sessions.begin() as session:
            values: dict[str, Any] = {
                "status": "pending",
                "next_attempt_at": utcnow() + timedelta(seconds=delay),
                "error": error[:1000],
            }
            if count_attempt:
                values["attempts"] = Delivery.attempts + 1
            await session.execute(update(Delivery).where(Delivery.id == delivery_id).values(values))

    async def mark_failed(self, delivery_id: int, error: str) -> None:
        """Give up on a delivery for good."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id)
                .values(status="failed", error=error[:1000], attempts=Delivery.attempts + 1)
            )

    async def alert_message_id(self, incident_id: str, chat_id: int, thread_id: int) -> int | None:
        """The message id of the alert sent for an incident in a chat, if it went out."""
        async with self.sessions() as session:
            return await session.scalar(
                select(Delivery.message_id).where(
                    and_(
                        Delivery.incident_id == incident_id,
                        Delivery.kind == "alert",
                        Delivery.chat_id == chat_id,
                        Delivery.thread_id == thread_id,
                        Delivery.status == "sent",
                    )
                )
            )

    async def delivery_counts(self) -> dict[str, int]:
        """Deliveries by status (for metrics and benchmarks)."""
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Delivery.status, func.count()).group_by(Delivery.status)
                )
            ).all()
            return {status: int(n) for status, n in rows}


def _insert_ignoring_duplicates(session: AsyncSession) -> Any:
    """INSERT that skips rows whose unique dedupe key exists (a follow-up queued twice)."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(Delivery).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return sqlite_insert(Delivery).on_conflict_do_nothing(index_elements=["dedupe_key"])
