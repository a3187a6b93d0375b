"""The Redis store against a real redis-server: every method, TTLs, concurrency, and outages."""

from __future__ import annotations

import logging
import socket
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis
from pydantic import ValidationError
from redis_server import RedisServer, run_together

from bot.models import Analysis, Claim, DigestSchedule, DigestStory, Entity, Quote, Source
from bot.store import RECENT_KEPT, RedisStore, Store, cache_keys, normalise_text, story_id

pytestmark = pytest.mark.redis

UTC = timezone.utc
NOON = datetime(2025, 3, 30, 12, 0, tzinfo=UTC)


def make_analysis(version: str = "v1", title: str = "Council approves budget") -> Analysis:
    """An analysis the size of a typical news story's: 5 summary sentences, 8 quotes, 12 claims, 15 entities."""
    text_offsets = iter(range(0, 100_000, 300))
    quotes = []
    for i in range(8):
        start = next(text_offsets)
        quotes.append(
            Quote(
                speaker=f"Jane Doe {i}",
                speaker_role="council treasurer",
                cue="said",
                content=f"We have balanced the budget without cutting a single library, and that matters ({i}).",
                kind="direct",
                start=start,
                end=start + 90,
                cue_start=start + 95,
                cue_end=start + 99,
            )
        )
    claims = [
        Claim(
            text=f"Spending on roads rises by {i + 3}.5% to £{i + 12} million next year, officials said.",
            score=0.5 + i / 30,
            checkworthy=True,
            attribution="officials",
            hedged=i % 3 == 0,
            hedges=["about"] if i % 3 == 0 else [],
            numbers=[f"{i + 3}.5%", f"£{i + 12} million"],
            start=next(text_offsets),
            end=next(text_offsets),
        )
        for i in range(12)
    ]
    entities = [Entity(text=f"Entity {i}", label="ORG", count=i + 1, variants=[f"E{i}"]) for i in range(15)]
    return Analysis(
        id="a1",
        source=Source(kind="url", url="https://news.example/budget?utm=x", canonical_url="https://news.example/budget",
                      title=title, site="news.example", author="A. Reporter", published="2025-03-30"),
        word_count=850,
        pipeline_version=version,
        summary=[f"The council approved a £{i}40 million budget on Tuesday after a long debate." for i in range(5)],
        quotes=quotes,
        claims=claims,
        entities=entities,
        analysed_at=NOON,
    )  # fmt: skip


def make_story(key: str, channel: str = "C1", at: datetime = NOON, title: str = "A story") -> DigestStory:
    return DigestStory(key=key, title=title, channel=channel, recorded_at=at, thread_ts="1711800000.000100")


# -- cache keys ---------------------------------------------------------------------------------


def test_cache_keys_url_first_then_text() -> None:
    keys = cache_keys("v1", canonical_url="https://news.example/a", text="Some text")
    assert len(keys) == 2
    assert keys[0].startswith("a:v1:u:")
    assert keys[1].startswith("a:v1:t:")
    assert len(keys[0].rsplit(":", 1)[1]) == 64


def test_cache_keys_ignore_whitespace_differences() -> None:
    one = cache_keys("v1", canonical_url=None, text="The  council\napproved\t the budget. ")
    two = cache_keys("v1", canonical_url=None, text="The council approved the budget.")
    assert one == two
    assert normalise_text(" a\u00a0 b\n\nc ") == "a b c"


def test_cache_keys_differ_by_version_url_and_text() -> None:
    base = cache_keys("v1", canonical_url="https://news.example/a", text="x")
    assert cache_keys("v2", canonical_url="https://news.example/a", text="x") != base
    assert cache_keys("v1", canonical_url="https://news.example/b", text="x")[0] != base[0]
    assert cache_keys("v1", canonical_url="https://news.example/a", text="y")[1] != base[1]


def test_cache_keys_skip_missing_parts() -> None:
    assert cache_keys("v1", canonical_url=None, text=None) == []
    assert cache_keys("v1", canonical_url=None, text=" \n\t ") == []
    assert [k[:7] for k in cache_keys("v1", canonical_url="https://news.example/a", text=None)] == ["a:v1:u:"]


# -- analysis cache -----------------------------------------------------------------------------


