"""/latest, /incident, /search (and plain text), /digest, /sources, /status."""

from __future__ import annotations

import re
from datetime import timedelta

from testkit.harness import until
from tests.handlers.conftest import (
    GROUP,
    JERMUK,
    KALBAJAR_RU,
    OPERATOR,
    SOTK,
    TEGH,
    USER,
    Bot,
    StartBot,
    item,
)

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


async def seeded(bot: Bot) -> None:
    """Four incidents: Sotk and Tegh today, Kalbajar (Russian) 8 days ago, Jermuk 20 days ago."""
    await bot.incidents(
        item(SOTK, "sotk", 2 * HOUR), item(TEGH, "tegh", HOUR),
        item(KALBAJAR_RU, "kalbajar", 8 * DAY), item(JERMUK, "jermuk", 20 * DAY), count=4,
    )


async def test_latest_and_incident_in_the_chats_language(bot: Bot) -> None:
    """/latest lists incidents newest first; /incident and the tappable id show one in full."""
    await seeded(bot)
    latest = await bot.ask(USER, "/latest 2")
    lines = (latest.plain_text or "").splitlines()
    assert len(lines) == 3
    assert "Tegh" in lines[1]
    command = next(w for w in lines[1].split() if w.startswith("/incident_"))
    detail = await bot.ask(USER, command)
    assert "Tegh" in (detail.plain_text or "")
    assert "Reports" in (detail.plain_text or "")
    same = await bot.ask(USER, "/incident " + command.removeprefix("/incident_"))
    assert same.plain_text == detail.plain_text
    await bot.ask(USER, "/lang ru")
    latest = await bot.ask(USER, "/latest 1")
    assert "Последние инциденты" in (latest.plain_text or "")
    assert "Тех" in (latest.plain_text or "")
    unknown = await bot.ask(USER, "/incident inc-20200101-abcd")
    assert "Нет инцидента" in (unknown.plain_text or "")


async def test_search_by_place_in_any_script_word_and_date(bot: Bot) -> None:
    """Сотк finds the Sotk report; Кельбаджар the Russian one by Kalbajar; dates narrow it."""
    await seeded(bot)
    found = await bot.ask(USER, "/search Сотк")
    assert "1 incident" in (found.plain_text or "")
    assert "Sotk" in (found.plain_text or "")
    found = await bot.ask(USER, "/search Kəlbəcər")
    assert "1 incident" in (found.plain_text or "")
    found = await bot.ask(USER, "/search Syunik")  # a province finds its villages
    assert "Tegh" in (found.plain_text or "")
    found = await bot.ask(USER, "/search artillery")
    assert "Jermuk" in (found.plain_text or "")
    since = (bot.settings and __import__("datetime").date.today() - timedelta(days=10)).isoformat()
    found = await bot.ask(USER, f"/search artillery since {since}")
    assert "Nothing found" in (found.plain_text or "")
    found = await bot.ask(USER, f"/search since {since}")
    assert "3 incident" in (found.plain_text or "")
    found = await bot.ask(USER, "Tegh")  # plain text in a private chat is a search
    assert "Tegh" in (found.plain_text or "")
    bad = await bot.ask(USER, "/search since 2022-13-45")
    assert "is not a date" in (bad.plain_text or "")
    usage = await bot.ask(USER, "/search")
    assert "Usage: /search" in (usage.plain_text or "")


async def test_plain_text_in_groups_is_not_a_search(bot: Bot) -> None:
    """Group chatter is ignored; only commands get answers there."""
    bot.telegram.user_says(GROUP, "Tegh")
    reply = await bot.ask(GROUP, "/help")
    assert "Border Watch" in (reply.plain_text or "")
    assert len(bot.telegram.sent(GROUP)) == 1


async def test_digest_now_sources_and_status(bot: Bot) -> None:
    """/digest lists today's incidents; /sources shows perspective and health; /status counts."""
    await bot.ask(USER, "/subscribe")
    await seeded(bot)
    digest = await bot.ask(USER, "/digest")
    assert "Digest: 2 incidents in the last 24 hours" in (digest.plain_text or "")
    await bot.ask(USER, "/severity high")
    digest = await bot.ask(USER, "/digest")
    assert "Digest: 1 incident in the last 24 hours" in (digest.plain_text or "")
    sources = await bot.ask(USER, "/sources")
    assert "Loopback Armenian · Armenian · ok" in (sources.plain_text or "")
    status = await bot.ask(USER, "/status")
    assert "incidents: 4" in (status.plain_text or "")


