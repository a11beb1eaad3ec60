"""The outbox: deliveries queued with the incident change they announce, drained by the sender.

Queueing happens inside the caller's transaction (`queue_alerts`, `queue_followups`), so an
incident and its alerts are recorded together or not at all. `dedupe_key` is unique: an alert
can be queued for a chat only once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, select, update
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
        """Queue edits (and replies) to chats whose alert went out; refresh pending alerts."""
        queued = 0
        alerts = (
            await session.scalars(
                select(Delivery).where(
                    Delivery.incident_id == incident_id,
                    Delivery.kind == "alert",
                    Delivery.status.in_(("pending", "sending", "sent")),
                )
            )
        ).all()
        chat_ids = {a.chat_id for a in alerts}
        stmt = select(Chat.id, Chat.language).where(Chat.id.in_(chat_ids))
        languages = {chat_id: lang for chat_id, lang in (await session.execute(stmt)).all()}
        for alert in alerts:
            lang = languages.get(alert.chat_id, "en")
            edit = edits.get(lang) or edits.get("en")
            reply = replies.get(lang) or replies.get("en")
            if alert.status == "pending":
                # Not out yet: send the newest text instead of an alert plus an edit.
                if edit:
                    alert.text = edit
                continue
            base = f"{incident_id}:{alert.chat_id}:{alert.thread_id}:{version}"
            for kind, text in (("edit", edit), ("reply", reply)):
                if not text:
                    continue
                session.add(
                    Delivery(
                        dedupe_key=f"{kind}:{base}",
                        chat_id=alert.chat_id,
                        thread_id=alert.thread_id,
                        incident_id=incident_id,
                        kind=kind,
                        text=text,
                        priority=priority + (5 if kind == "edit" else 0),
                        status="pending",
                        attempts=0,
                        next_attempt_at=utcnow(),
                        created_at=utcnow(),
                        target_message_id=alert.message_id,
                        # An edit without the keyboard would remove the alert's buttons.
                        reply_markup=alert.reply_markup if kind == "edit" else None,
                    )
                )
                queued += 1
        return queued

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
