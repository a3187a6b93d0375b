"""Forgetting a story end to end: the reply's menu and ``/nutgraf forget``, who may, and what is left in Redis."""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from typing import Any

import pytest
import redis

from bot.links import canonicalize_url
from bot.store import cache_keys
from tests.conftest import Bot
from tests.handlers.support import (
    CHANNEL,
    REPORTER,
    all_text,
    assert_block_kit_accepted,
    bot_replies,
    choose,
    click,
    mention,
    wait_for_replies,
)
from tests.slack_api import BOT_USER_ID

pytestmark = [pytest.mark.slow, pytest.mark.redis]

#: An embargoed story (invented), pasted as text: every 8 words of it must be gone after forgetting.
EMBARGOED = (
    "Marrowby water board will raise household bills by 14 percent from April, according to a draft "
    "budget seen before its publication on Thursday. The board's finance director, Oriel Stanbridge, "
    'said the rise was "the only way to keep the reservoirs safe through another dry summer." '
    "Councillor Bram Ettinger called the plan a quiet tax on pensioners and said the board had hidden "
    "the size of its pension deficit for two years. The draft shows the deficit reached 61 million pounds "
    "in January, up from 38 million a year earlier."
)


def word_windows(text: str, size: int = 8) -> set[str]:
    """Every run of ``size`` words of ``text``, as lower-case word tokens."""
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _readable(raw: bytes) -> list[str]:
    """A stored value as text, also JSON-decoded and (rq's job data) decompressed, so nothing hides in escapes."""
    texts = [raw.decode("utf-8", "replace")]
    with contextlib.suppress(zlib.error):
        texts.append(zlib.decompress(raw).decode("utf-8", "replace"))
    for text in list(texts):
        with contextlib.suppress(ValueError):
            texts += _strings(json.loads(text))
    return texts


def values_of(client: redis.Redis, key: bytes) -> list[bytes]:
    """Every value a key holds, whatever its type (and its name)."""
    kind = client.type(key).decode()
    found = [key]
    if kind == "string":
        found.append(client.get(key) or b"")
    elif kind == "hash":
        for field, value in client.hgetall(key).items():
            found += [field, value]
    elif kind == "list":
        found += client.lrange(key, 0, -1)
    elif kind == "set":
        found += list(client.smembers(key))
    elif kind == "zset":
        found += client.zrange(key, 0, -1)
    elif kind == "stream":
        for _, fields in client.xrange(key):
            for field, value in fields.items():
                found += [field, value]
    return found


def keys_holding(redis_url: str, text: str, patterns: tuple[str, ...] = ("nutgraf:*", "rq:*")) -> dict[str, set[str]]:
    """Keys (of every type) holding any 8-word window of ``text``, with the windows found."""
    windows = word_windows(text)
    client = redis.Redis.from_url(redis_url)
    found: dict[str, set[str]] = {}
    try:
        for pattern in patterns:
            for key in client.scan_iter(match=pattern, count=1000):
                tokens = " ".join(
                    " ".join(re.findall(r"\w+", readable.lower()))
                    for raw in values_of(client, key)
                    for readable in _readable(raw)
                )
                hits = {w for w in windows if w in tokens}
                if hits:
                    found[key.decode()] = hits
    finally:
        client.close()
    return found


def ask(bot: Bot, text: str, user: str = REPORTER) -> tuple[str, dict[str, Any]]:
    """Mention the bot; returns the thread and the reply once the story is also recorded for digests."""
    event = mention(bot, f"<@{BOT_USER_ID}> {text}", user=user)
    assert bot.server.event(event).status_code == 200
    (reply,) = wait_for_replies(bot, event["ts"])
    bot.slack.wait_for(lambda: bot.runtime.store.recent_stories(1), timeout=10)
    return event["ts"], reply


