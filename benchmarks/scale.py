"""Scale benchmark on PostgreSQL: a paid broadcast to 100,000 chats, and command latency.

Broadcast: a scratch database with N subscribed chats; the real bot (`python -m bot run`,
`ALLOW_PAID_BROADCAST=true`) in its own process; the loopback fake Bot API in another,
enforcing Telegram's limits (1,000 paid messages/s, 429 past them). One alert is queued while
the bot runs. Prints the time from queueing to the last chat reached (the floor is N/1000 s),
the bot process's peak memory, lost and duplicated messages, 429s.

Commands: a scratch database with 10,000 subscribed chats and a few thousand incidents; the bot
in this process, getting updates from the fake by long polling. Prints p50/p95/max of the
time from an update being available to the reply reaching the Bot API, for /latest and, when
the bot has it, /search (goal: p95 under 50 ms).

    python benchmarks/scale.py --database-url postgresql+asyncpg://user@host/postgres \
        [--chats 100000] [--query-chats 10000] [--queries 200] [--skip-broadcast]

The URL names a server and a database to connect to; scratch databases are created there
and dropped afterwards. Without a URL, `TEST_DATABASE_URL` is used; failing that, SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _common import ROOT, open_store, queue_alert_to, subscribe_many
from sqlalchemy import insert

from bot.db.tables import Incident, Item, SourceRow

os.environ.setdefault("PTB_TIMEDELTA", "true")
from testkit.harness import running
from testkit.postgres import fresh_postgres_database
from testkit.telegram_api import FakeTelegram

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
FIRST_CHAT = 1_000_001
PLACES = ["Sotk", "Tegh", "Jermuk", "Kapan", "Ijevan", "Berkaber", "Nerkin Hand", "Khoznavar"]


# -- scratch databases ----------------------------------------------------------------------


@contextlib.asynccontextmanager
async def scratch_database(server_url: str | None, tmp: Path) -> AsyncIterator[str]:
    """A new empty database on the server (dropped afterwards), or a SQLite file."""
    if not server_url:
        yield f"sqlite+aiosqlite:///{tmp / f'{uuid.uuid4().hex}.db'}"
        return
    async with fresh_postgres_database(server_url) as url:
        yield url


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the fake Bot API in its own process -------------------------------------------------------


def serve_fake() -> None:
    """Child mode: run the fake with Telegram's limits; print its URL; on a line, the counts."""
    with FakeTelegram(token=TOKEN, enforce_limits=True) as fake:
        print(fake.base_url, flush=True)
        sys.stdin.readline()
        sent = fake.sent()
        stats = fake.stats
        report = {
            "per_chat": {str(k): v for k, v in stats.per_chat.items()},
            "rejected_429": stats.rejected_429,
            "peak_per_second": stats.peak_per_second,
            "first_at": min((m.at for m in sent), default=None),
            "last_at": max((m.at for m in sent), default=None),
            "paid": sum(1 for m in sent if m.allow_paid_broadcast),
        }
        print(json.dumps(report), flush=True)


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def broadcast(server_url: str | None, chats: int, tmp: Path) -> None:
    """Queue one alert to `chats` chats while the bot runs; print how it went out."""
    async with scratch_database(server_url, tmp) as url:
        store = await open_store(url)
        ids = list(range(FIRST_CHAT, FIRST_CHAT + chats))
        started = time.monotonic()
        await subscribe_many(store, ids)
        print(f"subscribed {chats} chats in {time.monotonic() - started:.1f} s", flush=True)
        fake = subprocess.Popen(  # noqa: ASYNC220 - started once, before the clock runs
            [sys.executable, __file__, "--serve-fake"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        assert fake.stdin is not None
        assert fake.stdout is not None
        base_url = fake.stdout.readline().strip()
        sources = tmp / "sources.toml"
        dead = free_port()  # a source nobody serves: the poller fails quietly
        sources.write_text(f'[[sources]]\nname = "none"\nurl = "http://127.0.0.1:{dead}/rss"\n'
                           "interval_seconds = 86400\n", encoding="utf-8")
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PTB_TIMEDELTA": "true",
               "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
               "DATABASE_URL": url, "SOURCES_FILE": str(sources),
               "ALLOW_PAID_BROADCAST": "true", "HTTP_PORT": "0", "LOG_LEVEL": "WARNING",
               "DELIVERY_INTERVAL_SECONDS": "0.5"}
        bot_log = (tmp / "bot.log").open("wb")
        bot = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "bot", "run"], env=env, cwd=tmp,
            stdin=subprocess.DEVNULL, stdout=bot_log, stderr=subprocess.STDOUT,
        )
        try:
            await asyncio.sleep(8)  # start-up: migrations, classifier, first election
            queued_at = time.monotonic()
            queued = await queue_alert_to(store)
            while True:
                await asyncio.sleep(1)
                counts = await store.outbox.delivery_counts()
                if not counts.get("pending") and not counts.get("sending"):
                    break
                if bot.poll() is not None:
                    raise RuntimeError(f"the bot exited: see {tmp / 'bot.log'}")
            done_at = time.monotonic()
            peak = _peak_rss_mib(bot.pid)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=30)
            bot_log.close()
            fake.stdin.write("report\n")
            fake.stdin.flush()
            report = json.loads(fake.stdout.readline())
            fake.wait(timeout=30)
        await store.close()
    per_chat = {int(k): v for k, v in report["per_chat"].items()}
    reached = sum(1 for c in ids if per_chat.get(c, 0) >= 1)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    last = report["last_at"] or done_at
    print(f"chats subscribed            {chats}")
    print(f"deliveries queued           {queued}")
    print(f"time to reach all           {last - queued_at:.1f} s   (floor {chats / 1000:.0f} s "
          "at 1,000/s)")
    span = (report["last_at"] or 0) - (report["first_at"] or 0)
    print(f"first to last message       {span:.1f} s")
    print(f"peak sends per second       {report['peak_per_second']}")
    print(f"sent as paid broadcast      {report['paid']}")
    print(f"429s received               {report['rejected_429']}")
    print(f"bot peak memory (VmHWM)     {peak:.0f} MiB")
    print(f"lost                        {chats - reached}   (goal 0)")
    print(f"duplicated                  {duplicated}   (goal 0)")


