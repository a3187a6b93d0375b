"""The fetcher against a local site on 127.0.0.1, and a canary that must never be reached.

All traffic stays on loopback (the loopback guard in ``conftest.py`` fails any test that tries to leave
it). Names other than ``localhost`` are answered by :class:`FakeDNS`, which knows only what each test tells
it; the public internet is played by loopback servers of the test (see :func:`public_internet`).
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import bot.fetch
from bot import __version__
from bot.fetch import (
    BlockedAddress,
    ConnectionFailed,
    FetchError,
    HttpStatusError,
    InvalidUrl,
    Timeout,
    TooLarge,
    TooLittleText,
    TooManyRedirects,
    UnsupportedContent,
    canonicalize_url,
    decode_body,
    fetch_article,
    is_public_address,
)
from bot.netguard import IPAddress
from bot.settings import Settings
from tests.fetch_server import Canary, PageServer, gzip_bomb

#: The loopback address where :func:`public_site` plays a site on the public internet.
PUBLIC_STAND_IN = "127.0.0.3"


@pytest.fixture(scope="module")
def site() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as server:
        yield server


@pytest.fixture(autouse=True)
def canary_stays_silent(canary: Canary) -> Iterator[None]:
    yield
    assert canary.connections == 0


def make_settings(**values: Any) -> Settings:
    """Settings from defaults and ``values`` only: no ``.env`` file is read."""
    return Settings(_env_file=None, **values)


def settings_for(site: PageServer, **overrides: Any) -> Settings:
    """Settings that allow the local site (only), with a total deadline short enough for tests."""
    values: dict[str, Any] = {"fetch_allowed_private_hosts": [site.host], "fetch_total_timeout": 10.0}
    values.update(overrides)
    return make_settings(**values)


class FakeDNS:
    """The resolver of a test: answers the names the test gave it, one answer per lookup (the last one
    repeats), and IP literals as themselves. Any other name is a mistake of the test: it is refused and
    recorded in ``unknown`` (the ``dns`` fixture then fails the test), never passed to a real resolver."""

    def __init__(self) -> None:
        self.answers: dict[str, list[list[str]]] = {}
        self.lookups: list[str] = []
        self.unknown: list[str] = []

    def getaddrinfo(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            addresses = [str(ipaddress.ip_address(name))]
        except ValueError:
            if name not in self.answers:
                self.unknown.append(name)
                raise socket.gaierror(socket.EAI_NONAME, f"FakeDNS was given no answer for {name!r}") from None
            self.lookups.append(name)
            queue = self.answers[name]
            addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        number = int(port) if port else 0
        result = []
        for address in addresses:
            if ":" in address:
                result.append((socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, number, 0, 0)))
            else:
                result.append((socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number)))
        return result


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDNS]:
    fake = FakeDNS()
    monkeypatch.setattr(socket, "getaddrinfo", fake.getaddrinfo)
    yield fake
    assert fake.unknown == [], "names looked up that the test gave no answer for"


@pytest.fixture
def public_internet(monkeypatch: pytest.MonkeyPatch) -> set[IPAddress]:
    """The addresses the fetcher treats as the public internet in this test; the test adds them.

    The fetcher asks ``is_public_ip`` (``bot.netguard``, imported into ``bot.fetch``) whether an address
    may be fetched without the allow-list. Here it answers yes for exactly the addresses in the returned
    set, which the tests fill with loopback addresses of their own servers (:data:`PUBLIC_STAND_IN`), and no
    for everything else: a real public address is never fetchable in a test, and a fetcher that wrongly
    lets an address through connects to loopback or is stopped by the loopback guard. ``is_public_ip``
    itself is unit-tested as a pure function in ``test_netguard.py``.
    """
    public: set[IPAddress] = set()
    monkeypatch.setattr(bot.fetch, "is_public_ip", lambda address: address in public)
    return public


@pytest.fixture
def public_site() -> Iterator[PageServer]:
    """The test site again, on :data:`PUBLIC_STAND_IN`: a public web site once ``public_internet`` says so."""
    with PageServer(host=PUBLIC_STAND_IN) as server:
        yield server


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """How long the test's own thread slept (``time.sleep``), in order; it still sleeps."""
    recorded: list[float] = []
    real_sleep = time.sleep
    me = threading.current_thread()

    def sleep(seconds: float) -> None:
        if threading.current_thread() is me:
            recorded.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return recorded


