"""Chats, their subscriptions and settings: who receives what.

`audience` decides, inside the transaction that records an incident, which subscriptions get
its alert and when: each chat's preferences (`ChatPrefs`, stored as the `chats.settings`
JSON) are applied there by the pure `wants` / `send_at` decisions, on what the pipeline
hands down (`AlertMeta`: the severity, the sectors and the text keyword filters match).
Chats in digest mode get no instant alert; the digest job queues their daily digest through
the outbox, which asks `claim_digest` first.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.clock import utcnow
from bot.db.tables import Chat, Delivery, Subscription
from bot.domain import OPEN_STATUSES, DeliveryStatus
from bot.present.i18n import normalize_language
from bot.subscribers.prefs import ChatPrefs
from bot.subscribers.rules import AlertFacts, digest_due, send_at, wants

__all__ = ["AlertMeta", "ChatStore", "DigestTarget", "Recipient", "SubscriberStats"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlertMeta:
    """What the audience filters may look at when an incident is first alerted."""

    incident_id: str
    severity: str | None
    sectors: tuple[str, ...]
    text: str  # what keyword filters match (see `RenderedAlert.filter_text`)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One subscription that gets an alert, in its language, not before `send_at`."""

    chat_id: int
    thread_id: int
    language: str
    send_at: datetime


@dataclass(frozen=True, slots=True)
class DigestTarget:
    """A chat whose daily digest is due, with its subscribed topics."""

    chat_id: int
    threads: tuple[int, ...]
    prefs: ChatPrefs
    due: datetime


@dataclass(frozen=True, slots=True)
class SubscriberStats:
    """Operator statistics: subscriptions by chat type, language and delivery mode."""

    chats: int
    active_chats: int
    subscriptions: int
    by_type: dict[str, int]
    by_language: dict[str, int]
    by_mode: dict[str, int]


