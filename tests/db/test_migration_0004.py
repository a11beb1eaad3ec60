"""Migration 0004 (channel sources): its columns come and go without harming the rest."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bot.db.engine import alembic_config, create_engine, migrate


async def test_downgrade_and_upgrade_keep_the_search_index(database_url: str) -> None:
    """Down to 0003 drops the new columns; up again brings them back, and the items' search
    index (0003's triggers on SQLite) still works."""
    from alembic import command

    engine = create_engine(database_url)

    def columns(connection: Connection) -> set[str]:
        found = inspect(connection)
        return {f"{t}.{c['name']}" for t in ("sources", "items") for c in found.get_columns(t)}

    def downgrade(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0003")

    new = {"sources.side", "sources.actor", "items.forwarded_from"}
    try:
        await migrate(engine)
        async with engine.begin() as conn:
            assert new <= await conn.run_sync(columns)
            await conn.run_sync(downgrade)
            assert not new & await conn.run_sync(columns)
        await migrate(engine)
        async with engine.begin() as conn:
            assert new <= await conn.run_sync(columns)
            await conn.execute(text(
                "INSERT INTO sources (name, url, enabled, origin, failures, items_seen, "
                "created_at) VALUES ('s', 'https://t.me/s/x_chan', true, 'file', 0, 0, "
                "CURRENT_TIMESTAMP)"))
            await conn.execute(text(
                "INSERT INTO items (source_id, dedupe_key, title, summary, first_seen_at, "
                "is_incident, score, forwarded_from) SELECT id, 'k', 'Shelling near Sotk', "
                "'', CURRENT_TIMESTAMP, false, 0, 'Armenpress' FROM sources"))
            if conn.dialect.name == "sqlite":
                hits = await conn.scalar(text(
                    "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'sotk'"))
                assert hits == 1
    finally:
        await engine.dispose()
