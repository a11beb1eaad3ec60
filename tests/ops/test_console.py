"""Console mode, as a user without a token runs it: commands on stdin, the chat on stdout.

The end-to-end tests start `python -m bot run` and read its output as a terminal user would,
waiting on what appears (never a fixed sleep). The unit tests drive `ConsoleRequest` directly.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.ops.console import CONSOLE_CHAT_ID, ConsoleIO, ConsoleRequest
from testkit.feed_server import FeedServer, rss

ROOT = Path(__file__).resolve().parents[2]
SOTK_LINK = "https://am.example/console-sotk"


class Terminal:
    """A running `borderwatch run` in console mode: type lines, wait for output."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self._lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self._lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        """Everything printed so far."""
        with self._changed:
            return "\n".join(self._lines)

    def mark(self) -> int:
        """A position in the output, for `wait_for(after=...)`."""
        with self._changed:
            return len(self._lines)

    def type(self, line: str) -> int:
        """Type a line; returns the position of the output before it."""
        position = self.mark()
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        return position

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = 60) -> re.Match[str]:
        """The first match of `pattern` in the output after `after` lines, waiting for it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                match = re.search(pattern, "\n".join(self._lines[after:]))
                if match:
                    return match
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"{pattern!r} not printed:\n" + "\n".join(self._lines))
                self._changed.wait(min(left, 1.0))


