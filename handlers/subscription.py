"""/subscribe and /unsubscribe: this chat, this forum topic, or a channel from a private chat.

In a forum supergroup the subscription belongs to the topic it was made in. A channel admin
subscribes the channel by naming it in a private chat (``/subscribe @channel``): the bot
checks that the user and the bot itself are admins of the channel.
"""

from __future__ import annotations

from telegram import Update

from bot.present.formatting import esc
from bot.present.i18n import t
from handlers.access import can_manage, check_channel
from handlers.context import Context, Where, chat_prefs, reply, where

__all__ = ["subscribe", "unsubscribe"]


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat (or forum topic, or a named channel) to alerts."""
    await _change(update, context, on=True)


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop alerts in this chat (or forum topic, or a named channel)."""
    await _change(update, context, on=False)


async def _change(update: Update, context: Context, *, on: bool) -> None:
    at = where(update)
    if at is None:
        return
    lang = (await chat_prefs(context, at)).language
    args = context.args or []
    if args:
        await _channel(update, context, at, lang, args, on=on)
        return
    if not await can_manage(update, context, at):
        await reply(update, t(lang, "admins_only"))
        return
    chats = context.services.store.chats
    if on:
        await chats.upsert_chat(
            at.chat_id, type_=at.chat_type, title=at.title, language=at.user_language
        )
        done = await chats.subscribe(at.chat_id, at.thread_id)
        key = "subscribed" if done else "already_subscribed"
    else:
        done = await chats.unsubscribe(at.chat_id, at.thread_id)
        key = "unsubscribed" if done else "not_subscribed"
    if at.thread_id and done:
        key += "_topic"
    await reply(update, t(lang, key))


async def _channel(
    update: Update, context: Context, at: Where, lang: str, args: list[str], *, on: bool
) -> None:
    """/subscribe @channel from a private chat."""
    if not at.private or len(args) != 1:
        await reply(update, t(lang, "usage_subscribe"))
        return
    check = await check_channel(context, args[0], at.user_id)
    if check.chat_id is None:
        await reply(update, t(lang, check.problem or "channel_usage"))
        return
    chats = context.services.store.chats
    title = esc(check.title or str(check.chat_id))
    if on:
        await chats.upsert_chat(check.chat_id, type_="channel", title=check.title, language=lang)
        done = await chats.subscribe(check.chat_id, 0)
        key = "channel_subscribed" if done else "channel_already_subscribed"
    else:
        done = await chats.unsubscribe(check.chat_id, 0)
        key = "channel_unsubscribed" if done else "channel_not_subscribed"
    await reply(update, t(lang, key, channel=title))
