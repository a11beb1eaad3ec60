"""full-text search over items; inline buttons on deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

SQLite: an FTS5 table `items_fts` over the items' title and summary (external content, kept
in step by triggers). PostgreSQL: a generated `tsvector` column `items.search` with a GIN
index. Both use language-neutral tokenising ("simple" / unicode61 without diacritics), since
items come in four languages and scripts. Place names are matched through the gazetteer ids
in `items.facts`, not through this index (see `bot.db.search`).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = (
    """CREATE VIRTUAL TABLE items_fts USING fts5(
        title, summary, content='items', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary);
    END""",
    """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary);
    END""",
    """CREATE TRIGGER items_fts_update AFTER UPDATE OF title, summary ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, title, summary)
        VALUES ('delete', old.id, old.title, old.summary);
        INSERT INTO items_fts(rowid, title, summary) VALUES (new.id, new.title, new.summary);
    END""",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS items_fts_update",
    "DROP TRIGGER IF EXISTS items_fts_delete",
    "DROP TRIGGER IF EXISTS items_fts_insert",
    "DROP TABLE IF EXISTS items_fts",
)
_PG_UP = (
    """ALTER TABLE items ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(summary, ''))
    ) STORED""",
    "CREATE INDEX ix_items_search ON items USING gin (search)",
)
_PG_DOWN = (
    "DROP INDEX IF EXISTS ix_items_search",
    "ALTER TABLE items DROP COLUMN IF EXISTS search",
)


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_markup", sa.Text(), nullable=True))
    dialect = op.get_bind().dialect.name
    statements = _SQLITE_UP if dialect == "sqlite" else _PG_UP if dialect == "postgresql" else ()
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    statements = (
        _SQLITE_DOWN if dialect == "sqlite" else _PG_DOWN if dialect == "postgresql" else ()
    )
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("reply_markup")