def test_forget_leaves_no_eight_words_of_the_story_in_redis(bot: Bot, redis_url: str) -> None:
    # a channel with scheduled digests, where the story is also listed in full and shared
    assert bot.server.command("digest daily 17:30 Europe/London", channel=CHANNEL).status_code == 200
    assert bot.runtime.store.get_schedule(CHANNEL) is not None
    thread, reply = ask(bot, EMBARGOED)
    assert choose(bot, reply, "Correct a quote…").status_code == 200
    assert click(bot, reply, "nutgraf_share").status_code == 200
    bot.slack.wait_for(lambda: len(bot_replies(bot, thread)) >= 3, timeout=30)
    before = keys_holding(redis_url, EMBARGOED)
    # the cache, its kept text and the digest record all hold the story before it is forgotten
    assert any(k.startswith("nutgraf:a:") for k in before) and any(k.startswith("nutgraf:ds:") for k in before)

    assert choose(bot, reply, "Forget this story").status_code == 200

    def forgotten() -> list[dict[str, Any]] | None:
        replies = bot_replies(bot, thread)
        return replies if all("removed from nutgraf" in all_text(m) for m in replies) else None

    for message in bot.slack.wait_for(forgotten, timeout=30):
        assert f"<@{REPORTER}>" in all_text(message)
    bot.slack.wait_for(lambda: bot.slack.ephemerals, timeout=10)
    assert "Forgotten" in all_text(bot.slack.ephemerals[-1])
    assert keys_holding(redis_url, EMBARGOED) == {}
    assert bot.runtime.store.recent_stories(10) == []
    assert_block_kit_accepted(bot)


def test_someone_else_may_not_forget_but_an_admin_may(bot: Bot, redis_url: str) -> None:
    thread, reply = ask(bot, EMBARGOED)
    assert choose(bot, reply, "Forget this story", user="U0EDITOR").status_code == 200
    refused = bot.slack.wait_for(lambda: bot.slack.ephemerals, timeout=30)[-1]
    assert refused["to_user"] == "U0EDITOR"
    assert f"Only <@{REPORTER}> or a workspace admin can forget this story" in all_text(refused)
    assert keys_holding(redis_url, EMBARGOED)  # nothing was removed
    assert "removed from nutgraf" not in all_text(bot_replies(bot, thread)[0])

    assert choose(bot, reply, "Forget this story", user="U0ADMIN").status_code == 200
    bot.slack.wait_for(lambda: "removed from nutgraf by <@U0ADMIN>" in all_text(bot_replies(bot, thread)[0]), 30)
    assert keys_holding(redis_url, EMBARGOED) == {}
    assert [c.params["user"] for c in bot.slack.calls_to("users.info")] == ["U0EDITOR", "U0ADMIN"]


def test_forget_by_link_removes_every_version_and_alias(bot: Bot, redis_client: redis.Redis) -> None:
    link = bot.site.url("/article.html")
    thread, reply = ask(bot, f"<{link}>")
    assert "flood barrier" in all_text(reply)
    # the same page cached by an older pipeline version, as after an upgrade
    store = bot.runtime.store
    version = bot.runtime.service.analyzer.version
    current = cache_keys(version, canonical_url=canonicalize_url(link), text=None)
    analysis = store.find_analysis(current)
    assert analysis is not None
    old = cache_keys("0.0.1+old", canonical_url=canonicalize_url(link), text=None)
    store.put_analysis(old, analysis, 3600, text="old text")
    assert redis_client.exists("nutgraf:" + old[0])

    response = bot.server.command(f"forget <{link}>", channel=CHANNEL, response_url=bot.slack.response_url())
    assert response.text == "Forgetting that story…"
    (said,) = bot.slack.wait_for(bot.slack.responses, timeout=30)
    assert "Forgotten" in all_text(said.params)
    assert not [k for k in redis_client.scan_iter(match="nutgraf:a:*")]
    assert not [k for k in redis_client.scan_iter(match="nutgraf:ds:*")]
    assert not [k for k in redis_client.scan_iter(match="nutgraf:st:*")]
    bot.slack.wait_for(lambda: "removed from nutgraf" in all_text(bot_replies(bot, thread)[0]), timeout=10)


