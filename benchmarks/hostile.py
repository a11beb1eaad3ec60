"""Hostile load on the running bot: the event loop's worst stall and the peak memory while
(1) a hostile feed is polled (one 10 KB entity referenced 20,000 times, the outside review's
70 KB document) beside a big honest one (a first poll of thousands of items, one in ten an
incident report as on real feeds, so storing, clustering and rendering alerts all run), and
(2) one chat floods image commands (`/map 365` fifteen times) while other chats ask for /help.
The longest garbage-collection pause is printed too: it holds every thread, the loop's too.

Goals: worst stall under 100 ms, peak memory under 250 MB, other chats answered within
200 ms. The loopback fakes (Bot API, feed server) run as threads in this process, so the
memory figure includes them: it is an upper bound for the bot.

    python benchmarks/hostile.py [--items 3000] [--incidents-every 10] [--maps 15]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("PTB_TIMEDELTA", "true")

from _common import help_waits

from bot.db.store import Store
from bot.settings import load_settings
from testkit.feed_server import FeedServer, rss
from testkit.harness import running
from testkit.telegram_api import FakeTelegram

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
FLOODER = 5_000_001
OTHERS = range(5_100_001, 5_100_011)


def expanding_feed() -> bytes:
    """One 10 KB entity referenced 20,000 times."""
    return (f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "{"x" * 10_000}">]>'
            '<rss version="2.0"><channel><title>T</title><item><title>a</title>'
            f'<description>{"&e;" * 20_000}</description><link>https://x/1</link></item>'
            "</channel></rss>").encode()


PLACES = ["Sotk", "Tegh", "Kut", "Norabak", "Berd", "Chinari", "Tovuz", "Kalbajar"]


def big_feed(items: int, incidents_every: int = 0) -> bytes:
    """An honest feed with `items` items of about a kilobyte each; every `incidents_every`-th
    one (none for 0) reports fire at positions near a border village, a few days' worth."""
    now = datetime.now(UTC)

    def item(n: int) -> tuple[str, str, str, datetime]:
        when = now - timedelta(minutes=n)
        if incidents_every and n % incidents_every == 0:
            place = PLACES[n // incidents_every % len(PLACES)]
            return (f"Armenia's Defence Ministry says Azerbaijani forces fired at positions "
                    f"near {place}", f"The positions near {place} came under small-arms "
                    "fire overnight, the ministry said. " * 5, f"https://big.example/{n}", when)
        return (f"Story {n} about the economy and the weather", "Words of an article. " * 40,
                f"https://big.example/{n}", when)

    return rss(*(item(n) for n in range(items)))


class GcMeter:
    """The longest garbage-collection pause (any generation, any thread)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.worst = max(self.worst, time.perf_counter() - self._began)


class StallMeter:
    """Measures how late a 5 ms sleep wakes up (the event loop's stalls), and how much CPU
    the loop's thread used meanwhile: a stall with little CPU in it was spent waiting for a
    core or for the interpreter lock, which a busy machine or another thread causes."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.worst_cpu = 0.0  # the loop thread's CPU within the worst stall
        self.busiest = 0.0  # the most CPU the loop thread used between two wake-ups
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(0.005)
            late = time.perf_counter() - before - 0.005
            used = time.thread_time() - cpu
            if late > self.worst:
                self.worst, self.worst_cpu = late, used
            self.busiest = max(self.busiest, used)

    def start(self) -> None:
        """Begin measuring (from zero)."""
        self.worst = self.worst_cpu = self.busiest = 0.0
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> float:
        """Stop; the worst stall in seconds."""
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return self.worst


def peak_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run(items: int, incidents_every: int, maps: int, tmp: Path) -> None:
    """Start the bot against the fakes and measure each phase."""
    with FeedServer() as feeds, FakeTelegram(token=TOKEN) as fake:
        feeds.serve("/lol.xml", expanding_feed())
        feeds.serve("/big.xml", rss())  # the big body comes in phase 1b
        sources = tmp / "sources.toml"
        sources.write_text(
            f'[[sources]]\nname = "hostile"\nurl = "{feeds.url("/lol.xml")}"\n'
            "interval_seconds = 5\n\n"
            f'[[sources]]\nname = "big"\nurl = "{feeds.url("/big.xml")}"\n'
            "interval_seconds = 5\n", encoding="utf-8")
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{tmp / 'bench.db'}", sources_file=sources,
            http_port=0, allow_private_source_urls=True, poll_interval_seconds=5,
            feed_max_bytes=20_000_000,
        )
        started_mb = peak_mb()
        async with running(settings, poll_interval=0.0, poll_timeout=10) as app:
            store = app.bot_data.services.store
            print(f"memory at start (process)       {started_mb:.0f} MB")
            await hostile_phase(store)
            feeds.serve("/big.xml", big_feed(items, incidents_every))
            await big_phase(store, items, incidents_every)
            await flood_phase(fake, maps)


async def hostile_phase(store: Store) -> None:
    """Phase 1a: the entity-expansion feed is refused twice without stalling the loop."""
    meter = StallMeter()
    meter.start()
    polled = time.monotonic()
    while time.monotonic() - polled < 60:
        health = {h.name: h for h in await store.source_health()}
        if health["hostile"].failures >= 2:
            break
        await asyncio.sleep(0.2)
    stall = await meter.stop()
    hostile = {h.name: h for h in await store.source_health()}["hostile"]
    print(f"phase 1a: the hostile feed polled twice, {time.monotonic() - polled:.1f} s")
    print(f"  hostile source                failures={hostile.failures} "
          f"error={(hostile.last_error or '')[:70]!r}")
    print(f"  worst event-loop stall        {stall * 1000:.0f} ms   (goal < 100)")
    print(f"  peak memory                   {peak_mb():.0f} MB   (goal < 250)")


async def big_phase(store: Store, items: int, incidents_every: int) -> None:
    """Phase 1b: the first poll of a big feed is stored and clustered; the loop's stalls."""
    collections = GcMeter()
    gc.callbacks.append(collections)
    meter = StallMeter()
    meter.start()
    polled = time.monotonic()
    while time.monotonic() - polled < 120:
        big = {h.name: h for h in await store.source_health()}["big"]
        if big.items_seen >= items:
            break
        await asyncio.sleep(0.2)
    stall = await meter.stop()
    gc.callbacks.remove(collections)
    incidents = len(await store.latest_incidents(limit=1000))
    print(f"phase 1b: a big honest feed's first poll ({items} new items), "
          f"{time.monotonic() - polled:.1f} s")
    print(f"  items stored                  {big.items_seen} "
          f"({items // incidents_every if incidents_every else 0} incident reports, "
          f"{incidents} incidents)")
    print(f"  worst event-loop stall        {stall * 1000:.0f} ms   (goal < 50), the loop's "
          f"thread on a CPU for {meter.worst_cpu * 1000:.0f} ms of it")
    print(f"  longest loop-thread run       {meter.busiest * 1000:.0f} ms of CPU between two "
          "wake-ups (the stall an idle machine would see)")
    print(f"  longest garbage collection    {collections.worst * 1000:.0f} ms (holds every thread)")
    # Stalls are wall time: on a machine busier than its cores, they grow with the load.
    print(f"  machine load (1 min)          {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  peak memory                   {peak_mb():.0f} MB   (goal < 250)")


async def flood_phase(fake: FakeTelegram, maps: int) -> None:
    """Phase 2: one chat floods /map while others ask for /help."""
    meter = StallMeter()
    meter.start()
    for _ in range(maps):
        fake.user_says(FLOODER, "/map 365")
    waits = await help_waits(fake, OTHERS, gap=0.3)
    await fake.wait_until(lambda f: len(f.sent(FLOODER)) >= maps, timeout=300, interval=0.05)
    stall = await meter.stop()
    photos = sum(1 for m in fake.sent(FLOODER) if m.method == "sendPhoto")
    print(f"phase 2: one chat sends /map 365 x{maps}, {len(OTHERS)} others /help")
    print(f"  maps answered                 {photos} photos, "
          f"{len(fake.sent(FLOODER)) - photos} other replies (flood control)")
    print(f"  other chats answered in       max {max(waits) * 1000:.0f} ms, median "
          f"{sorted(waits)[len(waits) // 2] * 1000:.0f} ms   (goal < 200)")
    print(f"  worst event-loop stall        {stall * 1000:.0f} ms   (goal < 100)")
    print(f"  peak memory                   {peak_mb():.0f} MB   (goal < 250)")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--incidents-every", type=int, default=10,
                        help="one item in N of the big feed reports an incident (0: none)")
    parser.add_argument("--maps", type=int, default=15)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the figures, not the bot's log
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.items, args.incidents_every, args.maps, Path(tmp)))


if __name__ == "__main__":
    main()
