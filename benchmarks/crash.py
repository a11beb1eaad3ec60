"""Crash benchmark: SIGKILL the bot mid-broadcast three times, restart it, count the damage.

The bot runs as a real `python -m bot run` process against a loopback fake Bot API, with a
SQLite database holding one queued alert for N subscribers. After each kill the next start
reports how many deliveries it found in flight (claimed, not confirmed) and re-queues them.
Prints lost (goal 0) and duplicated (goal: at most the in-flight count).

    python benchmarks/crash.py [--chats 600] [--kills 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, open_store, queue_alert_to, subscribe_many

from testkit.telegram_api import FakeTelegram

TOKEN = "123456:CRASH-token-abcdefghijklmnopqrstuvwxyz"
_INFLIGHT = re.compile(r"delivery\.requeued_inflight count=(\d+)")


async def prepare(db: Path, chats: list[int]) -> int:
    """Subscribe `chats` and queue one alert to them."""
    store = await open_store(f"sqlite+aiosqlite:///{db}")
    await subscribe_many(store, chats)
    queued = await queue_alert_to(store)
    await store.close()
    return queued


def start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `python -m bot run` with its log going to `log`."""
    with log.open("ab") as out:
        return subprocess.Popen(  # the bot under test, from this checkout
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=out,
        )


def main() -> None:
    """Run the kill/restart cycles and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    chats = list(range(2_000_001, 2_000_001 + args.chats))
    with tempfile.TemporaryDirectory() as tmp, FakeTelegram(token=TOKEN) as fake:
        tmpdir = Path(tmp)
        db, log = tmpdir / "crash.db", tmpdir / "bot.log"
        sources = tmpdir / "sources.toml"
        sources.write_text('[[sources]]\nname = "closed"\nurl = "http://127.0.0.1:9/feed.xml"\n',
                           encoding="utf-8")
        queued = asyncio.run(prepare(db, chats))
        env = dict(os.environ, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                   DATABASE_URL=f"sqlite+aiosqlite:///{db}", SOURCES_FILE=str(sources),
                   HTTP_PORT="0", LOG_LEVEL="INFO", DELIVERY_INTERVAL_SECONDS="0.5")
        started = time.monotonic()
        for kill in range(args.kills):
            proc = start_bot(env, log)
            before = len(fake.sent())
            # Kill somewhere in the middle of what is left of the broadcast.
            target = before + rng.randint(20, max(21, (len(chats) - before) // (args.kills + 1)))
            deadline = time.monotonic() + 120
            while len(fake.sent()) < target and time.monotonic() < deadline:
                time.sleep(0.01)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            print(f"kill {kill + 1}: SIGKILL after {len(fake.sent())} messages in total")
        proc = start_bot(env, log)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            per_chat = Counter(m.chat_id for m in fake.sent())
            if all(per_chat[c] for c in chats):
                break
            time.sleep(0.2)
        time.sleep(2)  # let anything extra arrive
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        elapsed = time.monotonic() - started
        per_chat = Counter(m.chat_id for m in fake.sent())
        inflight = sum(int(n) for n in _INFLIGHT.findall(log.read_text(errors="replace")))
    lost = sum(1 for c in chats if not per_chat[c])
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    print(f"chats subscribed           {len(chats)} (deliveries queued {queued})")
    print(f"kills (SIGKILL)            {args.kills}")
    print(f"in flight at the kills     {inflight}   (claimed, not confirmed; re-queued at start)")
    print(f"lost                       {lost}   (goal 0)")
    print(f"duplicated                 {duplicated}   (goal <= in flight = {inflight})")
    print(f"total time                 {elapsed:.1f} s")
    if lost or duplicated > inflight:
        sys.exit(1)


if __name__ == "__main__":
    main()
