"""/subscribe and /unsubscribe."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.constants import ChatMemberStatus

from handlers.context import Context, reply

__all__ = ["subscribe", "unsubscribe"]

_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def _allowed(update: Update, context: Context) -> bool:
    """In groups only chat admins may change the subscription."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == Chat.PRIVATE or chat.type == Chat.CHANNEL:
        return True
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in _ADMINS


def _thread(update: Update) -> int:
    message = update.effective_message
    if message is not None and message.is_topic_message and message.message_thread_id:
        return message.message_thread_id
    return 0


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat (or forum topic) to alerts."""
    chat = update.effective_chat
    if chat is None:
        return
    if not await _allowed(update, context):
        await reply(update, "Only the chat's admins can subscribe this chat.")
        return
    store = context.services.store
    user = update.effective_user
    await store.chats.upsert_chat(
        chat.id, type_=chat.type, title=chat.title or chat.full_name,
        language=_language(user.language_code if user else None),
    )
    if await store.chats.subscribe(chat.id, _thread(update)):
        await reply(update, "Subscribed. New border incidents will be posted here. "
                            "/unsubscribe stops them.")
    else:
        await reply(update, "This chat is already subscribed. /unsubscribe stops alerts.")


async def unsubscribe(update: Update, context: Context) -> None:
    """Stop alerts in this chat (or forum topic)."""
    chat = update.effective_chat
    if chat is None:
        return
    if not await _allowed(update, context):
        await reply(update, "Only the chat's admins can unsubscribe this chat.")
        return
    if await context.services.store.chats.unsubscribe(chat.id, _thread(update)):
        await reply(update, "Unsubscribed. No more alerts here; /subscribe to come back.")
    else:
        await reply(update, "This chat was not subscribed. /subscribe to get alerts.")


def _language(code: str | None) -> str:
    base = (code or "en").split("-")[0].lower()
    return base if base in {"en", "ru", "hy", "az"} else "en"
