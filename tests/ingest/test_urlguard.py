"""The SSRF guard's address rule, embeddings of IPv4 in IPv6 included."""

from __future__ import annotations

import pytest

from bot.ingest.urlguard import UrlRefused, check_source_url, is_public_address


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
