"""The test suite's network guard: nothing the tests run may reach past this machine's loopback interface.

``conftest.py`` installs it before anything else is imported, and puts ``tests/subprocess_site`` on
``PYTHONPATH``, whose ``sitecustomize`` installs it in every Python process the tests start (a ``nutgraf``
CLI run, ``nutgraf worker``, gunicorn and its workers, multiprocessing children started with "spawn" or
"forkserver"). Forked children inherit it with the rest of their parent's memory. A child started with
``python -E`` or ``-I``, or with an environment that drops ``PYTHONPATH``, is not guarded.

Refused before any packet is sent, in the ``socket`` module that httpx, redis-py, slack_sdk (urllib),
websockets (asyncio) and the test servers all go through:

- a connection (``connect``, ``connect_ex``, hence ``create_connection`` and asyncio's ``sock_connect``)
  or a datagram (``sendto``, ``sendmsg``) to an address outside 127.0.0.0/8 and ::1; IPv4-mapped loopback
  (``::ffff:127.0.0.1``) is loopback, the unspecified address (``0.0.0.0``, ``::``) is not;
- a name lookup (``getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``) of anything but ``localhost``
  or an IP literal, which the C library reads without asking a resolver;
- a reverse lookup (``gethostbyaddr``, ``getnameinfo`` without ``NI_NUMERICHOST``) of anything but
  127.0.0.1, the one address every hosts file answers for (``http.server`` does one when it binds:
  the test servers skip it).

A refusal raises :class:`NetworkAccessRefused`, a ``RuntimeError`` rather than an ``OSError``, so code
under test that turns socket errors into "the site is down" does not hide it; and each refusal is
appended to the file named by ``LOOPBACK_GUARD_LOG`` (one line, with the process id), from which
``conftest.py`` fails the test that caused it even when the code under test swallowed the exception.

pytest-socket's ``--allow-hosts`` does part of this, but it compares host strings (so 127.0.0.2 is
outside), lets name lookups through to the resolver, and does not reach subprocesses.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOG_ENV = "LOOPBACK_GUARD_LOG"
#: Where a test may connect: IPv4 loopback and the IPv6 loopback address.
LOOPBACK = (ipaddress.IPv4Network("127.0.0.0/8"), ipaddress.IPv6Network("::1/128"))
#: The one name tests may resolve (through the hosts file).
LOCALHOST = "localhost"
#: The address a reverse lookup may ask about: the one every hosts file maps (::1 is often missing).
REVERSE_OK = frozenset({ipaddress.IPv4Address("127.0.0.1")})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_MARK = "__loopback_guard__"
_originals: dict[str, Any] = {}
_lock = threading.Lock()
_session: RefusalLog | None = None


class NetworkAccessRefused(RuntimeError):  # noqa: N818 - says what happened, as socket's own errors do
    """A test tried to reach past loopback, or to resolve a name through the resolver."""


def _numeric(host: str) -> Address | None:
    """The address ``host`` is a literal for (read as the C library reads it, with no lookup), else None."""
    bare = host.split("%", 1)[0]
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    try:
        # AI_NUMERICHOST: the C library answers only if ``host`` is a number ("127.1", "0x7f000001"); it
        # never asks a resolver.
        infos = _originals.get("getaddrinfo", socket.getaddrinfo)(host, None, 0, 0, 0, socket.AI_NUMERICHOST)
    except (OSError, UnicodeError, ValueError):
        return None
    return ipaddress.ip_address(str(infos[0][4][0]).split("%", 1)[0])


def is_loopback(address: Address) -> bool:
    """127.0.0.0/8 and ::1, also written as an IPv4-mapped IPv6 address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in LOOPBACK if address.version == network.version)


def _text(host: Any) -> str:
    if isinstance(host, bytes | bytearray):
        return bytes(host).decode("ascii", "replace")
    return str(host)


def _is_localhost(host: str) -> bool:
    return host.lower() == LOCALHOST


def _refuse(message: str) -> None:
    message = f"loopback guard: {message}"
    path = os.environ.get(LOG_ENV)
    if path:
        line = f"[pid {os.getpid()}] {message}".replace("\n", " ") + "\n"
        with _lock, open(path, "a", encoding="utf-8") as log:
            log.write(line)
    raise NetworkAccessRefused(message)


def check_destination(family: int, address: Any, what: str = "a connection") -> None:
    """Refuse ``address`` (a socket address of ``family``) unless it is on loopback."""
    if family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink ...: they stay on this machine
    host = _text(address[0] if isinstance(address, tuple) and address else address)
    if _is_localhost(host):
        return
    literal = _numeric(host) if host else None
    if literal is None or not is_loopback(literal):
        port = address[1] if isinstance(address, tuple) and len(address) > 1 else "?"
        _refuse(
            f"refused {what} to {host or '(unspecified address)'} port {port}: tests may only reach 127.0.0.0/8 and ::1"
        )


