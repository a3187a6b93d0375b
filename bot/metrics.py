"""Prometheus metrics of every nutgraf process, in one place; imports nothing of nutgraf's core.

Metrics are module-level ``prometheus_client`` objects that any layer may update. ``nutgraf serve``
(gunicorn, several processes) and ``nutgraf worker`` (rq forks a work horse for every job) run in
prometheus_client's multiprocess mode: each process writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` and :func:`exposition` adds them up at scrape time. The directory must be
set before this module is first imported, so the entry point calls
:func:`bot.metrics_dir.prepare_multiprocess_dir` before it imports anything that imports this module.

Names (all prefixed ``nutgraf_``)::

    slack_requests_total{kind}            every verified request Slack delivered (event type, command, ...)
    requests_total{trigger, outcome}      what nutgraf was asked and how it ended (one per audit line)
    analysis_seconds                      spaCy analysis of a fresh story (histogram)
    fetch_seconds                         fetching and extracting a linked page (histogram)
    fetch_failures_total{kind}            failed fetches by error code (timeout, http_status, ...)
    cache_hits_total / cache_misses_total analyses answered from the cache, or not
    slack_api_errors_total{method, error} Web API calls that failed (``ok: false``, HTTP errors)
    slack_rate_limited_total{method}      HTTP 429 answers from Slack (each is waited out and retried)
    digests_posted_total                  digests posted to channels, on demand or on schedule
    inline_jobs                           requests waiting or running on the web processes' job threads
    queue_depth{queue}                    jobs waiting in rq's queue, read from Redis at scrape time
"""

from __future__ import annotations

import os
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from wsgiref.simple_server import make_server

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    make_wsgi_app,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import ThreadingWSGIServer
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

#: Seconds: from a cache hit's milliseconds to a slow fetch's tens of seconds.
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0)

_horse_parent: int | None = None


def _process_identity() -> int | str:
    """The name of this process's files: its pid, or one shared by a worker's successive work horses."""
    pid = os.getpid()
    parent = _horse_parent
    if parent is not None and pid != parent and os.getppid() == parent:
        return f"{parent}h"
    return pid


if os.environ.get(MULTIPROC_ENV):
    values.ValueClass = values.MultiProcessValue(process_identifier=_process_identity)  # type: ignore[no-untyped-call]

SLACK_REQUESTS = Counter("nutgraf_slack_requests", "Verified requests Slack delivered, by kind.", ["kind"])
REQUESTS = Counter("nutgraf_requests", "Requests nutgraf acted on, by trigger and outcome.", ["trigger", "outcome"])
ANALYSIS_SECONDS = Histogram(
    "nutgraf_analysis_seconds", "Time to analyse a story that was not cached.", buckets=_LATENCY_BUCKETS
)
FETCH_SECONDS = Histogram(
    "nutgraf_fetch_seconds", "Time to fetch and extract a linked page, failures included.", buckets=_LATENCY_BUCKETS
)
FETCH_FAILURES = Counter("nutgraf_fetch_failures", "Pages that could not be fetched, by error code.", ["kind"])
CACHE_HITS = Counter("nutgraf_cache_hits", "Analyses answered from the cache.")
CACHE_MISSES = Counter("nutgraf_cache_misses", "Analyses not found in the cache (fetched and analysed).")
SLACK_API_ERRORS = Counter(
    "nutgraf_slack_api_errors", "Slack Web API calls that failed, by method and error.", ["method", "error"]
)
SLACK_RATE_LIMITED = Counter("nutgraf_slack_rate_limited", "HTTP 429 answers from Slack's Web API.", ["method"])
DIGESTS_POSTED = Counter("nutgraf_digests_posted", "Digests posted to channels.")
INLINE_JOBS = Gauge(
    "nutgraf_inline_jobs",
    "Requests waiting or running on the web processes' job threads (NUTGRAF_JOBS=inline).",
    multiprocess_mode="livesum",
)


# -- recording --------------------------------------------------------------------------------------------