# --- articles -----------------------------------------------------------------------------------------


def test_news_article_text_and_metadata(site: PageServer) -> None:
    article = fetch_article(site.url("/article.html"), settings_for(site))

    text = article.text
    assert text.startswith("Harbourside council has approved a £48m tidal barrier")
    assert "Councillors voted 31 to 9 on Thursday night" in text
    assert '"This is the night we stop arguing and start building," said Marguerite Ashdown' in text
    assert text.rstrip().endswith("once tenders are received.")
    for boilerplate in (
        "Subscribe for £1 a week",
        "Grandview Kitchens",
        "found in her attic",
        "SaltyDog77",
        "Mark my words",
        "pumping station",
        "All rights reserved",
        "dataLayer",
    ):
        assert boilerplate not in text
    assert 450 < len(text.split()) < 560

    source = article.source
    assert source.kind == "url"
    assert source.url == site.url("/article.html")
    assert source.title == "Harbourside council approves £48m flood barrier after decade of delays"
    assert source.site == "The Wexmoor Courier"
    assert source.author == "Priya Okonkwo-Hale"
    assert source.published == "2026-03-14"
    # the page's canonical link, without its utm_* parameters and fragment
    assert source.canonical_url == site.url("/news/2026/03/14/flood-barrier-approved")


def test_requests_are_polite_and_name_the_host(site: PageServer) -> None:
    fetch_article(site.url("/article.html?from=test-headers"), settings_for(site))
    headers = next(h for path, h in reversed(site.requests) if path == "/article.html")
    assert headers["User-Agent"].startswith(f"nutgraf/{__version__} (+http")
    assert headers["Host"] == site.host
    assert "gzip" in headers["Accept-Encoding"]
    assert "br" not in headers["Accept-Encoding"]


def test_amp_page_gives_the_canonical_article(site: PageServer) -> None:
    article = fetch_article(site.url("/amp/article.html"), settings_for(site))
    assert article.source.canonical_url == site.url("/news/2026/04/02/night-buses-cut")
    assert article.source.title == "Night bus routes cut as operator blames driver shortage"
    assert article.source.author == "Callum Reddish"
    assert article.source.published == "2026-04-02"
    assert "23 vacancies for drivers" in article.text
    assert "unlit business park" in article.text
    assert "-amp-start" not in article.text


def test_paywall_teaser_is_too_little_text_with_its_metadata(site: PageServer) -> None:
    with pytest.raises(TooLittleText) as caught:
        fetch_article(site.url("/paywall.html"), settings_for(site))
    error = caught.value
    assert error.source.title == "Inside the deal that saved Wexmoor's last shipyard"
    assert error.source.site == "The Wexmoor Courier"
    assert error.source.author == "Fenella Drury"
    assert 0 < error.words < 80
    message = str(error)
    assert "Inside the deal that saved Wexmoor's last shipyard" in message
    assert "The Wexmoor Courier" in message
    assert "paywall" in message


def test_teaser_of_a_page_marked_for_subscribers(site: PageServer) -> None:
    with pytest.raises(TooLittleText, match="the page says it is for subscribers") as caught:
        fetch_article(site.url("/investigation.html"), settings_for(site))
    assert caught.value.paywalled
    assert 80 < caught.value.words < 300
    assert caught.value.source.title == "The care home that ran out of money"


def test_page_built_by_scripts_is_too_little_text(site: PageServer) -> None:
    with pytest.raises(TooLittleText, match="Live: Wexmoor election count") as caught:
        fetch_article(site.url("/live.html"), settings_for(site))
    assert caught.value.code == "too_little_text"


