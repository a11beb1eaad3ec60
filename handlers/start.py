"""/start and /help."""

from __future__ import annotations

from telegram import Update

from handlers.context import Context, reply

__all__ = ["HELP", "help_command", "start"]

HELP = (
    "<b>Border Watch</b> alerts you to armed incidents on the Armenia–Azerbaijan border: "
    "firing, shelling, drone strikes, casualties, detentions, and each side's claims and "
    "denials. Reports from many outlets in four languages become one alert, and every claim "
    "names who made it.\n\n"
    "/subscribe: get alerts in this chat\n"
    "/unsubscribe: stop them\n"
    "/latest [n]: the most recent incidents (1–20)\n"
    "/incident &lt;id&gt;: one incident with its sources\n"
    "/status: sources and their health\n"
    "/help: this text"
)


async def start(update: Update, context: Context) -> None:
    """Say what the bot does and how to subscribe."""
    await reply(update, HELP + "\n\nSend /subscribe to start receiving alerts.")


async def help_command(update: Update, context: Context) -> None:
    """List the commands."""
    await reply(update, HELP)
