"""Event to threaded answer for a cached link against a cold one, on loopback; Redis memory per cached analysis.

nutgraf's WSGI app is served on 127.0.0.1 with the local Slack Web API emulator and the test site from
tests/, in this process, against a real Redis (--redis-url, default redis://127.0.0.1:6379/15). Only keys
under a private prefix are written, and they are deleted at the end. Latency runs from the signed event
POST to the arrival of the chat.update that puts the answer into the progress message; each run uses its
own channel, so Slack's one-post-a-second pacing does not enter the figures. Goal: cached median ≤ 50 ms.

A cold run is a page nobody asked for before: each one is another edition of the test article
(``/edition/N/article.html``: its own URL, its own canonical link and its own text), so it is fetched,
parsed by spaCy and cached. The cached runs all mention the one link analysed at the start. Every call
of the analyser is counted, and the counts are printed beside the medians: cold runs must each have
parsed once, cached runs never (the benchmark stops with an error otherwise).

usage: python bench/cache_hit.py [--cached-runs N] [--cold-runs N] [--redis-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import loopback_only, percentile

from bot.app import build_runtime, wsgi_application
from bot.models import Analysis, Article
from bot.nlp.pipeline import Analyzer
from bot.service import Service
from bot.settings import Settings, default_spacy_model
from bot.slack import web_client
from bot.store import RedisStore
from tests.bot_server import SIGNING_SECRET, BotServer
from tests.fetch_server import PageServer
from tests.slack_api import BOT_USER_ID, SlackEmulator

GOAL_MS = 50.0


class ParseCounter:
    """Counts the analyses the analyser runs, with the canonical links and texts it was given."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.links: list[str | None] = []
        self.texts: list[str] = []
        self._lock = threading.Lock()
        real = analyzer.analyze

        def analyze(article: Article, **kwargs: Any) -> Analysis:
            with self._lock:
                self.links.append(article.source.canonical_url)
                self.texts.append(hashlib.sha256(article.text.encode()).hexdigest())
            return real(article, **kwargs)

        analyzer.analyze = analyze  # type: ignore[method-assign]

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.links)

    def since(self, start: int) -> tuple[int, int, int]:
        """Analyses since the count was ``start``: how many, with how many distinct links and texts."""
        with self._lock:
            links, texts = self.links[start:], self.texts[start:]
        return len(links), len(set(links)), len(set(texts))


class Bench:
    """One nutgraf over HTTP with its emulator, site and store; :meth:`answer` times one mention."""

    def __init__(self, slack: SlackEmulator, server: BotServer) -> None:
        self.slack = slack
        self.server = server
        self.runs = 0

    def answer(self, url: str) -> tuple[float, float]:
        """Mention nutgraf with ``url`` in a fresh channel; returns ms to the progress post and to the answer."""
        self.runs += 1
        channel = self.slack.add_channel(f"bench-{self.runs}")
        text = f"<@{BOT_USER_ID}> <{url}>"
        ts = self.slack.add_message(channel, text, "U0REPORTER")
        event = {"type": "app_mention", "channel": channel, "user": "U0REPORTER", "text": text, "ts": ts}
        started = time.monotonic()
        response = self.server.event(event)
        if response.status_code != 200:
            raise SystemExit(f"cache_hit: the bot answered the event with HTTP {response.status_code}")

        def calls(method: str) -> list[Any]:
            return [c for c in self.slack.calls_to(method) if c.params.get("channel") == channel]

        update = self.slack.wait_for(lambda: calls("chat.update"), timeout=120, interval=0.0005)[0]
        post = calls("chat.postMessage")[0]
        self.slack.wait_for(lambda: calls("chat.getPermalink"), timeout=10)  # the reply's bookkeeping is done
        time.sleep(0.02)
        return (post.time - started) * 1000, (update.time - started) * 1000


