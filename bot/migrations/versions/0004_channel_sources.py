"""sources speak for a side: `side` and `actor`; items remember a repost's origin

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

Public Telegram channels became sources (issue 16). A channel is stored under its preview URL
(`https://t.me/s/<name>`), so it needs no column of its own. What is new: the side a source
speaks from and, for an official body, which one (`sources.side`, `sources.actor`), so its
posts are attributed to it; and `items.forwarded_from`, since a channel's repost of someone
else's post is not the channel's own statement, also after a restart.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the columns (all nullable: existing rows keep their meaning).

    Plain ALTER TABLE, not batch mode: batch mode would rebuild `items` on SQLite and drop
    the full-text triggers 0003 put on it.
    """
    op.add_column("sources", sa.Column("side", sa.String(16), nullable=True))
    op.add_column("sources", sa.Column("actor", sa.String(16), nullable=True))
    op.add_column("items", sa.Column("forwarded_from", sa.String(200), nullable=True))


def downgrade() -> None:
    """Drop them again (SQLite 3.35 or later drops a column in place)."""
    op.drop_column("items", "forwarded_from")
    op.drop_column("sources", "actor")
    op.drop_column("sources", "side")
