"""/settings (an inline keyboard) and the typed commands for each setting.

The keyboard's pages and what a press changes are pure (`bot.present.keyboards`); this module checks
who may change the chat, loads and saves the preferences, and edits the menu message. Typed
commands: /lang, /severity, /sectors, /quiet, /digest <time|off>, /filter. Each replies in
the chat's language (after /lang, in the new one).
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest

from bot.classifier.gazetteer import SECTORS
from bot.clock import utcnow
from bot.exceptions import ArgError
from bot.present.formatting import esc
from bot.present.i18n import LANGUAGE_NAMES, t
from bot.present.keyboards import (
    apply_press,
    keywords_text,
    parse_settings_data,
    settings_markup,
    settings_text,
)
from bot.present.places import sector_label
from bot.subscribers.args import (
    parse_clock,
    parse_keywords,
    parse_language,
    parse_quiet,
    parse_sectors,
    parse_severity,
    parse_timezone,
)
from bot.subscribers.prefs import SECTOR_IDS, ChatPrefs, clock_label
from handlers.access import can_manage, check_channel
from handlers.context import Context, Where, chat_prefs, reply, reply_error, where

__all__ = [
    "digest_setting",
    "filter_command",
    "lang_command",
    "on_settings_button",
    "quiet_command",
    "sectors_command",
    "settings_command",
    "severity_command",
]

log = logging.getLogger(__name__)


async def settings_command(update: Update, context: Context) -> None:
    """Open the settings menu for this chat, or for a channel named in a private chat."""
    at = where(update)
    if at is None:
        return
    prefs = await chat_prefs(context, at)
    args = context.args or []
    target, title = at.chat_id, at.title or ""
    if args:
        if not at.private or len(args) != 1:
            await reply(update, t(prefs.language, "usage_settings"))
            return
        check = await check_channel(context, args[0], at.user_id)
        if check.chat_id is None:
            await reply(update, t(prefs.language, check.problem or "channel_usage"))
            return
        target, title = check.chat_id, check.title or str(check.chat_id)
        stored = await context.services.store.chats.prefs(target)
        prefs = stored if stored is not None else ChatPrefs(language=prefs.language)
    elif not await can_manage(update, context, at):
        await reply(update, t(prefs.language, "admins_only"))
        return
    await reply(
        update,
        settings_text(prefs, title, "main", utcnow()),
        markup=settings_markup(target, prefs, "main"),
    )


async def on_settings_button(update: Update, context: Context) -> None:
    """A press in the settings menu: check rights again, apply, redraw."""
    query = update.callback_query
    at = where(update)
    if query is None or at is None:
        return
    press = parse_settings_data(query.data or "")
    if press is None:
        await query.answer()
        return
    chats = context.services.store.chats
    if press.chat_id == at.chat_id:
        allowed = await can_manage(update, context, at)
        title = at.title or ""
    else:
        check = await check_channel(context, str(press.chat_id), at.user_id)
        allowed = at.private and check.chat_id == press.chat_id
        title = check.title or str(press.chat_id)
    stored = await chats.prefs(press.chat_id)
    prefs = stored if stored is not None else ChatPrefs(language=at.user_language)
    if not allowed:
        await query.answer(t(prefs.language, "admins_only_short"), show_alert=True)
        return
    if press.page == "close":
        await query.answer()
        await query.edit_message_text(t(prefs.language, "settings_closed"))
        return
    now = utcnow()
    changed, page = apply_press(prefs, press, now)
    if changed != prefs:
        kind = at.chat_type if press.chat_id == at.chat_id else "channel"
        await chats.save_prefs(press.chat_id, changed, type_=kind, title=title)
    await query.answer(t(changed.language, "saved") if changed != prefs else None)
    try:
        await query.edit_message_text(
            settings_text(changed, title, page, now),
            parse_mode="HTML",
            reply_markup=settings_markup(press.chat_id, changed, page),
        )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


# -------------------------------------------------------------------------- typed commands


async def _editable(update: Update, context: Context) -> tuple[Where, ChatPrefs] | None:
    """The chat and its prefs when the sender may change them; replies otherwise."""
    at = where(update)
    if at is None:
        return None
    prefs = await chat_prefs(context, at)
    if not await can_manage(update, context, at):
        await reply(update, t(prefs.language, "admins_only"))
        return None
    return at, prefs


async def _save(context: Context, at: Where, prefs: ChatPrefs) -> None:
    await context.services.store.chats.save_prefs(
        at.chat_id, prefs, type_=at.chat_type, title=at.title
    )


async def lang_command(update: Update, context: Context) -> None:
    """/lang en|ru|hy|az: the interface and alert language of this chat."""
    found = await _editable(update, context)
    if found is None:
        return
    at, prefs = found
    args = context.args or []
    if len(args) != 1:
        await reply(update, t(prefs.language, "usage_lang"))
        return
    try:
        lang = parse_language(args[0])
    except ArgError as error:
        await reply_error(update, prefs.language, error)
        return
    await _save(context, at, prefs.with_(language=lang))
    await reply(update, t(lang, "lang_set", language=LANGUAGE_NAMES[lang]))


async def severity_command(update: Update, context: Context) -> None:
    """/severity all|low|medium|high|critical: the least severe incident alerted."""
    found = await _editable(update, context)
    if found is None:
        return
    at, prefs = found
    args = context.args or []
    try:
        if len(args) != 1:
            raise ArgError("usage_severity")
        severity = parse_severity(args[0])
    except ArgError as error:
        await reply_error(update, prefs.language, error)
        return
    await _save(context, at, prefs.with_(min_severity=severity))
    label = t(prefs.language, f"sev_min_{severity or 'all'}")
    await reply(update, t(prefs.language, "severity_set", severity=label))


async def sectors_command(update: Update, context: Context) -> None:
    """/sectors lists the border sectors; /sectors 1 3 (or ids, or "all") chooses them."""
    at = where(update)
    if at is None:
        return
    prefs = await chat_prefs(context, at)
    lang = prefs.language
    args = context.args or []
    if not args:
        lines = [t(lang, "sectors_list_title")]
        for index, sector in enumerate(SECTOR_IDS, start=1):
            mark = "✅" if sector in prefs.sectors else "▫️"
            lines.append(f"{mark} {index}. {sector_label(sector, lang)} "
                         f"(<code>{sector}</code>)")
        lines.append("")
        lines.append(t(lang, "sectors_list_hint"))
        await reply(update, "\n".join(lines))
        return
    found = await _editable(update, context)
    if found is None:
        return
    try:
        sectors = parse_sectors(args[:len(SECTORS) + 1])
    except ArgError as error:
        await reply_error(update, lang, error)
        return
    await _save(context, at, prefs.with_(sectors=sectors))
    names = ", ".join(sector_label(s, lang) for s in SECTOR_IDS if s in sectors)
    await reply(update, t(lang, "sectors_set", sectors=names or t(lang, "sectors_all")))


async def quiet_command(update: Update, context: Context) -> None:
    """/quiet 23-07 [time zone] | off | critical on|off."""
    found = await _editable(update, context)
    if found is None:
        return
    at, prefs = found
    lang = prefs.language
    args = [a for a in (context.args or []) if a.strip()]
    try:
        if not args or len(args) > 2:
            raise ArgError("usage_quiet")
        head = args[0].lower()
        if head == "off" and len(args) == 1:
            changed = prefs.with_(quiet=None)
        elif head == "critical" and len(args) == 2 and args[1].lower() in {"on", "off"}:
            changed = prefs.with_(critical_through=args[1].lower() == "on")
        else:
            quiet = parse_quiet(args[0])
            zone = parse_timezone(args[1]) if len(args) == 2 else prefs.timezone
            changed = prefs.with_(quiet=quiet, timezone=zone)
    except ArgError as error:
        await reply_error(update, lang, error)
        return
    await _save(context, at, changed)
    if changed.quiet is None:
        await reply(update, t(lang, "quiet_set_off"))
        return
    key = "settings_quiet_on" if changed.critical_through else "settings_quiet_on_held"
    text = t(lang, key, hours=changed.quiet.label(), tz=esc(changed.timezone))
    await reply(update, t(lang, "quiet_set", quiet=text))


async def digest_setting(update: Update, context: Context, args: list[str]) -> None:
    """/digest 08:00 [time zone] turns on the daily digest; /digest off goes back to instant."""
    found = await _editable(update, context)
    if found is None:
        return
    at, prefs = found
    lang = prefs.language
    try:
        if len(args) > 2:
            raise ArgError("usage_digest")
        if args[0].lower() in {"off", "instant"} and len(args) == 1:
            await _save(context, at, prefs.with_(mode="instant"))
            await reply(update, t(lang, "digest_off"))
            return
        minute = parse_clock(args[0])
        zone = parse_timezone(args[1]) if len(args) == 2 else prefs.timezone
    except ArgError as error:
        await reply_error(update, lang, ArgError("usage_digest", **error.values)
                          if error.key == "usage_time" else error)
        return
    changed = prefs.with_(mode="digest", digest_minute=minute, timezone=zone,
                          digest_last=utcnow())
    await _save(context, at, changed)
    await reply(update, t(lang, "digest_on", time=clock_label(minute), tz=esc(zone)))


async def filter_command(update: Update, context: Context) -> None:
    """/filter [add|exclude|remove <words>] [clear]: keyword filters on alerts."""
    at = where(update)
    if at is None:
        return
    args = context.args or []
    prefs = await chat_prefs(context, at)
    lang = prefs.language
    if not args:
        await reply(update, t(lang, "filter_current", filters=keywords_text(prefs)) + "\n\n"
                    + t(lang, "usage_filter"))
        return
    found = await _editable(update, context)
    if found is None:
        return
    action = args[0].lower()
    try:
        if action == "clear" and len(args) == 1:
            changed = prefs.with_(include=(), exclude=())
        elif action in {"add", "include", "+"}:
            changed = prefs.add_keywords(parse_keywords(args[1:]))
        elif action in {"exclude", "except", "-"}:
            changed = prefs.add_keywords(parse_keywords(args[1:]), exclude=True)
        elif action in {"remove", "rm", "del", "delete"}:
            changed = prefs
            for word in parse_keywords(args[1:]):
                changed = changed.remove_keyword(word)
        else:
            raise ArgError("usage_filter")
    except ArgError as error:
        await reply_error(update, lang, error)
        return
    await _save(context, at, changed)
    await reply(update, t(lang, "filter_current", filters=keywords_text(changed)))
