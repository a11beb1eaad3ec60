"""The operator's source management: add, remove (disable), list for OPML, statistics.

Sources added here have `origin = "admin"`, so the sources file does not disable them at the
next start. Removing a source disables it and keeps its items (incidents keep their
reports); a source from the sources file comes back at the next start unless it is removed
from the file too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import utcnow
from bot.db.tables import Incident, Item, SourceRow
from bot.ingest.opml import OpmlEntry

__all__ = ["AddOutcome", "SourceAdmin", "SourceStats"]

AddOutcome = Literal["added", "enabled", "exists", "name_taken"]


@dataclass(frozen=True, slots=True)
class SourceStats:
    """Operator statistics on sources and what they brought."""

    sources: int
    enabled: int
    failing: int
    admin_added: int
    items: int
    incident_items: int
    incidents: int


class SourceAdmin:
    """Source rows as the operator manages them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def add(self, entry: OpmlEntry) -> AddOutcome:
        """Add a source (or enable it again); the URL must have passed the guard."""
        async with self.sessions.begin() as session:
            row = await session.scalar(select(SourceRow).where(SourceRow.url == entry.url))
            if row is not None:
                if row.enabled:
                    return "exists"
                row.enabled, row.failures, row.next_poll_at = True, 0, None
                return "enabled"
            taken = await session.scalar(select(SourceRow.id).where(SourceRow.name == entry.name))
            if taken is not None:
                return "name_taken"
            session.add(
                SourceRow(
                    name=entry.name, url=entry.url, lang=entry.lang, perspective=entry.perspective,
                    interval_seconds=None, enabled=True, origin="admin", failures=0,
                    items_seen=0, created_at=utcnow(),
                )
            )
            return "added"

    async def remove(self, ref: str) -> str | None:
        """Disable the source with this URL or name; its name, or None when unknown."""
        async with self.sessions.begin() as session:
            row = await session.scalar(
                select(SourceRow).where(
                    or_(SourceRow.url == ref, func.lower(SourceRow.name) == ref.lower()),
                    SourceRow.enabled.is_(True),
                )
            )
            if row is None:
                return None
            row.enabled = False
            return row.name

    async def entries(self) -> list[OpmlEntry]:
        """Every enabled source, for the OPML export."""
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(SourceRow).where(SourceRow.enabled.is_(True)).order_by(SourceRow.name)
                )
            ).all()
        return [OpmlEntry(r.name, r.url, r.lang, r.perspective) for r in rows]

    async def stats(self) -> SourceStats:
        """Counts for the operator's /admin."""
        async with self.sessions() as session:

            async def count(stmt: object) -> int:
                return int(await session.scalar(stmt) or 0)  # type: ignore[call-overload]

            return SourceStats(
                sources=await count(select(func.count(SourceRow.id))),
                enabled=await count(
                    select(func.count(SourceRow.id)).where(SourceRow.enabled.is_(True))
                ),
                failing=await count(
                    select(func.count(SourceRow.id)).where(
                        SourceRow.enabled.is_(True), SourceRow.failures > 0
                    )
                ),
                admin_added=await count(
                    select(func.count(SourceRow.id)).where(SourceRow.origin == "admin")
                ),
                items=await count(select(func.count(Item.id))),
                incident_items=await count(
                    select(func.count(Item.id)).where(Item.is_incident.is_(True))
                ),
                incidents=await count(select(func.count(Incident.id))),
            )