# -- command latency ------------------------------------------------------------------------


def _facts_for(place: str) -> dict[str, Any] | None:
    """Extracted facts naming `place` the way the search matches them (gazetteer ids)."""
    try:
        from bot.present.search import parse_query
    except ImportError:  # a build without /search
        return None
    ids = parse_query(place).place_ids
    return {"locations": [{"id": place_id} for place_id in ids]} if ids else None


async def fill_incidents(url: str, chats: int, incidents: int) -> None:
    """Subscribers, plus incidents with three reports each, spread over a year."""
    store = await open_store(url)
    await subscribe_many(store, list(range(FIRST_CHAT, FIRST_CHAT + chats)))
    rng = random.Random(7)
    now = datetime.now(UTC)
    facts = {place: _facts_for(place) for place in PLACES}
    async with store.sessions.begin() as session:
        sources = []
        for n, name in enumerate(("Armenpress", "APA", "Interfax", "Reuters")):
            row = SourceRow(name=name, url=f"https://s{n}.example/rss", enabled=True,
                            origin="file", failures=0, items_seen=0)
            session.add(row)
            sources.append(row)
        await session.flush()
        incident_rows, item_rows = [], []
        for i in range(incidents):
            when = now - timedelta(minutes=rng.randint(10, 525_600))
            place = rng.choice(PLACES)
            iid = f"inc-{when:%Y%m%d}-{i:08x}"
            stamp = when.isoformat()
            incident_rows.append({
                "id": iid, "created_at": when, "updated_at": when, "first_published_at": when,
                "last_published_at": when, "severity": rng.choice(["low", "medium", "high"]),
                "headline": f"Shooting near {place}", "sectors": "", "alerted": True,
                "followups": 0,
                "view": {"id": iid, "first_published": stamp, "last_published": stamp,
                         "event_start": stamp, "event_end": stamp, "report_ids": [],
                         "location_ids": [], "sectors": [], "severity": "low",
                         "casualties": [], "claims": [], "weapons": [], "sources": [],
                         "sides_heard": [], "followups": 0, "reply_worthy": 0},
            })
            for k, source in enumerate(rng.sample(sources, 3)):
                item_rows.append({
                    "source_id": source.id, "dedupe_key": f"{iid}-{k}",
                    "url": f"https://news.example/{iid}/{k}", "url_norm": None,
                    "title": f"Azerbaijani forces opened fire near {place}",
                    "summary": f"Positions near {place} came under small-arms fire, "
                               "the Defence Ministry said.",
                    "published_at": when, "first_seen_at": when, "lang": "en",
                    "is_incident": True, "score": 0.9, "severity": "low",
                    "facts": facts[place],
                    "incident_id": iid,
                })
        for start in range(0, len(incident_rows), 2000):
            await session.execute(insert(Incident), incident_rows[start:start + 2000])
        for start in range(0, len(item_rows), 2000):
            await session.execute(insert(Item), item_rows[start:start + 2000])
    await store.close()