class ChatStore:
    """Data access for chats, their settings and subscriptions."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    # -- who gets an alert -----------------------------------------------------------------

    async def audience(
        self, session: AsyncSession, meta: AlertMeta, now: datetime
    ) -> list[Recipient]:
        """Active subscriptions that should get the alert for `meta`, and when."""
        stmt = (
            select(Subscription.chat_id, Subscription.thread_id, Chat.language, Chat.settings)
            .join(Chat, Chat.id == Subscription.chat_id)
            .where(Chat.active.is_(True))
            .order_by(Subscription.id)
        )
        rows = (await session.execute(stmt)).all()
        prefs_by_chat: dict[int, ChatPrefs] = {}
        for chat_id, _thread, language, settings in rows:
            if chat_id not in prefs_by_chat:
                prefs_by_chat[chat_id] = ChatPrefs.from_json(settings, language)
        facts = AlertFacts(meta.severity, meta.sectors, meta.text)
        recipients: list[Recipient] = []
        for chat_id, thread_id, _language, _settings in rows:
            prefs = prefs_by_chat[chat_id]
            if prefs.mode == "digest" or not wants(prefs, facts, now):
                continue
            recipients.append(
                Recipient(chat_id, thread_id, prefs.language, send_at(prefs, now, meta.severity))
            )
        return recipients

    # -- chats and their settings ------------------------------------------------------------

    async def upsert_chat(
        self, chat_id: int, *, type_: str, title: str | None, language: str | None = None
    ) -> Chat:
        """Record a chat we heard from; reactivate it if it had blocked us before.

        `language` is the first user's Telegram language: it becomes the chat's language
        only when the chat is new (a chosen language is never overwritten).
        """
        async with self.sessions.begin() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                chat = Chat(
                    id=chat_id,
                    type=type_,
                    title=title,
                    language=normalize_language(language),
                    active=True,
                    settings={},
                    created_at=utcnow(),
                )
                session.add(chat)
            else:
                chat.type, chat.title = type_, title
                chat.active, chat.deactivated_reason = True, None
            return chat

    async def prefs(self, chat_id: int) -> ChatPrefs | None:
        """The chat's preferences, or None for a chat the bot has not recorded."""
        async with self.sessions() as session:
            row = (
                await session.execute(
                    select(Chat.language, Chat.settings).where(Chat.id == chat_id)
                )
            ).first()
        if row is None:
            return None
        return ChatPrefs.from_json(row.settings, row.language)

    async def save_prefs(
        self,
        chat_id: int,
        prefs: ChatPrefs,
        *,
        type_: str = "private",
        title: str | None = None,
    ) -> None:
        """Store the chat's preferences (creating the chat row when needed)."""
        async with self.sessions.begin() as session:
            chat = await session.get(Chat, chat_id)
            if chat is None:
                session.add(
                    Chat(
                        id=chat_id, type=type_, title=title, language=prefs.language,
                        active=True, settings=prefs.to_json(), created_at=utcnow(),
                    )
                )
                return
            chat.language = prefs.language
            chat.settings = prefs.to_json()

    # -- subscriptions ---------------------------------------------------------------------

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
                    Delivery.status == DeliveryStatus.PENDING,
                )
                .values(status=DeliveryStatus.CANCELLED, error="unsubscribed")
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
                .where(Delivery.chat_id == chat_id, Delivery.status.in_(OPEN_STATUSES))
                .values(status=DeliveryStatus.CANCELLED, error=reason[:300])
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: move the chat, its subscriptions and its queue.

        When the supergroup already has a subscription of its own (it was subscribed after
        the upgrade, before the old id's queue met the migration), the two merge: the new
        chat's subscription and settings stay, and an old-id message whose incident the new
        chat already has queued or received is cancelled rather than sent twice. Only open
        rows move; failed, cancelled and sent ones stay as they are.
        """
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
            taken = select(Subscription.thread_id).where(Subscription.chat_id == new_id)
            await session.execute(
                delete(Subscription).where(
                    Subscription.chat_id == old_id, Subscription.thread_id.in_(taken)
                )
            )
            await session.execute(
                update(Subscription).where(Subscription.chat_id == old_id).values(chat_id=new_id)
            )
            already = aliased(Delivery)
            duplicate = (
                select(already.id)
                .where(
                    already.chat_id == new_id,
                    already.incident_id == Delivery.incident_id,
                    already.thread_id == Delivery.thread_id,
                    already.kind == Delivery.kind,
                    already.status.in_((*OPEN_STATUSES, DeliveryStatus.SENT)),
                )
                .exists()
            )
            open_rows = (Delivery.chat_id == old_id, Delivery.status.in_(OPEN_STATUSES))
            await session.execute(
                update(Delivery)
                .where(*open_rows, Delivery.incident_id.is_not(None), duplicate)
                .values(status=DeliveryStatus.CANCELLED, error=f"merged into chat {new_id}")
            )
            await session.execute(
                update(Delivery)
                .where(*open_rows)
                .values(chat_id=new_id, status=DeliveryStatus.PENDING)
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

    # -- digests ---------------------------------------------------------------------------

    async def digest_targets(self, now: datetime) -> list[DigestTarget]:
        """Active subscribed chats in digest mode whose digest time has come."""
        async with self.sessions() as session:
            stmt = (
                select(Subscription.chat_id, Subscription.thread_id, Chat.language, Chat.settings)
                .join(Chat, Chat.id == Subscription.chat_id)
                .where(Chat.active.is_(True))
                .order_by(Subscription.chat_id, Subscription.thread_id)
            )
            rows = (await session.execute(stmt)).all()
        threads: dict[int, list[int]] = {}
        prefs: dict[int, ChatPrefs] = {}
        for chat_id, thread_id, language, settings in rows:
            if chat_id not in prefs:
                prefs[chat_id] = ChatPrefs.from_json(settings, language)
            threads.setdefault(chat_id, []).append(thread_id)
        targets = []
        for chat_id, chat_prefs in prefs.items():
            due = digest_due(chat_prefs, now)
            if due is not None:
                targets.append(DigestTarget(chat_id, tuple(threads[chat_id]), chat_prefs, due))
        return targets

    async def claim_digest(
        self, session: AsyncSession, target: DigestTarget, now: datetime
    ) -> bool:
        """Mark the chat's due digest as sent, in the outbox's transaction; False when another
        replica did already (or the chat is gone)."""
        chat = await session.get(Chat, target.chat_id)
        if chat is None:
            return False
        prefs = ChatPrefs.from_json(chat.settings, chat.language)
        if prefs.digest_last is not None and prefs.digest_last >= target.due:
            return False
        chat.settings = prefs.with_(digest_last=now).to_json()
        return True

    # -- statistics ------------------------------------------------------------------------

    async def subscriber_stats(self) -> SubscriberStats:
        """Counts for the operator's /admin."""
        async with self.sessions() as session:
            chats = (await session.execute(select(Chat.type, Chat.language, Chat.active,
                                                  Chat.settings))).all()
            subs = int(await session.scalar(select(func.count(Subscription.id))) or 0)
            subscribed = set(
                (await session.scalars(select(Subscription.chat_id).distinct())).all()
            )
        active = [c for c in chats if c.active]
        by_mode: Counter[str] = Counter()
        by_type: Counter[str] = Counter()
        by_language: Counter[str] = Counter()
        for row in active:
            by_type[row.type] += 1
            by_language[row.language] += 1
        ids = await self._active_subscribed_modes(subscribed)
        by_mode.update(ids)
        return SubscriberStats(
            chats=len(chats), active_chats=len(active), subscriptions=subs,
            by_type=dict(by_type), by_language=dict(by_language), by_mode=dict(by_mode),
        )

    async def _active_subscribed_modes(self, chat_ids: Iterable[int]) -> list[str]:
        ids = list(chat_ids)
        if not ids:
            return []
        async with self.sessions() as session:
            rows = (
                await session.execute(
                    select(Chat.settings, Chat.language).where(
                        Chat.id.in_(ids), Chat.active.is_(True)
                    )
                )
            ).all()
        return [ChatPrefs.from_json(s, lang).mode for s, lang in rows]
