"""/stats and /map: valid PNG photos of sensible size, captions in the chat's language."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from testkit.telegram_api import SentMessage, Upload
from tests.handlers.conftest import FORUM, JERMUK, KALBAJAR_RU, SOTK, TEGH, USER, Bot, item

DAY = timedelta(days=1)


def png_size(message: SentMessage) -> tuple[int, int]:
    """The uploaded photo's pixel size, after checking it is a PNG."""
    photo = message.params["photo"]
    assert isinstance(photo, Upload)
    assert photo.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert 10_000 < photo.size < 2_000_000
    with Image.open(io.BytesIO(photo.data)) as image:
        image.verify()
        return image.size


async def seeded(bot: Bot) -> None:
    """Incidents over the last weeks in several sectors."""
    await bot.incidents(
        item(SOTK, "sotk", DAY), item(TEGH, "tegh", 2 * DAY),
        item(KALBAJAR_RU, "kalbajar", 9 * DAY), item(JERMUK, "jermuk", 20 * DAY), count=4,
    )


async def test_stats_chart(bot: Bot) -> None:
    """/stats sends a PNG chart; /stats 8 covers 8 weeks; a bad argument gets usage."""
    await seeded(bot)
    chart = await bot.ask(USER, "/stats", timeout=30)
    assert chart.method == "sendPhoto"
    width, height = png_size(chart)
    assert (width, height) == (1000, 560)
    assert "over a 12-week period (4 in all)" in (chart.plain_text or "")
    await bot.ask(USER, "/lang ru")
    chart = await bot.ask(USER, "/stats 8", timeout=30)
    assert "8 нед." in (chart.plain_text or "")
    usage = await bot.ask(USER, "/stats 500")
    assert "Использование: /stats" in (usage.plain_text or "")


async def test_map_image(bot: Bot) -> None:
    """/map sends a PNG map of the region with the incidents placed; /map 7 narrows it."""
    await seeded(bot)
    picture = await bot.ask(USER, "/map", timeout=30)
    assert picture.method == "sendPhoto"
    width, height = png_size(picture)
    assert 800 <= width <= 1200
    assert 600 <= height <= 1000
    assert "4 of 4 placed on the map" in (picture.plain_text or "")
    picture = await bot.ask(USER, "/map 7", timeout=30)
    assert "2 of 2 placed on the map" in (picture.plain_text or "")
    usage = await bot.ask(USER, "/map lots")
    assert "Usage: /map" in (usage.plain_text or "")


async def test_images_in_a_forum_topic(bot: Bot) -> None:
    """Images asked for in a forum topic are posted in that topic."""
    bot.telegram.register_chat(FORUM, chat_type="supergroup", is_forum=True)
    picture = await bot.ask(FORUM, "/map 3", timeout=30, message_thread_id=11, is_topic=True)
    assert picture.message_thread_id == 11
    png_size(picture)