def test_canonical_link_to_another_site_is_ignored(site: PageServer) -> None:
    article = fetch_article(site.url("/ferry.html?utm_campaign=spring#top"), settings_for(site))
    assert article.source.canonical_url == site.url("/ferry.html")
    assert article.source.site != "example.com"
    assert "two extra sailings on Saturdays" in article.text


def test_xhtml_page(site: PageServer) -> None:
    article = fetch_article(site.url("/library.xhtml"), settings_for(site))
    assert article.source.title == "Library opening hours extended after petition"
    assert article.source.site == "Wexmoor Civic Bulletin"
    assert "petition signed by more than 2,600 people" in article.text


def test_plain_text_is_read_as_it_is(site: PageServer) -> None:
    article = fetch_article(site.url("/press-release.txt"), settings_for(site))
    assert article.text.startswith("WEXMOOR COUNCIL - PRESS RELEASE")
    assert "£2.3 million" in article.text
    assert article.source.title is None
    assert article.source.canonical_url == site.url("/press-release.txt")


def test_each_edition_is_a_page_no_cache_has_seen(site: PageServer) -> None:
    """What ``bench/cache_hit.py`` relies on for its cold runs: another URL, canonical link and text."""
    first = fetch_article(site.url("/edition/1/article.html"), settings_for(site))
    second = fetch_article(site.url("/edition/2/article.html"), settings_for(site))
    assert first.source.canonical_url == site.url("/news/2026/03/14/flood-barrier-approved-edition-1")
    assert second.source.canonical_url == site.url("/news/2026/03/14/flood-barrier-approved-edition-2")
    assert "shield about 4,201 homes" in first.text
    assert first.text.replace("4,201", "4,202") == second.text


def test_page_without_content_type_is_sniffed(site: PageServer) -> None:
    article = fetch_article(site.url("/no-type"), settings_for(site))
    assert article.source.title == "Harbourside council approves £48m flood barrier after decade of delays"


@pytest.mark.parametrize("path", ["/gzip-article.html", "/deflate-article.html"])
def test_compressed_pages_are_decoded(site: PageServer, path: str) -> None:
    article = fetch_article(site.url(path), settings_for(site))
    assert "Councillors voted 31 to 9" in article.text


# --- charsets -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/wrong-charset.html", "/mislabelled-latin1.html"])
def test_wrong_declared_charset_is_corrected(site: PageServer, path: str) -> None:
    article = fetch_article(site.url(path), settings_for(site))
    assert article.source.title == "Café owner’s fight to save the old pier pavilion"
    assert "Renée Castellane has run the Pavilion Café at the end of Wexmoor’s old pier" in article.text
    assert "“They’re telling me it’s the rust" in article.text
    assert "\ufffd" not in article.text
    assert "Ã" not in article.text


def test_charset_from_meta_tag(site: PageServer) -> None:
    article = fetch_article(site.url("/meta-charset.html"), settings_for(site))
    assert article.source.title == "Pâtisserie wins regional award for its crème brûlée tart"
    assert "“I nearly didn’t enter,” said the owner, Zoë Marchetti." in article.text


def test_decode_body_prefers_bom_then_utf8_then_declared() -> None:
    assert decode_body("\ufeffcafé".encode()) == "café"
    assert decode_body("café".encode("utf-16"), "iso-8859-1") == "café"
    assert decode_body("café".encode(), "iso-8859-1") == "café"
    mislabelled = "The café’s owner said the new menu would cost about €5 more a head, “at the very least”."
    assert decode_body(mislabelled.encode("cp1252"), "utf-8") == mislabelled
    assert decode_body("Грамота".encode("koi8-r"), "koi8-r") == "Грамота"


# --- what is not an article ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("/report.pdf", "a PDF document"),
        ("/pdf-as-html", "a PDF document"),
        ("/photo.png", "an image (image/png)"),
        ("/feed.xml", "a feed"),
    ],
)
def test_other_content_is_refused_saying_what_it_is(site: PageServer, path: str, found: str) -> None:
    with pytest.raises(UnsupportedContent) as caught:
        fetch_article(site.url(path), settings_for(site))
    assert f"That link leads to {found}" in str(caught.value)
    assert caught.value.code == "unsupported_content"


