"""The schema, as SQLAlchemy 2 typed ORM classes.

Written for both SQLite and PostgreSQL: no dialect-specific types, chat ids as BIGINT,
timestamps timezone-aware (SQLite hands them back naive, so `UTCDateTime` puts UTC back).
Alembic migrations in `bot/migrations` create exactly this schema; a test compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.clock import utcnow
from bot.domain import DeliveryStatus

__all__ = [
    "Base",
    "Chat",
    "Delivery",
    "Incident",
    "Item",
    "SourceRow",
    "Subscription",
    "UTCDateTime",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        # SQLite stores text; keeping it naive-UTC there makes string comparison correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with the JSON type mapped for dict columns."""

    # None is SQL NULL, not JSON null, whether a column is omitted or written as None.
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON(none_as_null=True),
        datetime: UTCDateTime,
    }


class SourceRow(Base):
    """A feed and its poll state (conditional-GET validators, health, backoff)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    lang: Mapped[str | None] = mapped_column(String(8))
    perspective: Mapped[str | None] = mapped_column(String(32))
    side: Mapped[str | None] = mapped_column(String(16))  # the side it speaks from
    actor: Mapped[str | None] = mapped_column(String(16))  # an official body: whose voice
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="file")  # file / admin
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_poll_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    next_poll_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(Base):
    """One feed entry as stored, with the classifier's verdict."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("source_id", "dedupe_key", name="uq_items_source_key"),
        Index("ix_items_url_norm", "url_norm"),
        Index("ix_items_first_seen", "first_seen_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    dedupe_key: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(2000))
    url_norm: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    lang: Mapped[str | None] = mapped_column(String(8))
    is_incident: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    severity: Mapped[str | None] = mapped_column(String(16))
    facts: Mapped[dict[str, Any] | None]
    forwarded_from: Mapped[str | None] = mapped_column(String(200))  # a channel's repost
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )


class Incident(Base):
    """One real event, merged from every report of it."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_last_published", "last_published_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_published_at: Mapped[datetime]
    last_published_at: Mapped[datetime]
    severity: Mapped[str | None] = mapped_column(String(16))
    headline: Mapped[str] = mapped_column(Text, default="")
    sectors: Mapped[str] = mapped_column(String(500), default="")
    view: Mapped[dict[str, Any]]
    alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    followups: Mapped[int] = mapped_column(Integer, default=0)

    # The column holds the sector ids comma-joined (no schema change for a list); code reads
    # and writes them as a tuple through this property only.
    @property
    def sector_ids(self) -> tuple[str, ...]:
        """The border sectors the incident lies in, in the order the clustering gave them."""
        return tuple(s for s in (self.sectors or "").split(",") if s)

    @sector_ids.setter
    def sector_ids(self, value: Sequence[str]) -> None:
        self.sectors = ",".join(value)


class Chat(Base):
    """A Telegram chat the bot knows, with its settings."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deactivated_reason: Mapped[str | None] = mapped_column(String(300))


class Subscription(Base):
    """A chat (or one forum topic of it) that receives alerts."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "thread_id", name="uq_subscriptions_chat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE")
    )
    thread_id: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: no forum topic
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The outbox: one message to send (or edit) in one chat.

    Written in the same transaction as the incident change it announces; `dedupe_key` is
    unique, so an alert can be queued for a chat only once, whatever happens.
    Status: pending -> sending -> sent | failed; a row left in `sending` by a crash is
    re-queued at start (it may have been delivered: those are the in-flight duplicates).
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "priority", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    thread_id: Mapped[int] = mapped_column(BigInteger, default=0)
    incident_id: Mapped[str | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # alert / edit / reply / message
    text: Mapped[str] = mapped_column(Text)
    # Lower goes first (`bot.domain.Priority`); a row written without one goes after them all.
    priority: Mapped[int] = mapped_column(Integer, default=100)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    target_message_id: Mapped[int | None] = mapped_column(BigInteger)  # for edits and replies
    error: Mapped[str | None] = mapped_column(Text)
    reply_markup: Mapped[str | None] = mapped_column(Text)  # inline keyboard JSON (0002)