async def command_latency(server_url: str | None, chats: int, queries: int, tmp: Path) -> None:
    """Time /latest (and /search when present) answers with `chats` chats subscribed."""
    import handlers
    from bot.settings import load_settings

    commands = {c if isinstance(c, str) else c[0] for c in getattr(handlers, "COMMANDS", ())}
    async with scratch_database(server_url, tmp) as url:
        await fill_incidents(url, chats, incidents=5000)
        sources = tmp / "sources-q.toml"
        sources.write_text(f'[[sources]]\nname = "none"\nurl = "http://127.0.0.1:{free_port()}/x"'
                           "\ninterval_seconds = 86400\n", encoding="utf-8")
        with FakeTelegram(token=TOKEN) as fake:
            settings = load_settings(
                telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                database_url=url, sources_file=sources, http_port=0,
                allow_private_source_urls=True,
            )
            async with running(settings, poll_interval=0.0, poll_timeout=10):
                texts = {"/latest": ["/latest", "/latest 10"]}
                if "search" in commands:
                    texts["/search"] = [f"/search {p.lower()}" for p in PLACES[:3]] + [
                        "/search opened fire", "/search small-arms positions"]
                for command, variants in texts.items():
                    await _time_command(fake, command, variants, queries)
                if "search" not in commands:
                    print("/search                     not in this build (no handler)")


async def _time_command(fake: FakeTelegram, command: str, variants: list[str], n: int) -> None:
    times = []
    for i in range(n + 5):  # the first five warm caches and connections
        # A different subscriber each time, as in real use (one chat asking 200 times in a
        # row would be flood-throttled, by design).
        chat = FIRST_CHAT + (i * 37) % 10_000
        before = len(fake.sent(chat))
        asked = time.monotonic()
        fake.user_says(chat, variants[i % len(variants)])
        await fake.wait_until(lambda f, b=before, c=chat: len(f.sent(c)) > b, 10,
                              interval=0.0005)
        if i >= 5:
            times.append(fake.sent(chat)[-1].at - asked)
    sample = (fake.sent()[-1].plain_text or "").splitlines()
    times.sort()
    p50, p95 = times[len(times) // 2], times[int(len(times) * 0.95)]
    print(f"{command:<27} p50 {p50 * 1000:.1f} ms   p95 {p95 * 1000:.1f} ms   "
          f"max {times[-1] * 1000:.1f} ms   ({n} answers; goal p95 < 50 ms)")
    print(f"{'':<27} last answer: {' / '.join(sample[:2])[:90]}")


# -- entry point ---------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> None:
    """Both parts, each on a scratch database."""
    server = args.database_url or os.environ.get("TEST_DATABASE_URL")
    print(f"database: {'PostgreSQL' if server else 'SQLite (no --database-url)'}")
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_broadcast:
            await broadcast(server, args.chats, Path(tmp))
        await command_latency(server, args.query_chats, args.queries, Path(tmp))


def main() -> None:
    """Parse arguments and run (or serve the fake, in the child process)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url", help="postgresql+asyncpg://user@host/db")
    parser.add_argument("--chats", type=int, default=100_000)
    parser.add_argument("--query-chats", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-broadcast", action="store_true")
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fake:
        serve_fake()
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
