"""The store's item bookkeeping: what is new, across sources, in batches of any size."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db.store import NewItem, Store
from bot.ingest.sources import Source

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def item(source_id: int, key: str, url: str | None) -> NewItem:
    return NewItem(source_id=source_id, dedupe_key=key, url=url, url_norm=url, title=key,
                   summary="", published_at=NOW, first_seen_at=NOW, lang="en",
                   is_incident=False, score=0.0, severity=None, facts=None)


async def test_unseen_across_sources_and_past_the_statement_limits(store: Store) -> None:
    """Thousands of entries from several sources: only the new ones, by key or by URL."""
    await store.sync_sources([Source(f"s{n}", f"https://s{n}.example/rss") for n in range(3)])
    ids = sorted(row.id for row in await store.all_sources())
    stored = [item(ids[n % 3], f"k{n}", f"https://x.example/{n}") for n in range(4500)]
    assert len(await store.store_items(stored)) == 4500
    asked = [(ids[n % 3], f"k{n}", f"https://x.example/{n}") for n in range(4500)]
    asked += [
        (ids[0], "k1", "https://y.example/new-link"),  # key stored, but by another source
        (ids[1], "k1", "https://y.example/a"),  # known key of this source: not new
        (ids[2], "fresh", "https://x.example/7"),  # new key, known URL: not new
        (ids[2], "fresh2", "https://y.example/b"),  # new
        (ids[0], "fresh3", "https://y.example/b"),  # same URL as the one before: not new
        (ids[0], "fresh4", None),  # new, no link
    ]
    fresh = await store.unseen(asked)
    assert [asked[i][1] for i in fresh] == ["k1", "fresh2", "fresh4"]
    assert fresh[0] == 4500


async def test_store_items_returns_ids_in_order_and_skips_duplicates(store: Store) -> None:
    """Ids come back in the order given; an item stored meanwhile comes back as -1."""
    await store.sync_sources([Source("s", "https://s.example/rss")])
    (row,) = await store.all_sources()
    first = await store.store_items([item(row.id, f"k{n}", None) for n in range(5)])
    assert first == sorted(first)
    assert len(set(first)) == 5
    again = await store.store_items([item(row.id, "new", None), item(row.id, "k2", None)])
    assert again[0] > max(first)
    assert again[1] == -1
