"""The clock: timezone-aware UTC now, the one time source of the storage and the handlers.

Its own home (not `bot.db.tables`) so handlers and jobs that only need the time do not
import the database schema.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utcnow"]


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(UTC)
