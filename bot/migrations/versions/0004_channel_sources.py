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
    """Add the columns (all nullable: existing rows keep their meaning)."""
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("side", sa.String(16), nullable=True))
        batch.add_column(sa.Column("actor", sa.String(16), nullable=True))
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("forwarded_from", sa.String(200), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("items") as batch:
        batch.drop_column("forwarded_from")
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("actor")
        batch.drop_column("side")