def test_forget_of_a_link_never_analysed_says_there_is_nothing(bot: Bot) -> None:
    response = bot.server.command(
        "forget <https://news.example/never-seen>", channel=CHANNEL, response_url=bot.slack.response_url()
    )
    assert response.status_code == 200
    (said,) = bot.slack.wait_for(bot.slack.responses, timeout=30)
    assert "nothing to forget" in all_text(said.params)
    assert not bot.slack.calls_to("users.info")  # no record: refused before anyone is looked up


def test_forget_without_a_link_explains_itself(bot: Bot) -> None:
    assert bot.server.command("forget", channel=CHANNEL).text.startswith("Usage: `/nutgraf forget <link>`")


def test_rq_jobs_keep_no_text_once_they_end(
    slack_api: Any, redis_url: str, redis_client: redis.Redis, analyzer: Any, page_server: Any
) -> None:
    from rq import Queue, SimpleWorker
    from rq.registry import FailedJobRegistry

    import bot.jobs
    from bot.jobs import QUEUE_NAME
    from tests.conftest import running_bot

    queue = Queue(QUEUE_NAME, connection=redis_client)
    with running_bot(slack_api, redis_url, analyzer, page_server, jobs="rq") as rq_bot:
        event = mention(rq_bot, f"<@{BOT_USER_ID}> {EMBARGOED}")
        assert rq_bot.server.event(event).status_code == 200
        (job_id,) = rq_bot.slack.wait_for(queue.get_job_ids, timeout=10)
        assert keys_holding(redis_url, EMBARGOED, ("rq:*",)) == {f"rq:job:{job_id}": word_windows(EMBARGOED)}
        SimpleWorker([queue], connection=redis_client).work(burst=True)
        (reply,) = bot_replies(rq_bot, event["ts"])
        assert "Marrowby" in all_text(reply)
        assert keys_holding(redis_url, EMBARGOED, ("rq:*",)) == {}  # a finished job is deleted

        # a job that fails for good is kept, for a day, without the text it was given
        original = bot.jobs.RETRY_INTERVALS
        bot.jobs.RETRY_INTERVALS = [0]
        try:
            rq_bot.slack.fail_next("chat.postMessage", error="fatal_error", times=10)
            again = mention(rq_bot, f"<@{BOT_USER_ID}> {EMBARGOED}")
            assert rq_bot.server.event(again).status_code == 200
            (failed_id,) = rq_bot.slack.wait_for(queue.get_job_ids, timeout=10)
            SimpleWorker([queue], connection=redis_client).work(burst=True)
        finally:
            bot.jobs.RETRY_INTERVALS = original
        assert FailedJobRegistry(queue=queue).get_job_ids() == [failed_id]
        job = queue.fetch_job(failed_id)
        assert job is not None and job.args[0]["text"] is None and job.args[0]["channel"] == CHANNEL
        assert 0 < redis_client.ttl(f"rq:job:{failed_id}") <= 86400
        assert keys_holding(redis_url, EMBARGOED, ("rq:*",)) == {}


def test_a_story_forgotten_while_it_is_answered_is_forgotten_again(
    bot: Bot, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import forget
    from bot.forget import ForgetRequest
    from bot.service import Service

    service = bot.runtime.service
    record = Service._record

    def forgotten_first(self: Service, request: Any, analysis: Any, cache_key: str, ts: str) -> None:
        # an admin forgets the story after the reply was posted, before its digest record is written
        story = self.store.find_story([cache_key])
        assert story is not None
        forget.run(self, ForgetRequest(key="f", channel=CHANNEL, user="U0ADMIN", story=story.id))
        record(self, request, analysis, cache_key, ts)

    monkeypatch.setattr(Service, "_record", forgotten_first)
    event = mention(bot, f"<@{BOT_USER_ID}> {EMBARGOED}")
    assert bot.server.event(event).status_code == 200

    def removed() -> bool:
        replies = bot_replies(bot, event["ts"])
        return bool(replies) and "This analysis was removed from nutgraf on" in all_text(replies[0])

    bot.slack.wait_for(removed, timeout=60)
    assert keys_holding(redis_url, EMBARGOED) == {}
    assert service.store.recent_stories(10) == []
