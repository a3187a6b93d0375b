"""``GET /healthz``: what the platform's health check sees of Redis and the spaCy model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.app import build_runtime, wsgi_application
from bot.nlp.pipeline import Analyzer
from bot.service import Service
from bot.settings import Settings
from bot.slack import web_client
from bot.store import RedisStore
from tests.bot_server import BotServer
from tests.conftest import bot_settings
from tests.redis_server import RedisServer
from tests.slack_api import SlackEmulator

UNLOADED_MODEL = "en_nutgraf_never_loaded"


@contextmanager
def serve(settings: Settings, analyzer: Analyzer | None = None) -> Iterator[BotServer]:
    """nutgraf's WSGI app on loopback with ``settings``; the model is not loaded unless ``analyzer`` was."""
    store = RedisStore.from_url(settings.redis_url, timeout=0.5)
    service = Service(settings, store, web_client(settings), analyzer or Analyzer(settings.spacy_model))
    rt = build_runtime(settings, service)
    try:
        with BotServer(wsgi_application(settings, rt=rt)) as server:
            yield server
    finally:
        rt.dispatcher.shutdown()
        store.close()


def health(server: BotServer) -> dict[str, Any]:
    response = server.http.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_reports_redis_ok_and_a_model_not_yet_loaded(slack_api: SlackEmulator, redis_url: str) -> None:
    settings = bot_settings(slack_api, redis_url, spacy_model=UNLOADED_MODEL)
    with serve(settings) as server:
        assert health(server) == {
            "status": "ok",
            "redis": "ok",
            "model": UNLOADED_MODEL,
            "model_loaded": False,
            "jobs": "inline",
        }
        assert server.http.head("/healthz").status_code == 200
    # Bolt checks its token once at start-up; the health check itself never calls Slack.
    assert {c.method for c in slack_api.calls} <= {"auth.test"}


@pytest.mark.slow
def test_reports_the_loaded_model(slack_api: SlackEmulator, redis_url: str, analyzer: Analyzer) -> None:
    settings = bot_settings(slack_api, redis_url, spacy_model=analyzer.model_name, jobs="rq")
    analyzer.nlp  # noqa: B018 - load it, as `nutgraf serve` does before forking
    with serve(settings, analyzer) as server:
        body = health(server)
    assert body["model"] == analyzer.model_name
    assert body["model_loaded"] is True
    assert body["jobs"] == "rq"


def test_reports_redis_down_then_up_again(slack_api: SlackEmulator, private_redis: RedisServer) -> None:
    settings = bot_settings(slack_api, private_redis.url, spacy_model=UNLOADED_MODEL)
    with serve(settings) as server:
        assert health(server)["redis"] == "ok"
        private_redis.stop()
        down = health(server)
        assert (down["status"], down["redis"]) == ("degraded", "unreachable")
        private_redis.start()
        assert health(server)["redis"] == "ok"


def test_needs_no_signature_but_slack_events_do(slack_api: SlackEmulator, redis_url: str) -> None:
    settings = bot_settings(slack_api, redis_url, spacy_model=UNLOADED_MODEL)
    with serve(settings) as server:
        assert server.http.get("/healthz", headers={"X-Slack-Signature": "v0=bad"}).status_code == 200
        assert (
            server.http.post("/slack/events", content=b"{}", headers={"Content-Type": "application/json"}).status_code
            == 401
        )
        assert server.http.post("/healthz", content=b"{}").status_code == 404
        assert server.http.get("/elsewhere").status_code == 404
