"""Operator commands (chats or users in `ADMIN_CHAT_IDS`): sources and statistics.

/addsource <url> [name] (a feed, or a public channel as https://t.me/<name> or @name),
/removesource <url or name>, /exportopml (an OPML file),
/importopml (OPML text after the command, or in the message replied to), /admin (subscriber
and source statistics). Anyone else gets a short refusal.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import Update

from bot.db.admin import SourceAdmin
from bot.exceptions import UrlRefused
from bot.ingest.opml import OpmlEntry, parse_opml, render_opml
from bot.ingest.telegram import channel_name, channel_url
from bot.ingest.urlguard import check_source_url
from bot.present.formatting import esc
from bot.present.i18n import t, tn
from bot.subscribers.text import clean_text
from handlers.access import is_operator
from handlers.context import Context, Where, chat_prefs, reply, where

__all__ = ["add_source", "admin_stats", "export_opml", "import_opml", "remove_source"]

log = logging.getLogger(__name__)
MAX_IMPORT = 200
MAX_OPML_BYTES = 1_000_000  # an OPML of a few hundred feeds is tens of kilobytes


async def _operator(update: Update, context: Context) -> tuple[Where, str] | None:
    at = where(update)
    if at is None:
        return None
    lang = (await chat_prefs(context, at)).language
    if not is_operator(context, at):
        await reply(update, t(lang, "operator_only"))
        return None
    return at, lang


async def _add(context: Context, entry: OpmlEntry) -> str:
    """Guard the URL and add the source; the outcome's catalog key."""
    channel = _channel(entry.url)
    if channel is None and _on_telegram(entry.url):
        return "source_bad_url"  # an invite or private link: no public preview to read
    try:
        # A channel is read from TELEGRAM_WEB_BASE_URL, never from the URL given: no guard.
        url = channel_url(channel) if channel else await check_source_url(
            entry.url, allow_private=context.services.settings.allow_private_source_urls
        )
    except UrlRefused as refused:
        return refused.key
    outcome = await SourceAdmin(context.services.store.sessions).add(
        OpmlEntry(entry.name, url, entry.lang, entry.perspective)
    )
    log.info("admin.source_%s url=%s", outcome, url)
    return f"source_{outcome}"


def _channel(ref: str) -> str | None:
    """The public channel a t.me link or an @name names; None for anything else."""
    ref = ref.strip()
    if not ref.startswith("@") and "t.me/" not in ref and "telegram.me/" not in ref:
        return None
    return channel_name(ref)


def _on_telegram(ref: str) -> bool:
    try:
        host = urlsplit(ref.strip() if "://" in ref else "https://" + ref.strip()).hostname
    except ValueError:
        return False
    return (host or "").removeprefix("www.") in {"t.me", "telegram.me"}


async def add_source(update: Update, context: Context) -> None:
    """/addsource <url> [name]: poll a new feed or public channel."""
    found = await _operator(update, context)
    if found is None:
        return
    _, lang = found
    args = context.args or []
    if not args:
        await reply(update, t(lang, "usage_addsource"))
        return
    url = args[0]
    channel = _channel(url)
    default = f"@{channel}" if channel else (urlsplit(url).hostname or url)
    name = clean_text(" ".join(args[1:]), 200) or default[:200]
    key = await _add(context, OpmlEntry(name, url))
    await reply(update, t(lang, key, name=esc(name), url=esc(url[:300])))


async def remove_source(update: Update, context: Context) -> None:
    """/removesource <url or name>: stop polling a feed."""
    found = await _operator(update, context)
    if found is None:
        return
    _, lang = found
    ref = clean_text(" ".join(context.args or []), 2000)
    if not ref:
        await reply(update, t(lang, "usage_removesource"))
        return
    channel = _channel(ref)
    name = await SourceAdmin(context.services.store.sessions).remove(
        channel_url(channel) if channel else ref
    )
    if name is None:
        await reply(update, t(lang, "source_unknown", ref=esc(ref[:300])))
        return
    await reply(update, t(lang, "source_removed", name=esc(name)))


async def export_opml(update: Update, context: Context) -> None:
    """/exportopml: every enabled source as an OPML file."""
    found = await _operator(update, context)
    message = update.effective_message
    if found is None or message is None:
        return
    _, lang = found
    entries = await SourceAdmin(context.services.store.sessions).entries()
    await message.reply_document(
        render_opml(entries), filename="borderwatch-sources.opml",
        caption=tn(lang, "opml_exported", len(entries)), do_quote=False,
    )


async def import_opml(update: Update, context: Context) -> None:
    """/importopml: add the feeds of an OPML file (sent with the command as its caption, or
    replied to) or of OPML text pasted after the command."""
    found = await _operator(update, context)
    message = update.effective_message
    if found is None or message is None:
        return
    _, lang = found
    parts = (message.text or "").split(None, 1)
    text = parts[1].strip() if len(parts) == 2 else ""
    replied = message.reply_to_message
    if not text and replied is not None:
        text = (replied.text or "").strip()
    document = message.document or (replied.document if replied is not None else None)
    if not text and document is not None:
        if (document.file_size or 0) > MAX_OPML_BYTES:
            await reply(update, t(lang, "opml_invalid"))
            return
        data = await (await document.get_file()).download_as_bytearray()
        text = bytes(data).decode("utf-8", errors="replace")
    if not text:
        await reply(update, t(lang, "usage_importopml"))
        return
    try:
        entries = parse_opml(text)
    except ValueError:
        await reply(update, t(lang, "opml_invalid"))
        return
    outcomes: dict[str, int] = {}
    for entry in entries[:MAX_IMPORT]:
        key = await _add(context, entry)
        outcomes[key] = outcomes.get(key, 0) + 1
    lines = [tn(lang, "opml_imported", len(entries[:MAX_IMPORT]))]
    lines += [
        "• " + t(lang, "label_value", label=t(lang, key + "_short"), value=n)
        for key, n in sorted(outcomes.items())
    ]
    await reply(update, "\n".join(lines))


async def admin_stats(update: Update, context: Context) -> None:
    """/admin: subscribers by chat type, language and mode; sources and what they brought."""
    found = await _operator(update, context)
    if found is None:
        return
    _, lang = found
    store = context.services.store
    subs = await store.chats.subscriber_stats()
    sources = await SourceAdmin(store.sessions).stats()

    def counts(values: dict[str, int]) -> str:
        return ", ".join(f"{esc(k)} {v}" for k, v in sorted(values.items())) or "—"

    lines = [
        t(lang, "admin_title"),
        t(lang, "admin_chats", chats=subs.chats, active=subs.active_chats,
          subscriptions=subs.subscriptions),
        t(lang, "admin_by_type", counts=counts(subs.by_type)),
        t(lang, "admin_by_language", counts=counts(subs.by_language)),
        t(lang, "admin_by_mode", counts=counts(subs.by_mode)),
        t(lang, "admin_sources", sources=sources.sources, enabled=sources.enabled,
          failing=sources.failing, added=sources.admin_added),
        t(lang, "admin_items", items=sources.items, incident_items=sources.incident_items,
          incidents=sources.incidents),
    ]
    await reply(update, "\n".join(lines))
