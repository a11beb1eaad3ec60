"""Replies under a burst: N chats send /subscribe at once to the running bot, through a
loopback fake Bot API that enforces Telegram's limits (30 messages/s, 429 past them).

Then, while an alert is being broadcast to all of them, a few other people send /help: a
person's command goes before the broadcast's tail.

Prints how many replies arrived, how long the last one waited, the 429s, and the wait of the
commands sent during the broadcast. Goals: every reply arrives; no 429 in steady state;
commands during a broadcast answered within a second (they wait for one send slot, not for
the broadcast).

    python benchmarks/replies.py [--chats 600]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")

from _common import help_waits, queue_alert_to

from bot.settings import load_settings
from testkit.feed_server import FeedServer, rss
from testkit.harness import running
from testkit.telegram_api import FakeTelegram

TOKEN = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
FIRST_CHAT = 2_000_001


async def run(chats: int, tmp: Path) -> None:
    """Start the bot, send the burst, then commands during a broadcast; print the figures."""
    with FeedServer() as feeds, FakeTelegram(token=TOKEN, enforce_limits=True) as fake:
        feeds.serve("/am.xml", rss())
        sources = tmp / "sources.toml"
        sources.write_text(f'[[sources]]\nname = "x"\nurl = "{feeds.url("/am.xml")}"\n'
                           "interval_seconds = 86400\n", encoding="utf-8")
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
            database_url=f"sqlite+aiosqlite:///{tmp / 'bench.db'}", sources_file=sources,
            http_port=0, allow_private_source_urls=True, delivery_interval_seconds=0.2,
        )
        async with running(settings, poll_interval=0.0, poll_timeout=10) as app:
            ids = list(range(FIRST_CHAT, FIRST_CHAT + chats))
            asked = time.monotonic()
            for chat in ids:
                fake.user_says(chat, "/subscribe")
            await fake.wait_until(lambda f: all(f.sent(c) for c in ids), timeout=chats / 10 + 60,
                                  interval=0.05)
            waits = [fake.sent(c)[0].at - asked for c in ids]
            burst_429 = fake.stats.rejected_429
            print(f"chats sending /subscribe     {chats}")
            print(f"replies arrived              {sum(1 for c in ids if fake.sent(c))}"
                  f"   (goal {chats})")
            print(f"last reply waited            {max(waits):.1f} s"
                  f"   (at 30/s, {chats / 30:.1f} s is the floor)")
            print(f"median reply waited          {sorted(waits)[len(waits) // 2]:.1f} s")
            print(f"429s during the burst        {burst_429}")

            store = app.bot_data.services.store
            queued = await queue_alert_to(store)
            await fake.wait_until(lambda f: len(f.sent()) >= chats + 60, timeout=60,
                                  interval=0.01)  # the broadcast is under way
            during = await help_waits(fake, range(3_000_001, 3_000_006), gap=0.5)
            in_flight = len(fake.sent()) - chats - 5
            print(f"alert broadcast to           {queued} chats ({in_flight} sent when the "
                  "last /help was answered)")
            print(f"/help during the broadcast   max {max(during) * 1000:.0f} ms, "
                  f"median {sorted(during)[2] * 1000:.0f} ms   (goal < 1000 ms)")
            print(f"429s in all                  {fake.stats.rejected_429}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--chats", type=int, default=600)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the figures, not the bot's log
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.chats, Path(tmp)))


if __name__ == "__main__":
    main()
