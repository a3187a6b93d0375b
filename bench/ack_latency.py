"""Ack latency of ``nutgraf serve``: signed Events API deliveries at a steady rate, p50/p99 of the HTTP acks.

Starts a private redis-server, the local Slack Web API emulator and ``nutgraf serve`` (gunicorn) as a
subprocess, all on loopback, then sends signed ``event_callback`` requests at RATE per second for DURATION
seconds from a thread pool (open loop: each request leaves at its scheduled time, however slow the last).
The mix is what a busy workspace sends: mostly channel messages nutgraf must look at and ignore, some
reactions, and a share of mentions that paste a whole story (the project's sample, with its job-cut figure
made unique to each mention, so no two texts are alike and none is in the cache): each starts a real
analysis after the ack, on the web process's job threads with NUTGRAF_JOBS=inline, or on the worker
with rq. Slack wants an ack within 3 s; nutgraf's goal is a p99 of 100 ms or less. The report says how
many mentions were answered and how many of those answers came from the cache (none should).

With ``--scrape`` a thread scrapes ``GET /metrics`` every second while the events are sent, as Prometheus
would, and the counters of the last scrape are compared with the requests sent.

usage: python bench/ack_latency.py [--rate 50] [--duration 20] [--workers 1] [--threads 8] [--jobs inline]
                                  [--mentions 0.05] [--drain 120] [--scrape]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import percentile  # noqa: E402

from tests.redis_server import RedisServer, free_port  # noqa: E402
from tests.slack_api import BOT_USER_ID, TEAM_ID, SlackEmulator, iter_blocks_text  # noqa: E402

SECRET = "bench-signing-secret"
GOAL_P99_MS = 100.0
STORY = (ROOT / "bot" / "samples" / "harbour.txt").read_text(encoding="utf-8")
_CACHED = re.compile(r"(?:^| · )cached(?: · |$)")


def story(n: int) -> str:
    """The sample story as the ``n``-th mention pastes it: its job-cut figure is ``1,200 + n``."""
    return STORY.replace("1,200", f"{1200 + n:,}")


def answered_from_cache(call: Any) -> bool:
    """Whether a ``chat.update`` put an answer marked "cached" in place."""
    blocks = call.params.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return any(_CACHED.search(text) for text in iter_blocks_text(blocks))


def build_events(slack: SlackEmulator, count: int, mention_share: float, seed: int) -> list[dict[str, Any]]:
    """``count`` event bodies: ignored channel messages, other reactions, and mentions spread over channels."""
    rng = random.Random(seed)
    channels = [slack.add_channel(f"desk-{n}") for n in range(50)]
    bodies = []
    for n in range(count):
        channel = rng.choice(channels)
        roll = rng.random()
        ts = f"{1_700_000_000 + n}.{n % 1_000_000:06d}"
        if roll < mention_share:
            text = f"<@{BOT_USER_ID}> {story(n)}"
            ts = slack.add_message(channel, text, "U0REPORTER")
            event: dict[str, Any] = {"type": "app_mention", "channel": channel, "user": "U0REPORTER", "text": text}
        elif roll < mention_share + 0.05:
            item = {"type": "message", "channel": channel, "ts": ts}
            event = {"type": "reaction_added", "user": "U0EDITOR", "reaction": "thumbsup", "item": item}
        elif roll < mention_share + 0.20:
            text = f"Have you seen <https://news.example/story/{n}>?"
            event = {"type": "message", "channel": channel, "user": "U0EDITOR", "text": text, "channel_type": "channel"}
        else:
            text = "Coffee in five, then the 11 o'clock meeting."
            event = {"type": "message", "channel": channel, "user": "U0EDITOR", "text": text, "channel_type": "channel"}
        event["ts"] = event.get("ts", ts)
        event["event_ts"] = event["ts"]
        bodies.append(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "api_app_id": "A0NUTGRAF",
                "type": "event_callback",
                "event_id": f"Ev{uuid.uuid4().hex[:12].upper()}",
                "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
                "event": event,
            }
        )
    return bodies


def start_server(
    args: argparse.Namespace, slack: SlackEmulator, redis_url: str, workdir: str
) -> tuple[list[subprocess.Popen[bytes]], str]:
    """``nutgraf serve`` on a free loopback port, once /healthz answers (and ``nutgraf worker`` for rq jobs)."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "NUTGRAF_", "REDIS_"))}
    env.update(
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.base_url,
        REDIS_URL=redis_url,
        PORT=str(port),
        NUTGRAF_JOBS=args.jobs,
        NUTGRAF_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"]
    command += ["--workers", str(args.workers), "--threads", str(args.threads)]
    log = open(Path(workdir) / "serve.log", "w")  # noqa: SIM115 - lives as long as the processes
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    processes = [process]
    if args.jobs == "rq":
        worker = [sys.executable, "-m", "bot", "worker"]
        processes.append(subprocess.Popen(worker, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"nutgraf serve exited ({process.returncode}):\n{(Path(workdir) / 'serve.log').read_text()}"
            )
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return processes, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(processes)
    raise SystemExit("nutgraf serve did not answer /healthz within 120 s")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (the platform's stop signal), then SIGKILL after 30 s."""
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run(args: argparse.Namespace, url: str, bodies: list[dict[str, Any]]) -> tuple[list[float], list[float], int]:
    """Send every body at its scheduled time; returns ack latencies (s), start lags (s) and failures."""
    signer = SignatureVerifier(SECRET)
    local = threading.local()
    latencies: list[float] = []
    lags: list[float] = []
    failures = 0
    lock = threading.Lock()

    def connect() -> None:
        local.client = httpx.Client(base_url=url, timeout=10)

    def client() -> httpx.Client:
        return local.client  # type: ignore[no-any-return]

    def send(raw: bytes, headers: dict[str, str], due: float) -> None:
        nonlocal failures
        started = time.perf_counter()
        try:
            ok = client().post("/slack/events", content=raw, headers=headers).status_code == 200
        except httpx.HTTPError:
            ok = False
        elapsed = time.perf_counter() - started
        with lock:
            latencies.append(elapsed)
            lags.append(started - due)
            failures += not ok

    # Signed up front (a signature stays valid for 300 s), so the senders spend their time sending.
    stamp = str(int(time.time()))
    requests = []
    for body in bodies:
        raw = json.dumps(body)
        signature = signer.generate_signature(timestamp=stamp, body=raw)
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        }
        requests.append((raw.encode(), headers))
    with ThreadPoolExecutor(max_workers=args.senders, initializer=connect) as pool:
        began = time.perf_counter()
        for n, (raw, headers) in enumerate(requests):
            due = began + n / args.rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(send, raw, headers, due)
    return latencies, lags, failures


def warm_up(args: argparse.Namespace, url: str, slack: SlackEmulator) -> None:
    """Open connections and let gunicorn's threads and Bolt start (not measured)."""
    bodies = build_events(slack, int(args.rate * args.warmup), 0.0, args.seed + 1)
    run(args, url, bodies)


class Scraper(threading.Thread):
    """Scrapes ``/metrics`` every ``interval`` s until stopped; keeps the last scrape's request counters."""

    def __init__(self, url: str, interval: float = 1.0) -> None:
        super().__init__(daemon=True)
        self.url, self.interval = url, interval
        self.stopping = threading.Event()
        self.scrapes = 0
        self.requests: dict[str, float] = {}

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=5) as client:
            while not self.stopping.wait(self.interval):
                self.scrape(client)
            self.scrape(client)

    def scrape(self, client: httpx.Client) -> None:
        from prometheus_client.parser import text_string_to_metric_families

        counts = {}
        for family in text_string_to_metric_families(client.get("/metrics").text):
            for sample in family.samples:
                if sample.name == "nutgraf_slack_requests_total":
                    counts[sample.labels["kind"]] = sample.value
        self.requests = counts
        self.scrapes += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second (default 50)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of traffic (default 20)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (default 1)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (default 8, as `serve`)")
    parser.add_argument("--jobs", choices=("inline", "rq"), default="inline", help="NUTGRAF_JOBS (default inline)")
    parser.add_argument("--mentions", type=float, default=0.05, help="share of mentions with text (default 0.05)")
    parser.add_argument("--senders", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured traffic first (default 2)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for the answers (default 120)")
    parser.add_argument("--scrape", action="store_true", help="scrape /metrics every second during the run")
    args = parser.parse_args(argv)

    count = int(args.rate * args.duration)
    workdir = tempfile.TemporaryDirectory(prefix="nutgraf-bench-")
    with workdir, RedisServer() as redis_server, SlackEmulator() as slack:
        processes, url = start_server(args, slack, redis_server.url, workdir.name)
        try:
            warm_up(args, url, slack)
            bodies = build_events(slack, count, args.mentions, args.seed)
            scraper = Scraper(url) if args.scrape else None
            before: dict[str, float] = {}
            if scraper is not None:
                with httpx.Client(base_url=url, timeout=5) as client:
                    scraper.scrape(client)
                before = scraper.requests
                scraper.start()
            latencies, lags, failures = run(args, url, bodies)
            if scraper is not None:
                scraper.stopping.set()
                scraper.join()
            mentions = sum(b["event"]["type"] == "app_mention" for b in bodies)
            deadline = time.monotonic() + args.drain
            while len(slack.calls_to("chat.update")) < mentions and time.monotonic() < deadline:
                time.sleep(0.2)
            updates = slack.calls_to("chat.update")
            answered = len(updates)
            cached = sum(map(answered_from_cache, updates))
        finally:
            stop(processes)

    ms = [x * 1000 for x in latencies]
    p50, p99 = percentile(ms, 50), percentile(ms, 99)
    print(
        f"nutgraf serve ({args.workers} worker x {args.threads} threads, jobs={args.jobs}): "
        f"{len(ms)} signed events at {args.rate:g}/s for {args.duration:g} s, {failures} not acked with 200"
    )
    print(
        f"ack latency ms: p50 {p50:.1f}  p90 {percentile(ms, 90):.1f}  p99 {p99:.1f}  "
        f"max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
    )
    print(f"send lag ms (scheduled -> sent): p99 {percentile([x * 1000 for x in lags], 99):.1f}")
    print(
        f"mentions answered (results put in place within {args.drain:g} s of the run): {answered} of {mentions}, "
        f"{cached} of them from the cache, {answered - cached} analysed"
    )
    if args.scrape:
        sent: dict[str, int] = {}
        for body in bodies:
            sent[body["event"]["type"]] = sent.get(body["event"]["type"], 0) + 1
        counted = {kind: int(scraper.requests.get(kind, 0) - before.get(kind, 0)) for kind in sent}  # type: ignore[union-attr]
        verdict_metrics = "equal" if counted == sent else "DIFFER"
        print(
            f"/metrics scraped {scraper.scrapes} times during the run; requests counted {counted}, "  # type: ignore[union-attr]
            f"sent {sent}: {verdict_metrics}"
        )
    verdict = "met" if p99 <= GOAL_P99_MS else "missed"
    print(f"goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict} (p99/goal = {p99 / GOAL_P99_MS:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
