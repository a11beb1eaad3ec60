"""Leader election on the database: exactly one replica polls feeds and sends at a time.

Every replica answers commands; only the leader runs the poll and delivery jobs (and anything
else that must happen once, such as digests). Two elections, one interface:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated
  connection. The server releases it the moment that connection ends, so when a leader's
  process dies another replica takes over at its next check, within seconds. TCP keepalives
  on the connection let the server notice a leader that vanished from the network.
- SQLite (one machine): a lease row with an expiry, renewed every few seconds; a replica that
  finds the lease expired takes it.

`Leadership` runs an election round on each `check()` (a JobQueue job calls it every
`CHECK_INTERVAL` seconds) and knows how long its leadership stays certain: a leader that
cannot confirm it in time stops acting as one (`is_leader` turns false by itself, and
`run_while_leader` cancels the work it guards). A replica that wins waits out that same
window (`takeover_grace`) before re-queueing what the previous leader left in flight, so a
leader that lost its lock but is still alive has stopped sending by then.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Column, MetaData, String, Table, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.clock import utcnow
from bot.db.engine import session_factory
from bot.db.tables import UTCDateTime

__all__ = [
    "CHECK_INTERVAL",
    "AdvisoryLockElection",
    "Election",
    "Leadership",
    "LeaseElection",
    "election_for",
    "leader_lease",
    "replica_name",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

CHECK_INTERVAL = 3.0
"""Seconds between two election rounds."""
CHECK_TIMEOUT = 2.0
"""A round that takes longer than this counts as a failure (the database is unreachable)."""
LEASE_SECONDS = 10.0
"""How long a SQLite lease lasts without renewal."""

# Not part of `bot.db.tables.Base`: the lease is the election's own bookkeeping. Created by
# migration 0003 on both databases (only SQLite uses it).
leader_lease = Table(
    "leader_lease",
    MetaData(),
    Column("name", String(64), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", UTCDateTime(timezone=True), nullable=False),
    Column("acquired_at", UTCDateTime(timezone=True), nullable=False),
)


def replica_name() -> str:
    """A name for this process that no other replica shares: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Election:
    """One way of holding leadership; `hold` is called every round.

    `validity` is how long a successful `hold` keeps leadership certain, counted from the
    start of that call; `takeover_grace` is how long a new leader waits before touching what
    a previous leader may still be doing.
    """

    validity: float = CHECK_INTERVAL + CHECK_TIMEOUT
    takeover_grace: float = 0.0

    async def hold(self) -> bool:
        """Take or keep leadership; True while this replica holds it."""
        raise NotImplementedError

    async def release(self) -> None:
        """Give leadership up at once (at shutdown), so another replica need not wait."""
        raise NotImplementedError


class AdvisoryLockElection(Election):
    """PostgreSQL: a session advisory lock on one dedicated connection."""

    def __init__(
        self,
        engine: AsyncEngine,
        key: int,
        *,
        interval: float = CHECK_INTERVAL,
        timeout: float = CHECK_TIMEOUT,
    ) -> None:
        self._engine = engine
        self._key = key
        self._timeout = timeout
        self._conn: AsyncConnection | None = None
        self._holding = False
        self.validity = interval + timeout
        # The lock moves only when the old session ended; the old process may still be alive
        # (cut off from the database) until its own validity runs out.
        self.takeover_grace = self.validity

    async def hold(self) -> bool:
        """Try the lock (or confirm we still hold it) within the timeout."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._hold()
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("leader.check_failed election=advisory error=%s", _describe(exc))
            await self._drop()
            return False

    async def _hold(self) -> bool:
        if self._conn is None:
            conn = await self._engine.connect()
            try:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # Let the server notice within ~15 s that a leader's host vanished.
                for setting, value in (("tcp_keepalives_idle", 5), ("tcp_keepalives_interval", 2),
                                       ("tcp_keepalives_count", 3)):
                    await conn.execute(text(f"SET {setting} = {value}"))
            except BaseException:
                await conn.invalidate()
                raise
            self._conn = conn
        if self._holding:
            # Held locks show in pg_locks as long as our session lives; checking there (not
            # just "SELECT 1") also catches a lock released behind our back.
            held = await self._conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid() AND objsubid = 1"
                    " AND classid = :high AND objid = :low"
                ),
                {"high": (self._key >> 32) & 0xFFFFFFFF, "low": self._key & 0xFFFFFFFF},
            )
            self._holding = bool(held)
        else:
            got = await self._conn.scalar(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}
            )
            self._holding = bool(got)
        return self._holding

    async def release(self) -> None:
        """Unlock and close the dedicated connection."""
        conn, self._conn = self._conn, None
        self._holding = False
        if conn is None:
            return
        try:
            async with asyncio.timeout(self._timeout):
                await conn.execute(text("SELECT pg_advisory_unlock_all()"))
                await conn.close()
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("leader.release_failed error=%s", _describe(exc))
            with suppress(Exception):
                await conn.invalidate()  # closing the session frees the lock anyway

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._holding = False
        if conn is not None:
            with suppress(Exception):
                await conn.invalidate()  # never return a connection holding a lock to the pool


class LeaseElection(Election):
    """A lease row renewed every round; for SQLite, where every replica shares one file."""

    def __init__(
        self,
        engine: AsyncEngine,
        holder: str,
        *,
        name: str = "leader",
        lease: float = LEASE_SECONDS,
        timeout: float = CHECK_TIMEOUT,
    ) -> None:
        self._sessions = session_factory(engine)
        self._holder = holder
        self._name = name
        self._lease = timedelta(seconds=lease)
        self._timeout = timeout
        # The row says "until renewal time + lease"; this replica stops believing a second
        # earlier, and a successor takes the lease only after it expired: no overlap.
        self.validity = max(0.5, lease - 1.0)
        self.takeover_grace = 0.0

    async def hold(self) -> bool:
        """Renew our lease, or take one that expired."""
        try:
            async with asyncio.timeout(self._timeout):
                return await self._hold(utcnow())
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("leader.check_failed election=lease error=%s", _describe(exc))
            return False

    async def _hold(self, now: datetime) -> bool:
        row = leader_lease.c
        try:
            async with self._sessions.begin() as session:
                renewed = await session.execute(
                    update(leader_lease)
                    .where(row.name == self._name,
                           or_(row.holder == self._holder, row.expires_at < now))
                    .values(holder=self._holder, expires_at=now + self._lease)
                )
                if renewed.rowcount:
                    return True
                if await session.scalar(select(row.holder).where(row.name == self._name)):
                    return False
                await session.execute(
                    insert(leader_lease).values(name=self._name, holder=self._holder,
                                                expires_at=now + self._lease, acquired_at=now)
                )
                return True
        except IntegrityError:
            return False  # another replica inserted the first lease at the same moment

    async def release(self) -> None:
        """Expire our lease now."""
        row = leader_lease.c
        try:
            async with asyncio.timeout(self._timeout), self._sessions.begin() as session:
                await session.execute(
                    update(leader_lease)
                    .where(row.name == self._name, row.holder == self._holder)
                    .values(expires_at=utcnow() - timedelta(seconds=1))
                )
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("leader.release_failed error=%s", _describe(exc))


def election_for(engine: AsyncEngine, lock_id: int, holder: str) -> Election:
    """The election that suits the engine's database."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLockElection(engine, lock_id)
    return LeaseElection(engine, holder)


