"""The HTTP endpoint on loopback: /healthz, /metrics and the open incident feed."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Bot

from bot.classifier import default_classifier
from bot.clustering import Clusterer
from bot.db.outbox import RenderedAlert
from bot.db.store import IncidentRecord, Store
from bot.db.tables import Item, SourceRow
from bot.delivery.sender import Sender, SenderStats
from bot.ingest.fetch import build_http_client
from bot.ingest.poller import Poller, PollOutcome
from bot.ops.leader import Election, Leadership, election_for
from bot.ops.metrics import Metrics
from bot.ops.web import STALE_POLL_SECONDS, ReplicaStatus, WebServer
from bot.services import Services
from bot.settings import load_settings
from testkit.harness import TOKEN

ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime.now(UTC).replace(microsecond=0)


class Never(Election):
    """An election this replica never wins."""

    async def hold(self) -> bool:
        return False

    async def release(self) -> None:
        return None


@pytest.fixture
async def services(store: Store) -> AsyncIterator[Services]:
    """The services the endpoint reads, on the test's database, elected leader."""
    settings = load_settings()
    http = build_http_client(timeout=5, max_connections=2, user_agent="test")
    leader = Leadership(election_for(store.engine, 4711, "web-test"), name="web-test")
    await leader.check()
    yield Services(
        settings=settings, store=store, http=http, classifier=default_classifier(),
        poller=Poller(settings, store, http, default_classifier(), Clusterer()),
        sender=Sender(Bot(TOKEN), store), started_at=datetime.now(UTC), leader=leader,
        metrics=Metrics(),
    )
    await leader.stop()
    await http.aclose()


