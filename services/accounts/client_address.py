"""Who a client is, for the slow-downs: the address of its connection, or, when that connection comes
from a reverse proxy listed in VM_TRUSTED_PROXIES, the address that proxy names in X-Forwarded-For.

Anyone can send an X-Forwarded-For header, so it is believed only from a trusted proxy, and read from
the right: each trusted proxy appends the address it saw, and the first address that is not a trusted
proxy is the client (anything further left was written by the client itself). Only a hash of the
result is ever stored.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Sequence

# Streamlit reports no address for a connection from this machine (st.context.ip_address is None).
LOOPBACK = "127.0.0.1"
UNKNOWN = "unknown"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _is_trusted(text: str, trusted: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in trusted)


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted_proxies: Sequence[str]) -> str:
    """The client's address as text: `peer` is the connection's address (None: this machine),
    `forwarded_for` every X-Forwarded-For header value in order, `trusted_proxies` the setting."""
    trusted = [ipaddress.ip_network(entry, strict=False) for entry in trusted_proxies]
    connection = peer or LOOPBACK
    if not _is_trusted(connection, trusted):
        return str(_address(connection) or connection) if peer else UNKNOWN
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return str(_address(hop) or hop[:100])
    return str(hops[0] if hops else connection)


def client_key(address: str) -> str:
    """The key the slow-downs count a client by: a hash, so raw addresses are never stored."""
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]
