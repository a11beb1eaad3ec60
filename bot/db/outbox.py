"""The outbox: deliveries queued with the incident change they announce, drained by the sender.

Every row of the deliveries table is written here: alerts and follow-ups inside the caller's
transaction (`queue_alerts`, `queue_followups`), so an incident and its alerts are recorded
together or not at all; digests (`queue_digest`) and operator notices (`queue_messages`) in
their own. `dedupe_key` is unique: a message can be queued for a chat only once. The store
only stores: texts and keyboards come rendered from above (`RenderedAlert`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import String, Text, and_, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import utcnow
from bot.db.chats import AlertMeta, ChatStore, DigestTarget
from bot.db.tables import Chat, Delivery
from bot.domain import DeliveryKind, DeliveryStatus, Priority

__all__ = ["EDIT_PRIORITY_OFFSET", "Outbox", "RenderedAlert"]

EDIT_PRIORITY_OFFSET: Final = 5
"""Added to an incident's priority for its edits: first alerts and replies go before them."""
_INSERT_ROWS = 5000  # rows per multi-row INSERT
_PENDING, _SENDING, _SENT = DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT
_ALERT, _EDIT, _REPLY = DeliveryKind.ALERT, DeliveryKind.EDIT, DeliveryKind.REPLY


@dataclass(frozen=True, slots=True)
class RenderedAlert:
    """The first alert of an incident, rendered above the store.

    `texts` and `markups` (the inline keyboard as JSON) are keyed by language; a chat whose
    language has none gets the English one (or any, when there is no English). `filter_text`
    is what chats' keyword filters match: the headline, the reports' text and the incident's
    place names in every language.
    """

    texts: Mapping[str, str]
    markups: Mapping[str, str]
    filter_text: str

    def text_for(self, lang: str) -> str:
        """The alert text in `lang`, else the English one, else any."""
        return self.texts.get(lang) or self.texts.get("en") or next(iter(self.texts.values()))

    def markup_for(self, lang: str) -> str | None:
        """The keyboard JSON in `lang`, else the English one; None without keyboards."""
        return self.markups.get(lang) or self.markups.get("en")