def test_unknown_compression_is_refused(site: PageServer) -> None:
    with pytest.raises(UnsupportedContent, match=r"compressed in a way I can't read \(br\)"):
        fetch_article(site.url("/brotli.html"), settings_for(site))


@pytest.mark.parametrize(
    ("status", "words"),
    [(404, "That page answered 404 (not found)"), (410, "That page answered 410"), (403, "won't let me read it")],
)
def test_client_errors(site: PageServer, status: int, words: str) -> None:
    with pytest.raises(HttpStatusError) as caught:
        fetch_article(site.url(f"/status/{status}"), settings_for(site))
    assert caught.value.status == status
    assert words in str(caught.value)


def test_server_error(site: PageServer) -> None:
    with pytest.raises(HttpStatusError, match=r"answered 500 \(internal server error\).*try again later"):
        fetch_article(site.url("/status/500"), settings_for(site))


# --- redirects and retries ----------------------------------------------------------------------------


def test_redirect_chain_is_followed(site: PageServer) -> None:
    article = fetch_article(site.url("/chain/4"), settings_for(site))  # 5 redirects, relative and absolute
    assert article.source.url == site.url("/article.html")
    assert article.source.title == "Harbourside council approves £48m flood barrier after decade of delays"


def test_one_redirect_too_many(site: PageServer) -> None:
    with pytest.raises(TooManyRedirects, match="more than 4 times"):
        fetch_article(site.url("/chain/4"), settings_for(site, fetch_max_redirects=4))


def test_redirect_loop_stops(site: PageServer) -> None:
    before = sum(count for path, count in site.hits.items() if path.startswith("/loop/"))
    with pytest.raises(TooManyRedirects, match="more than 5 times"):
        fetch_article(site.url("/loop/0"), settings_for(site))
    after = sum(count for path, count in site.hits.items() if path.startswith("/loop/"))
    assert after - before == 6


def test_redirect_without_location(site: PageServer) -> None:
    with pytest.raises(HttpStatusError) as caught:
        fetch_article(site.url("/no-location"), settings_for(site))
    assert caught.value.status == 302


def test_retry_after_503_is_honoured_once(site: PageServer, sleeps: list[float]) -> None:
    article = fetch_article(site.url("/flaky"), settings_for(site))
    assert sleeps == [1.0]  # "Retry-After: 1"
    assert site.hits["/flaky"] == 2
    assert "Councillors voted 31 to 9" in article.text


def test_retry_after_as_a_date(site: PageServer, sleeps: list[float]) -> None:
    article = fetch_article(site.url("/flaky-date"), settings_for(site))
    (wait,) = sleeps
    assert 0.0 <= wait <= 1.0  # until the date sent, one second ahead in whole seconds
    assert site.hits["/flaky-date"] == 2
    assert article.source.site == "The Wexmoor Courier"


def test_retry_after_beyond_the_deadline_is_not_waited_for(site: PageServer, sleeps: list[float]) -> None:
    with pytest.raises(HttpStatusError, match="slow down") as caught:
        fetch_article(site.url("/slow-down"), settings_for(site))
    assert caught.value.status == 429
    assert sleeps == []  # it did not wait the hour asked for
    assert site.hits["/slow-down"] == 1


def test_only_one_retry(site: PageServer) -> None:
    with pytest.raises(HttpStatusError) as caught:
        fetch_article(site.url("/always-503"), settings_for(site))
    assert caught.value.status == 503
    assert site.hits["/always-503"] == 2


# --- hostile pages finish in bounded time -------------------------------------------------------------


def test_30_mb_stream_is_cut_off_at_the_cap(site: PageServer) -> None:
    with pytest.raises(TooLarge, match="bigger than 5 MB"):
        fetch_article(site.url("/stream"), settings_for(site))


