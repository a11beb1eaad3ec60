"""Full-text search over stored reports, one interface over SQLite FTS5 and PostgreSQL.

The index is made by migration 0002: an FTS5 table `items_fts` on SQLite, a generated
`tsvector` column `items.search` with a GIN index on PostgreSQL. Words are matched as prefixes
("обстрел" finds "обстреляли"), all words must match. Places are matched on the gazetteer ids
in each report's extracted facts (any of the query's places), so a place is found whatever
script or spelling the report used. Results are incidents, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, cast, exists, func, literal_column, or_, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql import Select

from bot.db.tables import Incident, Item
from bot.present.search import SearchQuery, day_after, expand_places

__all__ = ["SearchHit", "SearchStore"]


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An incident found by a search, with how many of its reports matched."""

    incident: Incident
    matches: int


class SearchStore:
    """Runs parsed queries against the database's full-text index."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def search(self, query: SearchQuery, limit: int = 10) -> list[SearchHit]:
        """Incidents with reports matching `query`, newest first."""
        if query.empty:
            return []
        async with self.sessions() as session:
            dialect = session.get_bind().dialect.name
            conditions: list[ColumnElement[bool]] = [Item.incident_id.is_not(None)]
            if query.terms:
                conditions.append(_text_match(dialect, query.terms))
            if query.place_ids:
                conditions.append(_place_match(dialect, expand_places(query.place_ids)))
            moment = func.coalesce(Item.published_at, Item.first_seen_at)
            if query.since:
                conditions.append(moment >= datetime.combine(query.since, time(), tzinfo=UTC))
            if query.until:
                end = datetime.combine(day_after(query.until), time(), tzinfo=UTC)
                conditions.append(moment < end)
            matched = (
                select(Item.incident_id, func.count(Item.id).label("n"))
                .where(and_(*conditions))
                .group_by(Item.incident_id)
                .subquery()
            )
            stmt = (
                select(Incident, matched.c.n)
                .join(matched, matched.c.incident_id == Incident.id)
                .order_by(Incident.last_published_at.desc())
                .limit(limit)
            )
            rows = (await session.execute(stmt)).all()
        return [SearchHit(incident, int(n)) for incident, n in rows]

    async def recent(self, since: datetime, limit: int = 500) -> list[Incident]:
        """Incidents whose first report is from `since` on, oldest first (charts, maps)."""
        async with self.sessions() as session:
            stmt = (
                select(Incident)
                .where(Incident.first_published_at >= since)
                .order_by(Incident.first_published_at)
                .limit(limit)
            )
            return list((await session.scalars(stmt)).all())

    async def created_since(self, since: datetime, limit: int = 200) -> list[Incident]:
        """Alerted incidents recorded and reported since `since` (a digest's period)."""
        async with self.sessions() as session:
            stmt = (
                select(Incident)
                .where(
                    Incident.created_at >= since,
                    Incident.last_published_at >= since,
                    Incident.alerted.is_(True),
                )
                .order_by(Incident.first_published_at)
                .limit(limit)
            )
            return list((await session.scalars(stmt)).all())


def _text_match(dialect: str, terms: Sequence[str]) -> ColumnElement[bool]:
    """All `terms` as prefixes; terms are letters and digits, quoted for the index's syntax."""
    if dialect == "postgresql":
        expression = " & ".join(f"'{term}':*" for term in terms)
        return literal_column("items.search").op("@@")(
            func.to_tsquery(literal_column("'simple'::regconfig"), expression)
        )
    expression = " ".join('"' + term.replace('"', '""') + '"*' for term in terms)
    return Item.id.in_(
        select(literal_column("rowid"))
        .select_from(text("items_fts"))
        .where(text("items_fts MATCH :fts").bindparams(fts=expression))
    )


def _place_match(dialect: str, place_ids: Sequence[str]) -> ColumnElement[bool]:
    """Reports whose extracted facts name any of `place_ids`."""
    if dialect == "postgresql":
        locations = cast(Item.facts, JSONB)["locations"]
        return or_(*(locations.contains([{"id": place}]) for place in place_ids))
    each = func.json_each(Item.facts, "$.locations").table_valued("value")
    located: Select[tuple[Any]] = (
        select(literal_column("1"))
        .select_from(each)
        .where(func.json_extract(each.c.value, "$.id").in_(list(place_ids)))
    )
    return exists(located)
