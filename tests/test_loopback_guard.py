"""The loopback guard fires: no test can connect past loopback or send a DNS query, in this process or in
the processes it starts. Public addresses here are from the documentation ranges (192.0.2.0/24,
2001:db8::/32), which are not routed: even a guard that failed would reach no one."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from slack_sdk import WebClient
from websockets.sync.client import connect as websocket_connect

from tests import loopback_guard
from tests.loopback_guard import NetworkAccessRefused, RefusalLog, installed

ROOT = Path(__file__).parents[1]
PUBLIC_V4 = "192.0.2.1"
PUBLIC_V6 = "2001:db8::1"
NAME = "news.example"  # a reserved name: were it looked up, no one would answer for it


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A TCP listener on 127.0.0.1 that the allowed connections reach."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server


def refused_lines(log: RefusalLog, count: int) -> list[str]:
    lines = log.take()
    assert len(lines) == count, lines
    assert all("loopback guard: refused" in line for line in lines)
    return lines


def test_the_guard_is_installed() -> None:
    assert installed()


@pytest.fixture
def real_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object]]:
    """Every call the guard lets through to the real socket functions it wraps."""
    calls: list[tuple[str, object]] = []
    for name, real in list(loopback_guard._originals.items()):

        def spy(*args: object, _name: str = name, _real: Any = real) -> Any:
            calls.append((_name, args))
            return _real(*args)

        monkeypatch.setitem(loopback_guard._originals, name, spy)
    return calls


@pytest.mark.parametrize(
    ("family", "address"),
    [
        (socket.AF_INET, (PUBLIC_V4, 80)),
        (socket.AF_INET, ("10.0.0.7", 80)),  # private ranges are outside loopback too
        (socket.AF_INET, ("0.0.0.0", 80)),
        (socket.AF_INET, ("", 80)),
        (socket.AF_INET, (NAME, 80)),  # connect() would resolve the name itself
        (socket.AF_INET6, (PUBLIC_V6, 80, 0, 0)),
        (socket.AF_INET6, (f"::ffff:{PUBLIC_V4}", 80, 0, 0)),
        (socket.AF_INET6, ("::", 80, 0, 0)),
    ],
)
@pytest.mark.parametrize("method", ["connect", "connect_ex"])
def test_a_connect_outside_loopback_is_refused_before_any_packet(
    network_refusals: RefusalLog,
    real_calls: list[tuple[str, object]],
    family: socket.AddressFamily,
    address: tuple[object, ...],
    method: str,
) -> None:
    sock = socket.socket(family, socket.SOCK_STREAM)
    with pytest.raises(NetworkAccessRefused, match=r"refused a connection to .* port 80: tests may only reach"):
        getattr(sock, method)(address)
    assert [name for name, _ in real_calls if name in ("connect", "connect_ex")] == []  # no SYN was sent
    assert sock.fileno() == -1  # closed, as after a failed connect
    refused_lines(network_refusals, 1)


def test_a_datagram_outside_loopback_is_refused(
    network_refusals: RefusalLog, real_calls: list[tuple[str, object]]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(NetworkAccessRefused, match=r"refused a datagram to 192\.0\.2\.1 port 53"):
            sock.sendto(b"\x00" * 12, (PUBLIC_V4, 53))
        with pytest.raises(NetworkAccessRefused, match=r"refused a message to 192\.0\.2\.1 port 53"):
            sock.sendmsg([b"\x00" * 12], [], 0, (PUBLIC_V4, 53))
        assert sock.getsockname() == ("0.0.0.0", 0)  # never bound to a port: nothing was sent
    assert real_calls == []
    refused_lines(network_refusals, 2)


def test_create_connection_to_a_public_address_is_refused(
    network_refusals: RefusalLog, real_calls: list[tuple[str, object]]
) -> None:
    with pytest.raises(NetworkAccessRefused):
        socket.create_connection((PUBLIC_V4, 443), timeout=1)
    assert [name for name, _ in real_calls] == ["getaddrinfo"]  # the literal, read without a resolver
    refused_lines(network_refusals, 1)


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: socket.getaddrinfo(NAME, 80),
        lambda: socket.getaddrinfo(NAME.encode(), 80),
        lambda: socket.getaddrinfo("localhost.", 80),
        lambda: socket.gethostbyname(NAME),
        lambda: socket.gethostbyname_ex(NAME),
        lambda: socket.create_connection((NAME, 80), timeout=1),
    ],
)
def test_a_name_lookup_other_than_localhost_is_refused(  # type: ignore[no-untyped-def]
    network_refusals: RefusalLog, real_calls: list[tuple[str, object]], lookup
) -> None:
    with pytest.raises(NetworkAccessRefused, match=r"refused a name lookup of .*: it would send a DNS query"):
        lookup()
    # the only call let through asked the C library whether the name is a number (AI_NUMERICHOST)
    assert all(name == "getaddrinfo" and args[-1] == socket.AI_NUMERICHOST for name, args in real_calls)  # type: ignore[index]
    refused_lines(network_refusals, 1)


@pytest.mark.parametrize(
    "lookup",
    [
        lambda: socket.gethostbyaddr(PUBLIC_V4),
        lambda: socket.gethostbyaddr("127.0.0.2"),  # not in every hosts file: it would be a PTR query
        lambda: socket.getnameinfo((PUBLIC_V4, 80), 0),
    ],
)
def test_a_reverse_lookup_is_refused(  # type: ignore[no-untyped-def]
    network_refusals: RefusalLog, real_calls: list[tuple[str, object]], lookup
) -> None:
    with pytest.raises(NetworkAccessRefused, match="refused a reverse lookup"):
        lookup()
    assert all(name == "getaddrinfo" and args[-1] == socket.AI_NUMERICHOST for name, args in real_calls)  # type: ignore[index]
    refused_lines(network_refusals, 1)


def test_a_refusal_the_code_under_test_swallows_is_still_on_record(network_refusals: RefusalLog) -> None:
    """``conftest.loopback_only`` fails a test from this record, whatever the code did with the exception."""

    def careless_fetch() -> str:
        try:
            socket.create_connection((NAME, 80), timeout=1)
        except Exception:
            return "the site is down"
        return "fetched"

    assert careless_fetch() == "the site is down"
    (line,) = refused_lines(network_refusals, 1)
    assert "name lookup of 'news.example'" in line


def test_loopback_localhost_and_ip_literals_are_allowed(listener: socket.socket, network_refusals: RefusalLog) -> None:
    port = listener.getsockname()[1]
    for host in ("127.0.0.1", "localhost", "LOCALHOST"):
        with socket.create_connection((host, port), timeout=5) as conn:
            assert conn.getpeername()[0] == "127.0.0.1"
    with socket.socket(socket.AF_INET6) as mapped:
        mapped.settimeout(5)
        mapped.connect(("::ffff:127.0.0.1", port))
        assert mapped.getpeername()[0] == "::ffff:127.0.0.1"
    with socket.create_server(("127.0.0.2", 0)) as second, socket.create_connection(second.getsockname(), 5):
        pass
    with (
        socket.create_server(("::1", 0), family=socket.AF_INET6) as v6,
        socket.create_connection(v6.getsockname()[:2], timeout=5) as conn,
    ):
        assert conn.getpeername()[0] == "::1"
    # IP literals are read without a resolver, in any spelling the C library accepts
    assert {info[4][0] for info in socket.getaddrinfo("127.1", 80, type=socket.SOCK_STREAM)} == {"127.0.0.1"}
    assert socket.getaddrinfo(PUBLIC_V4, 80, type=socket.SOCK_STREAM)[0][4] == (PUBLIC_V4, 80)
    assert socket.getnameinfo((PUBLIC_V4, 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV) == (PUBLIC_V4, "80")
    assert socket.gethostbyname("localhost") == "127.0.0.1"
    assert network_refusals.take() == []


# --- what the project's libraries call ------------------------------------------------------------


def test_httpx_is_stopped_at_the_guard_not_reported_as_a_connect_error(network_refusals: RefusalLog) -> None:
    with httpx.Client(trust_env=False) as client:
        with pytest.raises(NetworkAccessRefused, match=r"192\.0\.2\.1 port 80"):
            client.get(f"http://{PUBLIC_V4}/")
        with pytest.raises(NetworkAccessRefused, match=r"name lookup of 'news\.example'"):
            client.get(f"https://{NAME}/")
    refused_lines(network_refusals, 2)


def test_redis_is_stopped_at_the_guard(network_refusals: RefusalLog) -> None:
    client = redis.Redis(host=PUBLIC_V4, port=6379, socket_connect_timeout=1)
    with pytest.raises(NetworkAccessRefused):
        client.ping()
    client.close()
    assert len(network_refusals.take()) >= 1


def test_slack_sdk_is_stopped_at_the_guard(network_refusals: RefusalLog) -> None:
    client = WebClient(token="xoxb-test", base_url=f"https://{PUBLIC_V4}/api/", timeout=1)
    with pytest.raises(NetworkAccessRefused):
        client.api_test()
    assert len(network_refusals.take()) >= 1


def test_the_default_slack_url_is_never_resolved(network_refusals: RefusalLog) -> None:
    client = WebClient(token="xoxb-test", timeout=1)  # the default base URL: slack.com
    with pytest.raises(NetworkAccessRefused, match=r"name lookup of 'slack\.com'"):
        client.api_test()
    assert len(network_refusals.take()) >= 1


def test_websockets_are_stopped_at_the_guard(network_refusals: RefusalLog) -> None:
    with pytest.raises(NetworkAccessRefused):
        websocket_connect(f"ws://{PUBLIC_V4}/link", open_timeout=1)
    refused_lines(network_refusals, 1)


# --- processes the tests start ----------------------------------------------------------------------

#: What a child runs: connect to a documentation address; exit 3 if the guard refused it.
CHILD = f"""
import socket, sys
try:
    socket.create_connection(({PUBLIC_V4!r}, 80), timeout=1)
