"""Who a client is for the slow-downs: X-Forwarded-For is believed only from a trusted proxy."""

import pytest

from services.accounts.client_address import UNKNOWN, client_address, client_key

PROXY = ["127.0.0.1", "10.0.0.0/8"]


@pytest.mark.parametrize(
    "peer, forwarded, trusted, expected",
    [
        ("203.0.113.7", [], [], "203.0.113.7"),  # no proxy: the connection
        ("203.0.113.7", ["198.51.100.1"], [], "203.0.113.7"),  # a header from anyone is ignored
        ("203.0.113.7", ["198.51.100.1"], PROXY, "203.0.113.7"),  # ... unless it comes from a proxy
        (None, [], [], UNKNOWN),  # this machine, nothing trusted
        (None, ["198.51.100.1"], PROXY, "198.51.100.1"),  # a proxy on this machine
        ("10.0.0.5", ["198.51.100.1"], PROXY, "198.51.100.1"),  # a proxy on the network
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1"], PROXY, "198.51.100.1"),  # the client wrote 1.2.3.4 itself
        ("10.0.0.5", ["1.2.3.4, 198.51.100.1, 10.0.0.9"], PROXY, "198.51.100.1"),  # two proxies in a row
        ("10.0.0.5", ["1.2.3.4", "198.51.100.1"], PROXY, "198.51.100.1"),  # repeated headers count in order
        ("10.0.0.5", ["2001:DB8::1"], PROXY, "2001:db8::1"),  # IPv6, written one way
        ("10.0.0.5", ["not an address"], PROXY, "not an address"),  # odd, but still one client
        ("10.0.0.5", [], PROXY, "10.0.0.5"),  # a proxy that names nobody
    ],
)
def test_the_client_address(peer, forwarded, trusted, expected):
    assert client_address(peer, forwarded, trusted) == expected


def test_the_key_is_a_hash_never_the_address():
    key = client_key("203.0.113.7")
    assert len(key) == 32 and "203" not in key and key == client_key("203.0.113.7")