def test_declared_length_over_the_cap_is_refused_before_reading(site: PageServer) -> None:
    with pytest.raises(TooLarge, match="bigger than 64 KB"):
        fetch_article(site.url("/declared-huge"), settings_for(site, fetch_max_bytes=64 * 1024))


class _InflateMeter:
    """Stands in for the ``zlib`` module inside ``bot.fetch``: the same module, except that every
    decompressor it hands out adds the size of each piece it inflates to ``inflated``."""

    def __init__(self) -> None:
        self.inflated: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)

    def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
        meter = self

        class Metered:
            def __init__(self) -> None:
                self._real = zlib.decompressobj(*args, **kwargs)

            def decompress(self, data: bytes, max_length: int = 0) -> bytes:
                out = self._real.decompress(data, max_length)
                meter.inflated.append(len(out))
                return out

            def flush(self, *flush_args: Any) -> bytes:
                out = self._real.flush(*flush_args)
                meter.inflated.append(len(out))
                return out

            def __getattr__(self, name: str) -> Any:
                return getattr(self._real, name)

        return Metered()


def test_gzip_bomb_is_capped_while_decompressing(site: PageServer, monkeypatch: pytest.MonkeyPatch) -> None:
    compressed = gzip_bomb()
    limit = 2 * 1024 * 1024
    assert len(compressed) < limit // 2  # the cap is bigger than what goes over the wire
    meter = _InflateMeter()
    monkeypatch.setattr(bot.fetch, "zlib", meter)
    with pytest.raises(TooLarge, match="bigger than 2 MB"):
        fetch_article(site.url("/gzip-bomb"), settings_for(site, fetch_max_bytes=limit))
    # Never more than one byte past the cap is inflated, however much one compressed chunk holds.
    assert limit < sum(meter.inflated) <= limit + 1


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_dripping_server_hits_the_total_deadline(site: PageServer, path: str) -> None:
    # A byte a second would take two minutes; the read timeout (5 s) never fires between two bytes.
    with pytest.raises(Timeout, match="took longer than 2 seconds to load"):
        fetch_article(site.url(path), settings_for(site, fetch_total_timeout=2, fetch_read_timeout=5))


@pytest.mark.slow
def test_stalled_server_hits_the_read_timeout(site: PageServer) -> None:
    # The read timeout's message, not the total deadline's: the 1 s read timeout fired first.
    with pytest.raises(Timeout, match="stopped sending the page part way"):
        fetch_article(site.url("/stall"), settings_for(site, fetch_read_timeout=1, fetch_total_timeout=30))


# --- SSRF: the canary must stay silent ----------------------------------------------------------------


def test_canary_counts_connections() -> None:
    with Canary() as fresh:
        with socket.create_connection(("127.0.0.1", fresh.port), timeout=2) as conn:
            conn.recv(64)
        assert fresh.connections == 1


def canary_urls(port: int) -> list[str]:
    return [
        f"http://127.0.0.1:{port}/",
        f"http://localhost:{port}/",
        f"http://LOCALHOST.:{port}/",
        f"http://news.localhost:{port}/",
        f"http://127.0.0.2:{port}/",
        f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/",
        f"http://[::ffff:7f00:1]:{port}/",
        f"http://0:{port}/",
        f"http://0.0.0.0:{port}/",
        f"http://2130706433:{port}/",
        f"http://0x7f.1:{port}/",
        f"http://017700000001:{port}/",
        f"http://127.1:{port}/",
        f"https://127.0.0.1:{port}/",
    ]


@pytest.mark.parametrize("index", range(15))
def test_direct_links_to_private_addresses_are_refused(site: PageServer, canary: Canary, index: int) -> None:
    url = canary_urls(canary.port)[index]
    with pytest.raises(BlockedAddress, match="inside a private network or on this machine") as caught:
        fetch_article(url, settings_for(site))
    assert caught.value.code == "blocked_address"
    assert str(caught.value).startswith("That link points to")
    assert canary.connections == 0