class Outbox:
    """Queueing and the sender's side of the deliveries table."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], chats: ChatStore) -> None:
        self.sessions = sessions
        self._chats = chats

    async def queue_alerts(
        self, session: AsyncSession, meta: AlertMeta, alert: RenderedAlert, priority: int
    ) -> int:
        """Queue the first alert of an incident to its audience, in each chat's language."""
        now = utcnow()
        rows = [
            {
                "dedupe_key": f"alert:{meta.incident_id}:{r.chat_id}:{r.thread_id}",
                "chat_id": r.chat_id,
                "thread_id": r.thread_id,
                "incident_id": meta.incident_id,
                "kind": _ALERT,
                "reply_markup": alert.markup_for(r.language),
                "text": alert.text_for(r.language),
                "priority": priority,
                "status": _PENDING,
                "attempts": 0,
                "next_attempt_at": max(r.send_at, now),
                "created_at": now,
            }
            for r in await self._chats.audience(session, meta, now)
        ]
        for start in range(0, len(rows), _INSERT_ROWS):
            await session.execute(insert(Delivery), rows[start : start + _INSERT_ROWS])
        return len(rows)

    async def queue_followups(
        self,
        session: AsyncSession,
        incident_id: str,
        edits: Mapping[str, str],
        replies: Mapping[str, str],
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
                Delivery.kind == _ALERT,
                Delivery.chat_id.in_(chats),
            )
            if edit:
                # Not out yet: it goes out with the newest text instead of an alert plus an edit.
                await session.execute(
                    update(Delivery).where(*alerts, Delivery.status == _PENDING).values(text=edit)
                )
            for kind, text in ((_EDIT, edit), (_REPLY, reply)):
                if text:
                    queued += await self._copy_alerts(
                        session, alerts, incident_id, kind, text, priority, version, now
                    )
        return queued

    @staticmethod
    async def _copy_alerts(
        session: AsyncSession,
        alerts: tuple[Any, ...],
        incident_id: str,
        kind: DeliveryKind,
        text: str,
        priority: int,
        version: int,
        now: datetime,
    ) -> int:
        """One INSERT ... SELECT: an edit or reply row for each alert matching `alerts` that
        went out (or is going out), aimed at its message; a row queued before is skipped."""
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
            literal(str(kind)),
            literal(text),
            literal(priority + (EDIT_PRIORITY_OFFSET if kind == _EDIT else 0)),
            literal(str(_PENDING)),
            literal(0),
            literal(now, Delivery.next_attempt_at.type),
            literal(now, Delivery.created_at.type),
            Delivery.message_id,
            # An edit without the keyboard would remove the alert's buttons.
            Delivery.reply_markup if kind == _EDIT else literal(None, Text),
        ).where(*alerts, Delivery.status.in_((_SENDING, _SENT)))
        columns = ["dedupe_key", "chat_id", "thread_id", "incident_id", "kind", "text",
                   "priority", "status", "attempts", "next_attempt_at", "created_at",
                   "target_message_id", "reply_markup"]
        result = await session.execute(
            _insert_ignoring_duplicates(session).from_select(columns, rows)
        )
        return max(0, result.rowcount or 0)  # type: ignore[attr-defined]

    @staticmethod
    def _language_groups(
        edits: Mapping[str, str], replies: Mapping[str, str]
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
        self, chat_ids: Iterable[int], *, key: str, text: str,
        priority: int = Priority.OPERATOR,
    ) -> int:
        """Queue one plain message (an operator notice) to each chat, once per `key`."""
        async with self.sessions.begin() as session:
            return await self._queue_plain(
                session, [(chat_id, 0, f"message:{key}:{chat_id}") for chat_id in chat_ids],
                text, priority, utcnow(),
            )

    async def queue_digest(self, target: DigestTarget, text: str, now: datetime) -> int:
        """Queue the digest to each subscribed topic and remember it was sent; idempotent."""
        day = target.due.date().isoformat()
        async with self.sessions.begin() as session:
            if not await self._chats.claim_digest(session, target, now):
                return 0  # another replica queued it, or the chat is gone
            return await self._queue_plain(
                session,
                [(target.chat_id, thread, f"digest:{target.chat_id}:{thread}:{day}")
                 for thread in target.threads],
                text, Priority.DIGEST, now,
            )

    @staticmethod
    async def _queue_plain(
        session: AsyncSession,
        targets: Sequence[tuple[int, int, str]],
        text: str,
        priority: int,
        now: datetime,
    ) -> int:
        """Queue a plain message to `(chat_id, thread_id, dedupe_key)` targets whose key is new."""
        wanted = {key: (chat_id, thread_id) for chat_id, thread_id, key in targets}
        if not wanted:
            return 0
        existing = set(
            (
                await session.scalars(
                    select(Delivery.dedupe_key).where(Delivery.dedupe_key.in_(list(wanted)))
                )
            ).all()
        )
        rows: list[dict[str, Any]] = [
            {
                "dedupe_key": key, "chat_id": chat_id, "thread_id": thread_id,
                "incident_id": None, "kind": DeliveryKind.MESSAGE, "text": text,
                "priority": priority, "status": _PENDING, "attempts": 0,
                "next_attempt_at": now, "created_at": now,
            }
            for key, (chat_id, thread_id) in wanted.items()
            if key not in existing
        ]
        if rows:
            await session.execute(insert(Delivery), rows)
        return len(rows)

    async def requeue_inflight(self) -> int:
        """At start: rows a crash left in `sending` go back to pending. Returns how many."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                update(Delivery).where(Delivery.status == _SENDING).values(status=_PENDING)
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
                .where(Delivery.status == _PENDING, Delivery.next_attempt_at <= now)
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
                    .where(Delivery.id.in_([r.id for r in rows]), Delivery.status == _PENDING)
                    .values(status=_SENDING)
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
                    {"id": delivery_id, "status": _SENT, "message_id": message_id,
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
                .values(text=text, status=_PENDING, attempts=Delivery.attempts + 1)
            )

    async def mark_retry(
        self, delivery_id: int, *, delay: float, error: str, count_attempt: bool = True
    ) -> None:
        """Put a delivery back in the queue after `delay` seconds."""
        async with self.sessions.begin() as session:
            values: dict[str, Any] = {
                "status": _PENDING,
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
                .values(status=DeliveryStatus.FAILED, error=error[:1000],
                        attempts=Delivery.attempts + 1)
            )

    async def alert_message_id(self, incident_id: str, chat_id: int, thread_id: int) -> int | None:
        """The message id of the alert sent for an incident in a chat, if it went out."""
        async with self.sessions() as session:
            return await session.scalar(
                select(Delivery.message_id).where(
                    and_(
                        Delivery.incident_id == incident_id,
                        Delivery.kind == _ALERT,
                        Delivery.chat_id == chat_id,
                        Delivery.thread_id == thread_id,
                        Delivery.status == _SENT,
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