def memory_report(store: RedisStore) -> list[str]:
    """MEMORY USAGE of the cache keys: analyses (JSON values) and aliases (other keys naming one)."""
    values: list[int] = []
    aliases: list[int] = []
    for key in store.client.scan_iter(match=f"{store.prefix}a:*", count=1000):
        size = int(store.client.memory_usage(key, samples=0) or 0)
        (aliases if str(store.client.getrange(key, 0, 0)) == "@" else values).append(size)
    if not values:
        return ["no cached analysis found"]
    value_mean = statistics.fmean(values)
    alias_mean = statistics.fmean(aliases) if aliases else 0.0
    return [
        f"{len(values)} analyses, {len(aliases)} aliases under Redis's MEMORY USAGE:",
        f"  analysis JSON key  mean {value_mean:,.0f} B (min {min(values):,}, max {max(values):,})",
        f"  alias key          mean {alias_mean:,.0f} B (one per extra URL: the page's canonical link)",
        f"  per cached link    ≈ {value_mean + alias_mean:,.0f} B  → about {1e9 / (value_mean + alias_mean):,.0f} "
        "cached links per GB",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached-runs", type=int, default=50, help="mentions of an already analysed link")
    parser.add_argument("--cold-runs", type=int, default=10, help="mentions of a link nobody asked for yet")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="a Redis on loopback")
    parser.add_argument("--model", default=None, help="spaCy model (default: the one nutgraf would load)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    redis_url = loopback_only(args.redis_url)
    prefix = f"nutgraf-bench:{uuid.uuid4().hex[:8]}:"
    store = RedisStore.from_url(redis_url, prefix=prefix)
    if not store.ping():
        raise SystemExit(f"cache_hit: no Redis answers at {redis_url}")
    with SlackEmulator() as slack, PageServer() as site:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            slack_bot_token=slack.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.base_url,
            redis_url=redis_url,
            jobs="inline",
            fetch_allowed_private_hosts=[site.host],
        )
        analyzer = Analyzer(args.model or default_spacy_model(), max_chars=settings.max_text_chars)
        analyzer.nlp  # noqa: B018 - load the model before timing
        parses = ParseCounter(analyzer)
        rt = build_runtime(settings, Service(settings, store, web_client(settings), analyzer))
        try:
            with BotServer(wsgi_application(settings, rt=rt)) as server:
                bench = Bench(slack, server)
                cached_url = site.url("/article.html")
                bench.answer(cached_url)  # warm-up, and the analysis the cached runs find
                bench.answer(site.url("/edition/0/article.html"))  # warm-up of a cold run
                start = parses.count
                cold = [bench.answer(site.url(f"/edition/{n}/article.html")) for n in range(1, args.cold_runs + 1)]
                cold_parsed, cold_links, cold_texts = parses.since(start)
                start = parses.count
                cached = [bench.answer(cached_url) for _ in range(args.cached_runs)]
                cached_parsed, _, _ = parses.since(start)
            fetched = sum(site.hits[f"/edition/{n}/article.html"] for n in range(1, args.cold_runs + 1))
            if not fetched == cold_parsed == cold_links == cold_texts == args.cold_runs:
                raise SystemExit(
                    f"cache_hit: of {args.cold_runs} cold runs, {fetched} fetched and {cold_parsed} parsed a page "
                    f"({cold_links} distinct links, {cold_texts} distinct texts): the cold figures would not be cold"
                )
            if cached_parsed or site.hits["/article.html"] != 1:
                raise SystemExit("cache_hit: the cached runs fetched or parsed the page again: no cache answered")

            print(f"event → threaded answer on loopback (model {analyzer.model_name}, Redis {redis_url})")
            print(f"{'':8}{'runs':>6}{'parsed':>8}{'post median':>14}{'answer median':>16}{'answer p95':>13}")
            for name, runs, parsed in (("cold", cold, cold_parsed), ("cached", cached, cached_parsed)):
                posts, answers = [p for p, _ in runs], [a for _, a in runs]
                print(
                    f"{name:8}{len(runs):>6}{parsed:>8}{statistics.median(posts):>11.1f} ms"
                    f"{statistics.median(answers):>13.1f} ms{percentile(answers, 95):>10.1f} ms"
                )
            print(f"cold runs: {cold_links} canonical links and {cold_texts} texts, each fetched and parsed once")
            cold_median = statistics.median(a for _, a in cold)
            cached_median = statistics.median(a for _, a in cached)
            verdict = "meets" if cached_median <= GOAL_MS else "misses"
            print(f"cold / cached (median answer): {cold_median / cached_median:.1f}x")
            print(f"cached median {cached_median:.1f} ms {verdict} the {GOAL_MS:.0f} ms goal")
            print()
            print("\n".join(memory_report(store)))
        finally:
            rt.dispatcher.shutdown()
            keys = list(store.client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                store.client.delete(*keys)
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