@pytest.mark.parametrize("index", range(15))
def test_redirects_to_private_addresses_are_refused(site: PageServer, canary: Canary, index: int) -> None:
    target = canary_urls(canary.port)[index]
    url = site.url("/redirect?" + str(httpx.QueryParams({"to": target})))
    with pytest.raises(BlockedAddress, match="That link redirected to an address inside a private network"):
        fetch_article(url, settings_for(site))
    assert canary.connections == 0


def test_allow_list_is_for_the_exact_host_and_port(site: PageServer, canary: Canary) -> None:
    allowed_elsewhere = make_settings(fetch_allowed_private_hosts=[f"127.0.0.1:{canary.port + 1}"])
    with pytest.raises(BlockedAddress):
        fetch_article(f"http://127.0.0.1:{canary.port}/", allowed_elsewhere)
    with pytest.raises(BlockedAddress):
        fetch_article(f"http://localhost:{site.port}/article.html", settings_for(site))
    with pytest.raises(BlockedAddress):
        fetch_article(f"http://127.0.0.1:{site.port}/article.html", make_settings())


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/file",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "just some words",
        "",
        "http://",
    ],
)
def test_only_http_and_https_links(site: PageServer, url: str) -> None:
    with pytest.raises(InvalidUrl, match="web address"):
        fetch_article(url, settings_for(site))


def test_redirect_to_another_scheme_is_refused(site: PageServer) -> None:
    with pytest.raises(InvalidUrl, match="redirected to a “file:” address"):
        fetch_article(site.url("/redirect?to=file:///etc/passwd"), settings_for(site))


def test_credentials_in_links_are_refused(site: PageServer) -> None:
    with pytest.raises(InvalidUrl, match="user name or password"):
        fetch_article(f"http://user:secret@{site.host}/article.html", settings_for(site))


def test_a_name_resolving_to_public_addresses_is_fetched(
    public_site: PageServer, public_internet: set[IPAddress], dns: FakeDNS
) -> None:
    """The counterpart of the refusals below: with nothing allow-listed, a public site is fetched."""
    public_internet.add(ipaddress.ip_address(PUBLIC_STAND_IN))
    dns.answers["news.test"] = [[PUBLIC_STAND_IN]]
    article = fetch_article(f"http://news.test:{public_site.port}/article.html", make_settings())
    assert article.source.title == "Harbourside council approves £48m flood barrier after decade of delays"
    assert public_site.requests[-1][1]["Host"] == f"news.test:{public_site.port}"
    fetch_article(public_site.url("/article.html"), make_settings())  # and by its address
    assert public_site.hits["/article.html"] == 2


def test_name_resolving_to_a_private_address_is_refused(
    site: PageServer, canary: Canary, public_site: PageServer, public_internet: set[IPAddress], dns: FakeDNS
) -> None:
    """Every address a name resolves to must be public: one private address among public ones is enough
    to refuse it, whichever comes first."""
    public_internet.add(ipaddress.ip_address(PUBLIC_STAND_IN))
    dns.answers["innocent.test"] = [["127.0.0.1"]]
    dns.answers["mixed.test"] = [["10.0.0.7", PUBLIC_STAND_IN]]
    dns.answers["public-first.test"] = [[PUBLIC_STAND_IN, "10.0.0.7"]]
    dns.answers["mapped.test"] = [["::ffff:127.0.0.1"]]
    ports = {"innocent.test": canary.port, "mixed.test": public_site.port}
    ports |= {"public-first.test": public_site.port, "mapped.test": canary.port}
    for name, port in ports.items():
        with pytest.raises(BlockedAddress):
            fetch_article(f"http://{name}:{port}/article.html", settings_for(site))
    assert dns.lookups == ["innocent.test", "mixed.test", "public-first.test", "mapped.test"]
    assert public_site.requests == []


