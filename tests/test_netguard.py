"""Address classification, checked as pure functions: no traffic is ever sent to these addresses."""

from __future__ import annotations

import ipaddress

import pytest

from bot.netguard import (
    host_key,
    is_allowed_private,
    is_localhost_name,
    is_public_address,
    is_public_ip,
    parse_ip,
)

NOT_PUBLIC = [
    # IPv4: loopback, private, link-local (cloud metadata), shared, multicast, reserved, unspecified
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.168.255.255",
    "169.254.169.254",
    "169.254.0.1",
    "100.64.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "0.0.0.0",
    "192.0.2.10",
    "198.18.0.1",
    # IPv6: loopback, unspecified, unique local, link-local, site-local, multicast, documentation
    "::1",
    "[::1]",
    "::",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "fe80::1%eth0",
    "febf::1",
    "fec0::1",
    "ff02::1",
    "2001:db8::1",
    # IPv4 inside IPv6
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:1::1",
    "2002:a00:1::1",
    "64:ff9b::a00:1",
    "64:ff9b:1::a00:1",
    # IPv4 spellings the resolver accepts
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "017700000001",
    "0177.0.0.1",
    "127.1",
    "0",
    "0xa9.0xfe.0xa9.0xfe",
    "167772161",
    "3232235777",
]

PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize(
    ("spelling", "standard"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0177.0.0.01", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1", "10.0.0.1"),
        ("192.168.257", "192.168.1.1"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("8.8.8.8.", "8.8.8.8"),
        ("[::1]", "::1"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
    ],
)
def test_parse_ip_reads_spellings_as_the_resolver_does(spelling: str, standard: str) -> None:
    assert parse_ip(spelling) == ipaddress.ip_address(standard)


@pytest.mark.parametrize(
    "text", ["example.com", "localhost", "1.2.3.4 foo", "256.1.1.1", "1.2.3.4.5", "08.1.1.1", "1.0x", "0x", ""]
)
def test_parse_ip_rejects_what_is_not_an_address(text: str) -> None:
    assert parse_ip(text) is None
    assert not is_public_address(text)


def test_embedded_ipv4_is_judged_by_the_ipv4_address() -> None:
    assert not is_public_ip(ipaddress.IPv6Address("::ffff:192.168.1.1"))
    assert is_public_ip(ipaddress.IPv6Address("::ffff:93.184.216.34"))
    assert not is_public_ip(ipaddress.IPv6Address("2002:c0a8:101::1"))
    assert is_public_ip(ipaddress.IPv6Address("2002:5db8:d822::1"))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("printer.localhost", True),
        ("localhost6", True),
        ("localhost.example.com", False),
        ("example.com", False),
    ],
)
def test_localhost_names(host: str, expected: bool) -> None:
    assert is_localhost_name(host) is expected


def test_allow_list_matches_exact_host_and_port_only() -> None:
    allowed = ["127.0.0.1:8123", "[::1]:9000", "intranet.example:8080"]
    assert is_allowed_private("127.0.0.1", 8123, allowed)
    assert is_allowed_private("0x7f.1", 8123, allowed)  # the same address, spelt differently
    assert is_allowed_private("::1", 9000, allowed)
    assert is_allowed_private("[::1]", 9000, allowed)
    assert is_allowed_private("Intranet.Example", 8080, allowed)
    assert not is_allowed_private("127.0.0.1", 8124, allowed)
    assert not is_allowed_private("127.0.0.2", 8123, allowed)
    assert not is_allowed_private("localhost", 8123, allowed)
    assert not is_allowed_private("::1", 8123, allowed)
    assert not is_allowed_private("intranet.example", 80, allowed)
    assert not is_allowed_private("127.0.0.1", 8123, ["127.0.0.1"])
    assert not is_allowed_private("127.0.0.1", 8123, [])


def test_host_key_is_the_standard_spelling() -> None:
    assert host_key("2130706433", 80) == "127.0.0.1:80"
    assert host_key("[0:0::1]", 443) == "[::1]:443"
    assert host_key("News.Example.", 8080) == "news.example:8080"
