"""Leader election: one leader at a time, takeover when it goes, no acting on stale leadership."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, migrate
from bot.ops.leader import (
    AdvisoryLockElection,
    Election,
    Leadership,
    LeaseElection,
    election_for,
)

ON_POSTGRES = bool(os.environ.get("TEST_DATABASE_URL"))


class Switch(Election):
    """An election decided by the test."""

    def __init__(self, held: bool = True, validity: float = 5.0, grace: float = 0.0) -> None:
        self.held = held
        self.validity = validity
        self.takeover_grace = grace
        self.released = False

    async def hold(self) -> bool:
        return self.held

    async def release(self) -> None:
        self.released = True


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on the test's database."""
    eng = create_engine(database_url)
    await migrate(eng)
    yield eng
    await eng.dispose()


async def test_lease_one_holder_then_release_hands_over(engine: AsyncEngine) -> None:
    """Of two lease elections one holds; releasing lets the other take it at once."""
    first = LeaseElection(engine, "a", lease=30)
    second = LeaseElection(engine, "b", lease=30)
    assert await first.hold()
    assert not await second.hold()
    assert await first.hold()  # renewal
    await first.release()
    assert await second.hold()
    assert not await first.hold()


async def test_lease_expires_when_not_renewed(engine: AsyncEngine) -> None:
    """A leader that stops renewing (its process died) loses the lease when it expires."""
    dead = LeaseElection(engine, "dead", lease=0.3)
    heir = LeaseElection(engine, "heir", lease=0.3)
    assert await dead.hold()
    assert not await heir.hold()
    await asyncio.sleep(0.4)
    assert await heir.hold()
    assert not await dead.hold()


async def test_lease_is_believed_for_less_than_it_lasts(engine: AsyncEngine) -> None:
    """A lease holder stops believing in it before the row expires, so no two overlap."""
    election = LeaseElection(engine, "x", lease=10)
    assert election.validity < 10
    assert election.takeover_grace == 0


def test_election_follows_the_database(engine: AsyncEngine) -> None:
    """PostgreSQL elects with an advisory lock, SQLite with a lease."""
    chosen = election_for(engine, 42, "me")
    expected = AdvisoryLockElection if ON_POSTGRES else LeaseElection
    assert isinstance(chosen, expected)


@pytest.mark.skipif(not ON_POSTGRES, reason="advisory locks need PostgreSQL (TEST_DATABASE_URL)")
async def test_advisory_lock_taken_over_when_leader_connection_dies(
    engine: AsyncEngine, database_url: str
) -> None:
    """When the leader's session ends (its process died), the other replica gets the lock,
    and the old leader learns at its next check that it lost it."""
    other_engine = create_engine(database_url)
    try:
        leader = AdvisoryLockElection(other_engine, 99)
        follower = AdvisoryLockElection(engine, 99)
        assert await leader.hold()
        assert await leader.hold()  # confirmed, not stacked
        assert not await follower.hold()
        async with engine.connect() as conn:
            await conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_locks "
                     "WHERE locktype = 'advisory' AND objid = 99 AND pid <> pg_backend_pid()")
            )
        for _ in range(50):
            if await follower.hold():
                break
            await asyncio.sleep(0.05)
        assert await follower.hold()
        assert not await leader.hold()
        await follower.release()
        assert await leader.hold()  # released at once, not at a timeout
        await leader.release()
    finally:
        await other_engine.dispose()


async def test_leadership_expires_without_confirmation() -> None:
    """A leader that cannot confirm its leadership in time stops acting as leader."""
    clock = Clock()
    election = Switch(validity=5.0)
    leadership = Leadership(election, name="r1", clock=clock)
    assert await leadership.check()
    clock.now += 4.9
    assert leadership.is_leader
    clock.now += 0.2
    assert not leadership.is_leader
    assert leadership.role == "follower"
    assert await leadership.check()  # confirmed again


async def test_transitions_call_hooks_with_the_grace() -> None:
    """Winning calls on_elected with the takeover grace before acting; losing calls on_deposed."""
    events: list[str] = []
    election = Switch(grace=2.5)

    async def elected(grace: float) -> None:
        events.append(f"elected:{grace}")
        assert not leadership.is_leader  # not acting as leader until the hook is done

    async def deposed() -> None:
        events.append("deposed")

    leadership = Leadership(election, name="r1", on_elected=elected, on_deposed=deposed)
    assert await leadership.check()
    assert await leadership.check()
    election.held = False
    assert not await leadership.check()
    assert events == ["elected:2.5", "deposed"]
    await leadership.stop()
    assert election.released


async def test_stepping_down_at_shutdown_is_not_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Losing the lease is a warning; releasing it at a normal shutdown is only information."""
    election = Switch()
    leadership = Leadership(election, name="r1")
    with caplog.at_level(logging.INFO, logger="bot.ops.leader"):
        assert await leadership.check()
        await leadership.stop()
        stopping = [r for r in caplog.records if "reason=stopping" in r.getMessage()]
        assert [r.levelno for r in stopping] == [logging.INFO]
        assert await leadership.check()
        election.held = False
        assert not await leadership.check()
    lost = [r for r in caplog.records if "leader.deposed" in r.getMessage()][-1]
    assert lost.levelno == logging.WARNING


async def test_failed_takeover_is_retried() -> None:
    """If preparing to lead fails, the replica stays follower and tries again next round."""
    calls = 0

    async def elected(grace: float) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database hiccup")

    leadership = Leadership(Switch(), name="r1", on_elected=elected)
    assert not await leadership.check()
    assert await leadership.check()
    assert calls == 2


async def test_work_cancelled_when_leadership_lost() -> None:
    """Guarded work (a broadcast) stops once leadership is no longer certain."""
    clock = Clock()
    leadership = Leadership(Switch(validity=5.0), name="r1", clock=clock)
    await leadership.check()
    started = asyncio.Event()

    async def broadcast() -> str:
        started.set()
        await asyncio.sleep(60)
        return "finished"

    task = asyncio.create_task(leadership.run_while_leader(broadcast()))
    await started.wait()
    clock.now += 10  # no confirmation for longer than the validity
    assert await asyncio.wait_for(task, 2) is None


async def test_work_finishes_while_leader() -> None:
    """Guarded work returns its result when leadership holds throughout."""
    leadership = Leadership(Switch(), name="r1")
    await leadership.check()

    async def work() -> int:
        await asyncio.sleep(0.01)
        return 7

    assert await leadership.run_while_leader(work()) == 7
