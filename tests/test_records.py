"""Corrections and story records in the store (real Redis), forgetting them, and the pure parts of corrections."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import redis

from bot import corrections
from bot.blocks import menu_value, parse_menu_value
from bot.forget import Forgetting, forgetting_for
from bot.models import Analysis, CorrectedStory, Correction, DigestStory, Quote, Source, ThreadAnswer
from bot.store import RedisStore, cache_keys, story_id, versionless

NOON = datetime(2026, 3, 3, 12, 0, tzinfo=timezone.utc)
TEXT = '"We will reopen by June," said Lena Hartwell. Tobias Renn said the money was not there.'
HARTWELL = Quote(speaker="Lena Hartwell", speaker_role="mayor", content="We will reopen by June,", kind="direct",
                 start=1, end=24)  # fmt: skip
RENN = Quote(speaker="Tobias Renn", content="the money was not there", kind="indirect", start=63, end=86)


def correction(kind: str, minute: int, **values: object) -> Correction:
    return Correction(kind=kind, at=NOON.replace(minute=minute), **values)  # type: ignore[arg-type]


def test_apply_replaces_speakers_drops_non_quotes_and_adds_missed_ones() -> None:
    fixed = corrections.apply(
        [HARTWELL, RENN],
        [
            correction("speaker", 1, start=1, end=24, speaker="Edda Marsh"),
            correction("not_quote", 2, start=63, end=86),
            correction("missing", 3, content="the money was not there", speaker="Tobias Renn", quote_kind="indirect"),
            correction("speaker", 4, start=63, end=86, speaker="Treasurer Renn"),
        ],
        TEXT,
    )
    assert [(q.speaker, q.speaker_role, q.content, q.kind, q.start) for q in fixed] == [
        ("Edda Marsh", None, "We will reopen by June,", "direct", 1),
        ("Treasurer Renn", None, "the money was not there", "indirect", 63),
    ]


def test_a_missed_quote_whose_words_are_not_in_the_text_is_still_kept() -> None:
    (added,) = corrections.apply([], [correction("missing", 1, content="words not there", speaker="A")], TEXT)
    assert (added.start, added.end, added.kind) == (0, 15, "direct")


def test_export_line_is_the_evaluation_format() -> None:
    story = CorrectedStory(
        story="abc",
        team="T1",
        text=TEXT,
        quotes=[HARTWELL, RENN],
        corrections=[correction("speaker", 1, start=1, end=24, speaker="Edda Marsh")],
    )
    assert corrections.export_line(story) == {
        "id": "T1/abc",
        "text": TEXT,
        "quotes": [
            {"speaker": "Edda Marsh", "content": "We will reopen by June,", "kind": "direct"},
            {"speaker": "Tobias Renn", "content": "the money was not there", "kind": "indirect"},
        ],
    }
    assert corrections.export_line(story.model_copy(update={"text": None})) is None
    assert corrections.parse_export_id("T1/abc") == ("T1", "abc")


def test_menu_values_fit_slack_and_round_trip() -> None:
    value = menu_value("speaker", "f" * 32, RENN)
    assert len(value) <= 150
    assert parse_menu_value(value) == ("speaker", "f" * 32, 63, 86)
    assert parse_menu_value("speaker|x|1") is None
    assert parse_menu_value("delete|x|1|2") is None
    assert parse_menu_value("speaker|x|a|2") is None


def test_modal_submissions_become_requests_or_errors() -> None:
    view = {
        "id": "V1",
        "private_metadata": corrections.modal_metadata("abc", "C1", "1.2", 1, 24),
        "state": {"values": {"speaker": {"speaker": {"type": "plain_text_input", "value": "  Edda   Marsh "}}}},
    }
    request, errors = corrections.speaker_request({"user": {"id": "U1"}}, view)
    assert errors == {} and request is not None
    assert (request.kind, request.story, request.start, request.end, request.speaker) == (
        "speaker",
        "abc",
        1,
        24,
        "Edda Marsh",
    )
    view["private_metadata"] = "not ours"
    assert corrections.speaker_request({"user": {"id": "U1"}}, view)[1] == {
        "speaker": "This form is out of date: open the quote's menu again."
    }
    missing = {
        "id": "V2",
        "private_metadata": corrections.modal_metadata("abc", "C1", None),
        "state": {"values": {"words": {"words": {"type": "plain_text_input", "value": "“Yes”"}},
                             "speaker": {"speaker": {"type": "plain_text_input", "value": ""}}}},
    }  # fmt: skip
    assert corrections.missing_quote_request({"user": {"id": "U1"}}, missing)[1] == {
        "words": "Paste the words of the quote, as the story gives them.",
        "speaker": "Type the name of the person who said it.",
    }


# -- the store ---------------------------------------------------------------------------------------------------


def analysis() -> Analysis:
    source = Source(kind="url", url="https://news.example/ferry?amp=1", canonical_url="https://news.example/ferry")
    return Analysis(source=source, pipeline_version="v2", quotes=[HARTWELL, RENN], summary=["Ferry closes."])


@pytest.mark.redis
def test_a_story_keeps_one_id_whichever_key_reaches_it(redis_store: RedisStore) -> None:
    amp = cache_keys("v2", canonical_url="https://news.example/ferry?amp=1", text=None)
    canonical = cache_keys("v2", canonical_url="https://news.example/ferry", text=None)
    first = redis_store.register_story(amp, 3600, team="T1", user="U1", message=("C1", "1.1"), reply="r:0")
    again = redis_store.register_story(
        [*canonical, *amp], 3600, team="T1", user="U2", message=("C2", "2.2"), urls=["https://news.example/ferry"]
    )
    assert first == again
    record = redis_store.find_story(cache_keys("v9", canonical_url="https://news.example/ferry", text=None))
    assert record is not None and record.id == first
    assert record.keys == sorted({versionless(amp[0]), versionless(canonical[0])})
    assert (record.team, record.requesters, record.replies) == ("T1", ["U1", "U2"], ["r:0"])
    assert record.messages == [("C1", "1.1"), ("C2", "2.2")] and record.channels == ["C1", "C2"]
    assert record.urls == ["https://news.example/ferry"]
    assert 3590 < redis_store.client.ttl(f"nutgraf:st:{first}") <= 3600


@pytest.mark.redis
def test_forgetting_removes_every_version_alias_text_digest_reply_and_correction(
    redis_store: RedisStore, redis_client: redis.Redis
) -> None:
    keys = [*cache_keys("v2", canonical_url="https://news.example/ferry?amp=1", text=None),
            *cache_keys("v2", canonical_url="https://news.example/ferry", text=None)]  # fmt: skip
    old = cache_keys("v1", canonical_url="https://news.example/ferry", text=None)
    other = cache_keys("v2", canonical_url="https://news.example/other", text=None)
    redis_store.put_analysis(keys, analysis(), 3600, text=TEXT)
    redis_store.put_analysis(old, analysis(), 3600, text=TEXT)
    redis_store.put_analysis(other, analysis(), 3600, text="another story")
    sid = redis_store.register_story(
        keys,
        3600,
        team="T1",
        user="U1",
        message=("C1", "1.1"),
        reply="msg:C1:1.1:0",
        urls=["https://news.example/ferry"],
    )
    assert sid is not None
    redis_store.set_reply("msg:C1:1.1:0", "C1", "1.1")
    redis_store.record_story(DigestStory(key="https://news.example/ferry", title="Ferry", channel="C1",
                                         recorded_at=NOON), 30)  # fmt: skip
    redis_store.record_story(DigestStory(key="https://news.example/other", title="Other", channel="C1",
                                         recorded_at=NOON), 30)  # fmt: skip
    snapshot = CorrectedStory(story=sid, team="T1", text=TEXT, keys=[versionless(k) for k in keys])
    assert redis_store.add_correction("T1", snapshot, correction("not_quote", 1, start=63, end=86))
    assert redis_store.get_story_text(keys[1]) == TEXT  # through the alias
    redis_store.set_thread_answer("C1", "1.0", ThreadAnswer(story=sid, ts="1.1", fingerprint=[3, 5]), 3600)
    redis_store.set_thread_answer("C1", "1.0", ThreadAnswer(story="another", ts="1.2"), 3600)

    record = redis_store.story(sid)
    assert record is not None
    removed = forgetting_for(redis_store).forget(record)
    # the cache: v2's analysis, its text and its alias; v1's analysis and text
    assert removed == {
        "cache": 5, "digests": 1, "replies": 1, "corrections": 1, "thread": 1, "memory": 0, "record": 3
    }  # fmt: skip
    left = sorted(k.decode() for k in redis_client.scan_iter(match="nutgraf:*"))
    assert left == sorted(["nutgraf:" + other[0], "nutgraf:" + other[0] + ":text", "nutgraf:d:C1",
                           f"nutgraf:ds:C1:{story_id('https://news.example/other')}", "nutgraf:recent",
                           "nutgraf:th:C1:1.0"])  # fmt: skip
    assert [a.story for a in redis_store.thread_answers("C1", "1.0")] == ["another"]
    assert [s.key for s in redis_store.recent_stories()] == ["https://news.example/other"]


@pytest.mark.redis
def test_a_thread_keeps_one_answer_per_story_for_as_long_as_story_records(redis_store: RedisStore) -> None:
    assert redis_store.thread_answers("C1", "5.0") == []
    redis_store.set_thread_answer("C1", "5.0", ThreadAnswer(story="s1", ts="5.1", fingerprint=[1, 2]), 3600)
    redis_store.set_thread_answer("C1", "5.0", ThreadAnswer(story="s2", ts="5.2"), 3600)
    redis_store.set_thread_answer("C1", "5.0", ThreadAnswer(story="s1", ts="5.3", fingerprint=[1, 2]), 7200)
    redis_store.set_thread_answer("C1", "6.0", ThreadAnswer(story="s1", ts="6.1"), 3600)
    found = sorted(redis_store.thread_answers("C1", "5.0"), key=lambda a: a.story)
    assert [(a.story, a.ts, a.fingerprint) for a in found] == [("s1", "5.3", [1, 2]), ("s2", "5.2", [])]
    assert 7190 < redis_store.client.ttl("nutgraf:th:C1:5.0") <= 7200
    assert [a.ts for a in redis_store.thread_answers("C1", "6.0")] == ["6.1"]
    redis_store.client.hset("nutgraf:th:C1:5.0", "s3", "{not json")
    assert len(redis_store.thread_answers("C1", "5.0")) == 2  # a broken entry is skipped

    away = RedisStore.from_url("redis://127.0.0.1:9/0", timeout=0.2)
    assert away.thread_answers("C1", "5.0") == []


def test_the_registry_runs_every_forgetter_in_order() -> None:
    from bot.models import StoryRecord

    calls: list[str] = []
    forgetting = Forgetting()
    forgetting.add("cache", lambda story: calls.append(f"cache {story.id}") or 2)
    forgetting.add("memory", lambda story: calls.append(f"memory {story.id}") or 1)

    assert forgetting.forget(StoryRecord(id="s1")) == {"cache": 2, "memory": 1}
    assert calls == ["cache s1", "memory s1"]


@pytest.mark.redis
def test_private_mode_is_per_channel_and_assumed_while_redis_is_away(redis_store: RedisStore) -> None:
    assert redis_store.get_private("C1") is False
    redis_store.set_private("C1", True)
    assert (redis_store.get_private("C1"), redis_store.get_private("C2")) == (True, False)
    redis_store.set_private("C1", False)
    assert redis_store.get_private("C1") is False
    away = RedisStore.from_url("redis://127.0.0.1:9/0", timeout=0.2)
    assert away.get_private("C1") is True
