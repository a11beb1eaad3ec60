"""Chats, their subscriptions and settings: who receives what.

`audience` decides, inside the transaction that records an incident, which subscriptions get
its alert and when (a chat's filters, quiet hours and digest mode are applied there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.tables import Chat, Delivery, Subscription, utcnow

__all__ = ["AlertMeta", "ChatStore", "Recipient"]


@dataclass(frozen=True, slots=True)
class AlertMeta:
    """What the audience filters may look at when an incident is first alerted."""

    incident_id: str
    severity: str | None
    sectors: tuple[str, ...]
    text: str  # headline and report titles, for keyword filters


@dataclass(frozen=True, slots=True)
class Recipient:
    """One subscription that gets an alert, in its language, not before `send_at`."""

    chat_id: int
    thread_id: int
    language: str
    send_at: datetime


class ChatStore:
    """Data access for chats and subscriptions."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def audience(
        self, session: AsyncSession, meta: AlertMeta, now: datetime
    ) -> list[Recipient]:
        """Active subscriptions that should get the alert for `meta`, and when."""
        stmt = (
            select(Subscription.chat_id, Subscription.thread_id, Chat.language)
            .join(Chat, Chat.id == Subscription.chat_id)
            .where(Chat.active.is_(True))
        )
        return [
            Recipient(chat_id, thread_id, language, now)
            for chat_id, thread_id, language in (await session.execute(stmt)).all()
        ]

    async def upsert_chat(
        self, chat_id: int, *, type_: str, title: str | None, language: str | None = None
    ) -> Chat:
        """Record a chat we heard from; reactivate it if it had blocked us before."""
        async with self.sessions.begin() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                chat = Chat(
                    id=chat_id,
                    type=type_,
                    title=title,
                    language=language or "en",
                    active=True,
                    settings={},
                )
                session.add(chat)
            else:
                chat.type, chat.title = type_, title
                chat.active, chat.deactivated_reason = True, None
            return chat

    async def subscribe(self, chat_id: int, thread_id: int = 0) -> bool:
        """Subscribe a chat (or topic); False when it already was."""
        try:
            async with self.sessions.begin() as session:
                session.add(Subscription(chat_id=chat_id, thread_id=thread_id, created_at=utcnow()))
        except IntegrityError:
            return False
        return True

    async def unsubscribe(self, chat_id: int, thread_id: int = 0) -> bool:
        """Unsubscribe; False when it was not subscribed. Pending alerts for it are dropped."""
        async with self.sessions.begin() as session:
            result = await session.execute(
                delete(Subscription).where(
                    Subscription.chat_id == chat_id, Subscription.thread_id == thread_id
                )
            )
            await session.execute(
                update(Delivery)
                .where(
                    Delivery.chat_id == chat_id,
                    Delivery.thread_id == thread_id,
                    Delivery.status == "pending",
                )
                .values(status="cancelled", error="unsubscribed")
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def is_subscribed(self, chat_id: int, thread_id: int = 0) -> bool:
        """Whether the chat (or topic) gets alerts."""
        async with self.sessions() as session:
            found = await session.scalar(
                select(Subscription.id).where(
                    Subscription.chat_id == chat_id, Subscription.thread_id == thread_id
                )
            )
            return found is not None

    async def deactivate_chat(self, chat_id: int, reason: str) -> int:
        """Mark a chat gone (blocked, kicked, not found); cancel what was queued for it."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(Chat)
                .where(Chat.id == chat_id)
                .values(active=False, deactivated_reason=reason[:300])
            )
            result = await session.execute(
                update(Delivery)
                .where(Delivery.chat_id == chat_id, Delivery.status.in_(("pending", "sending")))
                .values(status="cancelled", error=reason[:300])
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move the chat, its subscriptions and its queue."""
        async with self.sessions.begin() as session:
            old = await session.get(Chat, old_id)
            if old is None:
                return
            if await session.get(Chat, new_id) is None:
                session.add(
                    Chat(
                        id=new_id,
                        type="supergroup",
                        title=old.title,
                        language=old.language,
                        active=True,
                        settings=dict(old.settings),
                        created_at=old.created_at,
                    )
                )
                await session.flush()
            await session.execute(
                update(Subscription).where(Subscription.chat_id == old_id).values(chat_id=new_id)
            )
            await session.execute(
                update(Delivery)
                .where(Delivery.chat_id == old_id, Delivery.status != "sent")
                .values(chat_id=new_id, status="pending")
            )
            old.active, old.deactivated_reason = False, f"migrated to {new_id}"

    async def subscribed_chats(self) -> list[tuple[int, int]]:
        """(chat_id, thread_id) of every active subscription."""
        async with self.sessions() as session:
            stmt = (
                select(Subscription.chat_id, Subscription.thread_id)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(Chat.active.is_(True))
            )
            return [(c, t) for c, t in (await session.execute(stmt)).all()]
