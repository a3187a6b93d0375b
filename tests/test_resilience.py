"""Exactly one answer through rate limits and Redis outages; the cache spares spaCy; posts are paced."""

from __future__ import annotations

import itertools
import logging
import threading
from typing import Any

import pytest
from redis_server import RedisServer

from bot import blocks
from bot.models import Analysis, Article
from bot.nlp.pipeline import Analyzer
from bot.slack import Poster
from bot.store import RedisStore
from tests.conftest import Bot, running_bot
from tests.fetch_server import PageServer
from tests.handlers.support import CHANNEL, all_text, bot_replies, mention
from tests.slack_api import BOT_USER_ID, SlackEmulator

pytestmark = [pytest.mark.slow, pytest.mark.redis]

TEXT = (
    "The council said on Monday that it would spend $4 million on roads next year, "
    'and the mayor said: "We will fix every pothole by spring."'
)


@pytest.fixture
def analyses(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> list[Article]:
    """Every article the bot's analyzer runs spaCy on, in order."""
    return count_analyses(bot, monkeypatch)


def count_analyses(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> list[Article]:
    analyzer = bot.runtime.service.analyzer
    seen: list[Article] = []
    real = analyzer.analyze

    def analyze(article: Article, **kwargs: Any) -> Analysis:
        seen.append(article)
        return real(article, **kwargs)

    monkeypatch.setattr(analyzer, "analyze", analyze)
    return seen


def ask(bot: Bot, text: str) -> dict[str, Any]:
    """Mention nutgraf with ``text`` and return its one finished reply in the thread."""
    event = mention(bot, text)
    ts = event["ts"]
    assert bot.server.event(event).status_code == 200

    def finished() -> list[dict[str, Any]] | None:
        replies = bot_replies(bot, ts)
        return replies if replies and all("Reading" not in str(m.get("text")) for m in replies) else None

    (reply,) = bot.slack.wait_for(finished, timeout=60)
    return reply


def action_ids(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def redis_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING and "Redis" in r.getMessage()]


# -- Slack rate limits ------------------------------------------------------------------------------------------


def test_rate_limited_first_post_is_posted_once_after_the_wait(bot: Bot) -> None:
    bot.slack.fail_next("chat.postMessage", status=429, retry_after=1)
    reply = ask(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/article.html')}>")
    assert "flood barrier" in all_text(reply)
    refused, posted = bot.slack.calls_to("chat.postMessage")
    assert (refused.status, posted.status) == (429, 200)
    assert posted.time - refused.time >= 1.0  # Retry-After was honoured


def test_posts_to_one_channel_are_spaced_across_processes(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two posters with their own Redis connections stand for two processes.
    stores = [RedisStore.from_url(redis_url) for _ in range(2)]
    posters = [Poster(slack_api.client(), store) for store in stores]
    waits: list[tuple[str, float]] = []  # (channel, seconds to wait) of each slot the first poster took
    reserve = stores[0].reserve_post_slot

    def recorded(channel: str, spacing: float = 1.0) -> float:
        wait = reserve(channel, spacing)
        waits.append((channel, wait))
        return wait

    monkeypatch.setattr(stores[0], "reserve_post_slot", recorded)
    per_poster = 3

    def post_three(poster: Poster, name: str) -> None:
        for n in range(per_poster):
            poster.post(CHANNEL, {"text": f"{name} {n}"})

    threads = [threading.Thread(target=post_three, args=(p, f"poster {i}")) for i, p in enumerate(posters)]
    for thread in threads:
        thread.start()
    slack_api.wait_for(lambda: len(slack_api.calls_to("chat.postMessage")) >= 2)
    posters[0].post("C0GENERAL", {"text": "another channel"})
    waiting = 2 * per_poster - sum(c.params["channel"] == CHANNEL for c in slack_api.calls_to("chat.postMessage"))
    for thread in threads:
        thread.join(30)
    for store in stores:
        store.close()

    times = [c.time for c in slack_api.calls_to("chat.postMessage") if c.params["channel"] == CHANNEL]
    assert len(times) == 2 * per_poster
    gaps = [b - a for a, b in itertools.pairwise(times)]
    print(f"gaps between posts to one channel: {', '.join(f'{g:.3f}' for g in gaps)} s")
    assert min(gaps) >= 0.5
    assert times[-1] - times[0] >= 0.9 * (len(times) - 1)
    # Another channel does not wait for this one's queue: its slot was free at once, while posts to this
    # channel were still waiting their turn.
    assert waiting > 0
    assert ("C0GENERAL", 0.0) in waits


# -- the cache --------------------------------------------------------------------------------------------------


def test_same_link_twice_is_answered_from_cache_without_spacy(bot: Bot, analyses: list[Article]) -> None:
    url = bot.site.url("/article.html")
    first = ask(bot, f"<@{BOT_USER_ID}> <{url}>")
    assert len(analyses) == 1
    assert "cached" not in all_text(first)
    second = ask(bot, f"<@{BOT_USER_ID}> have you seen <{url}>?")
    assert len(analyses) == 1
    assert bot.site.hits["/article.html"] == 1
    assert "cached" in all_text(second)
    assert blocks.ACTION_REANALYSE in action_ids(second)
    assert second["blocks"][0] == first["blocks"][0]  # the same headline


def test_another_link_to_a_cached_page_is_fetched_but_not_analysed_again(bot: Bot, analyses: list[Article]) -> None:
    ask(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/article.html')}>")
    second = ask(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/article.html?page=1')}>")
    assert bot.site.hits["/article.html"] == 2
    assert len(analyses) == 1
    assert "cached" in all_text(second)
    third = ask(bot, f"<@{BOT_USER_ID}> <{bot.site.url('/article.html?page=1')}>")
    assert bot.site.hits["/article.html"] == 2
    assert "cached" in all_text(third)


def test_same_text_twice_is_answered_from_cache_without_spacy(bot: Bot, analyses: list[Article]) -> None:
    ask(bot, f"<@{BOT_USER_ID}> {TEXT}")
    assert len(analyses) == 1
    respaced = TEXT.replace(" ", "  ").replace("next year, ", "next year,\n")
    second = ask(bot, f"<@{BOT_USER_ID}>   {respaced}")
    assert len(analyses) == 1
    assert "cached" in all_text(second)


# -- Redis outages ----------------------------------------------------------------------------------------------


def test_redis_restarted_mid_run(
    slack_api: SlackEmulator,
    private_redis: RedisServer,
    analyzer: Analyzer,
    page_server: PageServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    url = page_server.url("/article.html")
    with running_bot(slack_api, private_redis.url, analyzer, page_server) as bot:
        analyses = count_analyses(bot, monkeypatch)
        assert bot.server.http.get("/healthz").json()["redis"] == "ok"
        ask(bot, f"<@{BOT_USER_ID}> <{url}>")
        assert "cached" in all_text(ask(bot, f"<@{BOT_USER_ID}> <{url}>"))
        assert len(analyses) == 1

        private_redis.stop()
        down = ask(bot, f"<@{BOT_USER_ID}> <{url}>")
        assert "flood barrier" in all_text(down) and "cached" not in all_text(down)
        assert "flood barrier" in all_text(ask(bot, f"<@{BOT_USER_ID}> again <{url}>"))
        assert "pasted text" in all_text(ask(bot, f"<@{BOT_USER_ID}> {TEXT}"))
        assert len(analyses) == 4  # no cache while Redis is away
        health = bot.server.http.get("/healthz").json()
        assert (health["status"], health["redis"]) == ("degraded", "unreachable")
        (warning,) = redis_warnings(caplog)
        assert "unreachable" in warning

        private_redis.restart()
        assert "cached" not in all_text(ask(bot, f"<@{BOT_USER_ID}> <{url}>"))  # a fresh Redis is empty
        assert "cached" in all_text(ask(bot, f"<@{BOT_USER_ID}> <{url}>"))
        assert len(analyses) == 5
        assert bot.server.http.get("/healthz").json()["redis"] == "ok"
        assert len(redis_warnings(caplog)) == 1
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        replies = [m for m in slack_api.messages(CHANNEL) if m.get("user") == BOT_USER_ID]
        assert len(replies) == len(slack_api.calls_to("chat.postMessage")) == 7


def test_rq_mode_with_redis_down_answers_inline(
    slack_api: SlackEmulator,
    private_redis: RedisServer,
    analyzer: Analyzer,
    page_server: PageServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with running_bot(slack_api, private_redis.url, analyzer, page_server, jobs="rq") as bot:
        private_redis.stop()
        reply = ask(bot, f"<@{BOT_USER_ID}> <{page_server.url('/article.html')}>")
    assert "flood barrier" in all_text(reply)
    assert any("running it here instead" in r.getMessage() for r in caplog.records)
    assert len(slack_api.calls_to("chat.postMessage")) == 1
