"""Pure address checks that keep the fetcher out of private networks (no I/O here).

A host is fetched only if every address it resolves to is on the public internet, or if the exact
``host:port`` was allow-listed by the operator. IPv4 spellings that resolvers accept but people do not
write ("2130706433", "0x7f.1", "017700000001", "127.1") are read the way the resolver reads them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: One to four dot-separated numbers, each decimal, octal (leading 0) or hex (0x): what inet_aton accepts.
_LEGACY_IPV4 = re.compile(r"^(?:0x[0-9a-f]+|[0-9]+)(?:\.(?:0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)

#: The NAT64 well-known prefix, which carries an IPv4 address inside an IPv6 one: that address is checked as well.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _legacy_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Read the BSD ``inet_aton`` forms: the last part fills the remaining bytes."""
    if not _LEGACY_IPV4.match(text):
        return None
    values: list[int] = []
    for part in text.split("."):
        if part.lower().startswith("0x"):
            values.append(int(part[2:], 16))
        elif len(part) > 1 and part.startswith("0"):
            if not all(c in "01234567" for c in part):
                return None
            values.append(int(part, 8))
        else:
            values.append(int(part))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = last
    for index, value in enumerate(head):
        number |= value << (8 * (3 - index))
    return ipaddress.IPv4Address(number)


def parse_ip(text: str) -> IPAddress | None:
    """The address a host string stands for when it is an IP literal, in any spelling; else None."""
    host = text.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if "%" in host:
        host = host.split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    return _legacy_ipv4(host.rstrip(".")) if host else None


def _ipv4_is_public(address: ipaddress.IPv4Address) -> bool:
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified or address.is_loopback
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_ip(address: IPAddress) -> bool:
    """True only for globally routable unicast addresses (checked through IPv6 wrappers of IPv4)."""
    if isinstance(address, ipaddress.IPv4Address):
        return _ipv4_is_public(address)
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return _ipv4_is_public(embedded)
    if address in _NAT64_LOCAL or address.scope_id:
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or address.is_loopback
        or address.is_link_local
        or address.is_site_local
    )


def is_public_address(ip: str) -> bool:
    """Whether ``ip`` (any spelling of an IP address) may be fetched; anything that is not an address is not."""
    address = parse_ip(ip)
    return address is not None and is_public_ip(address)


def is_localhost_name(host: str) -> bool:
    """``localhost`` and its subdomains (RFC 6761), which must never leave the machine."""
    name = host.strip().rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost") or name in {"localhost6", "ip6-localhost"}


def host_key(host: str, port: int) -> str:
    """The ``host:port`` form used by the allow-list: lower case, IPs in their standard spelling."""
    address = parse_ip(host)
    if address is None:
        name = host.strip().rstrip(".").lower()
    elif isinstance(address, ipaddress.IPv6Address):
        name = f"[{address}]"
    else:
        name = str(address)
    return f"{name}:{port}"


def is_allowed_private(host: str, port: int, allowed: Iterable[str]) -> bool:
    """Whether the operator listed exactly this ``host:port`` as a private host nutgraf may fetch."""
    key = host_key(host, port)
    for entry in allowed:
        entry_host, sep, entry_port = entry.strip().rpartition(":")
        if sep and entry_port.isdigit() and host_key(entry_host, int(entry_port)) == key:
            return True
    return False
