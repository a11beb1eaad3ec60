"""Incident views for readers: the Sources message and how long messages are split."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, Store
from bot.db.tables import Item, SourceRow
from bot.present.formatting import TELEGRAM_LIMIT, visible_length
from bot.present.incidents import incident_sources, split_message

NOW = datetime.now(UTC).replace(microsecond=0)


def test_split_counts_utf16_units_of_the_visible_text() -> None:
    """Lines of emoji (two UTF-16 units each) are split by what Telegram counts, and every
    line arrives, whole and in order."""
    text = "\n".join(f"{n} " + "\U0001f1e6" * 50 for n in range(45))  # ~4,600 units
    parts = split_message(text)
    assert len(parts) == 2
    assert all(visible_length(part) <= TELEGRAM_LIMIT for part in parts)
    assert "\n".join(parts) == text


def test_split_ignores_markup_when_measuring() -> None:
    """Links cost their label only: a message full of long URLs is not split early."""
    line = '<a href="https://news.example/' + "x" * 300 + '">Outlet</a>'
    assert split_message("\n".join([line] * 100)) == ["\n".join([line] * 100)]


async def add_reports(store: Store, incident_id: str, reports: list[tuple[str, str, str]]) -> None:
    """Store an incident made of (outlet, url, title) reports; one source row per outlet."""
    sources: dict[str, int] = {}
    for number, (outlet, url, title) in enumerate(reports):
        async with store.sessions.begin() as session:
            if outlet not in sources:
                row = SourceRow(name=outlet, url=f"https://feeds.example/{len(sources)}",
                                enabled=True, origin="file", failures=0, items_seen=0,
                                perspective="independent")
                session.add(row)
                await session.flush()
                sources[outlet] = row.id
            item = Item(source_id=sources[outlet], dedupe_key=f"{incident_id}-{number}",
                        url=url, title=title, summary="", first_seen_at=NOW, is_incident=True,
                        score=1.0, published_at=NOW - timedelta(minutes=number))
            session.add(item)
            await session.flush()
            item_id = item.id
        record = IncidentRecord(
            item_id=item_id, incident_id=incident_id, first_published_at=NOW,
            last_published_at=NOW, severity="high", headline="Shelling near Tegh",
            sectors=("syunik",), view={},
        )
        await store.record_incident(
            record, alert=RenderedAlert({"en": "<b>alert</b>"}, {}, "Shelling near Tegh")
        )


async def test_sources_lists_every_report_over_several_messages(store: Store) -> None:
    """Eighty reports, three of them from one outlet: every link is in the Sources
    messages, none over Telegram's limit."""
    reports = [("Same Outlet", f"https://same.example/{n}", "Обстрел у Тега") for n in range(3)]
    reports += [(f"Outlet {n}", f"https://o{n}.example/story", "🇦🇲 " + "Տեղ " * 25)
                for n in range(77)]
    await add_reports(store, "inc-20261124-0000eeee", reports)
    parts = await incident_sources(store, "inc-20261124-0000eeee", "en")
    assert parts is not None
    assert len(parts) >= 2
    assert all(visible_length(part) <= TELEGRAM_LIMIT for part in parts)
    joined = "\n".join(parts)
    for _, url, _ in reports:
        assert f'href="{url}"' in joined, url
