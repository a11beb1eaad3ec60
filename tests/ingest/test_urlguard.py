"""The source-URL guard: http(s) URLs of public hosts only, unless private ones are allowed;
the address rule, embeddings of IPv4 in IPv6 included.

The resolver is a plain function the tests pass in (no DNS, no network)."""

from __future__ import annotations

import pytest

from bot.exceptions import UrlRefused, UsageError
from bot.ingest.urlguard import MAX_URL, check_source_url, is_public_address


def resolving_to(*addresses: str) -> object:
    """A resolver that answers `addresses` for any host, and records what it was asked."""
    asked: list[tuple[str, int]] = []

    async def resolve(host: str, port: int) -> list[str]:
        asked.append((host, port))
        return list(addresses)

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


async def refused(url: str, *addresses: str) -> str:
    """The catalog key of the refusal of `url` when its host resolves to `addresses`."""
    with pytest.raises(UrlRefused) as caught:
        await check_source_url(url, allow_private=False, resolve=resolving_to(*addresses))  # type: ignore[arg-type]
    assert isinstance(caught.value, UsageError)  # handlers answer it with its text
    return caught.value.key


async def test_public_feed_accepted_and_cleaned() -> None:
    """A public https feed passes, trimmed; its host and port are what was resolved."""
    resolve = resolving_to("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    url = await check_source_url("  https://news.example/rss.xml \n", allow_private=False,
                                 resolve=resolve)  # type: ignore[arg-type]
    assert url == "https://news.example/rss.xml"
    assert resolve.asked == [("news.example", 443)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254", "0.0.0.0",
    "::1", "fe80::1%eth0", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1", "100.64.0.1", "nonsense",
])  # fmt: skip
async def test_private_loopback_link_local_and_odd_addresses_refused(address: str) -> None:
    """Any address that is not a public unicast one (IPv4-mapped included) is refused, even
    beside a public one."""
    assert await refused("http://feeds.example/rss", "93.184.216.34", address) == "source_private"


@pytest.mark.parametrize(("url", "key"), [
    ("ftp://feeds.example/rss", "source_bad_scheme"),
    ("file:///etc/passwd", "source_bad_scheme"),
    ("javascript:alert(1)", "source_bad_scheme"),
    ("https://user:secret@feeds.example/rss", "source_bad_url"),
    ("https:///no-host", "source_bad_url"),
    ("https://feeds.example/a b", "source_bad_url"),
    ("https://feeds.example:99999/rss", "source_bad_url"),
    ("", "source_bad_url"),
    ("https://feeds.example/" + "a" * MAX_URL, "source_bad_url"),
])  # fmt: skip
async def test_malformed_urls_refused_before_any_lookup(url: str, key: str) -> None:
    """Wrong schemes, credentials, spaces, bad ports and huge URLs are refused as such."""
    assert await refused(url, "93.184.216.34") == key


async def test_unresolvable_host_refused() -> None:
    """A host with no address, or whose lookup fails, is refused as unresolvable."""
    assert await refused("https://nowhere.example/rss") == "source_unresolvable"

    async def failing(host: str, port: int) -> list[str]:
        raise OSError("no such host")

    with pytest.raises(UrlRefused) as caught:
        await check_source_url("https://nowhere.example/rss", allow_private=False,
                               resolve=failing)
    assert caught.value.key == "source_unresolvable"


async def test_private_allowed_skips_the_lookup() -> None:
    """With private sources allowed (tests, intranets) the host is not even resolved."""
    resolve = resolving_to("127.0.0.1")
    url = await check_source_url("http://127.0.0.1:8080/feed", allow_private=True,
                                 resolve=resolve)  # type: ignore[arg-type]
    assert url == "http://127.0.0.1:8080/feed"
    assert resolve.asked == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "10.0.0.1", "169.254.169.254", "::1", "fe80::1%eth0", "0.0.0.0",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::127.0.0.1",  # IPv4-compatible (deprecated, still routed by some stacks)
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo whose client is 127.0.0.1
        "not an address",
    ],
)
def test_private_addresses_and_their_embeddings_are_refused(address: str) -> None:
    """Loopback, private and link-local addresses are refused however they are spelt."""
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "2002:5db8:d822::"])
def test_public_addresses_pass(address: str) -> None:
    """Public IPv4, IPv6 and a 6to4 address of a public IPv4 address pass."""
    assert is_public_address(address)


async def test_a_6to4_loopback_host_is_refused_when_added() -> None:
    """A host resolving to 6to4 of loopback cannot be added as a source."""

    async def resolve(host: str, port: int) -> list[str]:
        return ["2002:7f00:1::"]

    with pytest.raises(UrlRefused):
        await check_source_url("http://sneaky.example/rss", allow_private=False, resolve=resolve)
