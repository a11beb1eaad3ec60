"""/latest, /incident and /status: read-only queries."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from telegram import Update

from bot.formatting import esc
from bot.incidents import incident_detail, latest_lines
from handlers.context import Context, reply

__all__ = ["incident", "latest", "status"]

LATEST_USAGE = "Usage: /latest [n] — n from 1 to 20, default 5."
INCIDENT_USAGE = "Usage: /incident &lt;id&gt; — the id is shown under each alert and in /latest."
_ID = re.compile(r"^inc[-_][0-9]{8}[-_][0-9a-f]{4,16}$")


async def latest(update: Update, context: Context) -> None:
    """The most recent incidents, newest first."""
    args = context.args or []
    count = 5
    if len(args) > 1 or (args and not (args[0].isdigit() and 1 <= int(args[0]) <= 20)):
        await reply(update, LATEST_USAGE)
        return
    if args:
        count = int(args[0])
    lines = await latest_lines(context.services.store, count, "en")
    if not lines:
        await reply(update, "No incidents recorded yet. /subscribe to be told of the next one.")
        return
    await reply(update, "<b>Latest incidents</b>\n" + "\n".join(lines))


async def incident(update: Update, context: Context) -> None:
    """One incident in full: summary, each side's claims, the timeline of reports."""
    args = context.args or []
    message = update.effective_message
    raw = args[0] if len(args) == 1 else ""
    if not raw and message and message.text and message.text.startswith("/incident_"):
        raw = message.text.split()[0].split("@")[0].removeprefix("/")
    if not _ID.match(raw):
        await reply(update, INCIDENT_USAGE)
        return
    incident_id = raw.replace("_", "-")
    text = await incident_detail(context.services.store, incident_id, "en")
    await reply(update, text or f"No incident with id {esc(incident_id)}.")


async def status(update: Update, context: Context) -> None:
    """Sources polled, their health, the last poll."""
    services = context.services
    health = await services.store.source_health()
    counts = await services.store.counts()
    ok = sum(1 for h in health if h.failures == 0 and h.last_success_at)
    failing = [h for h in health if h.failures > 0]
    never = sum(1 for h in health if h.last_poll_at is None)
    last = services.poller.last_cycle_at
    lines = [
        "<b>Border Watch status</b>",
        f"Sources: {len(health)} ({ok} healthy, {len(failing)} failing, {never} not polled yet)",
        f"Last poll: {_ago(last)}",
        f"Items stored: {counts['items']} · incidents: {counts['incidents']}",
        f"Subscribed chats: {counts['subscriptions']} · messages queued: {counts['pending']}",
    ]
    if failing:
        lines.append("\n<b>Failing sources</b>")
        for h in failing[:15]:
            lines.append(f"• {esc(h.name)}: {esc((h.last_error or '')[:120])} "
                         f"({h.failures}× in a row)")
        if len(failing) > 15:
            lines.append(f"… and {len(failing) - 15} more")
    await reply(update, "\n".join(lines))


def _ago(moment: datetime | None) -> str:
    if moment is None:
        return "not yet"
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"
