"""Webhook mode: updates arrive over HTTP and only with Telegram's secret token."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.app import webhook_options
from bot.exceptions import ConfigError
from bot.settings import Settings, load_settings
from testkit.feed_server import FeedServer, rss
from testkit.harness import USER, free_port, running, settings_for
from testkit.telegram_api import FakeTelegram, command_update

SECRET = "s3cret_Token-42"


def webhook_settings(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> tuple[Settings, int]:
    """Webhook-mode settings for the loopback fakes, on a free port; (settings, port)."""
    feeds.serve("/am.xml", rss())
    feeds.serve("/broken.xml", rss())
    port = free_port()
    settings = settings_for(tmp_path, telegram, feeds, database_url).model_copy(update={
        "telegram_webhook_url": "https://bot.example/tg/hook",
        "telegram_webhook_secret": SecretStr(SECRET),
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    })
    return settings, port


async def test_webhook_refuses_wrong_secret_and_handles_right_one(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """A request without the secret header or with a wrong one gets 403 and is not handled;
    with the right one the command is answered."""
    settings, port = webhook_settings(tmp_path, telegram, feeds, database_url)
    async with running(settings):
        registered = telegram.calls("setWebhook")[-1]
        assert registered["url"] == "https://bot.example/tg/hook"
        assert registered["secret_token"] == SECRET
        url = f"http://127.0.0.1:{port}/tg/hook"
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=command_update(1, "/help", USER))
            wrong = await client.post(url, json=command_update(2, "/help", USER),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            assert (missing.status_code, wrong.status_code) == (403, 403)
            right = await client.post(url, json=command_update(3, "/start", USER),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
            assert right.status_code == 200
        (reply,) = await telegram.wait_for_sent(1, timeout=10, chat_id=USER)
        assert "Border Watch" in (reply.plain_text or "")
        assert len(telegram.sent(USER)) == 1  # the refused /help was never handled
    assert not telegram.errors


def test_webhook_needs_a_valid_secret() -> None:
    """Webhook mode without a secret (or with characters Telegram refuses) stops at start."""
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(load_settings(telegram_webhook_url="https://bot.example/hook"))
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        webhook_options(load_settings(telegram_webhook_url="https://bot.example/hook",
                                      telegram_webhook_secret="has spaces"))
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_URL"):
        webhook_options(load_settings(telegram_webhook_url="bot.example/hook",
                                      telegram_webhook_secret=SECRET))


def test_webhook_options_from_settings() -> None:
    """The listen address, port and path come from the settings and the public URL."""
    options = webhook_options(load_settings(
        telegram_webhook_url="https://bot.example/telegram", telegram_webhook_secret=SECRET,
        webhook_listen="127.0.0.1", webhook_port=9000,
    ))
    assert options["listen"] == "127.0.0.1"
    assert options["port"] == 9000
    assert options["url_path"] == "telegram"
    assert options["secret_token"] == SECRET


async def test_webhook_refuses_an_oversized_body_before_reading_it(
    tmp_path: Path, telegram: FakeTelegram, feeds: FeedServer, database_url: str
) -> None:
    """A request declaring 90 MB is answered at once from its headers, not buffered first."""
    settings, port = webhook_settings(tmp_path, telegram, feeds, database_url)
    async with running(settings):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /tg/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 90000000\r\n\r\n" + b"{" * 65536)
        await writer.drain()
        async with asyncio.timeout(5):  # without the cap the server waits for 90 MB
            status = await reader.readline()
        writer.close()
        await writer.wait_closed()
        assert status.startswith(b"HTTP/1.1 400")
        # A request of normal size with the secret is still handled.
        async with httpx.AsyncClient() as client:
            right = await client.post(f"http://127.0.0.1:{port}/tg/hook",
                                      json=command_update(3, "/start", USER),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert right.status_code == 200
