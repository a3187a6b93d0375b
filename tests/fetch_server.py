"""Local servers for the fetcher's tests, on loopback only.

:class:`PageServer` serves the pages in ``tests/fixtures/pages`` and a set of hostile behaviours (huge
streams, a gzip bomb, a server that drips a byte a second ...), ``/held/article.html``, which waits
while the test holds its :class:`Gate`, and ``/edition/N/article.html``, a page no cache has seen.
:class:`Canary` listens on loopback addresses the fetcher must never reach and counts every connection
it gets.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import re
import socket
import socketserver
import ssl
import threading
import time
import zlib
from collections import Counter
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).parent / "fixtures" / "pages"
MB = 1024 * 1024
_EDITION = re.compile(r"/edition/([0-9]{1,9})/article\.html")


def page(name: str, base: str = "") -> str:
    """A fixture page with ``{{base}}`` replaced by the server's base URL."""
    return (PAGES / name).read_text(encoding="utf-8").replace("{{base}}", base)


@functools.cache
def gzip_bomb() -> bytes:
    """50 MB of spaces in an HTML page, gzip-compressed to about 50 KB (built once, then cached)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * MB
    parts = [compressor.compress(b"<html><body><p>")]
    parts += [compressor.compress(block) for _ in range(50)]
    parts.append(compressor.flush())
    return b"".join(parts)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    # --- plumbing ---------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(
        self, status: int, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8", **headers: str
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _start_chunked(self, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()

    def _page(self, name: str) -> bytes:
        return page(name, self.server.base).encode("utf-8")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self.server.record(parts.path, dict(self.headers.items()))
        published = self.server.published.get(parts.path)
        if published is not None:
            self._send(200, published.replace("{{base}}", self.server.base).encode("utf-8"))
            return
        route = self.server.routes.get(parts.path)
        if route is None and parts.path.startswith("/status/"):
            self._send(int(parts.path.rsplit("/", 1)[1]), b"<html><body><h1>Error</h1></body></html>")
            return
        if route is None and parts.path.startswith(("/chain/", "/loop/")):
            route = "chain"
        if route is None and _EDITION.fullmatch(parts.path):
            route = "edition"
        if route is None:
            self._send(404, b"<html><body><h1>Not found</h1></body></html>")
            return
        try:
            getattr(self, f"route_{route}")(parse_qs(parts.query))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, ssl.SSLError, OSError):
            self.close_connection = True

    # --- pages ------------------------------------------------------------------------------------

    def route_article(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("article.html"))

    def route_held(self, query: dict[str, list[str]]) -> None:
        """The article, once the site's :class:`Gate` lets the request through."""
        self.server.gate.pass_through()
        self._send(200, self._page("article.html"))
        self.server.gate.answered()

    def route_edition(self, query: dict[str, list[str]]) -> None:
        """``/edition/N/article.html``: the article as edition N, a page no cache has seen before: its own
        canonical link, and its own text (N more homes protected)."""
        match = _EDITION.fullmatch(urlsplit(self.path).path)
        assert match is not None
        number = int(match.group(1))
        html = page("article.html", self.server.base)
        html = html.replace("/flood-barrier-approved?", f"/flood-barrier-approved-edition-{number}?")
        html = html.replace("about 4,200 homes", f"about {4200 + number:,} homes")
        self._send(200, html.encode("utf-8"))

    def route_amp(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("amp_article.html"))

    def route_paywall(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("paywall.html"))

    def route_paywall_marked(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("paywall_marked.html"))

    def route_script_app(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("script_app.html"))

    def route_foreign_canonical(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("foreign_canonical.html"))

    def route_xhtml(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("article.xhtml"), "application/xhtml+xml")

    def route_plain(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("plain.txt"), "text/plain")

    def route_no_type(self, query: dict[str, list[str]]) -> None:
        self._send(200, self._page("article.html"), None)

    def route_wrong_charset(self, query: dict[str, list[str]]) -> None:
        # Declared UTF-8, written in windows-1252: curly quotes and accents are invalid UTF-8.
        self._send(200, page("charset.html").encode("cp1252"), "text/html; charset=utf-8")

    def route_mislabelled_latin1(self, query: dict[str, list[str]]) -> None:
        # Declared ISO-8859-1, written in UTF-8: read as Latin-1 it would come out as mojibake.
        self._send(200, page("charset.html").encode("utf-8"), "text/html; charset=iso-8859-1")

    def route_meta_charset(self, query: dict[str, list[str]]) -> None:
        self._send(200, page("meta_charset.html").encode("cp1252"), "text/html")

    def route_gzip_article(self, query: dict[str, list[str]]) -> None:
        self._send(200, gzip.compress(self._page("article.html")), Content_Encoding="gzip")

    def route_deflate_article(self, query: dict[str, list[str]]) -> None:
        raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._send(200, raw.compress(self._page("article.html")) + raw.flush(), Content_Encoding="deflate")

    def route_brotli(self, query: dict[str, list[str]]) -> None:
        self._send(200, b"\x1b\x03\x00\xf8\xa5", Content_Encoding="br")

    def route_pdf(self, query: dict[str, list[str]]) -> None:
        self._send(200, (PAGES / "report.pdf").read_bytes(), "application/pdf")

    def route_pdf_as_html(self, query: dict[str, list[str]]) -> None:
        self._send(200, (PAGES / "report.pdf").read_bytes(), "text/html")

    def route_image(self, query: dict[str, list[str]]) -> None:
        self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")

    def route_feed(self, query: dict[str, list[str]]) -> None:
        self._send(200, b"<?xml version='1.0'?><rss><channel></channel></rss>", "application/rss+xml")

    # --- redirects --------------------------------------------------------------------------------

    def route_redirect(self, query: dict[str, list[str]]) -> None:
        self._send(int(query.get("status", ["302"])[0]), b"", Location=query["to"][0])

    def route_chain(self, query: dict[str, list[str]]) -> None:
        kind, _, number = self.path.split("?")[0].strip("/").partition("/")
        step = int(number)
        if kind == "loop":
            self._send(302, b"", Location=f"/loop/{step + 1}")
        elif step == 0:
            self._send(301, b"", Location=f"{self.server.base}/article.html")
        else:
            self._send(307 if step % 2 else 308, b"", Location=f"../chain/{step - 1}")

    def route_no_location(self, query: dict[str, list[str]]) -> None:
        self._send(302, b"")

    # --- retries ----------------------------------------------------------------------------------

    def route_flaky(self, query: dict[str, list[str]]) -> None:
        if self.server.hits["/flaky"] == 1:
            self._send(503, b"<html><body>Busy</body></html>", Retry_After="1")
        else:
            self._send(200, self._page("article.html"))

    def route_flaky_date(self, query: dict[str, list[str]]) -> None:
        if self.server.hits["/flaky-date"] == 1:
            self._send(429, b"", Retry_After=formatdate(time.time() + 1, usegmt=True))
        else:
            self._send(200, self._page("article.html"))

    def route_slow_down(self, query: dict[str, list[str]]) -> None:
        self._send(429, b"<html><body>Slow down</body></html>", Retry_After="3600")

    def route_always_503(self, query: dict[str, list[str]]) -> None:
        self._send(503, b"<html><body>Down</body></html>", Retry_After="0")

    # --- hostile ----------------------------------------------------------------------------------

    def route_stream(self, query: dict[str, list[str]]) -> None:
        """30 MB of HTML, chunked, with no length announced."""
        self._start_chunked()
        block = b"<p>" + b"filler text " * 5000 + b"</p>\n"
        sent = 0
        while sent < 30 * MB:
            self._chunk(block)
            sent += len(block)
        self.wfile.write(b"0\r\n\r\n")

    def route_declared_huge(self, query: dict[str, list[str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(30 * MB))
        self.end_headers()
        for _ in range(30):
            self.wfile.write(b" " * MB)

    def route_gzip_bomb(self, query: dict[str, list[str]]) -> None:
        self._send(200, gzip_bomb(), Content_Encoding="gzip")

    def route_drip(self, query: dict[str, list[str]]) -> None:
        """Headers at once, then the body one byte a second."""
        self._start_chunked()
        for byte in b"<html><body><p>" + b"x" * 120:
            self._chunk(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def route_drip_headers(self, query: dict[str, list[str]]) -> None:
        """The status line and headers themselves, one byte a second."""
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"y" * 120:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(1)

    def route_stall(self, query: dict[str, list[str]]) -> None:
        """Headers, a little body, then silence."""
        self._start_chunked()
        self._chunk(b"<html><body>")
        self.wfile.flush()
        time.sleep(30)


class Gate:
    """Holds requests for ``/held/article.html`` while closed (``with site.gate:`` closes it for the block),
    so a test can tell what happened before the page was read from what happened after."""

    def __init__(self) -> None:
        self.arrived = threading.Event()  #: a held request has come in
        self.served = 0  #: held requests answered so far
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()

    def __enter__(self) -> Gate:
        self.arrived.clear()
        self._open.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._open.set()

    def pass_through(self) -> None:
        self.arrived.set()
        self._open.wait(60)

    def answered(self) -> None:
        with self._lock:
            self.served += 1


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: ClassVar[dict[str, str]] = {
        "/article.html": "article",
        "/wiki/Harbour_(Calloway)": "article",
        "/held/article.html": "held",
        "/amp/article.html": "amp",
        "/paywall.html": "paywall",
        "/investigation.html": "paywall_marked",
        "/live.html": "script_app",
        "/ferry.html": "foreign_canonical",
        "/library.xhtml": "xhtml",
        "/press-release.txt": "plain",
        "/no-type": "no_type",
        "/wrong-charset.html": "wrong_charset",
        "/mislabelled-latin1.html": "mislabelled_latin1",
        "/meta-charset.html": "meta_charset",
        "/gzip-article.html": "gzip_article",
        "/deflate-article.html": "deflate_article",
        "/brotli.html": "brotli",
        "/report.pdf": "pdf",
        "/pdf-as-html": "pdf_as_html",
        "/photo.png": "image",
        "/feed.xml": "feed",
        "/redirect": "redirect",
        "/no-location": "no_location",
        "/flaky": "flaky",
        "/flaky-date": "flaky_date",
        "/slow-down": "slow_down",
        "/always-503": "always_503",
        "/stream": "stream",
        "/declared-huge": "declared_huge",
        "/gzip-bomb": "gzip_bomb",
        "/drip": "drip",
        "/drip-headers": "drip_headers",
        "/stall": "stall",
    }

    def server_bind(self) -> None:
        """Bind without HTTPServer's ``socket.getfqdn``: a reverse lookup of 127.0.0.2 would ask DNS."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def __init__(self, address: tuple[str, int], scheme: str) -> None:
        super().__init__(address, _Handler)
        self.base = f"{scheme}://{address[0]}:{self.server_address[1]}"
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.gate = Gate()
        self.published: dict[str, str] = {}
        self._lock = threading.Lock()

    def record(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.hits[path] += 1
            self.requests.append((path, headers))


class PageServer:
    """The test site on ``127.0.0.1``, on a free port, in a background thread (``with PageServer() as s``)."""

    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError("the test site listens on loopback only")
        self._server = _Server((host, 0), "https" if tls else "http")
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port: int = self._server.server_address[1]
        self.base = self._server.base
        self.host = f"{host}:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True

    @property
    def hits(self) -> Counter[str]:
        return self._server.hits

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        return self._server.requests

    @property
    def gate(self) -> Gate:
        """The gate of ``/held/article.html``."""
        return self._server.gate

    def url(self, path: str) -> str:
        return self.base + path

    def publish(self, path: str, html: str) -> str:
        """Serve ``html`` at ``path`` (``{{base}}`` replaced), in place of what was there; returns its URL."""
        self._server.published[path] = html
        return self.url(path)

    def __enter__(self) -> PageServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _CanaryHandler(socketserver.BaseRequestHandler):
    server: _CanaryServer

    def handle(self) -> None:
        self.server.canary.touched()
        self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


class _CanaryServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], canary: Canary, family: socket.AddressFamily) -> None:
        self.address_family = family
        self.canary = canary
        super().__init__(address, _CanaryHandler)


class Canary:
    """One port on 127.0.0.1, 127.0.0.2 and ::1 that must receive zero connections."""

    def __init__(self) -> None:
        self.connections = 0
        self._lock = threading.Lock()
        first = _CanaryServer(("127.0.0.1", 0), self, socket.AF_INET)
        self.port: int = first.server_address[1]
        self._servers = [first]
        for host, family in (("127.0.0.2", socket.AF_INET), ("::1", socket.AF_INET6)):
            # Where the address is missing on this machine the fetcher must refuse it all the same.
            with contextlib.suppress(OSError):
                self._servers.append(_CanaryServer((host, self.port), self, family))
        self._threads = [
            threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True) for s in self._servers
        ]

    def touched(self) -> None:
        with self._lock:
            self.connections += 1

    def __enter__(self) -> Canary:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
