"""Polling benchmark: 300 loopback feeds, a mix of changed, unchanged (304) and failing,
and 30 public Telegram channels read through their web preview pages.

Prints the time of a poll cycle and its ratio to a bare concurrent httpx fetch of the same
URLs, channel pages included (goal <= 1.5), CPU per new item, the process's peak memory with
300 sources, 10,000 subscribed chats and 100,000 stored items (goal < 200 MB), and the cost of
one channel poll next to one feed poll (wall time and CPU, each kind polled alone). The feed
servers and the stand-in for t.me run in a child process so the memory figure is the bot's
own. All channels live on one server, as on t.me, so the poller reads them one at a time
(politeness per host); each has 20 posts, of which three are new at each change in half of
the channels, and the view counters change at every poll, as on the real page (no ETag).

    python benchmarks/polling.py [--sources 300] [--channels 30] [--chats 10000]
                                 [--items 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
from _common import open_store, subscribe_many
from sqlalchemy import insert, update

from bot.classifier import default_classifier
from bot.clustering import Clusterer
from bot.db.tables import Item, SourceRow
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller
from bot.ingest.sources import Source
from bot.ingest.telegram import channel_url
from bot.settings import load_settings

PER_SERVER = 10
# Like real feeds: most news is not about border fire; one item in ten reports an incident,
# and several outlets report the same few events.
TITLES = [
    "Parliament debates the budget for {place} schools",
    "Foreign ministers discuss the peace treaty; {place} mentioned",
    "New road to {place} opens after repairs",
    "Wine festival draws visitors to {place}",
    "Central bank keeps the refinancing rate unchanged",
    "Football: {place} club wins the regional cup",
    "Weather: snow expected in the mountains near {place}",
    "Exhibition of carpets opens in the capital",
    "Energy ministry reports gas supply figures",
    "Armenia's Defence Ministry says Azerbaijani forces fired at positions near {place}",
]
EPOCH = datetime.now(UTC) - timedelta(hours=2)  # the oldest item's date
PLACES = ["Sotk", "Tegh", "Kut", "Norabak", "Berd", "Chinari", "Tovuz", "Kalbajar"]


def feed(feed_no: int, generation: int, items: int = 20, restamp: bool = False) -> bytes:
    """An RSS body of a 'changed' feed: each generation puts three new items on top.

    As in real feeds, an item keeps its bytes (title, date) from one body to the next, unless
    `restamp`: then every item's date moves with each generation, as on a site that stamps
    its whole feed with the time it was built (every item must be parsed again).
    """
    body = []
    for k in range(items):
        n = generation * 3 + items - 1 - k  # newest first
        title = TITLES[(n + feed_no) % len(TITLES)].format(place=PLACES[n % len(PLACES)])
        body.append(
            f"<item><title>{title} ({feed_no}-{n})</title>"
            f"<description>Report {n} of feed {feed_no}.</description>"
            f"<link>https://feed{feed_no}.example/{n}</link><guid>f{feed_no}-{n}</guid>"
            f"<pubDate>{format_datetime(EPOCH + timedelta(minutes=n + generation * restamp))}"
            "</pubDate></item>"
        )
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
            + "".join(body) + "</channel></rss>").encode()


def channel_page(channel_no: int, generation: int, posts: int = 20) -> bytes:
    """A channel's preview page: like `feed`, three new posts on top at each generation
    (for even channels; odd ones keep their posts), and new view counts every time."""
    from testkit.tme_preview import Post, preview_page

    step = generation if channel_no % 2 == 0 else 0
    shown = []
    for k in range(posts):
        n = step * 3 + k  # oldest first, as the page shows them
        text = TITLES[(n + channel_no) % len(TITLES)].format(place=PLACES[n % len(PLACES)])
        shown.append(Post(n + 1, f"{text} ({channel_no}-{n}).\nPost {n} of channel "
                          f"{channel_no}.", EPOCH + timedelta(minutes=n),
                          views=f"{generation * 7 + n}.{channel_no % 10}K"))
    return preview_page(f"bench_chan_{channel_no}", shown)


def serve(sources: int, channels: int, latency: float, restamp: bool, conn: Connection) -> None:
    """Child process: start the feed servers, then apply 'advance' commands."""
    from testkit.feed_server import FeedServer
    from testkit.tme_preview import HTML_CONTENT_TYPE

    tme = FeedServer(latency=latency).start()
    for c in range(channels):
        tme.serve(f"/s/bench_chan_{c}", channel_page(c, 0), content_type=HTML_CONTENT_TYPE)
    count = (sources + PER_SERVER - 1) // PER_SERVER
    servers = [FeedServer(latency=latency).start() for _ in range(count)]
    urls = []
    for i in range(sources):
        server, path = servers[i // PER_SERVER], f"/f{i}.xml"
        kind = i % 3  # 0 changed, 1 unchanged with an ETag (304), 2 failing
        if kind == 2:
            server.status(path, 500)
        else:
            server.serve(path, feed(i, 0, restamp=restamp), etag=True)
        urls.append((server.url(path), kind))
    conn.send((urls, tme.base_url))
    generation = 0
    while (command := conn.recv()) != "stop":
        if command == "advance":
            generation += 1
            for i in range(0, sources, 3):
                body = feed(i, generation, restamp=restamp)
                servers[i // PER_SERVER].serve(f"/f{i}.xml", body, etag=True)
            for c in range(channels):
                tme.serve(f"/s/bench_chan_{c}", channel_page(c, generation),
                          content_type=HTML_CONTENT_TYPE)
            conn.send("ok")
    for server in [*servers, tme]:
        server.stop()


async def bare_fetch(urls: list[str], connections: int) -> float:
    """Seconds for a plain concurrent httpx GET of every URL (same connection limit)."""
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client.get(u) for u in urls), return_exceptions=True)
        return time.perf_counter() - started


async def run(
    args: argparse.Namespace, conn: Connection, urls: list[tuple[str, int]], tme: str
) -> None:
    """Fill the database, run poll cycles, print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'poll.db'}"
        # Fill the database in another process, so the peak memory below is the bot's own.
        filler = mp.get_context("spawn").Process(
            target=_fill, args=(url, args.chats, args.items, [u for u, _ in urls], args.channels)
        )
        filler.start()
        filler.join()
        store = await open_store(url)
        settings = load_settings(http_max_connections=args.connections, http_timeout_seconds=5,
                                 telegram_web_base_url=tme)
        async with build_http_client(timeout=5, max_connections=args.connections,
                                     user_agent="Mozilla/5.0 (bench)",
                                     allow_private=True) as client:
            poller = Poller(settings, store, client, default_classifier(), Clusterer())
            rss_before = _rss_mb()
            if args.trace:
                import tracemalloc
                tracemalloc.start(25)
            await poller.poll_due()  # warm-up: first sight of every feed
            rss_warm = _rss_mb()
            if args.trace:
                snap = tracemalloc.take_snapshot()
                for stat in snap.statistics("traceback")[:3]:
                    print(stat)
                    for line in stat.traceback.format()[-12:]:
                        print("   ", line)
                print("peak traced", tracemalloc.get_traced_memory()[1] / 1e6, "MB")
            results = []
            for _ in range(args.cycles):
                conn.send("advance")
                conn.recv()
                async with store.sessions.begin() as session:
                    await session.execute(update(SourceRow).values(next_poll_at=None))
                cpu0, t0 = time.process_time(), time.perf_counter()
                if args.profile:
                    import cProfile
                    import pstats

                    profiler = cProfile.Profile()
                    profiler.enable()
                outcomes = await poller.poll_due()
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
                if args.profile:
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats(args.sort)
                    stats.print_stats(args.limit)
                    if args.callers:
                        stats.print_callers(args.callers)
                new = sum(o.new_items for o in outcomes)
                pages = [f"{tme}/s/bench_chan_{c}" for c in range(args.channels)]
                bare = await bare_fetch([u for u, _ in urls] + pages, args.connections)
                results.append((elapsed, bare, cpu, new, outcomes))
            by_kind = {kind: await _kind_alone(poller, store, conn, kind, len(urls))
                       for kind in ("channel", "feed")}
            deliveries = await store.outbox.delivery_counts()
        await store.close()
    print(f"deliveries queued         {deliveries}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Best of each: both figures wobble with the load of the machine.
    elapsed, _, cpu, new, outcomes = min(results, key=lambda r: r[0])
    bare = min(r[1] for r in results)
    failed = sum(1 for o in outcomes if not o.ok)
    print(f"sources                   {len(urls)} feeds (changed / 304 / failing: "
          f"{sum(k == 0 for _, k in urls)} / {sum(k == 1 for _, k in urls)} / "
          f"{sum(k == 2 for _, k in urls)}) + {args.channels} channels")
    print(f"stored items, chats       {args.items} + polled, {args.chats}")
    print(f"network latency simulated {args.latency * 1000:.0f} ms per answer")
    print(f"poll cycle                {elapsed * 1000:.0f} ms (best of {args.cycles})")
    print(f"bare httpx fetch          {bare * 1000:.0f} ms (best of {args.cycles})")
    print(f"ratio                     {elapsed / bare:.2f}   (goal <= 1.5)")
    print(f"new items in the cycle    {new}; failing sources {failed}")
    print(f"CPU per new item          {cpu / max(new, 1) * 1000:.2f} ms "
          f"(cycle CPU {cpu * 1000:.0f} ms)")
    print(f"peak memory (RSS)         {peak_mb:.0f} MB   (goal < 200 MB)")
    print(f"RSS before / after warm-up {rss_before:.0f} / {rss_warm:.0f} MB")
    for kind, (polls, wall, cpu, new) in by_kind.items():
        label = f"{kind} poll, alone ({polls})"
        print(f"{label:<26}{wall / max(polls, 1) * 1000:.1f} ms wall, "
              f"{cpu / max(polls, 1) * 1000:.2f} ms CPU per poll; {new} new items "
              f"(cycle {wall * 1000:.0f} ms)")


async def _kind_alone(
    poller: Poller, store: object, conn: Connection, kind: str, feeds: int
) -> tuple[int, float, float, int]:
    """Advance the servers, then poll only the channels, or only the feeds that changed (best
    of two): the polls made, the cycle's wall and CPU seconds, the new items."""
    from bot.db.store import Store

    assert isinstance(store, Store)
    due = (SourceRow.url.like("https://t.me/s/%") if kind == "channel"
           else SourceRow.name.in_([f"feed {i}" for i in range(0, feeds, 3)]))
    runs = []
    for _ in range(2):
        conn.send("advance")
        conn.recv()
        async with store.sessions.begin() as session:
            await session.execute(update(SourceRow).where(due).values(next_poll_at=None))
        cpu0, t0 = time.process_time(), time.perf_counter()
        outcomes = await poller.poll_due()
        runs.append((len(outcomes), time.perf_counter() - t0, time.process_time() - cpu0,
                     sum(o.new_items for o in outcomes)))
    return min(runs, key=lambda r: r[1])


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _fill(url: str, chats: int, items: int, urls: list[str], channels: int) -> None:
    """Child process: subscribers, sources and archived items.

    Sources carry a language, as the bundled list's do (the classifier then needs no
    statistical language model for them).
    """

    async def fill() -> None:
        store = await open_store(url)
        await subscribe_many(store, list(range(3_000_001, 3_000_001 + chats)))
        await store.sync_sources(
            [Source(f"feed {i}", u, lang="en", interval_seconds=300) for i, u in enumerate(urls)]
            + [Source(f"channel {c}", channel_url(f"bench_chan_{c}"), lang="en",
                      interval_seconds=300) for c in range(channels)]
        )
        await _fill_items(store, items)
        await store.close()

    asyncio.run(fill())


async def _fill_items(store: object, count: int) -> None:
    from bot.db.store import Store

    assert isinstance(store, Store)
    now = datetime.now(UTC) - timedelta(days=30)
    async with store.sessions.begin() as session:
        source = SourceRow(name="archive", url="https://archive.example/rss", enabled=False,
                           origin="file", failures=0, items_seen=0)
        session.add(source)
        await session.flush()
        for start in range(0, count, 5000):
            await session.execute(insert(Item), [
                {"source_id": source.id, "dedupe_key": f"a{n}", "url": f"https://a.example/{n}",
                 "url_norm": f"https://a.example/{n}", "title": f"Archived report {n}",
                 "summary": "Old text " * 20, "published_at": now, "first_seen_at": now,
                 "lang": "en", "is_incident": False, "score": 0.01}
                for n in range(start, min(count, start + 5000))
            ])


def main() -> None:
    """Parse arguments, start the servers, run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--channels", type=int, default=30)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds each feed answer is delayed, like a real network's round "
                             "trips (loopback answers in well under a millisecond)")
    parser.add_argument("--restamp", action="store_true",
                        help="changed feeds re-date every item on each change (worst case)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc the warm-up")
    parser.add_argument("--profile", action="store_true", help="cProfile one cycle")
    parser.add_argument("--sort", default="tottime", help="pstats order with --profile")
    parser.add_argument("--callers", default="", help="with --profile: who calls this")
    parser.add_argument("--limit", default=30, type=int, help="with --profile: rows")
    args = parser.parse_args()
    parent, child = mp.Pipe()
    proc = mp.get_context("spawn").Process(
        target=serve, args=(args.sources, args.channels, args.latency, args.restamp, child),
        daemon=True,
    )
    proc.start()
    urls, tme = parent.recv()
    try:
        asyncio.run(run(args, parent, urls, tme))
    finally:
        parent.send("stop")
        proc.join(10)


if __name__ == "__main__":
    main()
