"""``GET /healthz``: what the platform's health check sees of Redis and the spaCy model."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from bot.analysis import PooledRunner
from bot.nlp.pipeline import Analyzer
from bot.settings import Settings
from tests.conftest import Bot, running_bot
from tests.fetch_server import PageServer
from tests.redis_server import RedisServer
from tests.slack_api import SlackEmulator

UNLOADED_MODEL = "en_nutgraf_never_loaded"


@pytest.fixture
def serve(
    slack_api: SlackEmulator, analyzer: Analyzer, page_server: PageServer
) -> Callable[..., AbstractContextManager[Bot]]:
    """Start nutgraf on a given Redis; unless ``spacy_model`` says otherwise, it analyses in worker processes
    (never started here) with a model never loaded."""

    def start(redis_url: str, **values: Any) -> AbstractContextManager[Bot]:
        if "spacy_model" in values:
            return running_bot(slack_api, redis_url, analyzer, page_server, **values)
        values["spacy_model"] = UNLOADED_MODEL
        runner = PooledRunner(Settings(spacy_model=UNLOADED_MODEL))
        return running_bot(slack_api, redis_url, runner, page_server, **values)

    return start


def health(bot: Bot) -> dict[str, Any]:
    response = bot.server.http.get("/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def test_reports_redis_ok_and_a_model_not_yet_loaded(serve: Any, slack_api: SlackEmulator, redis_url: str) -> None:
    with serve(redis_url) as bot:
        assert health(bot) == {
            "status": "ok",
            "redis": "ok",
            "model": UNLOADED_MODEL,
            "model_loaded": False,
            "jobs": "inline",
        }
        assert bot.server.http.head("/healthz").status_code == 200
    # Bolt checks its token once at start-up; the health check itself never calls Slack.
    assert {c.method for c in slack_api.calls} <= {"auth.test"}


@pytest.mark.slow
def test_reports_the_loaded_model(serve: Any, redis_url: str, analyzer: Analyzer) -> None:
    analyzer.nlp  # noqa: B018 - load it, as `nutgraf serve` does before forking
    with serve(redis_url, spacy_model=analyzer.model_name, jobs="rq") as bot:
        body = health(bot)
    assert body["model"] == analyzer.model_name
    assert body["model_loaded"] is True
    assert body["jobs"] == "rq"


def test_reports_redis_down_then_up_again(serve: Any, private_redis: RedisServer) -> None:
    with serve(private_redis.url) as bot:
        assert health(bot)["redis"] == "ok"
        private_redis.stop()
        down = health(bot)
        assert (down["status"], down["redis"]) == ("degraded", "unreachable")
        private_redis.start()
        assert health(bot)["redis"] == "ok"


def test_needs_no_signature_but_slack_events_do(serve: Any, redis_url: str) -> None:
    with serve(redis_url) as bot:
        server = bot.server
        assert server.http.get("/healthz", headers={"X-Slack-Signature": "v0=bad"}).status_code == 200
        assert (
            server.http.post("/slack/events", content=b"{}", headers={"Content-Type": "application/json"}).status_code
            == 401
        )
        assert server.http.post("/healthz", content=b"{}").status_code == 404
        assert server.http.get("/elsewhere").status_code == 404
