"""Operator commands: sources by URL (with the SSRF guard), OPML, statistics."""

from __future__ import annotations

from testkit.telegram_api import Upload
from tests.handlers.conftest import OPERATOR, USER, Bot, StartBot

OPML = """<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="Feed A" xmlUrl="http://127.0.0.1:9/a.xml" language="hy" category="armenian"/>
<outline text="Group"><outline text="Feed B" xmlUrl="http://127.0.0.1:9/b.xml"/></outline>
<outline text="Bad" xmlUrl="ftp://example.org/feed"/>
</body></opml>"""


async def test_only_operators_may_use_admin_commands(bot: Bot) -> None:
    """Everyone else is told the command is for the operator."""
    for command in ("/addsource http://example.org/rss", "/removesource x", "/exportopml",
                    "/importopml", "/admin"):
        reply = await bot.ask(USER, command)
        assert "for the bot's operator" in (reply.plain_text or ""), command


async def test_private_and_loopback_urls_are_refused(start_bot: StartBot) -> None:
    """Loopback, private, link-local and non-http URLs are refused without the setting."""
    async with start_bot(allow_private_source_urls=False) as bot:
        await _refusals(bot)


async def _refusals(bot: Bot) -> None:
    for url in ("http://127.0.0.1/feed", "http://10.1.2.3/rss", "http://169.254.169.254/",
                "http://[::1]/feed", "http://192.168.0.10/x", "http://0.0.0.0/"):
        reply = await bot.ask(OPERATOR, f"/addsource {url}")
        assert "Refused" in (reply.plain_text or ""), url
    reply = await bot.ask(OPERATOR, "/addsource ftp://example.org/feed")
    assert "Only http:// and https://" in (reply.plain_text or "")
    reply = await bot.ask(OPERATOR, "/addsource javascript:alert(1)")
    assert "Only http" in (reply.plain_text or "")
    reply = await bot.ask(OPERATOR, "/addsource")
    assert "Usage: /addsource" in (reply.plain_text or "")


async def test_add_remove_export_import_when_private_urls_allowed(start_bot: StartBot) -> None:
    """With ALLOW_PRIVATE_SOURCE_URLS a loopback feed is added, listed, exported and removed."""
    async with start_bot(allow_private_source_urls=True) as bot:
        url = bot.feeds.url("/extra.xml")
        reply = await bot.ask(OPERATOR, f"/addsource {url} Extra <b>feed</b>")
        assert "Added Extra <b>feed</b>" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, f"/addsource {url}")
        assert "Already a source" in (reply.plain_text or "")
        export = await bot.ask(OPERATOR, "/exportopml")
        document = export.params["document"]
        assert isinstance(document, Upload)
        assert url.encode() in document.data
        assert b"Extra &lt;b&gt;feed&lt;/b&gt;" in document.data
        reply = await bot.ask(OPERATOR, "/importopml\n" + OPML)
        assert "3 feeds read" in (reply.plain_text or "")
        assert "added: 2" in (reply.plain_text or "")
        assert "not http(s): 1" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, "/importopml <opml><body><outline")
        assert "not a valid OPML" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, f"/removesource {url}")
        assert "Removed Extra <b>feed</b>" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, "/removesource Feed A")
        assert "Removed Feed A" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, "/removesource nothing-like-this")
        assert "No enabled source" in (reply.plain_text or "")
        reply = await bot.ask(OPERATOR, f"/addsource {url}")
        assert "Enabled again" in (reply.plain_text or "")
        stats = await bot.ask(OPERATOR, "/admin")
        assert "Operator statistics" in (stats.plain_text or "")
        assert "added by operators" in (stats.plain_text or "")


async def test_admin_statistics_count_subscribers(bot: Bot) -> None:
    """/admin counts chats by type, language and delivery mode."""
    await bot.ask(USER, "/subscribe")
    await bot.ask(USER + 1, "/subscribe", language_code="hy")
    await bot.ask(USER + 1, "/digest 09:00")
    stats = await bot.ask(OPERATOR, "/admin")
    text = stats.plain_text or ""
    assert "subscriptions: 2" in text
    assert "By language: en 1, hy 1" in text
    assert "digest 1, instant 1" in text


