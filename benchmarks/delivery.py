"""Delivery benchmark: one alert to N subscribed chats through a loopback fake Bot API that
enforces Telegram's limits (429 with retry_after past them).

Prints achieved messages/s and its ratio to the limit, 429s received, the pace the sender
settled on, chats reached, lost and duplicated. Goals: ratio >= 0.95, zero 429s in steady
state, zero lost, zero duplicated.

    python benchmarks/delivery.py [--chats 5000] [--paid]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import open_store, queue_alert_to, subscribe_many
from telegram import Bot

from bot.delivery.sender import Pacing, Sender

os.environ.setdefault("PTB_TIMEDELTA", "true")


from testkit.telegram_api import FakeTelegram

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"


async def run(chats: int, paid: bool, db: Path) -> None:
    """Queue one alert to `chats` chats and drain the outbox; print the figures."""
    store = await open_store(f"sqlite+aiosqlite:///{db}")
    ids = list(range(1_000_001, 1_000_001 + chats))
    await subscribe_many(store, ids)
    queued = await queue_alert_to(store)
    pacing = Pacing(paid_broadcast=paid)
    with FakeTelegram(token=TOKEN, enforce_limits=True) as fake:
        async with Bot(TOKEN, base_url=fake.base_url) as bot:
            sender = Sender(bot, store, pacing)
            started = time.monotonic()
            while True:
                await sender.drain(max_seconds=5)
                counts = await store.outbox.delivery_counts()
                if not counts.get("pending") and not counts.get("sending"):
                    break
            elapsed = time.monotonic() - started
        per_chat = Counter(m.chat_id for m in fake.sent())
        rejected = fake.stats.rejected_429
    await store.close()
    reached = sum(1 for c in ids if per_chat[c] >= 1)
    duplicated = sum(n - 1 for n in per_chat.values() if n > 1)
    rate = sum(per_chat.values()) / elapsed
    limit = pacing.rate
    print(f"chats subscribed          {chats}")
    print(f"deliveries queued         {queued}")
    print(f"time to reach all         {elapsed:.1f} s")
    print(f"achieved messages/s       {rate:.1f}")
    print(f"limit messages/s          {limit:.0f}")
    print(f"ratio to the limit        {rate / limit:.3f}   (goal >= 0.95)")
    print(f"429s received             {rejected}   (sender saw {sender.stats.rate_limited})")
    print(f"pace at the end           {sender.pacer.rate:.1f} messages/s "
          f"({sender.pacer.factor:.3f} of the limit, following Telegram's answers)")
    print(f"chats reached             {reached}")
    print(f"lost                      {chats - reached}   (goal 0)")
    print(f"duplicated                {duplicated}   (goal 0)")
    print(f"send latency p50 / p95    {_pct(sender.stats.latencies, 50):.1f} / "
          f"{_pct(sender.stats.latencies, 95):.1f} ms")


def _pct(values: list[float], p: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=5000)
    parser.add_argument("--paid", action="store_true", help="allow_paid_broadcast (1,000/s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.chats, args.paid, Path(tmp) / "bench.db"))


if __name__ == "__main__":
    main()
