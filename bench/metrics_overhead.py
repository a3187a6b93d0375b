"""What metrics cost the ack path: signed events through nutgraf's WSGI app in this process, metrics on vs off.

The app is built as ``nutgraf serve`` builds it, in prometheus_client's multiprocess mode (a private
directory), against a private redis-server and the local Slack Web API emulator. Batches of signed
``event_callback`` requests (channel messages and reactions nutgraf looks at and ignores, the bulk of a
busy workspace's traffic) go straight to the WSGI callable, alternating a batch with the metrics calls in
place and a batch with them replaced by no-ops (in a random order each round), so both see the same
machine load. The cost of one counter increment on its own, and of a scrape of ``/metrics``, are timed too.

usage: python bench/metrics_overhead.py [--rounds 30] [--batch 200]
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="nutgraf-bench-metrics-")

from corpus import percentile  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402

from bot import metrics  # noqa: E402
from bot.app import build_runtime, wsgi_application  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.redis_server import RedisServer  # noqa: E402
from tests.slack_api import TEAM_ID, SlackEmulator  # noqa: E402

SECRET = "bench-signing-secret"


def bodies(count: int) -> list[bytes]:
    """Event bodies in a busy workspace's mix (mostly messages nutgraf looks at and ignores)."""
    out = []
    for n in range(count):
        ts = f"{1_700_000_000 + n}.{n:06d}"
        event: dict[str, Any]
        if n % 10 == 0:
            item = {"type": "message", "channel": "C0GENERAL", "ts": ts}
            event = {"type": "reaction_added", "user": "U0EDITOR", "reaction": "thumbsup", "item": item}
        else:
            event = {"type": "message", "channel": "C0GENERAL", "user": "U0EDITOR", "text": "Coffee?", "ts": ts}
        body = {"type": "event_callback", "team_id": TEAM_ID, "event_id": f"Ev{uuid.uuid4().hex[:12]}", "event": event}
        out.append(json.dumps(body).encode())
    return out


def call(app: Any, body: bytes, signer: SignatureVerifier) -> float:
    """One signed POST /slack/events through the WSGI callable; its seconds."""
    stamp = str(int(time.time()))
    environ: dict[str, Any] = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO="/slack/events",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(len(body)),
        HTTP_X_SLACK_REQUEST_TIMESTAMP=stamp,
        HTTP_X_SLACK_SIGNATURE=signer.generate_signature(timestamp=stamp, body=body.decode()),
    )
    environ["wsgi.input"] = io.BytesIO(body)
    status: list[str] = []
    began = time.perf_counter()
    b"".join(app(environ, lambda s, h, e=None: status.append(s)))
    elapsed = time.perf_counter() - began
    if not status or not status[0].startswith("200"):
        raise SystemExit(f"the app answered {status}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="batches of each variant (default 30)")
    parser.add_argument("--batch", type=int, default=200, help="requests per batch (default 200)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.ERROR)
    signer = SignatureVerifier(SECRET)
    real = metrics.slack_request
    timings: dict[str, list[float]] = {"metrics on": [], "metrics off": []}
    with RedisServer() as redis_server, SlackEmulator() as slack:
        settings = Settings(
            slack_bot_token=slack.bot_token,  # type: ignore[arg-type]
            slack_signing_secret=SECRET,  # type: ignore[arg-type]
            slack_api_url=slack.base_url,
            redis_url=redis_server.url,
            jobs="inline",
        )
        rt = build_runtime(settings)
        app = wsgi_application(settings, rt=rt)
        batch = bodies(args.batch)
        for body in batch:  # warm up, and claim the mentions so that no analysis runs in the measured rounds
            call(app, body, signer)
        rng = random.Random(7)
        for _ in range(args.rounds):
            for name in rng.sample(["metrics on", "metrics off"], 2):
                metrics.slack_request = real if name == "metrics on" else (lambda kind: None)  # type: ignore[assignment]
                timings[name] += [call(app, body, signer) for body in batch]
        metrics.slack_request = real  # type: ignore[assignment]
        scrapes = []
        for _ in range(20):
            began = time.perf_counter()
            metrics.exposition(metrics.QueueDepthCollector(rt.dispatcher.queue_depths))
            scrapes.append(time.perf_counter() - began)
        rt.dispatcher.shutdown()

    on, off = ([x * 1000 for x in timings[name]] for name in ("metrics on", "metrics off"))
    for name, values in (("metrics on", on), ("metrics off", off)):
        print(
            f"{name:<12} {len(values)} acks: p50 {percentile(values, 50):.3f} ms  p99 {percentile(values, 99):.3f} ms"
            f"  mean {statistics.fmean(values):.3f} ms"
        )
    p50, p99 = percentile(on, 50) / percentile(off, 50), percentile(on, 99) / percentile(off, 99)
    mean = statistics.fmean(on) / statistics.fmean(off)
    print(f"on/off: p50 {p50:.3f}  p99 {p99:.3f}  mean {mean:.3f}  (goal p99 ratio <= 1.10)")
    began = time.perf_counter()
    for _ in range(100_000):
        real("message")
    per_call = (time.perf_counter() - began) / 100_000 * 1e6
    print(
        f"one counter increment (multiprocess mode): {per_call:.2f} µs; a scrape of /metrics: "
        f"median {statistics.median(scrapes) * 1000:.2f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
