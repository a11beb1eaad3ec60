"""Console mode, as a user without a token runs it: commands on stdin, alerts on stdout."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from testkit.feed_server import FeedServer, rss


def test_console_mode_subscribes_and_prints_the_alert(tmp_path: Path, feeds: FeedServer) -> None:
    """No TELEGRAM_BOT_TOKEN: /subscribe typed on stdin, then a new incident in a feed is
    printed as an alert with its link; an unreachable source is logged once and nothing
    crashes."""
    link = "https://am.example/console-sotk"
    feeds.serve("/am.xml", rss())
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "Loopback"\nurl = "{feeds.url("/am.xml")}"\nlang = "en"\n'
        'interval_seconds = 5\n\n[[sources]]\nname = "Closed"\n'
        'url = "http://127.0.0.1:9/feed.xml"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, SOURCES_FILE=str(sources), POLL_INTERVAL_SECONDS="5",
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'console.db'}", HTTP_PORT="0",
               ALLOW_PRIVATE_SOURCE_URLS="true",  # the feed server is on loopback
               PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    assert proc.stdin is not None
    try:
        proc.stdin.write("/subscribe\n")
        proc.stdin.flush()
        time.sleep(3)
        feeds.serve("/am.xml", rss(
            ("Armenia's Defence Ministry: Azerbaijani forces fired at positions near Sotk",
             "Azerbaijani units opened fire at Armenian positions near Sotk, the ministry said.",
             link, datetime.now(UTC) - timedelta(minutes=5)),
        ))
        time.sleep(9)  # the next poll, the alert and the sender's turn
        proc.stdin.write("/latest\n")
        proc.stdin.flush()
        time.sleep(2)
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
    assert "console mode" in out, out
    assert "Subscribed" in out
    assert link in out, out  # the alert, with its source link
    assert "Sotk" in out
    assert "Latest incidents" in out
    assert err.count("source.failing source=Closed") == 1
    assert "Traceback" not in err
