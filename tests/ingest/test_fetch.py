"""Fetching over HTTP against the loopback feed server: validators, caps and faults."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpcore
import httpx
import pytest

from bot.exceptions import FeedTooLargeError, FetchError, TransientFetchError
from bot.ingest.fetch import GuardedTransport, build_http_client, fetch_feed, parse_retry_after
from testkit.feed_server import FeedServer

BODY = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The production client configuration, with short timeouts."""
    async with build_http_client(timeout=2.0, max_connections=4, user_agent="Mozilla/5.0 (x)",
                                 allow_private=True) as c:
        yield c



async def test_conditional_get_gives_304(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """An ETag sent back yields 304 and no body."""
    feeds.serve("/a.xml", BODY, etag='"v1"')
    first = await fetch_feed(client, feeds.url("/a.xml"), source="a", max_bytes=10**6, deadline=3)
    assert first.status == 200
    assert first.etag == '"v1"'
    assert first.body == BODY
    second = await fetch_feed(client, feeds.url("/a.xml"), source="a", etag=first.etag,
                              max_bytes=10**6, deadline=3)
    assert second.not_modified
    assert second.body == b""
    assert feeds.last_headers("/a.xml").get("if-none-match") == '"v1"'


async def test_user_agent_sent(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """Servers that refuse non-browser agents accept ours."""
    feeds.serve("/ua.xml", BODY)
    feeds.reject_user_agents("/ua.xml")
    result = await fetch_feed(client, feeds.url("/ua.xml"), source="ua", max_bytes=10**6,
                              deadline=3)
    assert result.status == 200


@pytest.mark.parametrize(("code", "transient"), [(500, True), (503, True), (429, True),
                                                 (404, False), (403, False)])
async def test_status_errors(
    client: httpx.AsyncClient, feeds: FeedServer, code: int, transient: bool
) -> None:
    """5xx and 429 are transient (with Retry-After); 4xx are permanent errors."""
    feeds.status("/s.xml", code, retry_after=120 if code in (429, 503) else None)
    with pytest.raises(FetchError) as info:
        await fetch_feed(client, feeds.url("/s.xml"), source="s", max_bytes=10**6, deadline=3)
    assert isinstance(info.value, TransientFetchError) is transient
    assert "s:" in str(info.value)
    assert str(code) in str(info.value)
    if code == 429:
        assert isinstance(info.value, TransientFetchError)
        assert info.value.retry_after == 120


async def test_redirect_loop(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """A redirect loop ends with a FetchError, not a hang."""
    feeds.redirect_loop("/loop.xml")
    with pytest.raises(FetchError, match="redirect"):
        await fetch_feed(client, feeds.url("/loop.xml"), source="l", max_bytes=10**6, deadline=3)


async def test_huge_body_capped(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """A body over the cap stops at the cap, with or without Content-Length."""
    feeds.huge("/big.xml", 50_000_000, declare_length=False)
    with pytest.raises(FeedTooLargeError):
        await fetch_feed(client, feeds.url("/big.xml"), source="b", max_bytes=100_000, deadline=5)


async def test_gzip_bomb_capped(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """A small gzip body inflating past the cap is refused without inflating it all."""
    feeds.gzip_bomb("/bomb.xml", uncompressed_size=64 * 1024 * 1024)
    with pytest.raises(FeedTooLargeError):
        await fetch_feed(client, feeds.url("/bomb.xml"), source="g", max_bytes=100_000, deadline=5)


async def test_slow_drip_hits_the_deadline(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """A server dripping bytes cannot hold the fetch past its total deadline."""
    feeds.slow_drip("/drip.xml", bytes_per_second=50, body=BODY * 20)
    with pytest.raises(TransientFetchError, match="within"):
        await fetch_feed(client, feeds.url("/drip.xml"), source="d", max_bytes=10**6, deadline=1)


async def test_hanging_server_times_out(client: httpx.AsyncClient, feeds: FeedServer) -> None:
    """No answer at all is a transient error."""
    feeds.hang("/hang.xml")
    with pytest.raises(TransientFetchError):
        await fetch_feed(client, feeds.url("/hang.xml"), source="h", max_bytes=10**6, deadline=1)


async def test_unreachable_host(client: httpx.AsyncClient) -> None:
    """A closed port is a transient network error naming the source."""
    with pytest.raises(TransientFetchError, match="closed"):
        await fetch_feed(client, "http://127.0.0.1:9/feed", source="closed", max_bytes=10**6,
                         deadline=2)


def test_retry_after_forms() -> None:
    """Retry-After as seconds or an HTTP date."""
    assert parse_retry_after("120") == 120
    assert parse_retry_after(None) is None
    assert parse_retry_after("garbage") is None
    assert parse_retry_after("Wed, 21 Oct 2099 07:28:00 GMT") > 1e6  # type: ignore[operator]



class Loopback(httpcore.AsyncNetworkBackend):
    """A pretend internet: a connection to any address lands on the loopback feed server."""

    def __init__(self) -> None:
        self.inner = httpcore.AnyIOBackend()
        self.connected: list[str] = []

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,  # noqa: ASYNC109
                          local_address: str | None = None,
                          socket_options: Any = None) -> httpcore.AsyncNetworkStream:
        """Record the address and connect to loopback instead."""
        self.connected.append(host)
        return await self.inner.connect_tcp("127.0.0.1", port, timeout=timeout)

    async def sleep(self, seconds: float) -> None:
        """Sleep as anyio does."""
        await self.inner.sleep(seconds)


def guarded_client(resolve: Any, network: httpcore.AsyncNetworkBackend) -> httpx.AsyncClient:
    """The production transport with a fake resolver and network."""
    transport = GuardedTransport(limits=httpx.Limits(max_connections=2), allow_private=False,
                                 resolve=resolve, network=network)
    return httpx.AsyncClient(transport=transport, follow_redirects=True, max_redirects=5)


def port_of(feeds: FeedServer) -> int:
    """The feed server's port."""
    return int(httpx.URL(feeds.url("/")).port or 0)


async def test_redirect_to_a_private_address_is_refused(feeds: FeedServer) -> None:
    """A public source redirecting to a loopback address is refused at the hop."""
    feeds.serve("/inside.xml", BODY)
    feeds.redirect("/out.xml", f"http://localhost:{port_of(feeds)}/inside.xml")
    names = {"public.example": ["93.184.216.34"], "localhost": ["127.0.0.1"]}

    async def resolve(host: str, port: int) -> list[str]:
        return names[host]

    network = Loopback()
    async with guarded_client(resolve, network) as client:
        with pytest.raises(FetchError, match="refused: the address is private"):
            await fetch_feed(client, f"http://public.example:{port_of(feeds)}/out.xml",
                             source="s", max_bytes=10_000, deadline=5)
    assert network.connected == ["93.184.216.34"]
    assert feeds.hits("/out.xml") == 1
    assert feeds.hits("/inside.xml") == 0


async def test_dns_rebinding_to_a_private_address_is_refused(feeds: FeedServer) -> None:
    """A host public when the source was added and loopback at poll time is refused."""
    feeds.serve("/feed.xml", BODY)

    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "2002:7f00:1::"]  # public, and 6to4 of 127.0.0.1

    network = Loopback()
    async with guarded_client(rebinding, network) as client:
        with pytest.raises(FetchError, match="refused"):
            await fetch_feed(client, f"http://news.example:{port_of(feeds)}/feed.xml",
                             source="s", max_bytes=10_000, deadline=5)
    assert network.connected == []


async def test_guard_connects_to_the_address_it_checked(feeds: FeedServer) -> None:
    """A public answer is connected to by address: what was checked is what is reached."""
    feeds.serve("/feed.xml", BODY)

    async def public(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    network = Loopback()
    async with guarded_client(public, network) as client:
        result = await fetch_feed(client, f"http://news.example:{port_of(feeds)}/feed.xml",
                                  source="s", max_bytes=10_000, deadline=5)
    assert result.body == BODY
    assert network.connected == ["93.184.216.34"]