def test_connection_goes_to_the_address_that_was_checked(site: PageServer, canary: Canary, dns: FakeDNS) -> None:
    """DNS rebinding: a second lookup would point at the canary, so there must be no second lookup."""
    dns.answers["news.test"] = [["127.0.0.1"], ["127.0.0.2"]]
    settings = make_settings(fetch_allowed_private_hosts=[f"news.test:{site.port}"])
    article = fetch_article(f"http://news.test:{site.port}/article.html", settings)
    assert article.source.url == f"http://news.test:{site.port}/article.html"
    assert dns.lookups == ["news.test"]
    path, headers = site.requests[-1]
    assert path == "/article.html"
    assert headers["Host"] == f"news.test:{site.port}"


def test_client_with_a_proxy_is_stopped_before_sending(site: PageServer) -> None:
    """The fetcher checks where each connection really went: a proxy in between is refused."""
    with PageServer(host="127.0.0.2") as proxy, httpx.Client(proxy=proxy.base, trust_env=False) as client:
        with pytest.raises(BlockedAddress, match="somewhere other than the address I checked"):
            fetch_article(site.url("/article.html"), settings_for(site), client=client)
        assert proxy.requests == []


def test_unknown_name(site: PageServer, dns: FakeDNS) -> None:
    dns.answers["nowhere.test"] = [[]]
    with pytest.raises(ConnectionFailed, match=r"I couldn.t find the site nowhere\.test"):
        fetch_article("http://nowhere.test/story", settings_for(site))


def test_connection_refused(site: PageServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionFailed, match=r"I couldn.t connect to 127\.0\.0\.1"):
        fetch_article(f"http://127.0.0.1:{port}/", make_settings(fetch_allowed_private_hosts=[f"127.0.0.1:{port}"]))


# --- TLS: connect by address, verify and send SNI for the name ----------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    assert openssl, "the TLS tests need the openssl command-line tool"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="module")
def tls_site(certificate: tuple[Path, Path]) -> Iterator[PageServer]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with PageServer(tls=context) as server:
        yield server


def test_https_uses_the_name_for_sni_and_verification(
    tls_site: PageServer, certificate: tuple[Path, Path], dns: FakeDNS
) -> None:
    dns.answers["news.test"] = [["127.0.0.1"]]
    dns.answers["other.test"] = [["127.0.0.1"]]
    settings = make_settings(fetch_allowed_private_hosts=[f"news.test:{tls_site.port}", f"other.test:{tls_site.port}"])
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    with httpx.Client(verify=trust, trust_env=False) as client:
        article = fetch_article(f"https://news.test:{tls_site.port}/article.html", settings, client=client)
        assert article.source.author == "Priya Okonkwo-Hale"
        assert tls_site.requests[-1][1]["Host"] == f"news.test:{tls_site.port}"
        served = len(tls_site.requests)
        with pytest.raises(ConnectionFailed, match=r"certificate of other\.test didn.t check out"):
            fetch_article(f"https://other.test:{tls_site.port}/article.html", settings, client=client)
        assert len(tls_site.requests) == served


# --- pure helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTP://News.Example.COM:80/story?utm_source=x&id=3&fbclid=abc#comments",
            "http://news.example.com/story?id=3",
        ),
        ("https://news.example.com:443/a/b?gclid=1&page=2", "https://news.example.com/a/b?page=2"),
        ("https://news.example.com", "https://news.example.com/"),
        ("https://news.example.com:8443/x?b=2&a=1#top", "https://news.example.com:8443/x?a=1&b=2"),
        ("https://news.example.com/x?utm_medium=email&utm_campaign=daily", "https://news.example.com/x"),
    ],
)
def test_canonicalize_url(url: str, canonical: str) -> None:
    assert canonicalize_url(url) == canonical


def test_is_public_address_is_exported() -> None:
    assert not is_public_address("169.254.169.254")
    assert is_public_address("93.184.216.34")


def test_errors_are_fetch_errors_with_codes() -> None:
    classes = [BlockedAddress, ConnectionFailed, HttpStatusError, InvalidUrl, Timeout, TooLarge]
    classes += [TooLittleText, TooManyRedirects, UnsupportedContent]
    codes = {cls.code for cls in classes}
    assert all(issubclass(cls, FetchError) for cls in classes)
    assert len(codes) == len(classes)
