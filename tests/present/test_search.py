"""Search: query parsing (pure) and the full-text index over stored reports."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.db.search import SearchStore
from bot.db.store import IncidentRecord, NewItem, Store
from bot.exceptions import ArgError
from bot.ingest.sources import Source
from bot.present.search import SearchQuery, expand_places, parse_query


def test_places_in_any_script_and_case_become_gazetteer_ids() -> None:
    """Сотк, sotk and Սոթք all resolve to am-sotk; the name leaves the words."""
    for text in ("Сотк", "sotk", "Սոթք", "Sotk shelling"):
        query = parse_query(text)
        assert query.place_ids == ("am-sotk",), text
    assert parse_query("Sotk shelling").terms == ("shelling",)


def test_dates() -> None:
    """since/until (also in Russian), and a bare date for one day."""
    assert parse_query("since 2022-09-01").since == date(2022, 9, 1)
    assert parse_query("drone с 2022-09-01 до 2022-09-30") == SearchQuery(
        ("drone",), (), date(2022, 9, 1), date(2022, 9, 30)
    )
    one = parse_query("2022-09-13")
    assert one.since == one.until == date(2022, 9, 13)


def test_a_province_finds_its_places() -> None:
    """Syunik expands to the Syunik places of the gazetteer."""
    expanded = expand_places(("am-syunik-province",))
    assert "am-tegh" in expanded
    assert "am-sotk" not in expanded


@given(st.text(max_size=400))
def test_any_query_parses_or_is_refused(text: str) -> None:
    """No text crashes the parser; terms are plain words."""
    try:
        query = parse_query(text)
    except ArgError:
        return
    assert all(term.isalnum() for term in query.terms)
    assert len(query.terms) <= 8


def test_underscores_are_no_search_term() -> None:
    """'__' (found by the property test) is no word: it searched for a term with no letter.
    Underscores split words instead."""
    assert parse_query("__").terms == ()
    assert parse_query("shelling_drone").terms == ("shelling", "drone")


def item(store_id: int, key: str, title: str, summary: str, place: str | None) -> NewItem:
    """A stored incident report naming `place`."""
    facts = {"locations": [{"id": place}]} if place else {"locations": []}
    return NewItem(
        source_id=store_id, dedupe_key=key, url=None, url_norm=None, title=title,
        summary=summary, published_at=datetime(2022, 9, 13, tzinfo=UTC),
        first_seen_at=datetime(2022, 9, 13, tzinfo=UTC), lang=None, is_incident=True,
        score=0.9, severity="high", facts=facts,
    )


async def test_full_text_and_place_search_in_the_database(store: Store) -> None:
    """Words match as prefixes, places by id whatever the spelling, dates bound the range."""
    await store.sync_sources([Source("S", "http://127.0.0.1/s.xml")])
    source_id = (await store.all_sources())[0].id
    ids = await store.store_items([
        item(source_id, "a", "Обстрел у Сотка", "Азербайджанские силы обстреляли", "am-sotk"),
        item(source_id, "b", "Drone strike near Tegh", "Two servicemen killed", "am-tegh"),
        item(source_id, "c", "Peace talks", "Ministers meet", None),
    ])
    for item_id, incident in zip(ids, ("inc-20220913-aaaa", "inc-20220913-bbbb",
                                       "inc-20220913-cccc"), strict=True):
        await store.record_incident(IncidentRecord(
            item_id=item_id, incident_id=incident,
            first_published_at=datetime(2022, 9, 13, tzinfo=UTC),
            last_published_at=datetime(2022, 9, 13, tzinfo=UTC), severity="high",
            headline=incident, sectors=(), view={},
        ))
    search = SearchStore(store.sessions)

    async def found(text: str) -> set[str]:
        return {hit.incident.id for hit in await search.search(parse_query(text))}

    assert await found("Sotk") == {"inc-20220913-aaaa"}
    assert await found("обстрел") == {"inc-20220913-aaaa"}
    assert await found("drone killed") == {"inc-20220913-bbbb"}
    assert await found("Syunik") == {"inc-20220913-bbbb"}
    assert await found("since 2022-09-14") == set()
    assert await found("2022-09-13") == {"inc-20220913-aaaa", "inc-20220913-bbbb",
                                         "inc-20220913-cccc"}
    assert await found('") OR 1=1 -- NEAR(*') == set()
