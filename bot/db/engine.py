"""Engine creation and migrations.

SQLite gets WAL, a busy timeout and foreign keys on every connection, so the poller, the
sender and the command handlers can share one file. On PostgreSQL, migrations take an
advisory lock so that replicas starting at once upgrade the schema one at a time. The
database directory of a file URL is created on first use, so the default
`./data/borderwatch.db` works on a fresh checkout.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from bot.exceptions import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["alembic_config", "create_engine", "migrate", "session_factory"]

log = logging.getLogger(__name__)
_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_LOCK = 7_305_418  # advisory lock key serialising migrations on PostgreSQL


_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_USAGE = "use sqlite+aiosqlite:///path/to/file.db or postgresql+asyncpg://user:password@host/db"


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    Anything else, or a driver that is not installed, is a `ConfigError` in one line.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(f"DATABASE_URL: cannot parse: {exc}") from None
    backend = "postgresql" if parsed.get_backend_name() == "postgres" else parsed.get_backend_name()
    if backend not in _DRIVERS:
        raise ConfigError(f"DATABASE_URL: {backend!r} is not supported; {_USAGE}")
    if parsed.drivername != _DRIVERS[backend]:
        if "+" in parsed.drivername:
            raise ConfigError(
                f"DATABASE_URL: driver {parsed.drivername!r} is not supported; {_USAGE}"
            )
        parsed = parsed.set(drivername=_DRIVERS[backend])
    if backend == "postgresql" and importlib.util.find_spec("asyncpg") is None:
        raise ConfigError(
            "DATABASE_URL: PostgreSQL needs the postgres extra: pip install '.[postgres]'"
        )
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(
                    f"DATABASE_URL: cannot create the folder {folder}: {exc.strerror}"
                ) from None
        kwargs["connect_args"] = {"timeout": 30}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=10)
    try:
        engine = create_async_engine(parsed, **kwargs)
    except ImportError as exc:
        extra = " (the postgres extra: pip install '.[postgres]')" if backend != "sqlite" else ""
        raise ConfigError(f"DATABASE_URL: the database driver is missing{extra}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the bundled migrations (no alembic.ini needed)."""
    from alembic.config import Config  # Alembic is needed once, at start: import it then.

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database to `revision` on a connection of `engine`.

    A database that cannot be opened or is not a database (an unwritable SQLite path, a file
    of something else, a PostgreSQL server that refuses) is a `ConfigError` in one line.
    """
    try:
        await _migrate(engine, revision)
    except (DBAPIError, OSError) as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = getattr(exc, "orig", None) or exc
        await engine.dispose()  # no connection thread left to outlive the event loop
        raise ConfigError(f"DATABASE_URL: cannot open {where}: {reason}") from None


async def _migrate(engine: AsyncEngine, revision: str) -> None:

    from alembic import command

    def _upgrade(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

    for attempt in range(5):
        try:
            async with engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    # Replicas starting together migrate one after the other: the lock is held
                    # to the end of this transaction, and PostgreSQL's DDL is transactional.
                    await conn.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
                    )
                await conn.run_sync(_upgrade)
            break
        except (OperationalError, IntegrityError) as exc:
            # SQLite has no such lock: two processes starting together can race on the DDL.
            # The loser finds the winner's tables and tries again once the file is quiet.
            racing = isinstance(exc, IntegrityError) or any(
                word in str(exc.orig) for word in ("locked", "already exists")
            )
            if attempt == 4 or engine.dialect.name != "sqlite" or not racing:
                raise
            log.info("db.migrate_retry attempt=%d", attempt + 1)
            await asyncio.sleep(0.5 * (attempt + 1))
    log.info("db.migrated revision=%s", revision)