def slack_request(kind: str) -> None:
    """Count one verified request from Slack."""
    SLACK_REQUESTS.labels(kind=kind or "unknown").inc()


def request_done(trigger: str, outcome: str) -> None:
    """Count one request nutgraf acted on (the audit line's trigger and outcome)."""
    REQUESTS.labels(trigger=trigger, outcome=outcome).inc()


def cache_lookup(hit: bool) -> None:
    """Count a cache hit or miss."""
    (CACHE_HITS if hit else CACHE_MISSES).inc()


def fetch_failed(kind: str) -> None:
    """Count a failed fetch by its error code."""
    FETCH_FAILURES.labels(kind=kind).inc()


def slack_api_error(method: str, error: str) -> None:
    """Count a failed Web API call; 429s are counted as rate limits too."""
    SLACK_API_ERRORS.labels(method=method, error=error).inc()


def slack_rate_limited(method: str) -> None:
    """Count one HTTP 429 from Slack (before it is waited out and retried)."""
    SLACK_RATE_LIMITED.labels(method=method).inc()


def digest_posted() -> None:
    """Count one digest posted."""
    DIGESTS_POSTED.inc()


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    """Observe the seconds the block took in ``histogram``, whether or not it raised."""
    began = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - began)


# -- the queue-depth collector ------------------------------------------------------------------------------


class QueueDepthCollector(Collector):
    """``nutgraf_queue_depth{queue}``: asks ``read`` at scrape time (a reader that fails reports nothing)."""

    def __init__(self, read: Callable[[], dict[str, int]]) -> None:
        self.read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("nutgraf_queue_depth", "Jobs waiting in rq's queues.", labels=["queue"])
        try:
            depths = self.read()
        except Exception:
            depths = {}
        for queue, depth in sorted(depths.items()):
            family.add_metric([queue], depth)
        yield family


# -- exposition ---------------------------------------------------------------------------------------------


def multiprocess_dir() -> str | None:
    """The directory multiprocess mode writes to, if this process uses it."""
    return os.environ.get(MULTIPROC_ENV) or None


def registry(*extra: Collector) -> CollectorRegistry:
    """The registry a scrape reads: every process's files in multiprocess mode, else this process's metrics."""
    if multiprocess_dir() is None:
        if not extra:
            return REGISTRY
        combined = CollectorRegistry(auto_describe=False)
        combined.register(_Delegate(REGISTRY))
    else:
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)  # type: ignore[no-untyped-call]
    for collector in extra:
        combined.register(collector)
    return combined


class _Delegate(Collector):
    """Another registry's metrics, so a scrape-time collector can be added without touching the global one."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        yield from self.source.collect()


def exposition(*extra: Collector) -> bytes:
    """The text a scrape of ``/metrics`` answers (Prometheus' text format)."""
    return generate_latest(registry(*extra))


class _MetricsServer(ThreadingWSGIServer):
    """prometheus_client's threading WSGI server, without the reverse DNS lookup of its own address that
    ``HTTPServer.server_bind`` makes at start (a query that can hang where name service is down)."""

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)
        self.setup_environ()


def serve_http(port: int, *extra: Collector, addr: str = "0.0.0.0") -> None:  # noqa: S104 - scraped from outside
    """Serve ``/metrics`` on ``port`` from a daemon thread (for ``nutgraf worker`` and ``nutgraf clock``)."""
    httpd = make_server(addr, port, make_wsgi_app(registry(*extra)), _MetricsServer)
    threading.Thread(target=httpd.serve_forever, name="metrics", daemon=True).start()


# -- multiprocess set-up ------------------------------------------------------------------------------------


def share_files_with_sequential_children(parent_pid: int) -> None:
    """Let the work horses rq forks one after another (never two at once) write one set of files.

    Without it every job leaves files named after its short-lived process, and a scrape reads more
    files with every job run. A horse is a child of ``parent_pid``, which keeps files of its own.
    """
    global _horse_parent
    _horse_parent = parent_pid


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit`` hook: drop a dead worker's live gauges (counters stay counted)."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]
