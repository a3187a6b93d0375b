"""Pages built to break the fetcher: senseless redirects, codecs that are not text, UTF-16, binary bodies.

Each gets a typed, reporter-readable :class:`FetchError` or is read correctly; nothing escapes as another
exception. The site is a small server of this module's own on loopback.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bot.fetch import (
    ConnectionFailed,
    FetchError,
    InvalidUrl,
    UnsupportedContent,
    decode_body,
    fetch_article,
    read_page,
)
from bot.settings import Settings
from tests.fetch_server import page

#: path -> (status, headers, body)
Route = tuple[int, dict[str, str], bytes]


class Site:
    """Serves fixed answers on 127.0.0.1 at a free port."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = site.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.host = f"127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


CHARSET_PAGE = page("charset.html").encode("cp1252")  # not valid UTF-8: the declared charset is consulted
META_PAGE = page("charset.html").replace("<head>", '<head><meta charset="{codec}">')
BINARY = bytes(b for b in random.Random(17).randbytes(40_000) if b)  # no NUL byte, no known signature
PLAIN = page("plain.txt").encode("utf-8")


def routes() -> dict[str, Route]:
    found: dict[str, Route] = {
        "/to-nowhere": (302, {"Location": "https:x"}, b""),
        "/to-colon-host": (302, {"Location": "http:127.0.0.1:18081/a"}, b""),
        "/to-bad-port": (302, {"Location": "http://[::1"}, b""),
        "/utf16.html": (200, {"Content-Type": "text/html"}, page("charset.html").encode("utf-16")),
        "/utf16.txt": (200, {"Content-Type": "text/plain"}, page("plain.txt").encode("utf-16")),
        "/octets": (200, {"Content-Type": "application/octet-stream"}, BINARY),
        "/octets-as-text": (200, {"Content-Type": "text/plain"}, BINARY),
        "/octets-of-text": (200, {"Content-Type": "application/octet-stream"}, PLAIN),
    }
    for codec in ("base64", "hex", "zlib", "rot13", "uu", "bz2"):
        found[f"/header-{codec}.html"] = (200, {"Content-Type": f"text/html; charset={codec}"}, CHARSET_PAGE)
        meta = META_PAGE.replace("{codec}", codec).encode("cp1252")
        found[f"/meta-{codec}.html"] = (200, {"Content-Type": "text/html"}, meta)
        found[f"/plain-{codec}.txt"] = (200, {"Content-Type": f"text/plain; charset={codec}"}, PLAIN)
    return found


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site(routes())
    yield server
    server.close()


def settings_for(site: Site) -> Settings:
    return Settings(fetch_allowed_private_hosts=[site.host], _env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("path", "error", "words"),
    [
        ("/to-nowhere", InvalidUrl, "redirected to an address that makes no sense"),
        ("/to-colon-host", InvalidUrl, "redirected to an address that makes no sense"),
        ("/to-bad-port", ConnectionFailed, "couldn't get a proper answer"),
    ],
)
def test_redirect_to_a_senseless_address_is_a_fetch_error(
    site: Site, path: str, error: type[FetchError], words: str
) -> None:
    with pytest.raises(error) as caught:
        fetch_article(site.url(path), settings_for(site))
    assert words in str(caught.value)


@pytest.mark.parametrize("codec", ["base64", "hex", "zlib", "rot13", "uu", "bz2"])
@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_codec_that_is_not_a_text_encoding_is_ignored(site: Site, codec: str, where: str) -> None:
    article = fetch_article(site.url(f"/{where}-{codec}.html"), settings_for(site))
    assert article.source.title == "Café owner’s fight to save the old pier pavilion"
    assert "“They’re telling me it’s the rust" in article.text


@pytest.mark.parametrize("codec", ["base64", "rot13"])
def test_plain_text_labelled_with_such_a_codec_is_read_as_text(site: Site, codec: str) -> None:
    article = fetch_article(site.url(f"/plain-{codec}.txt"), settings_for(site))
    assert article.text == page("plain.txt").strip()


@pytest.mark.parametrize("codec", ["base64", "hex", "zlib", "rot13", "no-such-codec", "idna"])
def test_decode_body_never_raises_for_a_declared_charset(codec: str) -> None:
    text = "The café’s new menu costs €5 more."
    assert decode_body(text.encode("cp1252"), codec) == text


@pytest.mark.parametrize("path", ["/utf16.html", "/utf16.txt"])
def test_utf16_with_a_byte_order_mark_is_read(site: Site, path: str) -> None:
    article = fetch_article(site.url(path), settings_for(site))
    expected = "Renée Castellane" if path.endswith(".html") else page("plain.txt").split()[0]
    assert expected in article.text
    assert "\x00" not in article.text


@pytest.mark.parametrize("path", ["/octets", "/octets-as-text"])
def test_binary_without_nul_bytes_is_refused_as_not_a_web_page(site: Site, path: str) -> None:
    with pytest.raises(UnsupportedContent, match="not a web page"):
        fetch_article(site.url(path), settings_for(site))


def test_text_served_as_octets_is_read(site: Site) -> None:
    article = fetch_article(site.url("/octets-of-text"), settings_for(site))
    assert article.text == page("plain.txt").strip()


def test_read_page_of_a_saved_html_file_has_no_url() -> None:
    from bot.fetch import Page

    article = read_page(Page(url=None, body=page("charset.html").encode("utf-16"), mime="text/html"))
    assert article.source.kind == "text"
    assert article.source.title == "Café owner’s fight to save the old pier pavilion"
