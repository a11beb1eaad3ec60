"""Shared fixtures: a clean environment, loopback servers and a ready database.

The database is SQLite in the test's directory, or, when `TEST_DATABASE_URL` names a
PostgreSQL server (CI runs the suite both ways), a fresh database created for the test and
dropped after it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.db.engine import create_engine, migrate
from bot.db.store import Store
from bot.settings import Settings
from testkit.feed_server import FeedServer
from testkit.harness import TOKEN
from testkit.postgres import fresh_postgres_database
from testkit.telegram_api import FakeTelegram


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or a .env file."""
    for name in list(os.environ):
        if name.upper() in {f.upper() for f in Settings.model_fields}:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as `borderwatch` sets it at start
    monkeypatch.setenv("HTTP_PORT", "0")  # no health server unless a test asks for one


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails the test (the suite is offline)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in {"::1", "localhost"} or host.startswith("/")
        ):
            raise OSError(f"test tried to reach {host}: the suite is offline")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    """A loopback feed server serving tests/fixtures/feeds."""
    with FeedServer() as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """A loopback fake Telegram Bot API."""
    with FakeTelegram(token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def database_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of the test's own: SQLite, or PostgreSQL with TEST_DATABASE_URL."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    async with fresh_postgres_database(server) as url:
        yield url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated database (see `database_url`) and the store over it."""
    engine = create_engine(database_url)
    await migrate(engine)
    s = Store(engine)
    yield s
    await s.close()