except RuntimeError as error:
    sys.exit(3 if str(error).startswith("loopback guard:") else 1)
except OSError:
    sys.exit(2)
"""


def connect_out() -> None:
    """A multiprocessing target doing what ``CHILD`` does."""
    try:
        socket.create_connection((PUBLIC_V4, 80), timeout=1)
    except RuntimeError as error:
        sys.exit(3 if str(error).startswith("loopback guard:") else 1)
    except OSError:
        sys.exit(2)
    sys.exit(0)


def test_a_python_subprocess_is_guarded(network_refusals: RefusalLog) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stderr=subprocess.PIPE, text=True)
    _, stderr = child.communicate(timeout=60)
    assert child.returncode == 3, stderr
    (line,) = refused_lines(network_refusals, 1)
    assert line.startswith(f"[pid {child.pid}] loopback guard: refused a connection to 192.0.2.1 port 80")


@pytest.mark.slow
def test_the_nutgraf_command_line_is_guarded(network_refusals: RefusalLog) -> None:
    """``nutgraf analyze`` with a link whose name would need DNS: the fetcher's lookup stops at the guard."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NUTGRAF_"))}
    child = subprocess.Popen(
        [sys.executable, "-m", "bot", "analyze", f"http://{NAME}/story"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, stderr = child.communicate(timeout=300)
    assert child.returncode != 0
    assert "news.example" in stderr  # the fetcher reports the site it could not reach
    (line,) = refused_lines(network_refusals, 1)
    assert line.startswith(f"[pid {child.pid}] loopback guard: refused a name lookup of 'news.example'")


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
def test_multiprocessing_children_are_guarded(network_refusals: RefusalLog, method: str) -> None:
    process = multiprocessing.get_context(method).Process(target=connect_out)
    process.start()
    process.join(60)
    assert process.exitcode == 3
    (line,) = refused_lines(network_refusals, 1)
    assert line.startswith(f"[pid {process.pid}]")
