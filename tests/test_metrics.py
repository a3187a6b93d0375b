"""``GET /metrics``: Prometheus text from the web process (one process, and gunicorn's several) and from a worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot import metrics
from bot.metrics import QueueDepthCollector
from tests.conftest import Bot
from tests.handlers.support import mention, wait_for_replies
from tests.redis_server import free_port
from tests.slack_api import BOT_USER_ID, TEAM_ID, SlackEmulator

ROOT = Path(__file__).parents[1]
TEXT = (
    "The Orrin valley trust said on Friday it would plant 12,000 oaks this winter, twice last year's number. "
    '"Every hedge we lose is a road for the floods," said Marta Quell, the trust\'s director.'
)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(scrape: dict[Any, float], name: str, **labels: str) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(bot: Bot) -> dict[Any, float]:
    response = bot.server.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return samples(response.text)


@pytest.mark.slow
@pytest.mark.redis
def test_metrics_count_requests_cache_and_slack_errors(bot: Bot) -> None:
    before = scrape(bot)
    for _ in range(2):
        event = mention(bot, f"<@{BOT_USER_ID}> {TEXT}")
        assert bot.server.event(event).status_code == 200
        wait_for_replies(bot, event["ts"])
    bot.server.event({"type": "message", "channel": "C0NEWSROOM", "user": "U0EDITOR", "text": "lunch?", "ts": "1.2"})
    bot.slack.fail_next("users.info", status=429, retry_after=0)
    bot.runtime.service.client.users_info(user="U0EDITOR")
    with pytest.raises(SlackApiError):
        bot.runtime.service.client.users_info(user="U0NOBODY")
    after = scrape(bot)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("nutgraf_slack_requests_total", kind="app_mention") == 2
    assert delta("nutgraf_slack_requests_total", kind="message") == 1
    assert delta("nutgraf_requests_total", trigger="mention", outcome="ok") == 2
    assert (delta("nutgraf_cache_misses_total"), delta("nutgraf_cache_hits_total")) == (1, 1)
    assert delta("nutgraf_analysis_seconds_count") == 1 and delta("nutgraf_analysis_seconds_sum") > 0
    assert delta("nutgraf_slack_rate_limited_total", method="users.info") == 1
    assert delta("nutgraf_slack_api_errors_total", method="users.info", error="user_not_found") == 1
    assert ("nutgraf_queue_depth", ()) not in after  # inline jobs: no rq queue to measure
    assert value(after, "nutgraf_inline_jobs") == 0


@pytest.mark.slow
@pytest.mark.redis
def test_fetch_failures_are_counted_by_kind(bot: Bot) -> None:
    before = scrape(bot)
    event = mention(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/missing-page')}>")
    assert bot.server.event(event).status_code == 200
    wait_for_replies(bot, event["ts"])
    after = scrape(bot)
    assert (
        value(after, "nutgraf_fetch_failures_total", kind="http_status")
        - value(before, "nutgraf_fetch_failures_total", kind="http_status")
        == 1
    )
    assert value(after, "nutgraf_fetch_seconds_count") - value(before, "nutgraf_fetch_seconds_count") == 1
    trigger = value(after, "nutgraf_requests_total", trigger="mention", outcome="http_status")
    assert trigger - value(before, "nutgraf_requests_total", trigger="mention", outcome="http_status") == 1


def test_queue_depth_is_read_at_scrape_time_and_a_failing_reader_reports_nothing() -> None:
    depths = {"nutgraf": 3}
    text = metrics.exposition(QueueDepthCollector(lambda: depths)).decode()
    assert value(samples(text), "nutgraf_queue_depth", queue="nutgraf") == 3
    depths["nutgraf"] = 0
    assert value(samples(metrics.exposition(QueueDepthCollector(lambda: depths)).decode()), "nutgraf_queue_depth",
                 queue="nutgraf") == 0  # fmt: skip

    def broken() -> dict[str, int]:
        raise ConnectionError("redis is away")

    text = metrics.exposition(QueueDepthCollector(broken)).decode()
    assert "nutgraf_queue_depth" in text and not any(k[0] == "nutgraf_queue_depth" for k in samples(text))


# -- several gunicorn processes ----------------------------------------------------------------------------------


@pytest.fixture
def served(slack_api: SlackEmulator, redis_url: str, redis_client: Any, tmp_path: Path) -> Iterator[str]:
    """``nutgraf serve --workers 2`` on a free loopback port, with its multiprocess directory in ``tmp_path``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NUTGRAF_", "REDIS_", "PROMETHEUS_"))}
    env.update(
        SLACK_BOT_TOKEN=slack_api.bot_token,
        SLACK_SIGNING_SECRET="metrics-secret",
        SLACK_API_URL=slack_api.base_url,
        REDIS_URL=redis_url,
        PORT=str(port),
        NUTGRAF_LOG_LEVEL="WARNING",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prom"),
    )
    command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--workers", "2", "--threads", "4"]
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "nutgraf serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        log.close()


