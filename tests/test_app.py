"""The application's start and stop, as `borderwatch run` does them."""

from __future__ import annotations

import gc
from pathlib import Path

from testkit.feed_server import FeedServer, rss
from testkit.harness import loopback_settings, running
from testkit.telegram_api import FakeTelegram


async def test_start_up_heap_is_frozen_while_running_and_released_at_stop(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """What start-up built is frozen out of garbage collection while the bot runs (each full
    collection re-scanned it, stalling the event loop on a big first poll); stopping hands
    it back to the collector, so an application started again freezes anew."""
    feeds.serve("/a.xml", rss())
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nname = "a"\nurl = "{feeds.url("/a.xml")}"\n',
                       encoding="utf-8")
    settings = loopback_settings(telegram, database_url, sources)
    gc.unfreeze()
    async with running(settings):
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0
