"""Running the real application inside a test, as `Application.run_polling` would."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from bot.app import BotApp, build_application, webhook_options
from bot.settings import Settings

__all__ = ["running", "until"]


async def until(check: Callable[[], Awaitable[bool]], timeout: float) -> None:  # noqa: ASYNC109
    """Wait for an async condition."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def running(
    settings: Settings, *, poll_interval: float = 0.02, poll_timeout: int = 1
) -> AsyncIterator[BotApp]:
    """Start the application as `borderwatch run` does (a webhook when the settings name
    one, else polling for updates); stop it afterwards."""
    app = build_application(settings)
    async with app:
        assert app.post_init is not None
        assert app.post_shutdown is not None
        await app.post_init(app)
        assert app.updater is not None
        if settings.telegram_webhook_url:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(poll_interval=poll_interval, timeout=poll_timeout)
        await app.start()
        try:
            yield app
        finally:
            # The leader job may restart polling until the application stops: stop again then.
            if app.updater.running:
                await app.updater.stop()
            await app.stop()
            if app.updater.running:
                await app.updater.stop()
    await app.post_shutdown(app)