@pytest.fixture
async def client(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the endpoint, started on a free loopback port."""
    server = WebServer(services, host="127.0.0.1", port=0)
    await server.start()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as c:
        yield c
    await server.stop()


def view(incident_id: str, sources: list[str]) -> dict[str, object]:
    """A stored incident view with no extracted facts."""
    stamp = (NOW - timedelta(hours=1)).isoformat()
    return {
        "id": incident_id, "first_published": stamp, "last_published": stamp,
        "event_start": stamp, "event_end": stamp, "report_ids": [], "location_ids": [],
        "sectors": ["syunik"], "severity": "high", "casualties": [], "claims": [],
        "weapons": [], "sources": sources, "sides_heard": [], "followups": 0,
        "reply_worthy": 0,
    }


async def add_incident(
    store: Store, incident_id: str, headline: str, reports: list[tuple[str, str, str]]
) -> None:
    """Store an incident made of (source name, url, title) reports."""
    for number, (source, url, title) in enumerate(reports):
        async with store.sessions.begin() as session:
            row = SourceRow(name=source, url=f"https://feeds.example/{number}-{incident_id}",
                            enabled=True, origin="file", failures=0, items_seen=0)
            session.add(row)
            await session.flush()
            item = Item(source_id=row.id, dedupe_key=f"{incident_id}-{number}", url=url,
                        title=title, summary="", first_seen_at=NOW, is_incident=True,
                        score=1.0, published_at=NOW - timedelta(hours=1))
            session.add(item)
            await session.flush()
            item_id = item.id
        record = IncidentRecord(
            item_id=item_id, incident_id=incident_id, first_published_at=NOW - timedelta(hours=1),
            last_published_at=NOW - timedelta(hours=1), severity="high", headline=headline,
            sectors=("syunik",), view=view(incident_id, [r[0] for r in reports]),
        )
        await store.record_incident(
            record, alert=RenderedAlert({"en": "<b>alert</b>"}, {}, headline)
        )


async def test_healthz_reports_database_role_and_poll_age(
    client: httpx.AsyncClient, services: Services
) -> None:
    """A healthy leader answers 200 with its role and the age of its last poll."""
    services.poller.last_cycle_at = datetime.now(UTC) - timedelta(seconds=12)
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["role"] == "leader"
    assert 11 <= body["last_poll_age_seconds"] <= 20


async def test_healthz_follower(client: httpx.AsyncClient, services: Services) -> None:
    """A follower is healthy and says so; its poll age does not matter."""
    services.leader = Leadership(Never(), name="follower")
    services.poller.last_cycle_at = None
    body = (await client.get("/healthz")).json()
    assert body["role"] == "follower"
    assert body["status"] == "ok"


async def test_healthz_unreachable_database_is_503(
    client: httpx.AsyncClient, services: Services, tmp_path: object
) -> None:
    """A database that cannot be reached makes the replica unhealthy."""
    broken = create_async_engine("sqlite+aiosqlite:////nonexistent-dir/none/x.db")
    services.store = Store(broken)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    await broken.dispose()


async def test_healthz_stalled_leader_is_503(
    client: httpx.AsyncClient, services: Services
) -> None:
    """A leader whose polls stopped long ago is unhealthy (so it gets restarted)."""
    assert services.leader is not None
    services.leader.elected_at = time.monotonic() - STALE_POLL_SECONDS * 2
    services.poller.last_cycle_at = datetime.now(UTC) - timedelta(seconds=STALE_POLL_SECONDS * 2)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["polls_stalled"] is True


async def test_metrics_in_prometheus_format(
    client: httpx.AsyncClient, services: Services
) -> None:
    """/metrics exposes polls and failures per source, queue depth, deliveries and latency,
    without counting a latency twice across scrapes."""
    await services.store.chats.upsert_chat(77, type_="private", title=None)
    await services.store.chats.subscribe(77)
    await add_incident(services.store, "inc-20261124-0000aaaa", "Fire near Tegh",
                       [("Outlet", "https://news.example/1", "Fire near Tegh")])
    assert services.metrics is not None
    services.metrics.record_polls([
        PollOutcome("Feed A", ok=False, error="timeout"),
        PollOutcome("Feed B", ok=True, new_items=3, incidents=1, queued=1),
    ])
    services.sender.stats.sent = 2
    services.sender.stats.latencies.extend([0.03, 0.2])
    for _ in range(2):
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    assert samples[("borderwatch_source_polls_total",
                    (("outcome", "failure"), ("source", "Feed A")))] == 1
    assert samples[("borderwatch_new_items_total", ())] == 3
    assert samples[("borderwatch_queue_depth", ())] == 1
    assert samples[("borderwatch_incidents", ())] == 1
    assert samples[("borderwatch_deliveries_total", (("outcome", "sent"),))] == 2
    assert samples[("borderwatch_leader", ())] == 1
    assert samples[("borderwatch_send_latency_seconds_count", ())] == 2


async def test_atom_feed_well_formed_attributed_and_escaped(
    client: httpx.AsyncClient, services: Services
) -> None:
    """The Atom feed parses, lists each report's outlet as a related link, and escapes
    hostile text from feeds."""
    await add_incident(
        services.store, "inc-20261124-0000bbbb", "Shelling near <Sotk> & Tegh",
        [("A&B <News>", "https://a.example/x?y=1&z=2", "<script>alert(1)</script>"),
         ("Second Outlet", "https://b.example/y", "Second report")],
    )
    response = await client.get("/incidents.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "Shelling near <Sotk> & Tegh"
    assert entry.findtext(f"{ATOM}id") == "urn:borderwatch:incident:inc-20261124-0000bbbb"
    related = {link.get("title"): link.get("href") for link in entry.findall(f"{ATOM}link")
               if link.get("rel") == "related"}
    assert related == {"A&B <News>": "https://a.example/x?y=1&z=2",
                       "Second Outlet": "https://b.example/y"}
    content = entry.findtext(f"{ATOM}content") or ""
    assert "A&amp;B &lt;News&gt;" in content  # escaped HTML inside the escaped element
    assert "/incident_" not in content
    assert feed.find(f"{ATOM}link[@rel='self']") is not None


async def test_json_feed_and_conditional_get(
    client: httpx.AsyncClient, services: Services
) -> None:
    """The JSON Feed 1.1 carries the attributed reports; a repeat with its ETag gets 304."""
    await add_incident(services.store, "inc-20261124-0000cccc", "Fire near Tegh",
                       [("Outlet", "https://news.example/1", "Fire near Tegh")])
    response = await client.get("/incidents.json?limit=10")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    (item,) = document["items"]
    assert item["title"] == "Fire near Tegh"
    assert item["url"] == "https://news.example/1"
    assert item["_borderwatch"]["reports"][0]["source"] == "Outlet"
    assert "high" in item["tags"]
    again = await client.get("/incidents.json?limit=10",
                             headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert (await client.get("/incidents.json?limit=0")).status_code == 400


@dataclass
class LoneReplica:
    """The least a web server needs: a store, no metrics, and a status (not `Services`)."""

    store: Store
    metrics: Metrics | None = None

    def status(self) -> ReplicaStatus:
        return ReplicaStatus(leader=False, replica="lone", elected_at=None, last_poll_at=None,
                             started_at=NOW, sender=SenderStats())


async def test_the_endpoint_reads_only_the_observed_protocol(store: Store) -> None:
    """The server runs on any object with a store, metrics and a status: health comes from
    the status, and /metrics is off without a registry."""
    server = WebServer(LoneReplica(store), host="127.0.0.1", port=0)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            health = (await client.get("/healthz")).json()
            assert (health["role"], health["replica"], health["database"]) == (
                "follower", "lone", "ok")
            assert (await client.get("/metrics")).status_code == 404
    finally:
        await server.stop()


async def test_feed_cache_ignores_extra_parameters(
    client: httpx.AsyncClient, services: Services
) -> None:
    """An extra query parameter is served from the cache, not rendered again."""
    first = await client.get("/incidents.json?limit=200&x=1")
    await add_incident(services.store, "inc-20261124-0000dddd", "Fire near Sotk",
                       [("Outlet", "https://news.example/2", "Fire near Sotk")])
    second = await client.get("/incidents.json?limit=200&x=2")
    assert second.status_code == 200
    assert second.content == first.content  # within FEED_CACHE_SECONDS: the cached body


async def test_self_links_come_from_public_url_not_host(services: Services) -> None:
    """A forged Host header never reaches the (cached, shared) feed; PUBLIC_URL does."""
    public_url = load_settings(public_url="https://watch.example.org/").public_url
    server = WebServer(services, host="127.0.0.1", port=0, public_url=public_url)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as c:
            document = json.loads(
                (await c.get("/incidents.json", headers={"Host": "evil.example"})).content
            )
            atom = ET.fromstring(
                (await c.get("/incidents.atom?limit=5", headers={"Host": "evil.example"})).content
            )
    finally:
        await server.stop()
    assert document["feed_url"] == "https://watch.example.org/incidents.json"
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links["self"] == "https://watch.example.org/incidents.atom?limit=5"
    assert "evil.example" not in json.dumps(document) + ET.tostring(atom).decode()