def test_put_analysis_stores_once_and_aliases(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    analysis = make_analysis()
    keys = cache_keys("v1", canonical_url="https://news.example/budget", text="The council approved...")
    redis_store.put_analysis(keys, analysis, ttl=600)

    assert redis_store.get_analysis(keys[0]) == analysis
    assert redis_store.get_analysis(keys[1]) == analysis
    primary = redis_client.get("nutgraf:" + keys[0])
    alias = redis_client.get("nutgraf:" + keys[1])
    assert primary is not None and primary.startswith(b"{")
    assert alias == b"@" + keys[0].encode()
    for key in keys:
        assert 590 <= redis_client.ttl("nutgraf:" + key) <= 600


def test_get_analysis_misses(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    key = cache_keys("v1", canonical_url="https://news.example/none", text=None)[0]
    assert redis_store.get_analysis(key) is None
    redis_client.set("nutgraf:" + key, "@a:v1:u:gone")
    assert redis_store.get_analysis(key) is None


def test_other_pipeline_version_misses(redis_store: RedisStore) -> None:
    url = "https://news.example/budget"
    redis_store.put_analysis(cache_keys("v1", canonical_url=url, text=None), make_analysis("v1"), ttl=600)
    assert redis_store.get_analysis(cache_keys("v2", canonical_url=url, text=None)[0]) is None


def test_find_analysis_returns_first_hit(redis_store: RedisStore) -> None:
    text_only = cache_keys("v1", canonical_url=None, text="Pasted story")
    redis_store.put_analysis(text_only, make_analysis(title="Pasted"), ttl=600)
    both = cache_keys("v1", canonical_url="https://news.example/other", text="Pasted story")
    found = redis_store.find_analysis(both)
    assert found is not None and found.headline == "Pasted"
    assert redis_store.find_analysis(cache_keys("v1", canonical_url="https://news.example/x", text=None)) is None


def test_put_analysis_replaces_and_forgets(redis_store: RedisStore) -> None:
    keys = cache_keys("v1", canonical_url="https://news.example/budget", text="Text")
    redis_store.put_analysis(keys, make_analysis(title="Old"), ttl=600)
    redis_store.put_analysis(keys, make_analysis(title="New"), ttl=600)
    assert [redis_store.get_analysis(k).headline for k in keys] == ["New", "New"]  # type: ignore[union-attr]
    redis_store.forget_analysis(keys)
    assert [redis_store.get_analysis(k) for k in keys] == [None, None]


def test_put_analysis_with_duplicate_keys_keeps_the_value(redis_store: RedisStore) -> None:
    key = cache_keys("v1", canonical_url="https://news.example/budget", text=None)[0]
    redis_store.put_analysis([key, key], make_analysis(), ttl=600)
    assert redis_store.get_analysis(key) == make_analysis()


def test_put_analysis_with_zero_ttl_stores_nothing(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    redis_store.put_analysis(cache_keys("v1", canonical_url="https://news.example/a", text="t"), make_analysis(), 0)
    assert redis_client.dbsize() == 0


def test_cached_analysis_expires(redis_store: RedisStore) -> None:
    keys = cache_keys("v1", canonical_url="https://news.example/a", text="t")
    redis_store.put_analysis(keys, make_analysis(), ttl=1)
    time.sleep(1.2)
    assert [redis_store.get_analysis(k) for k in keys] == [None, None]


def test_invalid_cached_analysis_is_a_miss(
    redis_store: RedisStore,
    redis_client: redis.Redis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    key = cache_keys("v1", canonical_url="https://news.example/a", text=None)[0]
    redis_client.set("nutgraf:" + key, '{"pipeline_version": "v1", "unexpected": 1}')
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert redis_store.get_analysis(key) is None
    assert "no longer validates" in caplog.text


def test_memory_per_cached_analysis(redis_store: RedisStore, capsys: pytest.CaptureFixture[str]) -> None:
    analysis = make_analysis()
    keys = cache_keys("v1", canonical_url="https://news.example/budget", text="Some pasted text " * 100)
    redis_store.put_analysis(keys, analysis, ttl=600)
    primary = redis_store.memory_usage(keys[:1])
    alias = redis_store.memory_usage(keys[1:])
    total = redis_store.memory_usage(keys)
    assert primary is not None and alias is not None
    assert primary >= len(analysis.model_dump_json())
    assert alias < 300 < primary
    assert total == primary + alias
    with capsys.disabled():
        print(
            f"\nRedis memory per cached analysis: {total} bytes "
            f"({primary} for the JSON of {len(analysis.model_dump_json())} chars, {alias} for the alias)"
        )


# -- exactly-once -------------------------------------------------------------------------------


def test_claim_once_then_release(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    assert redis_store.claim("Ev123") is True
    assert redis_store.claim("Ev123") is False
    assert 3590 <= redis_client.ttl("nutgraf:once:Ev123") <= 3600
    assert redis_store.claim("Ev456", ttl=30) is True
    assert 25 <= redis_client.ttl("nutgraf:once:Ev456") <= 30
    redis_store.release("Ev123")
    assert redis_store.claim("Ev123") is True


def test_claim_expires(redis_store: RedisStore) -> None:
    assert redis_store.claim("Ev1", ttl=1)
    time.sleep(1.2)
    assert redis_store.claim("Ev1", ttl=1)


def test_concurrent_claims_exactly_one_wins(redis_url: str, redis_store: RedisStore) -> None:
    stores = [RedisStore.from_url(redis_url) for _ in range(4)]
    try:
        results = run_together(16, lambda i: stores[i % 4].claim("Ev-concurrent"))
    finally:
        for store in stores:
            store.close()
    assert results.count(True) == 1
    assert results.count(False) == 15


def test_reply_is_remembered_once(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    assert redis_store.get_reply("Ev1") is None
    assert redis_store.set_reply("Ev1", "C1", "1711800000.000100") is True
    assert redis_store.set_reply("Ev1", "C1", "1711800099.000200") is False
    assert redis_store.get_reply("Ev1") == ("C1", "1711800000.000100")
    assert 86390 <= redis_client.ttl("nutgraf:reply:Ev1") <= 86400
    assert redis_store.set_reply("Ev2", "C2", "1.2", ttl=60)
    assert 55 <= redis_client.ttl("nutgraf:reply:Ev2") <= 60


def test_concurrent_set_reply_exactly_one_wins(redis_store: RedisStore) -> None:
    results = run_together(8, lambda i: redis_store.set_reply("Ev-race", "C1", f"{i}.0"))
    assert results.count(True) == 1
    winner = results.index(True)
    assert redis_store.get_reply("Ev-race") == ("C1", f"{winner}.0")


# -- channel settings ---------------------------------------------------------------------------


def test_auto_is_off_by_default_and_per_channel(redis_store: RedisStore) -> None:
    assert redis_store.get_auto("C1") is False
    redis_store.set_auto("C1", True)
    assert redis_store.get_auto("C1") is True
    assert redis_store.get_auto("C2") is False
    redis_store.set_auto("C1", False)
    assert redis_store.get_auto("C1") is False


def test_prefixes_keep_stores_apart(redis_url: str, redis_store: RedisStore) -> None:
    other = RedisStore(redis.Redis.from_url(redis_url, decode_responses=True), prefix="elsewhere:")
    try:
        redis_store.set_auto("C1", True)
        assert other.get_auto("C1") is False
        assert other.claim("Ev1") and redis_store.claim("Ev1")
    finally:
        other.close()


# -- digest records -----------------------------------------------------------------------------


def test_stories_in_window_oldest_first(redis_store: RedisStore) -> None:
    for hours, key in [(-30, "a"), (-2, "b"), (-5, "c"), (0, "d"), (1, "e")]:
        redis_store.record_story(make_story(key, at=NOON + timedelta(hours=hours)), retention_days=30)
    window = redis_store.stories("C1", NOON - timedelta(hours=24), NOON)
    assert [s.key for s in window] == ["c", "b", "d"]
    assert window[0] == make_story("c", at=NOON - timedelta(hours=5))
    assert [s.key for s in redis_store.stories("C1", NOON - timedelta(days=7), NOON + timedelta(days=1))] == list(
        "acbde"
    )
    assert redis_store.stories("C2", NOON - timedelta(days=7), NOON + timedelta(days=1)) == []


def test_naive_datetimes_are_utc(redis_store: RedisStore) -> None:
    redis_store.record_story(make_story("a", at=NOON.replace(tzinfo=None)), retention_days=30)
    found = redis_store.stories("C1", NOON - timedelta(seconds=1), NOON + timedelta(seconds=1))
    assert [s.key for s in found] == ["a"]
    assert redis_store.stories("C1", NOON + timedelta(seconds=1), NOON + timedelta(hours=1)) == []


def test_same_story_twice_counts_once_latest_wins(redis_store: RedisStore) -> None:
    url = "https://news.example/budget"
    redis_store.record_story(make_story(url, at=NOON - timedelta(hours=3), title="First"), retention_days=30)
    redis_store.record_story(make_story("other", at=NOON - timedelta(hours=2)), retention_days=30)
    redis_store.record_story(make_story(url, at=NOON, title="Second"), retention_days=30)
    window = redis_store.stories("C1", NOON - timedelta(days=1), NOON)
    assert [(s.key, s.title) for s in window] == [("other", "A story"), (url, "Second")]
    assert [s.title for s in redis_store.recent_stories()] == ["Second", "A story"]


def test_same_story_in_two_channels_counts_in_each(redis_store: RedisStore) -> None:
    redis_store.record_story(make_story("k", channel="C1"), retention_days=30)
    redis_store.record_story(make_story("k", channel="C2"), retention_days=30)
    window = (NOON - timedelta(hours=1), NOON + timedelta(hours=1))
    assert [s.channel for s in redis_store.stories("C1", *window)] == ["C1"]
    assert [s.channel for s in redis_store.stories("C2", *window)] == ["C2"]
    assert sorted(s.channel for s in redis_store.recent_stories()) == ["C1", "C2"]


def test_retention_trims_old_stories(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    old = NOON - timedelta(days=31)
    redis_store.record_story(make_story("old", at=old), retention_days=30)
    redis_store.record_story(make_story("kept", at=NOON - timedelta(days=29)), retention_days=30)
    assert redis_client.exists(f"nutgraf:ds:C1:{story_id('old')}") == 1
    redis_store.record_story(make_story("new", at=NOON), retention_days=30)

    everything = redis_store.stories("C1", old - timedelta(days=1), NOON)
    assert [s.key for s in everything] == ["kept", "new"]
    assert redis_client.zcard("nutgraf:d:C1") == 2
    assert redis_client.exists(f"nutgraf:ds:C1:{story_id('old')}") == 0
    assert "old" not in [s.key for s in redis_store.recent_stories()]
    assert 30 * 86400 - 10 <= redis_client.ttl(f"nutgraf:ds:C1:{story_id('new')}") <= 30 * 86400
    assert 30 * 86400 - 10 <= redis_client.ttl("nutgraf:d:C1") <= 30 * 86400


def test_recent_stories_across_channels_newest_first(redis_store: RedisStore) -> None:
    for i in range(12):
        redis_store.record_story(make_story(f"k{i}", channel=f"C{i % 3}", at=NOON + timedelta(minutes=i)), 30)
    recent = redis_store.recent_stories()
    assert [s.key for s in recent] == [f"k{i}" for i in range(11, 1, -1)]
    assert [s.key for s in redis_store.recent_stories(limit=2)] == ["k11", "k10"]
    assert redis_store.recent_stories(limit=0) == []


def test_recent_stories_are_bounded(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    for i in range(RECENT_KEPT + 5):
        redis_store.record_story(make_story(f"k{i}", at=NOON + timedelta(seconds=i)), retention_days=30)
    assert redis_client.zcard("nutgraf:recent") == RECENT_KEPT
    assert redis_store.recent_stories(limit=1)[0].key == f"k{RECENT_KEPT + 4}"


# -- digest schedules ---------------------------------------------------------------------------


def test_schedules_round_trip(redis_store: RedisStore) -> None:
    assert redis_store.get_schedule("C1") is None
    assert redis_store.schedules() == {}
    london = DigestSchedule(time="17:30", tz="Europe/London", weekdays_only=True)
    tokyo = DigestSchedule(time="9:00", tz="Asia/Tokyo", last_fired=NOON)
    redis_store.set_schedule("C1", london)
    redis_store.set_schedule("C2", tokyo)
    assert redis_store.get_schedule("C1") == london
    assert redis_store.schedules() == {"C1": london, "C2": tokyo}
    assert redis_store.get_schedule("C2").time == "09:00"  # type: ignore[union-attr]
    assert redis_store.get_schedule("C2").last_fired == NOON  # type: ignore[union-attr]

    fired = tokyo.model_copy(update={"last_fired": NOON + timedelta(days=1)})
    redis_store.set_schedule("C2", fired)
    assert redis_store.get_schedule("C2") == fired
    redis_store.delete_schedule("C1")
    assert redis_store.schedules() == {"C2": fired}


def test_unreadable_schedule_is_skipped(
    redis_store: RedisStore, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    good = DigestSchedule(time="17:30", tz="Europe/London")
    redis_store.set_schedule("C1", good)
    redis_client.hset("nutgraf:sched", "C2", '{"time": "17:30", "tz": "Nowhere/Atlantis"}')
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        assert redis_store.schedules() == {"C1": good}
        assert redis_store.get_schedule("C2") is None
    assert "C2" in caplog.text


@pytest.mark.parametrize(
    ("time_of_day", "tz"), [("24:00", "UTC"), ("17:60", "UTC"), ("1730", "UTC"), ("17:30", "Mars/Olympus")]
)
def test_schedule_rejects_bad_times_and_zones(time_of_day: str, tz: str) -> None:
    with pytest.raises(ValidationError):
        DigestSchedule(time=time_of_day, tz=tz)


def test_lease_is_held_by_one_store(redis_store: RedisStore, second_store: RedisStore) -> None:
    assert redis_store.lease("clock", ttl=5) is True
    assert second_store.lease("clock", ttl=5) is False
    assert redis_store.lease("clock", ttl=5) is True  # the holder extends it
    second_store.release_lease("clock")  # not the holder: no effect
    assert second_store.lease("clock", ttl=5) is False
    redis_store.release_lease("clock")
    assert second_store.lease("clock", ttl=5) is True
    assert redis_store.lease("clock", ttl=5) is False


def test_lease_expires(redis_store: RedisStore, second_store: RedisStore, redis_client: redis.Redis) -> None:
    assert redis_store.lease("clock", ttl=0.3)
    assert 0 < redis_client.pttl("nutgraf:lease:clock") <= 300
    time.sleep(0.4)
    assert second_store.lease("clock", ttl=5)


def test_concurrent_leases_one_holder(redis_url: str, redis_store: RedisStore) -> None:
    stores = [RedisStore.from_url(redis_url) for _ in range(6)]
    try:
        results = run_together(6, lambda i: stores[i].lease("clock", ttl=5))
    finally:
        for store in stores:
            store.close()
    assert results.count(True) == 1


# -- rate spacing -------------------------------------------------------------------------------


def test_post_slots_are_spaced_per_channel(redis_store: RedisStore, redis_client: redis.Redis) -> None:
    waits = [redis_store.reserve_post_slot("C1", spacing=10) for _ in range(3)]
    assert waits[0] == 0
    assert waits[1] == pytest.approx(10, abs=0.5)
    assert waits[2] == pytest.approx(20, abs=0.5)
    assert redis_store.reserve_post_slot("C2", spacing=10) == 0
    assert 29_000 < redis_client.pttl("nutgraf:slot:C1") <= 31_000


def test_post_slot_free_again_after_spacing(redis_store: RedisStore) -> None:
    assert redis_store.reserve_post_slot("C1", spacing=0.1) == 0
    time.sleep(0.15)
    assert redis_store.reserve_post_slot("C1", spacing=0.1) == 0


def test_post_slots_spaced_across_threads_and_stores(redis_url: str, redis_store: RedisStore) -> None:
    stores = [RedisStore.from_url(redis_url) for _ in range(3)]
    try:
        waits = run_together(9, lambda i: stores[i % 3].reserve_post_slot("C1", spacing=10))
    finally:
        for store in stores:
            store.close()
    for slot, wait in enumerate(sorted(waits)):
        assert wait == pytest.approx(10 * slot, abs=0.5)


# -- the protocol -------------------------------------------------------------------------------


def test_redis_store_is_a_store(redis_store: RedisStore) -> None:
    assert isinstance(redis_store, Store)
    assert redis_store.ping() is True
    assert redis_store.available is True


# -- Redis outages ------------------------------------------------------------------------------


def store_records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.store" and r.levelno == level]


def test_redis_down_degrades_warns_once_and_recovers(
    private_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    store = RedisStore.from_url(private_redis.url)
    keys = cache_keys("v1", canonical_url="https://news.example/a", text="t")
    try:
        store.put_analysis(keys, make_analysis(), ttl=600)
        store.set_auto("C1", True)
        store.set_schedule("C1", DigestSchedule(time="17:30", tz="Europe/London"))
        assert store.get_analysis(keys[0]) is not None

        private_redis.stop()
        assert store.ping() is False
        assert store.available is False
        assert store.get_analysis(keys[0]) is None
        store.put_analysis(keys, make_analysis(), ttl=600)
        assert store.find_analysis(keys) is None
        store.forget_analysis(keys)
        assert store.memory_usage(keys) is None
        assert store.claim("Ev1") is True
        assert store.claim("Ev1") is True  # answer rather than lose the request
        store.release("Ev1")
        assert store.get_reply("Ev1") is None
        assert store.set_reply("Ev1", "C1", "1.0") is True
        assert store.get_auto("C1") is False
        store.set_auto("C1", True)
        store.record_story(make_story("k"), retention_days=30)
        assert store.stories("C1", NOON - timedelta(days=1), NOON + timedelta(days=1)) == []
        assert store.recent_stories() == []
        store.set_schedule("C2", DigestSchedule(time="08:00", tz="UTC"))
        assert store.get_schedule("C1") is None
        store.delete_schedule("C1")
        assert store.schedules() == {}
        assert store.lease("clock", ttl=5) is False
        store.release_lease("clock")
        first = store.reserve_post_slot("C1", spacing=10)
        second = store.reserve_post_slot("C1", spacing=10)
        assert first == 0
        assert second == pytest.approx(10, abs=0.5)  # spaced within this process while Redis is away
        assert store.available is False

        warnings = store_records(caplog, logging.WARNING)
        assert len(warnings) == 1
        assert "Redis is unreachable" in warnings[0].getMessage()
        assert store_records(caplog, logging.INFO) == []

        private_redis.start()
        assert store.claim("Ev2") is True
        assert store.available is True
        assert store.claim("Ev2") is False
        store.set_auto("C1", True)
        assert store.get_auto("C1") is True
        assert store.reserve_post_slot("C9", spacing=10) == 0  # scripts load again on the new server
        assert store.lease("clock", ttl=5) is True
        assert store.ping() is True

        infos = store_records(caplog, logging.INFO)
        assert len(infos) == 1
        assert "reachable again" in infos[0].getMessage()
        assert len(store_records(caplog, logging.WARNING)) == 1
    finally:
        store.close()


def test_second_outage_warns_again(private_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    store = RedisStore.from_url(private_redis.url)
    try:
        for _ in range(2):
            private_redis.stop()
            assert store.get_auto("C1") is False
            assert store.get_auto("C1") is False
            private_redis.start()
            assert store.ping() is True
        assert len(store_records(caplog, logging.WARNING)) == 2
        assert len(store_records(caplog, logging.INFO)) == 2
    finally:
        store.close()


def test_outage_seen_by_many_threads_warns_once(
    private_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    store = RedisStore.from_url(private_redis.url)
    try:
        assert store.ping()
        private_redis.stop()
        assert run_together(8, lambda i: store.claim(f"Ev{i}")) == [True] * 8
        assert len(store_records(caplog, logging.WARNING)) == 1
    finally:
        store.close()


def test_restart_between_calls_is_not_an_outage(
    private_redis: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    store = RedisStore.from_url(private_redis.url)
    try:
        assert store.claim("Ev1") is True
        private_redis.restart()
        assert store.claim("Ev1") is True  # the server's data went with it; the pooled connection is redialled
        assert store.claim("Ev1") is False
        assert store.available is True
        assert store_records(caplog, logging.WARNING) == []
    finally:
        store.close()


def test_down_from_the_start(private_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    private_redis.stop()
    store = RedisStore.from_url(private_redis.url)
    try:
        assert store.get_analysis("a:v1:u:x") is None
        assert store.available is False
        assert len(store_records(caplog, logging.WARNING)) == 1
        private_redis.start()
        assert store.get_analysis("a:v1:u:x") is None
        assert store.available is True
    finally:
        store.close()


def test_redis_that_hangs_times_out_and_degrades(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bot.store")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections, never answers
        store = RedisStore.from_url(f"redis://127.0.0.1:{silent.getsockname()[1]}/0", timeout=0.2)
        try:
            assert store.get_auto("C1") is False
            assert store.claim("Ev1") is True
            assert store.available is False
            warnings = store_records(caplog, logging.WARNING)
            assert len(warnings) == 1
            assert "Timeout" in warnings[0].getMessage()
        finally:
            store.close()
