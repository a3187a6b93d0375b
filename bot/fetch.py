"""Fetching pasted links safely: article text and metadata from untrusted URLs.

Anyone in a workspace can paste any link and the bot fetches it from inside the newsroom's network, so
every hop is checked before a connection is made (see :mod:`bot.netguard`), the connection goes to the
very address that was checked, redirects are followed by hand, and size and time are capped.
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import logging
import re
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import charset_normalizer
import courlan
import httpx
import trafilatura
from trafilatura.settings import Document, set_date_params

from bot import __version__
from bot.errors import NutgrafError
from bot.links import canonicalize_url
from bot.models import Article, Source
from bot.netguard import (
    IPAddress,
    is_allowed_private,
    is_localhost_name,
    is_public_address,
    is_public_ip,
    parse_ip,
)
from bot.settings import Settings

__all__ = [
    "BlockedAddress",
    "ConnectionFailed",
    "FetchError",
    "HttpStatusError",
    "InvalidUrl",
    "Page",
    "Timeout",
    "TooLarge",
    "TooLittleText",
    "TooManyRedirects",
    "UnsupportedContent",
    "canonicalize_url",
    "decode_body",
    "fetch_article",
    "fetch_page",
    "is_public_address",
    "read_page",
]

logger = logging.getLogger(__name__)

PROJECT_URL = "https://github.com/nutgraf/nutgraf"
USER_AGENT = f"nutgraf/{__version__} (+{PROJECT_URL})"

#: Fewer words of article text than this is a teaser, a script-built page or an error page.
MIN_ARTICLE_WORDS = 80
#: Share of control bytes above which a body with no binary signature is still taken for binary data.
MAX_CONTROL_SHARE = 0.01
#: A page marked as paywalled (schema.org ``isAccessibleForFree: false``) with fewer words is a teaser.
MIN_PAYWALLED_WORDS = 300

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({429, 503})
_DEFAULT_RETRY_WAIT = 1.0
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Language": "en;q=1.0, *;q=0.5",
}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/vnd.wap.xhtml+xml"})
_SNIFF_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_URL_SITE = re.compile(r"https?://(?:www\.|w[0-9]+\.)?([^/]+)")  # how trafilatura makes a site name from a URL
_PAYWALLED = re.compile(r"""["']?isAccessibleForFree["']?\s*:\s*["']?false\b""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<p>")
#: The legacy encodings of the WHATWG Encoding Standard: what web pages are written in, and all that
#: detection may choose from (DOS and Mac code pages otherwise win on short texts).
_WEB_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "cp866", "mac_roman",
    "mac_cyrillic", "gb18030", "big5", "euc_jp", "iso2022_jp", "shift_jis", "euc_kr",
)  # fmt: skip
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


# --- errors -------------------------------------------------------------------------------------------


class FetchError(NutgrafError):
    """A link could not be turned into article text; the message says why, for a reporter."""

    code = "fetch"