async def test_digest_job_sends_the_daily_digest(bot: Bot) -> None:
    """A chat in digest mode gets one digest when its time comes, and no instant alerts."""
    await bot.ask(USER, "/subscribe")
    await bot.ask(USER, "/digest 00:00 UTC")
    store = bot.app.bot_data.services.store
    prefs = await store.chats.prefs(USER)
    assert prefs is not None
    await store.chats.save_prefs(USER, prefs.with_(digest_last=None))
    await seeded(bot)
    job = bot.app.job_queue.get_jobs_by_name("digest")[0]  # type: ignore[union-attr]
    await job.run(bot.app)
    await bot.telegram.wait_until(
        lambda f: any("Digest" in (m.plain_text or "") for m in f.sent(USER)), 10
    )
    await job.run(bot.app)
    digests = [m for m in bot.telegram.sent(USER) if "Digest" in (m.plain_text or "")]
    assert len(digests) == 1
    assert "Tegh" in (digests[0].plain_text or "")
    assert not [m for m in bot.telegram.sent(USER) if (m.text or "").startswith("🔴")]


async def test_start_and_help_follow_the_users_language(bot: Bot) -> None:
    """/start in a new private chat answers in the user's Telegram language."""
    reply = await bot.ask(USER + 1, "/start", language_code="az")
    assert "Border Watch" in (reply.plain_text or "")
    assert "abunə" in (reply.plain_text or "")
    reply = await bot.ask(USER + 2, "/help", language_code="ru-RU")
    assert "оповещения" in (reply.plain_text or "")


async def test_status_shows_users_an_outcome_and_operators_the_error(start_bot: StartBot) -> None:
    """A failing source is "unreachable" to users; only operators see the error text."""
    async with start_bot(allow_private_source_urls=False) as bot:
        store = bot.app.bot_data.services.store

        async def failed() -> bool:
            return any(h.failures for h in await store.source_health())

        await until(failed, 20)
        user = (await bot.ask(USER, "/status")).plain_text or ""
        assert "Loopback Armenian: unreachable" in user
        assert "refused" not in user
        assert "127.0.0.1" not in user
        operator = (await bot.ask(OPERATOR, "/status")).plain_text or ""
        assert "refused: the address is private" in operator


async def test_latest_lines_carry_one_date_and_know_the_subscription(bot: Bot) -> None:
    """/latest before any incident invites a chat to /subscribe only if it is not subscribed;
    each line of the list carries the incident's date once."""
    empty = await bot.ask(USER, "/latest")
    assert "/subscribe" in (empty.plain_text or "")
    await bot.ask(USER, "/subscribe")
    empty = await bot.ask(USER, "/latest")
    assert "/subscribe" not in (empty.plain_text or "")
    assert "subscribed" in (empty.plain_text or "")
    await seeded(bot)
    latest = await bot.ask(USER, "/latest 4")
    months = "January|February|March|April|May|June|July|August|September|October|November|December"
    for line in (latest.plain_text or "").splitlines()[1:]:
        # the reader's own date format ("December 1"), once, and no ISO date beside it
        assert len(re.findall(rf"\b(?:{months}) \d{{1,2}}\b", line)) == 1, line
        assert not re.search(r"\d{4}-\d{2}-\d{2}", line), line


async def test_incident_with_a_wrong_id_is_no_such_incident(bot: Bot) -> None:
    """/incident 123 says there is no such incident; /incident alone gives the usage."""
    unknown = await bot.ask(USER, "/incident 123")
    assert "No incident with id 123" in (unknown.plain_text or "")
    usage = await bot.ask(USER, "/incident")
    assert "Usage" in (usage.plain_text or "")


async def test_status_names_a_failing_source_once(bot: Bot) -> None:
    """A failing source's line in an operator's /status gives its name once, then the error."""
    bot.feeds.serve("/am.xml", b"gone", status=500)
    store = bot.app.bot_data.services.store

    async def failing() -> bool:
        return any(h.failures for h in await store.source_health())

    await until(failing, 20)
    status = await bot.ask(OPERATOR, "/status")
    line = next(x for x in (status.plain_text or "").splitlines() if "Loopback Armenian" in x)
    assert line.count("Loopback Armenian") == 1, line
    assert "500" in line