class Leadership:
    """This replica's role, kept current by `check()`, with hooks for the transitions.

    `on_elected(grace)` runs when the replica wins, before it acts as leader (the app waits
    `grace` there if the previous leader may still be sending, then re-queues its in-flight
    rows); `on_deposed()` runs when it loses. A failing `on_elected` is retried next round.
    """

    def __init__(
        self,
        election: Election,
        *,
        name: str,
        on_elected: Callable[[float], Awaitable[None]] | None = None,
        on_deposed: Callable[[], Awaitable[None]] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._election = election
        self._on_elected = on_elected
        self._on_deposed = on_deposed
        self._clock = clock
        self._leader = False
        self._valid_until = 0.0
        self._round = asyncio.Lock()
        self.elected_at: float | None = None
        """Monotonic time this replica last became leader."""
        self.transitions = 0
        """How many times the role changed (for metrics)."""

    @property
    def is_leader(self) -> bool:
        """True while leadership is certain: won, and confirmed recently enough."""
        return self._leader and self._clock() < self._valid_until

    @property
    def role(self) -> str:
        """'leader' or 'follower'."""
        return "leader" if self.is_leader else "follower"

    async def check(self) -> bool:
        """One election round; returns `is_leader` afterwards."""
        async with self._round:
            started = self._clock()
            held = await self._election.hold()
            if held and not self._leader:
                log.info("leader.elected replica=%s grace=%.1fs", self.name,
                         self._election.takeover_grace)
                try:
                    if self._on_elected is not None:
                        await self._on_elected(self._election.takeover_grace)
                except Exception:
                    log.exception("leader.on_elected_failed replica=%s (retrying)", self.name)
                    return False
                # The hook may have waited: confirm the lock is still ours before acting.
                started = self._clock()
                held = await self._election.hold()
                if held:
                    self._leader = True
                    self.elected_at = self._clock()
                    self.transitions += 1
            if held:
                self._valid_until = started + self._election.validity
            elif self._leader:
                await self._depose("lost")
            return self.is_leader

    async def run_while_leader(self, work: Awaitable[T]) -> T | None:
        """Run `work` and cancel it as soon as leadership is no longer certain."""
        task = asyncio.ensure_future(work)
        while True:
            if not self.is_leader:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
                log.warning("leader.work_cancelled replica=%s (no longer leader)", self.name)
                return None
            done, _ = await asyncio.wait({task}, timeout=0.25)
            if done:
                return task.result()

    async def stop(self) -> None:
        """Step down and release leadership (at shutdown)."""
        async with self._round:
            if self._leader:
                await self._depose("stopping")
            await self._election.release()

    async def _depose(self, reason: str) -> None:
        self._leader = False
        self._valid_until = 0.0
        self.transitions += 1
        # Stepping down at shutdown is routine; losing the lease any other way is news.
        level = logging.INFO if reason == "stopping" else logging.WARNING
        log.log(level, "leader.deposed replica=%s reason=%s", self.name, reason)
        if self._on_deposed is not None:
            try:
                await self._on_deposed()
            except Exception:
                log.exception("leader.on_deposed_failed replica=%s", self.name)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]