@pytest.mark.slow
@pytest.mark.redis
def test_every_gunicorn_process_is_counted_in_one_scrape(served: str, tmp_path: Path) -> None:
    signer = SignatureVerifier("metrics-secret")

    def counted_by_process() -> dict[str, float]:
        found = {}
        for path in (tmp_path / "prom").glob("counter_*.db"):
            for key, count, *_ in MmapedDict.read_all_values_from_file(str(path)):
                if "nutgraf_slack_requests" in key and count:
                    found[path.name] = count
        return found

    sent = 0
    with httpx.Client(base_url=served, timeout=10) as client:
        # The kernel hands each new connection to whichever process accepts first: send until both have
        # taken some (a process that never answers fails the test after 400 requests).
        while sent < 40 or (len(counted_by_process()) < 2 and sent < 400):
            event = {
                "type": "message",
                "channel": "C0NEWSROOM",
                "user": "U0EDITOR",
                "text": "coffee?",
                "ts": f"{sent}.1",
            }
            body = json.dumps(
                {"type": "event_callback", "team_id": TEAM_ID, "event_id": f"Ev{uuid.uuid4().hex[:10]}", "event": event}
            )
            stamp = str(int(time.time()))
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": signer.generate_signature(timestamp=stamp, body=body),
                "Connection": "close",  # a new connection each time, so both processes take requests
            }
            assert client.post("/slack/events", content=body, headers=headers).status_code == 200
            sent += 1
        for _ in range(10):
            scrape = samples(client.get("/metrics", headers={"Connection": "close"}).text)
            assert value(scrape, "nutgraf_slack_requests_total", kind="message") == sent
    answered = counted_by_process()
    assert len(answered) == 2 and sum(answered.values()) == sent, answered  # both processes, added up in a scrape


# -- an rq worker --------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.redis
def test_worker_serves_the_metrics_of_its_work_horses(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, analyzer: Any, page_server: Any, tmp_path: Path
) -> None:
    from rq import Queue

    from bot.jobs import QUEUE_NAME
    from tests.conftest import running_bot

    port = free_port()
    prom = tmp_path / "prom"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "NUTGRAF_", "REDIS_", "PROMETHEUS_"))}
    env.update(
        SLACK_BOT_TOKEN=slack_api.bot_token,
        SLACK_API_URL=slack_api.base_url,
        REDIS_URL=redis_url,
        PROMETHEUS_MULTIPROC_DIR=str(prom),
    )
    queue = Queue(QUEUE_NAME, connection=redis_client)
    with running_bot(slack_api, redis_url, analyzer, page_server, jobs="rq") as rq_bot:
        for _ in range(3):
            event = mention(rq_bot, f"<@{BOT_USER_ID}> {TEXT}")
            assert rq_bot.server.event(event).status_code == 200
        rq_bot.slack.wait_for(lambda: queue.count == 3, timeout=10)
        command = [sys.executable, "-m", "bot", "worker", "--metrics-port", str(port)]
        with (tmp_path / "worker.log").open("wb") as log:
            worker = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            rq_bot.slack.wait_for(lambda: len(rq_bot.slack.calls_to("chat.update")) == 3, timeout=120)

            def scraped() -> dict[Any, float] | None:
                try:
                    found = samples(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text)
                except httpx.HTTPError:
                    return None
                return found if value(found, "nutgraf_requests_total", trigger="mention", outcome="ok") == 3 else None

            found = rq_bot.slack.wait_for(scraped, timeout=30)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(30)
    assert value(found, "nutgraf_queue_depth", queue=QUEUE_NAME) == 0
    assert (value(found, "nutgraf_cache_misses_total"), value(found, "nutgraf_cache_hits_total")) == (1, 2)
    # three jobs, three work horses, one set of files for all of them
    assert [p.name for p in prom.glob("counter_*h.db")] == [f"counter_{worker.pid}h.db"]