async def test_command_menu_per_language(bot: Bot) -> None:
    """The menu is set in every language, and with operator commands for operator chats."""
    assert any(c["command"] == "settings" for c in bot.telegram.commands())
    russian = {c["command"]: c["description"] for c in bot.telegram.commands(language_code="ru")}
    assert russian["map"] == "Недавние инциденты на карте"
    assert bot.telegram.commands(language_code="hy")
    assert bot.telegram.commands(language_code="az")
    operator = bot.telegram.calls("setMyCommands")
    assert any((c.get("scope") or {}).get("chat_id") == OPERATOR for c in operator)


async def test_opml_file_import_round_trip(start_bot: StartBot) -> None:
    """An exported OPML file sent back with /importopml as its caption (or replied to with
    /importopml) is imported: sources already there are recognised, new ones added."""
    async with start_bot(allow_private_source_urls=True) as bot:
        export = await bot.ask(OPERATOR, "/exportopml")
        document = export.params["document"]
        assert isinstance(document, Upload)
        before = len(bot.telegram.sent(OPERATOR))
        bot.telegram.user_sends_document(OPERATOR, document.data, file_name="sources.opml",
                                         caption="/importopml")
        await bot.telegram.wait_for_sent(before + 1, 10, chat_id=OPERATOR)
        # Updates are handled in order: a second answer to the import would come before this.
        probe = await bot.ask(OPERATOR, "/help")
        reply, answered = bot.telegram.sent(OPERATOR)[before:]
        assert answered.message_id == probe.message_id
        assert "OPML: 1 feed read." in (reply.plain_text or "")
        assert "added" not in (reply.plain_text or "")  # all of them were there already
        sent = bot.telegram.user_sends_document(OPERATOR, OPML.encode(), file_name="more.opml")
        reply = await bot.ask(OPERATOR, "/importopml",
                              reply_to_message_id=sent["message"]["message_id"])
        assert "3 feeds read" in (reply.plain_text or "")
        assert "added: 2" in (reply.plain_text or "")


async def test_addsource_takes_a_public_channel(bot: Bot) -> None:
    """/addsource https://t.me/<name> (or @name) adds the channel's preview as a source,
    without resolving t.me; /removesource takes the same link; invite links are refused."""
    reply = await bot.ask(OPERATOR, "/addsource https://t.me/Some_Channel")
    assert "Added @some_channel" in (reply.plain_text or "")
    reply = await bot.ask(OPERATOR, "/addsource @some_channel")
    assert "Already a source" in (reply.plain_text or "")
    store = bot.app.bot_data.services.store
    urls = {row.url: row.origin for row in await store.all_sources()}
    assert urls["https://t.me/s/some_channel"] == "admin"
    reply = await bot.ask(OPERATOR, "/addsource https://t.me/joinchat/AbCdEf")
    assert "not a valid" in (reply.plain_text or "").lower()
    reply = await bot.ask(OPERATOR, "/removesource t.me/some_channel")
    assert "Removed @some_channel" in (reply.plain_text or "")


async def test_exported_channel_imports_back_as_the_channel(bot: Bot) -> None:
    """A channel in the OPML export (a link outline, which other readers skip) is read back
    by /importopml as the same channel source."""
    await bot.ask(OPERATOR, "/addsource https://t.me/some_channel")
    export = await bot.ask(OPERATOR, "/exportopml")
    document = export.params["document"]
    assert isinstance(document, Upload)
    assert b'url="https://t.me/some_channel"' in document.data
    await bot.ask(OPERATOR, "/removesource @some_channel")
    reply = await bot.ask(OPERATOR, "/importopml\n" + document.data.decode())
    assert "enabled again: 1" in (reply.plain_text or "").lower()
    store = bot.app.bot_data.services.store
    rows = [row for row in await store.all_sources() if row.url == "https://t.me/s/some_channel"]
    assert [row.enabled for row in rows] == [True]
