"""The analysis in worker processes, end to end: a text that outruns the deadline is refused in its thread
while the web process keeps acknowledging events and answering ``/healthz``; the next text is answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from bot.analysis import AnalysisTooSlow, PooledRunner
from bot.models import Article
from bot.settings import Settings, default_spacy_model
from tests.conftest import Bot, running_bot
from tests.fetch_server import PageServer
from tests.handlers.support import CHANNEL, all_text, bot_replies, mention, wait_for_replies
from tests.slack_api import BOT_USER_ID, SlackEmulator

pytestmark = [pytest.mark.slow, pytest.mark.redis]

DEADLINE = 1.0
SHORT = "The council said on Monday that it would spend $4 million on roads next year, the mayor said."
#: Some 90,000 characters of ordinary sentences: parsing them takes far longer than the deadline.
LONG = " ".join(
    f"The harbour board said on day {n} that berth {n % 40} would reopen after repairs costing ${n % 90 + 1} million."
    for n in range(900)
)


@pytest.fixture
def runner() -> Iterator[PooledRunner]:
    settings = Settings(spacy_model=default_spacy_model(), analysis_timeout=DEADLINE, analysis_workers=1)
    pooled = PooledRunner(settings)
    yield pooled
    pooled.close()


@pytest.fixture
def pooled_bot(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, runner: PooledRunner, page_server: PageServer
) -> Iterator[Bot]:
    with running_bot(slack_api, redis_url, runner, page_server, analysis_timeout=DEADLINE) as bot:
        yield bot


def test_the_runner_refuses_a_text_past_the_deadline_and_goes_on(runner: PooledRunner) -> None:
    assert runner.analyze(Article(text=SHORT)).claims
    with pytest.raises(AnalysisTooSlow, match="took too long to analyse"):
        runner.analyze(Article(text=LONG))
    assert runner.analyze(Article(text=SHORT)).claims


def test_a_text_past_the_deadline_is_refused_while_acks_and_health_go_on(pooled_bot: Bot) -> None:
    bot = pooled_bot
    assert bot.server.http.get("/healthz").json()["model_loaded"] is False
    warm = mention(bot, f"<@{BOT_USER_ID}> {SHORT}")
    assert bot.server.event(warm).status_code == 200
    assert "pasted text" in all_text(wait_for_replies(bot, warm["ts"])[0])  # the worker is up, the model loaded

    slow = mention(bot, f"<@{BOT_USER_ID}> {LONG}")
    assert bot.server.event(slow).status_code == 200
    (progress,) = bot.slack.wait_for(lambda: bot_replies(bot, slow["ts"]), timeout=30)
    assert progress["text"].startswith("Reading")

    # While the worker process parses, the web process answers as usual.
    health = bot.server.http.get("/healthz")
    ordinary = {"type": "message", "channel": CHANNEL, "user": "U0EDITOR", "text": "Coffee at 11?", "ts": "5.5"}
    ack = bot.server.event(ordinary)
    still_reading = [m["text"] for m in bot_replies(bot, slow["ts"])]
    assert (health.status_code, health.json()["model_loaded"], ack.status_code) == (200, True, 200)
    assert still_reading == [progress["text"]]

    (refusal,) = wait_for_replies(bot, slow["ts"])
    assert refusal["ts"] == progress["ts"]
    assert "This text took too long to analyse (more than 1 second)" in all_text(refusal)

    after = mention(bot, f"<@{BOT_USER_ID}> Officials said 14 homes lost power in the storm on Friday night.")
    bot.server.event(after)
    assert "pasted text" in all_text(wait_for_replies(bot, after["ts"])[0])  # a new worker took over
    assert len(bot.slack.calls_to("chat.postMessage")) == 3
    assert json.loads(bot.server.http.get("/healthz").text)["status"] == "ok"
