"""/latest, /incident, /search (and plain text in private chats), /digest, /sources, /status."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from telegram import Update

from bot.clock import utcnow
from bot.db.search import SearchStore
from bot.exceptions import ArgError
from bot.present.formatting import esc
from bot.present.i18n import t, tn
from bot.present.incidents import incident_detail, latest_lines, search_text, sources_text
from bot.present.search import parse_query
from bot.subscribers.digest import digest_for
from bot.subscribers.text import ascii_int, clean_text
from handlers.access import is_operator
from handlers.context import Context, chat_prefs, reply, reply_error, where
from handlers.settings import digest_setting

__all__ = [
    "digest",
    "incident",
    "latest",
    "search",
    "sources",
    "status",
    "text_search",
]

INCIDENT_ID = re.compile(r"^inc[-_][0-9]{8}[-_][0-9a-f]{4,16}$")
# What could be meant as an id (letters, digits, - and _): anything else gets the usage line.
ID_LIKE = re.compile(r"^[\w-]{1,64}$")


async def _lang(update: Update, context: Context) -> str:
    at = where(update)
    return (await chat_prefs(context, at)).language if at else "en"


async def latest(update: Update, context: Context) -> None:
    """The most recent incidents, newest first."""
    lang = await _lang(update, context)
    args = context.args or []
    count = ascii_int(args[0]) if len(args) == 1 else 5 if not args else None
    if count is None or not 1 <= count <= 20:
        await reply(update, t(lang, "usage_latest"))
        return
    lines = await latest_lines(context.services.store, count, lang)
    if not lines:
        at = where(update)
        subscribed = at is not None and await context.services.store.chats.is_subscribed(
            at.chat_id, at.thread_id)
        await reply(update, t(lang, "latest_none_subscribed" if subscribed else "latest_none"))
        return
    await reply(update, t(lang, "latest_title") + "\n" + "\n".join(lines))


async def incident(update: Update, context: Context) -> None:
    """One incident in full: summary, each side's claims, the timeline of reports."""
    lang = await _lang(update, context)
    args = context.args or []
    message = update.effective_message
    raw = args[0] if len(args) == 1 else ""
    if not args and message and message.text and message.text.startswith("/incident_"):
        raw = message.text.split()[0].split("@")[0].removeprefix("/incident_")
    if not ID_LIKE.match(raw):
        await reply(update, t(lang, "usage_incident"))
        return
    if not INCIDENT_ID.match(raw):
        # A mistyped or made-up id ("/incident 123") is an unknown incident, not a usage error.
        await reply(update, t(lang, "incident_unknown", id=esc(raw)))
        return
    incident_id = raw.replace("_", "-")
    text = await incident_detail(context.services.store, incident_id, lang)
    await reply(update, text or t(lang, "incident_unknown", id=esc(incident_id)))


async def search(update: Update, context: Context) -> None:
    """/search <text>: incidents whose reports match words, places and dates."""
    await _search(update, context, " ".join(context.args or []))


async def text_search(update: Update, context: Context) -> None:
    """A plain message in a private chat is a search."""
    message = update.effective_message
    if message is None or not message.text:
        return
    await _search(update, context, message.text)


async def _search(update: Update, context: Context, text: str) -> None:
    lang = await _lang(update, context)
    query_text = clean_text(text, 300)
    try:
        query = parse_query(query_text)
    except ArgError as error:
        await reply_error(update, lang, error)
        return
    if query.empty:
        await reply(update, t(lang, "usage_search"))
        return
    hits = await SearchStore(context.services.store.sessions).search(query)
    await reply(update, search_text(hits, lang, query_text))


async def digest(update: Update, context: Context) -> None:
    """/digest: the last 24 hours now; /digest 08:00 or /digest off: the setting."""
    args = context.args or []
    if args:
        await digest_setting(update, context, args)
        return
    at = where(update)
    if at is None:
        return
    prefs = await chat_prefs(context, at)
    await reply(update, await digest_for(context.services.store, prefs, utcnow()))


async def sources(update: Update, context: Context) -> None:
    """Each source, its perspective and its health."""
    lang = await _lang(update, context)
    health = await context.services.store.source_health()
    for part in sources_text(health, lang, utcnow()):
        await reply(update, part)


async def status(update: Update, context: Context) -> None:
    """Sources polled, their health, the last poll."""
    lang = await _lang(update, context)
    at = where(update)
    services = context.services
    health = await services.store.source_health()
    counts = await services.store.counts()
    ok = sum(1 for h in health if h.failures == 0 and h.last_success_at)
    failing = [h for h in health if h.failures > 0]
    never = sum(1 for h in health if h.last_poll_at is None)
    lines = [
        t(lang, "status_title"),
        t(lang, "status_sources", n=len(health), ok=ok, failing=len(failing), never=never),
        t(lang, "status_last_poll", ago=_ago(services.poller.last_cycle_at, lang)),
        t(lang, "status_counts", items=counts["items"], incidents=counts["incidents"]),
        t(lang, "status_queue", subscriptions=counts["subscriptions"], pending=counts["pending"]),
    ]
    if failing:
        lines.append("\n" + t(lang, "status_failing"))
        # The error text (a refused address, a connection refused on some port) is for
        # operators: shown to anyone, it would make the bot a port-scanning oracle.
        detail = at is not None and is_operator(context, at)
        for h in failing[:15]:
            # Errors stored before they stopped carrying the source's name start with it.
            error = (h.last_error or "").removeprefix(f"{h.name}: ")
            outcome = esc(error[:120]) if detail else esc(t(lang, "source_unreachable"))
            value = f"{outcome} ({tn(lang, 'source_failing', h.failures)})"
            lines.append("• " + t(lang, "label_value", label=esc(h.name), value=value))
        if len(failing) > 15:
            lines.append(t(lang, "and_more", n=len(failing) - 15))
    await reply(update, "\n".join(lines))


def _ago(moment: datetime | None, lang: str) -> str:
    if moment is None:
        return t(lang, "ago_never")
    seconds = int((datetime.now(UTC) - moment).total_seconds())
    if seconds < 120:
        return t(lang, "ago_seconds", n=seconds)
    if seconds < 7200:
        return t(lang, "ago_minutes", n=seconds // 60)
    return t(lang, "ago_hours", n=seconds // 3600)