@pytest.fixture
def console(tmp_path: Path, feeds: FeedServer) -> Iterator[Terminal]:
    """Console mode with a loopback feed that already carries an incident, and a closed
    source; run in `tmp_path`, so `./data/` is there."""
    feeds.serve("/am.xml", rss(
        ("Armenia's Defence Ministry: Azerbaijani forces fired at positions near Sotk",
         "Azerbaijani units opened fire at Armenian positions near Sotk, the ministry said.",
         SOTK_LINK, datetime.now(UTC) - timedelta(minutes=5)),
    ))
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
               PYTHONPATH=str(ROOT))
    env.pop("TELEGRAM_BOT_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )
    terminal = Terminal(proc)
    try:
        yield terminal
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    # The log is in ./data/console.log; nothing crashed on the way, shutdown included.
    assert "Traceback" not in err, err
    log = (tmp_path / "data" / "console.log").read_text(encoding="utf-8")
    assert "Traceback" not in log, log
    assert "WARNING bot.ops.leader" not in log  # stepping down at shutdown is routine


def test_the_first_alert_is_shown_and_the_log_goes_to_a_file(
    console: Terminal, tmp_path: Path
) -> None:
    """Without typing anything, the banner says the chat is subscribed and where the log is,
    the first poll's alert is printed with its link and its buttons, and a one-line source
    summary stands in for the log's warnings, which go to ./data/console.log."""
    console.wait_for(r"This chat is subscribed")
    console.wait_for(r"Log: data/console\.log")
    console.wait_for(re.escape(SOTK_LINK))  # the alert, nobody typed /subscribe
    console.wait_for(r"\[1\] .*\[2\] ")  # its buttons, numbered
    console.wait_for(r"2 sources, 1 reachable, 1 failing")
    latest = console.type("/latest")
    console.wait_for(r"Latest incidents\n.*Sotk", after=latest)
    assert "source.failing" not in console.output  # the log stays out of the conversation
    log = (tmp_path / "data" / "console.log").read_text(encoding="utf-8")
    assert log.count("source.failing source=Closed") == 1
    assert "setup plugin" not in log


def test_settings_by_number_map_and_unknown_commands(console: Terminal, tmp_path: Path) -> None:
    """/settings shows numbered buttons; typing a number opens the language page and another
    switches to Russian; /press with a wrong number says so; /map writes a PNG under
    ./data/console/ and prints its path; /foo gets a hint; /exportopml writes the file."""
    console.wait_for(r"This chat is subscribed")
    start = console.type("/settings")
    language = console.wait_for(r"\[(\d+)\] 🌐 Language", after=start)
    start = console.type(language.group(1))
    russian = console.wait_for(r"\[(\d+)\] Русский", after=start)
    start = console.type(f"/press {russian.group(1)}")
    console.wait_for(r"edited #\d+ ──\n⚙️ Настройки", after=start)
    start = console.type("/press 99")
    console.wait_for(r"No button 99", after=start)
    start = console.type("/map")
    saved = console.wait_for(r"photo saved to (\S+\.png)", after=start)
    with Image.open(tmp_path / saved.group(1)) as image:
        assert image.format == "PNG"
        assert image.size == (1000, 800)
    assert Path(saved.group(1)).parent == Path("data/console")
    start = console.type("/foo")
    console.wait_for(r"/foo.*/help", after=start)
    start = console.type("/exportopml")  # the terminal is the operator's own chat
    opml = console.wait_for(r"document saved to (\S+\.opml)", after=start)
    assert b"Loopback" in (tmp_path / opml.group(1)).read_bytes()


# ------------------------------------------------------------------------- ConsoleRequest


def _console(tmp_path: Path) -> tuple[ConsoleRequest, io.StringIO]:
    out = io.StringIO()
    io_ = ConsoleIO(io.StringIO(), out, files_dir=tmp_path / "files")
    return ConsoleRequest(io_), out


async def _call(request: ConsoleRequest, name: str, **params: object) -> object:
    return await request._answer(name, dict(params), {})


async def test_a_reply_names_the_message_it_answers(tmp_path: Path) -> None:
    """A follow-up sent as a reply prints "reply to #N" and the first line of that alert."""
    request, out = _console(tmp_path)
    alert = await _call(request, "sendMessage", chat_id=CONSOLE_CHAT_ID,
                        text="🔴 <b>Shelling near Tegh</b>\nArmenia's MoD says…")
    message_id = alert["message_id"]  # type: ignore[index]
    await _call(request, "sendMessage", chat_id=CONSOLE_CHAT_ID,
                text="Update: new casualty figures",
                reply_parameters={"message_id": message_id})
    assert f"reply to #{message_id} “🔴 Shelling near Tegh”" in out.getvalue()


async def test_a_number_presses_the_last_keyboard(tmp_path: Path) -> None:
    """A number (or /press N) becomes a callback query with that button's data; a URL
    button prints its address; a number out of range, or with no keyboard shown, is said
    plainly."""
    request, out = _console(tmp_path)
    console = request._io
    assert console._update("/press 1") is None
    assert console._update("1") is None
    assert out.getvalue().count("No buttons to press") == 2
    assert console._update("1234") is not None  # not a button number: a message (a search)
    markup = {"inline_keyboard": [[{"text": "Details", "callback_data": "a:d:1"},
                                   {"text": "Sources", "callback_data": "a:s:1"}],
                                  [{"text": "Site", "url": "https://example.org"}]]}
    await _call(request, "sendMessage", chat_id=CONSOLE_CHAT_ID, text="alert",
                reply_markup=markup)
    assert "[1] Details   [2] Sources\n[3] Site (https://example.org)" in out.getvalue()
    press = console._update("2")
    assert press is not None
    assert press["callback_query"]["data"] == "a:s:1"
    assert console._update("/press 3") is None
    assert "opens https://example.org" in out.getvalue()
    assert console._update("4") is None
    assert "No button 4: choose 1 to 3" in out.getvalue()


async def test_photos_and_documents_are_written_with_their_caption(tmp_path: Path) -> None:
    """An uploaded photo is saved as .png (from its bytes), a document under its own name;
    the path and caption are printed."""
    request, out = _console(tmp_path)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    await request._answer("sendPhoto", {"chat_id": CONSOLE_CHAT_ID, "caption": "<b>Map</b>"},
                          {"photo": ("application.octet-stream", png, "application/octet-stream")})
    await request._answer("sendDocument", {"chat_id": CONSOLE_CHAT_ID},
                          {"document": ("sources.opml", b"<opml/>", "text/xml")})
    saved = sorted((tmp_path / "files").iterdir())
    assert [p.suffix for p in saved] == [".png", ".opml"]
    assert saved[0].read_bytes() == png
    assert saved[1].name.endswith("-sources.opml")
    assert f"photo saved to {saved[0]}\nMap" in out.getvalue()


def test_the_source_summary_waits_for_every_source(tmp_path: Path) -> None:
    """One line, once, when every source has been tried."""
    _, out = _console(tmp_path)
    console = ConsoleIO(io.StringIO(), out, files_dir=tmp_path)
    console.sources_total = 3
    console.record_polls([("a", False)])
    assert "sources" not in out.getvalue()
    console.record_polls([("b", False), ("c", False)])
    console.record_polls([("a", True)])
    assert out.getvalue().count("3 sources, 0 reachable: offline?") == 1