def check_name(host: Any, what: str = "a name lookup") -> None:
    """Refuse resolving ``host`` unless it is ``localhost``, an IP literal, or None (the local host)."""
    if host is None:
        return
    name = _text(host)
    if _is_localhost(name) or (name and _numeric(name) is not None):
        return
    _refuse(
        f"refused {what} of {name!r}: it would send a DNS query off this machine "
        "(tests may resolve only 'localhost' and IP literals)"
    )


def check_reverse(host: Any, what: str = "a reverse lookup") -> None:
    """Refuse a reverse lookup unless it asks about 127.0.0.1 (which the hosts file answers)."""
    name = _text(host)
    literal = _numeric(name) if name else None
    if _is_localhost(name) or (literal is not None and literal in REVERSE_OK):
        return
    _refuse(f"refused {what} of {name!r}: it would send a DNS query off this machine")


# --- the wrappers ------------------------------------------------------------------------------------


def _check_connect(sock: socket.socket, address: Any) -> None:
    try:
        check_destination(sock.family, address)
    except NetworkAccessRefused:
        sock.close()  # as after a failed connect, the socket is of no more use; closing it saves a leak
        raise


def _guarded_connect(self: socket.socket, address: Any) -> None:
    _check_connect(self, address)
    _originals["connect"](self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    _check_connect(self, address)
    result: int = _originals["connect_ex"](self, address)
    return result


def _guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
    if args:
        check_destination(self.family, args[-1], "a datagram")
    result: int = _originals["sendto"](self, data, *args)
    return result


def _guarded_sendmsg(self: socket.socket, buffers: Any, *args: Any) -> int:
    if len(args) >= 3 and args[2] is not None:
        check_destination(self.family, args[2], "a message")
    result: int = _originals["sendmsg"](self, buffers, *args)
    return result


def _guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
    check_name(host)
    return _originals["getaddrinfo"](host, port, *args, **kwargs)


def _guarded_gethostbyname(host: Any) -> str:
    check_name(host)
    result: str = _originals["gethostbyname"](host)
    return result


def _guarded_gethostbyname_ex(host: Any) -> Any:
    check_name(host)
    return _originals["gethostbyname_ex"](host)


def _guarded_gethostbyaddr(host: Any) -> Any:
    check_reverse(host)
    return _originals["gethostbyaddr"](host)


def _guarded_getnameinfo(sockaddr: Any, flags: int) -> Any:
    if not flags & socket.NI_NUMERICHOST:
        check_reverse(sockaddr[0] if isinstance(sockaddr, tuple) and sockaddr else sockaddr)
    return _originals["getnameinfo"](sockaddr, flags)


_SOCKET_METHODS: dict[str, Callable[..., Any]] = {
    "connect": _guarded_connect,
    "connect_ex": _guarded_connect_ex,
    "sendto": _guarded_sendto,
    "sendmsg": _guarded_sendmsg,
}
_MODULE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "getaddrinfo": _guarded_getaddrinfo,
    "gethostbyname": _guarded_gethostbyname,
    "gethostbyname_ex": _guarded_gethostbyname_ex,
    "gethostbyaddr": _guarded_gethostbyaddr,
    "getnameinfo": _guarded_getnameinfo,
}


def installed() -> bool:
    """Whether this process's ``socket`` module is guarded."""
    return bool(getattr(socket, _MARK, False))


def install(log: Path | str | None = None) -> None:
    """Guard this process (and the children it forks); ``log`` also becomes ``LOOPBACK_GUARD_LOG`` for
    the processes it starts. Installing twice changes nothing."""
    if log is not None:
        os.environ[LOG_ENV] = str(log)
    if installed():
        return
    for name, wrapper in _SOCKET_METHODS.items():
        _originals[name] = getattr(socket.socket, name)
        setattr(socket.socket, name, wrapper)
    for name, wrapper in _MODULE_FUNCTIONS.items():
        _originals[name] = getattr(socket, name)
        setattr(socket, name, wrapper)
    setattr(socket, _MARK, True)


class RefusalLog:
    """The refusals of every guarded process, read from the shared log file as they are appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.touch()
        self._offset = path.stat().st_size

    def take(self) -> list[str]:
        """Refusals logged since the last call (in any process)."""
        with self.path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        end = data.rfind(b"\n") + 1  # a line still being written is read next time
        self._offset += end
        return [line for line in data[:end].decode("utf-8", "replace").splitlines() if line]


def guard_session(site_dir: Path) -> RefusalLog:
    """Guard this test process and the Python processes it starts (``site_dir`` holds the
    ``sitecustomize`` they load), logging refusals to a new file; once per process, however often the
    calling ``conftest`` module is imported."""
    global _session
    if _session is None:
        handle, name = tempfile.mkstemp(prefix="nutgraf-loopback-guard-", suffix=".log")
        os.close(handle)
        install(name)
        entries = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(site_dir)]
        os.environ["PYTHONPATH"] = os.pathsep.join([str(site_dir), *entries])
        _session = RefusalLog(Path(name))
    return _session