class InvalidUrl(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """Not an http(s) link nutgraf can fetch."""

    code = "invalid_url"


class BlockedAddress(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The link (or a redirect) points into a private network or at this machine."""

    code = "blocked_address"


class ConnectionFailed(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The site's name did not resolve, or the connection failed or broke off."""

    code = "connection_failed"


class Timeout(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The page took longer than the configured limits."""

    code = "timeout"


class TooManyRedirects(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The link redirected more often than ``fetch_max_redirects`` allows."""

    code = "too_many_redirects"


class HttpStatusError(FetchError):
    """The site answered with an error status."""

    code = "http_status"

    def __init__(self, status: int) -> None:
        super().__init__(_status_message(status))
        self.status = status


class TooLarge(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The page is bigger than ``fetch_max_bytes`` (measured after decompression)."""

    code = "too_large"


class UnsupportedContent(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The link leads to something other than a web page or plain text (a PDF, an image ...)."""

    code = "unsupported_content"


class TooLittleText(FetchError):  # noqa: N818 (the names the rest of nutgraf uses)
    """The page has too little article text (a paywall teaser, a page built by scripts)."""

    code = "too_little_text"

    def __init__(self, source: Source, words: int, *, paywalled: bool = False) -> None:
        found = [f"“{source.title}”" if source.title else "", source.site or ""]
        described = ", ".join(part for part in found if part)
        what = f"only {words} words of article text" if words else "no article text"
        detail = f" on that page ({described})" if described else " on that page"
        why = (
            "the page says it is for subscribers, so this is only the teaser"
            if paywalled
            else "it may be behind a paywall or built by scripts"
        )
        super().__init__(
            f"I found {what}{detail}: {why}, so there is nothing to summarise. Paste the text itself if you have it."
        )
        self.source = source
        self.words = words
        self.paywalled = paywalled


def _status_message(status: int) -> str:
    phrase = httpx.codes.get_reason_phrase(status).lower() or "an unusual status"
    if status in (404, 410):
        return f"That page answered {status} ({phrase}): it isn't there, or no longer is."
    if status in (401, 402, 403, 451):
        return (
            f"That page answered {status} ({phrase}): the site won't let me read it, "
            "perhaps because of a login or a paywall."
        )
    if status == 429:
        return f"That site answered {status} ({phrase}) and asked me to slow down; try again in a few minutes."
    if status >= 500:
        return f"That site answered {status} ({phrase}): the trouble is on its side, so try again later."
    return f"That page answered {status} ({phrase}), so I couldn't read it."


# --- URLs ---------------------------------------------------------------------------------------------


def _parse_url(raw: str) -> httpx.URL:
    invalid = InvalidUrl("That doesn't look like a web address I can fetch: I need a link starting with http(s)://.")
    try:
        url = httpx.URL(raw.strip())
    except httpx.InvalidURL as error:
        raise invalid from error
    if url.scheme not in ("http", "https") or not url.raw_host:
        raise invalid
    return url


# --- time ---------------------------------------------------------------------------------------------


class _Deadline:
    """The total time allowed for one fetch; past it every socket still open is shut down."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            raise self.error()

    def error(self) -> Timeout:
        return Timeout(f"That page took longer than {self.seconds:g} seconds to load, so I gave up. Try again later.")

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when time runs out, so a server that drips bytes cannot hold us."""
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shutdown(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS sockets: it wakes a blocked reader in another thread.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _timeout(settings: Settings, deadline: _Deadline) -> httpx.Timeout:
    left = max(deadline.remaining(), 0.001)
    connect = min(settings.fetch_connect_timeout, left)
    read = min(settings.fetch_read_timeout, left)
    return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)


# --- address checks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """A URL that passed the address checks, and the address to connect to."""

    url: httpx.URL
    host: str
    address: IPAddress


def _resolve(host: str, port: int, deadline: _Deadline, settings: Settings) -> list[IPAddress]:
    """The addresses ``host`` resolves to, looked up in a daemon thread so a slow resolver can't hang us."""
    result: list[Any] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def lookup() -> None:
        try:
            result.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP))
        except BaseException as error:  # handed over to the waiting thread
            failure.append(error)
        finally:
            done.set()

    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    if not done.wait(min(settings.fetch_connect_timeout, max(deadline.remaining(), 0))):
        raise ConnectionFailed(f"Looking up the site {host} took too long, so I gave up.")
    if failure or not result:
        raise ConnectionFailed(f"I couldn't find the site {host}: that name doesn't resolve to an address.")
    addresses: list[IPAddress] = []
    for *_, sockaddr in result:
        address = parse_ip(str(sockaddr[0]))
        if address is not None and address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ConnectionFailed(f"I couldn't find the site {host}: that name doesn't resolve to an address.")
    return addresses


def _check(url: httpx.URL, settings: Settings, deadline: _Deadline, *, redirected: bool) -> _Target:
    """Refuse anything but http(s) to public addresses (or allow-listed host:port); resolve once."""
    where = "That link redirected to" if redirected else "That link points to"
    if url.scheme not in ("http", "https"):
        raise InvalidUrl(f"{where} a “{url.scheme}:” address; I only fetch http and https pages.")
    if url.userinfo:
        raise InvalidUrl(f"{where} an address with a user name or password in it, so I didn't fetch it.")
    host = url.raw_host.decode("ascii")
    if not host:
        raise InvalidUrl("That doesn't look like a web address I can fetch: it has no host name.")
    port = url.port or (443 if url.scheme == "https" else 80)
    allowed = is_allowed_private(host, port, settings.fetch_allowed_private_hosts)
    blocked = BlockedAddress(f"{where} an address inside a private network or on this machine, so I didn't fetch it.")
    if is_localhost_name(host) and not allowed:
        raise blocked
    literal = parse_ip(host)
    addresses = [literal] if literal is not None else _resolve(host, port, deadline, settings)
    if not allowed and not all(is_public_ip(address) for address in addresses):
        logger.info("refused %s:%s (resolves to %s)", host, port, ", ".join(map(str, addresses)))
        raise blocked
    return _Target(url=url, host=host, address=addresses[0])


# --- HTTP ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """A fetched (or saved) page before decoding: what :func:`read_page` turns into an article.

    Fetching is I/O and runs anywhere; reading (decoding, trafilatura's extraction) is CPU- and memory-hungry
    and runs in an analysis worker, under the analysis deadline and memory bound.
    """

    url: str | None
    body: bytes
    mime: str
    charset: str | None = None


def _tracer(target: _Target, deadline: _Deadline) -> Callable[[str, dict[str, Any]], None]:
    """An httpcore trace hook: watch each new socket and make sure it reached the checked address."""

    def trace(event: str, info: dict[str, Any]) -> None:
        if event != "connection.connect_tcp.complete":
            return
        stream = info["return_value"]
        sock = stream.get_extra_info("socket")
        if not isinstance(sock, socket.socket):
            return
        deadline.watch(sock)
        peer = parse_ip(str(sock.getpeername()[0]))
        if peer != target.address:
            stream.close()  # httpcore never sees this stream, so it would not close it
            raise BlockedAddress("The connection went somewhere other than the address I checked, so I stopped.")

    return trace


def _send(client: httpx.Client, target: _Target, settings: Settings, deadline: _Deadline) -> httpx.Response:
    url = target.url
    extensions: dict[str, Any] = {"trace": _tracer(target, deadline)}
    if url.scheme == "https" and parse_ip(target.host) is None:
        extensions["sni_hostname"] = target.host
    request = client.build_request(
        "GET",
        url.copy_with(host=str(target.address)),
        headers={**_HEADERS, "Host": url.netloc.decode("ascii")},
        timeout=_timeout(settings, deadline),
        extensions=extensions,
    )
    deadline.check()
    try:
        response = client.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException as error:
        raise deadline.error() if deadline.remaining() <= 0.05 else _slow(target, error) from error
    except httpx.HTTPError as error:
        if deadline.expired:
            raise deadline.error() from error
        raise _broken(target, error) from error
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        deadline.watch(sock)
    return response


def _broken(target: _Target, error: httpx.HTTPError) -> ConnectionFailed:
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ssl.SSLError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return ConnectionFailed(f"The security certificate of {target.host} didn't check out, so I didn't read it.")
    if cause is not None:
        return ConnectionFailed(f"I couldn't set up a secure connection to {target.host}, so I didn't read it.")
    if isinstance(error, httpx.ConnectError):
        return ConnectionFailed(f"I couldn't connect to {target.host}: the site may be down. Try again later.")
    return ConnectionFailed(f"I couldn't get a proper answer from {target.host}, so I gave up.")


def _slow(target: _Target, error: httpx.TimeoutException) -> Timeout:
    if isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout):
        return Timeout(f"{target.host} didn't accept a connection in time, so I gave up. Try again later.")
    return Timeout(f"{target.host} stopped answering part way, so I gave up. Try again later.")


def _retry_wait(response: httpx.Response, deadline: _Deadline) -> float | None:
    """How long to wait before the one retry, or None when ``Retry-After`` would break the deadline."""
    header = response.headers.get("retry-after", "").strip()
    wait = _DEFAULT_RETRY_WAIT
    if header.isdigit():
        wait = float(header)
    elif header:
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            wait = max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)
    return wait if wait <= deadline.remaining() / 2 else None


class _Decoder:
    """Content-Encoding decoding with a cap on the output, so a small gzip bomb can't fill memory."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._zlib: Any = None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self.encoding in ("", "identity"):
            return data
        if self._zlib is None:  # deflate: zlib-wrapped as the standard says, or raw as some servers send
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        return bytes(self._zlib.decompress(data, max_length))

    def flush(self) -> bytes:
        return bytes(self._zlib.flush()) if self._zlib is not None else b""


def _read_body(response: httpx.Response, settings: Settings, deadline: _Deadline) -> bytes:
    limit = settings.fetch_max_bytes
    too_large = TooLarge(
        f"That page is bigger than {_size(limit)}, which is more than I read for one article, so I stopped."
    )
    encoding = response.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise UnsupportedContent(f"That page came compressed in a way I can't read ({encoding}).")
    length = response.headers.get("content-length", "").strip()
    if encoding in ("", "identity") and length.isdigit() and int(length) > limit:
        raise too_large
    decoder = _Decoder(encoding)
    chunks: list[bytes] = []
    total = 0
    try:
        for raw in response.iter_raw():
            deadline.check()
            data = decoder.decompress(raw, limit - total + 1)
            total += len(data)
            if total > limit:
                raise too_large
            chunks.append(data)
        tail = decoder.flush()
    except zlib.error as error:
        raise UnsupportedContent("That page's compressed data was damaged, so I couldn't read it.") from error
    except httpx.TimeoutException as error:
        raise (
            deadline.error()
            if deadline.expired
            else Timeout("That site stopped sending the page part way, so I gave up. Try again later.")
        ) from error
    except httpx.HTTPError as error:
        if deadline.expired:
            raise deadline.error() from error
        raise ConnectionFailed("The connection broke off while the page was loading; try again later.") from error
    if total + len(tail) > limit:
        raise too_large
    chunks.append(tail)
    return b"".join(chunks)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} KB"


def _media_type(content_type: str) -> tuple[str, str | None]:
    mime, _, params = content_type.partition(";")
    match = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", params, re.IGNORECASE)
    return mime.strip().lower(), match.group(1) if match else None


def _describe(mime: str) -> str:
    if mime == "application/pdf":
        return "a PDF document"
    if mime.startswith("image/"):
        return f"an image ({mime})"
    if mime.startswith("video/"):
        return f"a video ({mime})"
    if mime.startswith("audio/"):
        return f"an audio file ({mime})"
    if mime in ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml"):
        return f"a feed or XML data ({mime})"
    if mime == "application/json" or mime.endswith("+json"):
        return "JSON data"
    if "officedocument" in mime or mime in ("application/msword", "application/vnd.ms-excel"):
        return f"an office document ({mime})"
    return f"a file of type {mime}"


def _unsupported(mime: str) -> UnsupportedContent:
    return UnsupportedContent(
        f"That link leads to {_describe(mime)}, not a web page, so there is no article text for me to read."
    )


def _sniff(body: bytes) -> str:
    head = body[:1024]
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:12].startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    lowered = head.lstrip().lower()
    if any(marker in lowered for marker in _HTML_MARKERS):
        return "text/html"
    if b"\x00" in head and not head.startswith(tuple(bom for bom, _ in _BOMS)):
        return "application/octet-stream"
    return "text/plain"


def _looks_like_text(body: bytes) -> bool:
    """Whether a body without a binary signature is text: a BOM, valid UTF-8, or few control bytes."""
    head = body[:20_000]
    if head.startswith(tuple(bom for bom, _ in _BOMS)):
        return True
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut in two at the end of the sample
            return True
    controls = sum((byte < 32 and byte not in b"\t\n\r\f") or byte == 127 for byte in head)
    return controls <= MAX_CONTROL_SHARE * len(head)


def _download(url: httpx.URL, settings: Settings, client: httpx.Client, deadline: _Deadline) -> Page:
    """GET ``url``, checking and following redirects by hand and retrying once on 429/503."""
    try:
        return _follow(url, settings, client, deadline)
    except httpx.InvalidURL as error:  # a Location that parses but cannot be requested
        raise InvalidUrl("That link redirected to an address that makes no sense, so I stopped.") from error


def _follow(url: httpx.URL, settings: Settings, client: httpx.Client, deadline: _Deadline) -> Page:
    current = url
    redirects = 0
    retried = False
    while True:
        target = _check(current, settings, deadline, redirected=redirects > 0)
        logger.debug("GET %s via %s", current, target.address)
        response = _send(client, target, settings, deadline)
        try:
            status = response.status_code
            if status in _REDIRECTS and "location" in response.headers:
                if redirects >= settings.fetch_max_redirects:
                    raise TooManyRedirects(
                        f"That link redirected more than {settings.fetch_max_redirects} times, so I stopped "
                        "following it."
                    )
                try:
                    current = current.join(response.headers["location"].strip())
                except httpx.InvalidURL as error:
                    raise InvalidUrl("That link redirected to an address that makes no sense.") from error
                redirects += 1
                continue
            if status in _RETRY_STATUSES and not retried:
                wait = _retry_wait(response, deadline)
                if wait is not None:
                    retried = True
                    logger.info("%s answered %s; retrying in %.1f s", target.host, status, wait)
                    response.close()
                    time.sleep(wait)
                    continue
            if not 200 <= status < 300:
                raise HttpStatusError(status)
            mime, charset = _media_type(response.headers.get("content-type", ""))
            if mime not in _HTML_TYPES and mime != "text/plain" and mime not in _SNIFF_TYPES:
                raise _unsupported(mime)
            body = _read_body(response, settings, deadline)
        finally:
            response.close()
        sniffed = _sniff(body)
        if sniffed not in ("text/html", "text/plain"):  # binary whatever the label says, e.g. a PDF
            raise _unsupported(sniffed)
        if sniffed == "text/plain" and mime not in _HTML_TYPES and not _looks_like_text(body):
            raise _unsupported(mime if mime not in _SNIFF_TYPES else "application/octet-stream")
        return Page(url=str(current), body=body, mime=sniffed if mime in _SNIFF_TYPES else mime, charset=charset)


# --- decoding and extraction --------------------------------------------------------------------------


def _codec(name: str | None) -> str | None:
    """Python's name of a declared text encoding; None for an unknown name or a codec that does not
    turn bytes into text (``base64``, ``hex``, ``zlib``, ``rot13``: a page cannot be written in those)."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
        "a".encode(codec)  # LookupError: "... is not a text encoding"
    except LookupError:
        return None
    except UnicodeError:
        pass
    # What browsers do: a page labelled Latin-1 or ASCII is read as windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode_body(body: bytes, declared: str | None = None) -> str:
    """Text of a page: BOM, else valid UTF-8, else the declared charset (header, meta), else detection.

    UTF-8 is tried before a declared charset because pages mislabelled as Latin-1 or windows-1252 are
    common, while bytes that happen to be valid UTF-8 in another charset are not.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    head = body[:4096]
    candidates = [declared]
    candidates += [m.group(1).decode("ascii") for m in (_XML_ENCODING.search(head), _META_CHARSET.search(head)) if m]
    for name in candidates:
        codec = _codec(name)
        if codec is None or codec == "utf-8":
            continue
        try:
            return body.decode(codec)
        except (UnicodeError, ValueError):  # UnicodeDecodeError, or a codec's own complaint (idna)
            continue
    best = charset_normalizer.from_bytes(body, cp_isolation=list(_WEB_ENCODINGS)).best()
    if best is not None:
        return str(best)
    return body.decode("utf-8", errors="replace")


def _canonical(found: str | None, final_url: str) -> str:
    """The page's canonical link when it is an http(s) URL on the same site, else the final URL, normalised."""
    if found:
        parts = urlsplit(found)
        if (
            parts.scheme in ("http", "https")
            and parts.netloc
            and not courlan.is_external(found, final_url, ignore_suffix=False)
        ):
            return canonicalize_url(found)
        logger.info("ignored canonical link %s for %s", found, final_url)
    return canonicalize_url(final_url)


def _site_from_url(url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    return re.sub(r"^(?:www|w[0-9]+)\.", "", host) or None


def _site(document: Document, final_url: str) -> str | None:
    """The page's own site name; when trafilatura made one up from the (possibly foreign) canonical URL,
    the host of the URL actually fetched."""
    name = document.sitename or None
    derived = _URL_SITE.match(document.url or "")
    if name is None or (derived is not None and name == derived.group(1)):
        return _site_from_url(final_url)
    return name


def _drop_title_line(text: str, title: str | None) -> str:
    """Article text without the headline repeated as its first line (the title is kept separately)."""
    first, _, rest = text.partition("\n")
    if title and first.strip() == title.strip():
        return rest.strip()
    return text


def _require_words(text: str, source: Source, *, paywalled: bool = False) -> None:
    """Raise :class:`TooLittleText` when ``text`` is too short to be an article (or, paywalled, a full one)."""
    words = len(text.split())
    if words < MIN_ARTICLE_WORDS or (paywalled and words < MIN_PAYWALLED_WORDS):
        raise TooLittleText(source, words, paywalled=paywalled)


def article_from_html(html: str, url: str | None = None) -> Article:
    """Article text and metadata of an HTML page fetched from ``url``, or of a saved page (``url`` None)."""
    html = _XML_DECLARATION.sub("", html, count=1)
    dates = set_date_params(extensive=False)  # a date guessed from the body text is often wrong
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=dates,
    )
    if not isinstance(document, Document):
        document = trafilatura.extract_metadata(html, default_url=url, date_config=dates) or Document()
    title = document.title or None
    text = _drop_title_line((document.text or "").strip(), title)
    source = Source(
        kind="url" if url else "text",
        url=url,
        canonical_url=_canonical(document.url, url) if url else None,
        title=title,
        site=_site(document, url) if url else document.sitename or None,
        author=document.author or None,
        published=document.date or None,
    )
    _require_words(text, source, paywalled=bool(_PAYWALLED.search(html)))
    return Article(text=text, source=source)


def _from_text(page: Page, text: str) -> Article:
    url = page.url or ""
    text = text.strip()
    source = Source(kind="url", url=url, canonical_url=canonicalize_url(url), site=_site_from_url(url))
    _require_words(text, source)
    return Article(text=text, source=source)


def _new_client() -> httpx.Client:
    # No environment proxies (they would connect instead of us) and no pooled connections between hosts.
    return httpx.Client(
        trust_env=False,
        follow_redirects=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def fetch_page(url: str, settings: Settings, *, client: httpx.Client | None = None) -> Page:
    """Download a pasted link, refusing anything unsafe or not a web page; the page is read by :func:`read_page`.

    ``client`` lets callers share one ``httpx.Client``; it must not use a proxy (the fetcher checks that
    every connection reaches the address it vetted). Raises a :class:`FetchError` with a reporter-readable
    message.
    """
    parsed = _parse_url(url)
    deadline = _Deadline(settings.fetch_total_timeout)
    http = client if client is not None else _new_client()
    try:
        return _download(parsed, settings, http, deadline)
    finally:
        deadline.cancel()
        if client is None:
            http.close()


def read_page(page: Page) -> Article:
    """Article text and metadata of a downloaded (or saved, ``url`` None) page: decoding and extraction."""
    text = decode_body(page.body, page.charset)
    if page.mime in _HTML_TYPES:
        return article_from_html(text, page.url)
    if page.url is None:
        return Article(text=text, source=Source(kind="text"))
    return _from_text(page, text)


def fetch_article(url: str, settings: Settings, *, client: httpx.Client | None = None) -> Article:
    """Fetch a pasted link and return its article text and metadata (:func:`fetch_page`, then :func:`read_page`).

    ``source.url`` is the URL reached after redirects, ``source.canonical_url`` the key for caching.
    """
    return read_page(fetch_page(url, settings, client=client))
