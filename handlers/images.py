"""/stats (incidents per week by sector) and /map (recent incidents on a map): PNG images.

Rendering is CPU work in matplotlib; it runs in a worker thread so other chats are not held
up, and the images are sent as photos with a caption in the chat's language.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.clock import utcnow
from bot.db.search import SearchStore
from bot.present.charts import IncidentPoint, render_stats, weekly_counts
from bot.present.i18n import t
from bot.present.incidents import safe_view
from bot.present.maps import MapPoint, incident_place, render_map
from bot.subscribers.text import ascii_int
from handlers.context import Context, chat_prefs, reply, where

__all__ = ["map_command", "stats"]

MAX_WEEKS = 52
MAX_DAYS = 365


def _number(args: list[str], default: int, top: int) -> int | None:
    if not args:
        return default
    number = ascii_int(args[0]) if len(args) == 1 else None
    return number if number is not None and 1 <= number <= top else None


async def stats(update: Update, context: Context) -> None:
    """/stats [weeks]: a chart of incidents per week by sector (default 12 weeks)."""
    at = where(update)
    message = update.effective_message
    if at is None or message is None:
        return
    lang = (await chat_prefs(context, at)).language
    weeks = _number(context.args or [], 12, MAX_WEEKS)
    if weeks is None:
        await reply(update, t(lang, "usage_stats", max=MAX_WEEKS))
        return
    now = utcnow()
    rows = await SearchStore(context.services.store.sessions).recent(
        now - timedelta(weeks=weeks + 1), limit=20_000
    )
    points = [
        IncidentPoint(row.first_published_at, row.sector_ids)
        for row in rows
    ]
    data = weekly_counts(points, weeks, now.date())
    png = await context.services.images.render(render_stats, data, lang)
    await message.reply_photo(png, caption=t(lang, "stats_caption", weeks=weeks,
                                             n=len(points)), do_quote=False)


async def map_command(update: Update, context: Context) -> None:
    """/map [days]: recent incidents on a map of the border region (default 30 days)."""
    at = where(update)
    message = update.effective_message
    if at is None or message is None:
        return
    lang = (await chat_prefs(context, at)).language
    days = _number(context.args or [], 30, MAX_DAYS)
    if days is None:
        await reply(update, t(lang, "usage_map", max=MAX_DAYS))
        return
    rows = await SearchStore(context.services.store.sessions).recent(
        utcnow() - timedelta(days=days), limit=5_000
    )
    points = []
    for row in rows:
        view = safe_view(row)
        place = incident_place(view.location_ids) if view else None
        if place is not None:
            points.append(MapPoint(place[1], place[2], row.severity, place[0]))
    png = await context.services.images.render(render_map, points, lang, days=days)
    caption = t(lang, "map_caption", days=days, n=len(points), total=len(rows))
    await message.reply_photo(png, caption=caption, do_quote=False)
