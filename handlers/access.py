"""Who may do what: chat admins in groups and channels, channel admins from a private chat,
operators.

A button press is judged by who pressed it, never by the kind of chat it was pressed in: a
channel's alert is pressed by its readers, and only the channel's admins may change it. An
admin check is a `getChatMember` call, remembered for `ADMIN_CACHE_SECONDS` in the chat's
`chat_data`, so a burst of presses costs one call per person.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

from bot.ops.console import CONSOLE_CHAT_ID
from handlers.context import Context, Where

__all__ = ["ADMIN_CACHE_SECONDS", "ChannelCheck", "can_manage", "check_channel", "is_operator"]

log = logging.getLogger(__name__)

_ADMINS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
# Telegram's placeholder user for anonymous group admins ("GroupAnonymousBot").
_ANONYMOUS_ADMIN = 1087968824
ADMIN_CACHE_SECONDS = 60.0
_CACHE_KEY = "access.admins"


async def _is_admin(context: Context, chat_id: int, user_id: int) -> bool:
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as exc:
        log.info("access.member_lookup_failed chat=%s error=%s", chat_id, exc)
        return False
    return member.status in _ADMINS


async def _is_admin_cached(context: Context, chat_id: int, user_id: int) -> bool:
    """`_is_admin` for the update's own chat, remembered briefly in its `chat_data`."""
    data: Any = context.chat_data
    if not isinstance(data, dict):
        return await _is_admin(context, chat_id, user_id)
    cache: dict[int, tuple[float, bool]] = data.setdefault(_CACHE_KEY, {})
    now = time.monotonic()
    hit = cache.get(user_id)
    if hit is not None and hit[0] > now:
        return hit[1]
    if len(cache) > 256:
        cache.clear()
    allowed = await _is_admin(context, chat_id, user_id)
    cache[user_id] = (now + ADMIN_CACHE_SECONDS, allowed)
    return allowed


async def can_manage(update: Update, context: Context, at: Where) -> bool:
    """Whether the sender may change this chat's subscription and settings.

    Anyone in a private chat. Elsewhere only the chat's admins: a message an anonymous admin
    posts as the group, and a channel's own post, come from the chat itself; a button press
    comes from whoever pressed it, whatever the message under it says about its sender.
    """
    if at.chat_type == Chat.PRIVATE:
        return True
    if update.callback_query is None:
        if at.chat_type == Chat.CHANNEL:
            return update.channel_post is not None
        message = update.effective_message
        sender_chat = message.sender_chat if message is not None else None
        if sender_chat is not None and sender_chat.id == at.chat_id:
            return True  # an anonymous admin, or the linked channel's post
    if at.user_id is None or at.user_id == _ANONYMOUS_ADMIN:
        return False
    return await _is_admin_cached(context, at.chat_id, at.user_id)


@dataclass(frozen=True, slots=True)
class ChannelCheck:
    """The outcome of checking a channel named in a private chat."""

    chat_id: int | None
    title: str | None
    problem: str | None  # catalog key when not allowed


async def check_channel(context: Context, ref: str, user_id: int | None) -> ChannelCheck:
    """Resolve "@name" or "-100…" to a channel the user and the bot both administer."""
    ref = ref.strip()
    target: int | str
    if ref.startswith("@") and 5 <= len(ref) <= 33 and ref[1:].replace("_", "").isalnum():
        target = ref
    elif ref.lstrip("-").isascii() and ref.lstrip("-").isdigit() and len(ref) <= 20:
        target = int(ref)
    else:
        return ChannelCheck(None, None, "channel_usage")
    try:
        chat = await context.bot.get_chat(target)
    except TelegramError:
        return ChannelCheck(None, None, "channel_not_found")
    if chat.type != Chat.CHANNEL:
        return ChannelCheck(None, None, "channel_not_channel")
    if user_id is None or not await _is_admin(context, chat.id, user_id):
        return ChannelCheck(None, None, "channel_not_admin")
    if not await _is_admin(context, chat.id, context.bot.id):
        return ChannelCheck(None, None, "channel_bot_not_admin")
    return ChannelCheck(chat.id, chat.title, None)


def is_operator(context: Context, at: Where) -> bool:
    """Whether the update comes from an operator (`ADMIN_CHAT_IDS` names the chat or user;
    in console mode the terminal is the operator's own chat)."""
    settings = context.services.settings
    if settings.console_mode and at.chat_id == CONSOLE_CHAT_ID:
        return True
    admins = set(settings.admin_chat_ids)
    return at.chat_id in admins or (at.user_id is not None and at.user_id in admins)
