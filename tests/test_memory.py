"""Desk memory against the real Redis: what is filed, who can read it back, how long, and forgetting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import redis

from bot.memory import (
    RedisMemory,
    StoryRef,
    diff,
    in_story_notes,
    recall,
    shingles,
    signature,
    similarity,
    story_ref,
)
from bot.models import Analysis, Article, Claim, FigureRecord, Quote, Source
from bot.nlp.figures import index_keys
from bot.nlp.pipeline import Analyzer
from bot.store import RedisStore, story_id
from tests.redis_server import RedisServer

FIRST = """Port of Calloway to cut jobs

The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced on Tuesday.
"We have run out of ways to avoid this," said Dana Whitcombe, the authority's chief executive.
The authority said the cuts would save about $85 million a year."""

SECOND = """Calloway port job losses grow

Calloway Port Authority will eliminate 1,450 positions by the end of next year, according to a memo seen on
Thursday. The cuts would save about $85 million a year, the authority said, and the union disputes that."""

UNRELATED = """Westbrook harbour hires

The Port of Westbrook will hire 300 dockworkers by the end of next year to handle freight diverted from the
south, its harbour master said on Thursday."""


def analyse(analyzer: Analyzer, text: str, published: str) -> Analysis:
    return analyzer.analyze(Article(text=text, source=Source(kind="text", published=published)))


def ref(name: str, channel: str, *, days_ago: float = 0.0) -> StoryRef:
    return StoryRef(
        id=story_id(name),
        channel=channel,
        title=name,
        url=f"https://news.example.org/{name}",
        permalink=f"https://example.slack.com/archives/{channel}/p1",
        thread_ts="1700000000.000100",
        recorded_at=datetime.now(timezone.utc) - timedelta(days=days_ago),
        published=date(2026, 11, 10),
    )


@pytest.fixture
def memory(redis_store: RedisStore) -> RedisMemory:
    return RedisMemory(redis_store, retention_days=30)


@pytest.fixture(scope="module")
def stories(analyzer: Analyzer) -> dict[str, Analysis]:
    return {
        "first": analyse(analyzer, FIRST, "2026-11-10"),
        "second": analyse(analyzer, SECOND, "2026-11-12"),
        "unrelated": analyse(analyzer, UNRELATED, "2026-11-12"),
    }


def all_values(client: redis.Redis) -> Iterator[tuple[str, str]]:
    """Every key of the test database with its contents as text (for checking what is stored)."""

    def text(value: str | bytes | None) -> str:
        return value.decode() if isinstance(value, bytes) else value or ""

    for raw in client.scan_iter(count=1000):
        key = text(raw)
        kind = text(client.type(key))
        if kind == "string":
            yield key, text(client.get(key))
        elif kind == "hash":
            yield key, " ".join(text(v) for v in client.hvals(key))
        elif kind == "zset":
            yield key, " ".join(text(m) for m in client.zrange(key, 0, -1))
        elif kind == "set":
            yield key, " ".join(text(m) for m in client.smembers(key))
        else:
            yield key, ""


def test_a_differing_figure_comes_back_with_its_story(memory: RedisMemory, stories: dict[str, Analysis]) -> None:
    earlier = ref("first", "C1")
    memory.remember(stories["first"], earlier)
    result = recall(memory, stories["second"], ref("second", "C1"))
    figure_notes = [n for n in result.notes if n.kind == "figure_differs"]
    assert len(figure_notes) == 1
    note = figure_notes[0]
    assert note.figure is not None and note.earlier is not None and note.story is not None
    assert (note.earlier.text, note.figure.text, note.figure.measure) == ("1,200", "1,450", "jobs cut")
    assert note.earlier.story == earlier.id
    assert (note.story.title, note.story.permalink) == ("first", earlier.permalink)
    assert result.changes is None


def test_the_same_claim_is_seen_before(memory: RedisMemory, stories: dict[str, Analysis]) -> None:
    memory.remember(stories["first"], ref("first", "C1"))
    notes = [n for n in recall(memory, stories["second"], ref("second", "C1")).notes if n.kind == "seen_before"]
    assert [(n.claim, n.earlier_claim) for n in notes] == [
        (
            "The cuts would save about $85 million a year, the authority said, and the union disputes that.",
            "The authority said the cuts would save about $85 million a year.",
        )
    ]
    assert notes[0].similarity is not None and notes[0].similarity >= 0.6
    assert recall(memory, stories["unrelated"], ref("unrelated", "C1")).notes == []


def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the commands of each round trip to Redis from now until ``monkeypatch.undo()``."""
    trips: list[list[str]] = []
    execute, run = redis.Redis.execute_command, redis.client.Pipeline.execute

    def single(self: redis.Redis, *args: Any, **options: Any) -> Any:
        trips.append([str(args[0]).upper()])
        return execute(self, *args, **options)

    def pipelined(self: redis.client.Pipeline, raise_on_error: bool = True) -> Any:
        trips.append([str(args[0]).upper() for args, _ in self.command_stack])
        return run(self, raise_on_error)

    monkeypatch.setattr(redis.Redis, "execute_command", single)
    monkeypatch.setattr(redis.client.Pipeline, "execute", pipelined)
    return trips


def test_lookups_are_index_reads_by_subject_and_measure(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    earlier = ref("first", "C1")
    memory.remember(stories["first"], earlier)
    jobs = next(f for f in stories["first"].figures if f.family == "jobs")
    assert index_keys(jobs) == ["calloway|jobs|count|", "port|jobs|count|"]
    for key in index_keys(jobs):
        assert redis_store.client.zrange(f"nutgraf:m:C1:x:{key}", 0, -1) == [f"{earlier.id}:f0"]
    found = memory.figures("C1", index_keys(jobs))
    assert [(f.text, f.story, r.id) for f, r in found] == [("1,200", earlier.id, earlier.id)]
    assert memory.figures("C1", index_keys(jobs), exclude=earlier.id) == []
    assert memory.figures("C1", ["calloway|deaths|count|"]) == []


def test_a_private_channels_records_never_reach_another_channel(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    memory.remember(stories["first"], ref("first", "GPRIVATE"))
    elsewhere = recall(memory, stories["second"], ref("second", "CPUBLIC"))
    assert elsewhere.notes == [] and elsewhere.changes is None
    for record in stories["first"].figures:
        assert memory.figures("CPUBLIC", index_keys(record)) == []
        assert memory.figures("GPRIVATE", index_keys(record)) != []
    claim = next(c for c in stories["first"].claims if "$85 million" in c.text)
    assert memory.similar_claims("CPUBLIC", claim.text) == []
    assert memory.first_version("CPUBLIC", story_id("first")) is None
    # the same story in both channels: each channel reads back its own filing only
    memory.remember(stories["first"], ref("first", "CPUBLIC"))
    inside = recall(memory, stories["second"], ref("second", "GPRIVATE")).notes
    assert {n.story.channel for n in inside if n.story is not None} == {"GPRIVATE"}
    for key, _ in all_values(redis_store.client):
        assert "GPRIVATE" not in key or key.startswith("nutgraf:m:GPRIVATE:") or key.startswith("nutgraf:m:where:")


def test_records_expire_with_the_retention(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    memory.remember(stories["first"], ref("first", "C1"))
    client = redis_store.client
    keys = [key for key, _ in all_values(client)]
    assert keys and all(k.startswith("nutgraf:m:") for k in keys)
    for key in keys:
        assert 0 < client.ttl(key) <= 30 * 86400, key


def test_stories_past_the_retention_are_dropped(redis_store: RedisStore, stories: dict[str, Analysis]) -> None:
    memory = RedisMemory(redis_store, retention_days=7)
    old = ref("first", "C1", days_ago=10)
    memory.remember(stories["first"], old)
    jobs = next(f for f in stories["first"].figures if f.family == "jobs")
    assert memory.figures("C1", index_keys(jobs)) == []  # filed too long ago to be read back
    assert recall(memory, stories["second"], ref("second", "C1")).notes == []
    memory.remember(stories["unrelated"], ref("unrelated", "C1"))
    client = redis_store.client
    assert not client.exists(f"nutgraf:m:C1:s:{old.id}")
    assert client.zrange("nutgraf:m:C1:stories", 0, -1) == [story_id("unrelated")]
    assert client.zrange("nutgraf:m:C1:x:calloway|jobs|count|", 0, -1) == []


def test_forget_story_leaves_no_key_holding_its_text(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    forgotten = stories["first"]
    memory.remember(forgotten, ref("first", "C1"))
    memory.remember(forgotten, ref("first", "C2"))
    memory.remember(stories["unrelated"], ref("unrelated", "C1"))
    words = " ".join(FIRST.split()).split()
    windows = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    stored = " ".join(value for _, value in all_values(redis_store.client))
    assert any(w in stored for w in windows)  # the test can see the text while it is remembered

    assert memory.forget_story(story_id("first")) == 2
    client = redis_store.client
    for key, value in all_values(client):
        assert story_id("first") not in key and story_id("first") not in value, key
        assert not any(w in value for w in windows), key
    assert memory.first_version("C1", story_id("first")) is None
    kept = stories["unrelated"].figures[0]
    assert [r.id for _, r in memory.figures("C1", index_keys(kept))] == [story_id("unrelated")]
    assert memory.forget_story(story_id("first")) == 0


def test_a_changed_story_says_what_changed(memory: RedisMemory, analyzer: Analyzer) -> None:
    before = analyse(analyzer, FIRST, "2026-11-10")
    edited = FIRST.replace("1,200 jobs", "1,350 jobs").replace("said Dana Whitcombe", "said Ray Oduya")
    edited += '\n"The numbers were always going to move," said Ida Marsh, a union steward.'
    after = analyse(analyzer, edited, "2026-11-10")
    story = ref("first", "C1")
    memory.remember(before, story)
    result = recall(memory, after, story)
    assert result.notes == []  # a story is not compared with its own first version's figures
    changes = result.changes
    assert changes is not None
    assert [(c.before.text, c.after.text, c.after.measure) for c in changes.figures_changed] == [
        ("1,200", "1,350", "jobs cut")
    ]
    assert [(a.before, a.after) for a in changes.attributions_changed] == [("Dana Whitcombe", "Ray Oduya")]
    assert [q.speaker for q in changes.quotes_added] == ["Ida Marsh"]
    assert [(c.before.speaker, c.after.content) for c in changes.quotes_reworded] == [
        ("port authority", "The Port of Calloway will cut 1,350 jobs by the end of next year")
    ]
    assert changes.quotes_removed == [] and changes.figures_removed == []
    # the first version stays the reference when the story is remembered again
    memory.remember(after, story)
    first = memory.first_version("C1", story.id)
    assert first is not None and [f.text for f in first.figures][:1] == ["1,200"]
    assert recall(memory, after, story).changes is not None
    assert recall(memory, before, story).changes is None


def test_remembering_again_replaces_the_filing(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis]
) -> None:
    story = ref("first", "C1")
    memory.remember(stories["first"], story)
    memory.remember(stories["first"], story)
    jobs = next(f for f in stories["first"].figures if f.family == "jobs")
    assert len(memory.figures("C1", index_keys(jobs))) == 1
    stored = redis_store.client.hgetall(f"nutgraf:m:C1:s:{story.id}")
    assert json.loads(stored["keys"]) == sorted(json.loads(stored["keys"]))


def test_memory_degrades_while_redis_is_down(stories: dict[str, Analysis], private_redis: RedisServer) -> None:
    store = RedisStore.from_url(private_redis.url, timeout=0.2)
    memory = RedisMemory(store)
    private_redis.stop()
    try:
        memory.remember(stories["first"], ref("first", "C1"))
        assert recall(memory, stories["second"], ref("second", "C1")).notes == []
        assert memory.forget_story(story_id("first")) == 0
        assert not store.available
    finally:
        store.close()


# -- pure parts -----------------------------------------------------------------------------------------


def test_near_duplicate_claims_by_minhash() -> None:
    a = shingles("The Port of Calloway will cut 1,200 jobs by the end of next year, the authority said.")
    b = shingles("Calloway's port authority said it would cut 1200 jobs by the end of next year.")
    c = shingles("The Port of Westbrook will hire 300 dockworkers next spring.")
    assert shingles("cut 1,200 jobs") == shingles("Cut 1200 job") == {"cut", "1200", "job"}
    assert similarity(a, b) == 1.0
    assert similarity(a, c) < 0.3
    assert signature(a) == signature(b)
    assert signature(a) != signature(c) and len(signature(a)) == 24


def record(text: str, value: float, family: str = "jobs") -> FigureRecord:
    return FigureRecord(
        text=text,
        value=value,
        low=value,
        high=value,
        unit="count",
        subject_key="calloway port",
        measure=f"{family} cut",
        family=family,
        event="cut",
        reference=date(2026, 11, 12),
        sentence="",
        sentence_start=0,
        start=0,
        end=0,
    )


def quote(content: str, speaker: str | None) -> Quote:
    return Quote(speaker=speaker, content=content, kind="direct", start=0, end=len(content))


def test_diff_of_two_analyses() -> None:
    before = Analysis(
        pipeline_version="t",
        figures=[record("1,200", 1200), record("40", 40, family="beds")],
        quotes=[quote("We had no choice.", "Dana Whitcombe"), quote("It is a sad day.", "Priya Anand")],
        claims=[Claim(text="x", score=0.5, checkworthy=True, start=0, end=1)],
    )
    after = Analysis(
        pipeline_version="t",
        figures=[record("1,450", 1450), record("12", 12, family="deaths")],
        quotes=[quote("We had no choice!", "Tomas Reyes"), quote("Nobody asked us.", "Tomas Reyes")],
    )
    changes = diff(before, after)
    assert [(c.before.text, c.after.text) for c in changes.figures_changed] == [("1,200", "1,450")]
    assert [f.text for f in changes.figures_added] == ["12"]
    assert [f.text for f in changes.figures_removed] == ["40"]
    assert [(a.content, a.before, a.after) for a in changes.attributions_changed] == [
        ("We had no choice!", "Dana Whitcombe", "Tomas Reyes")
    ]
    assert [q.content for q in changes.quotes_added] == ["Nobody asked us."]
    assert [q.content for q in changes.quotes_removed] == ["It is a sad day."]
    assert diff(before, before).empty and not changes.empty


def test_pasted_text_keeps_no_first_version(memory: RedisMemory, stories: dict[str, Analysis]) -> None:
    # pasted text that changes is another story: its id is the hash of its text
    pasted = ref("pasted", "C1").model_copy(update={"url": None})
    memory.remember(stories["first"], pasted)
    assert memory.first_version("C1", pasted.id) is None
    assert recall(memory, stories["second"], pasted).changes is None


def test_story_ref_files_a_story_under_its_digest_id(stories: dict[str, Analysis]) -> None:
    analysis = stories["first"].model_copy(
        update={
            "source": Source(
                kind="url", url="https://news.example.org/a?x=1", canonical_url="https://news.example.org/a"
            )
        }
    )
    found = story_ref(analysis, key="https://news.example.org/a", channel="C1", thread_ts="1.2", permalink="p")
    assert found.id == story_id("https://news.example.org/a")
    assert (found.channel, found.thread_ts, found.permalink) == ("C1", "1.2", "p")
    assert found.url == "https://news.example.org/a" and found.title == analysis.headline
    dated = analysis.model_copy(update={"source": analysis.source.model_copy(update={"published": "2026-11-10"})})
    assert story_ref(dated, key="k", channel="C1").published == date(2026, 11, 10)


def test_in_story_notes_come_from_the_figures(analyzer: Analyzer) -> None:
    analysis = analyse(
        analyzer, FIRST + "\nAn internal memo put the number of affected positions at 1,450.", "2026-11-10"
    )
    notes = in_story_notes(analysis)
    assert [(n.kind, n.figure.text, n.earlier.text) for n in notes if n.figure and n.earlier] == [
        ("in_story", "1,200", "1,450")
    ]


# -- conflicts kept, the word index, who asked where -------------------------------------------------------


def remember_both(memory: RedisMemory, stories: dict[str, Analysis], channel: str = "C1") -> tuple[StoryRef, StoryRef]:
    """The first story, then the second with the conflicts its recall found, as the desk files them."""
    earlier, later = ref("first", channel, days_ago=1), ref("second", channel)
    memory.remember(stories["first"], earlier)
    memory.remember(stories["second"], later, conflicts=recall(memory, stories["second"], later).notes)
    return earlier, later


def test_conflicts_are_kept_with_the_story_that_brought_them(memory: RedisMemory, stories: dict[str, Analysis]) -> None:
    earlier, later = remember_both(memory, stories)
    (note,) = memory.conflicts("C1")
    assert note.kind == "figure_differs" and note.figure is not None and note.earlier is not None
    assert (note.earlier.text, note.figure.text, note.figure.measure) == ("1,200", "1,450", "jobs cut")
    assert note.story is not None and note.found_in is not None
    assert (note.story.id, note.found_in.id) == (earlier.id, later.id)
    assert note.figure.sentence == "" and note.earlier.sentence == ""  # the stories keep their sentences
    assert memory.conflicts("C2") == []
    assert memory.conflicts("C1", since=later.recorded_at + timedelta(seconds=1)) == []
    assert len(memory.conflicts("C1", until=later.recorded_at + timedelta(seconds=1))) == 1
    # filed again (Re-analyse, or the same story asked again): its conflicts are replaced, not added
    memory.remember(stories["second"], later, conflicts=recall(memory, stories["second"], later).notes)
    assert len(memory.conflicts("C1")) == 1
    memory.remember(stories["second"], later)
    assert memory.conflicts("C1") == []


@pytest.mark.parametrize("forgotten", ["first", "second"])
def test_forgetting_either_story_of_a_conflict_removes_it(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis], forgotten: str
) -> None:
    remember_both(memory, stories)
    assert memory.forget_story(story_id(forgotten)) == 1
    assert memory.conflicts("C1") == []
    for key, value in all_values(redis_store.client):
        assert story_id(forgotten) not in key and story_id(forgotten) not in value, key
    kept = "second" if forgotten == "first" else "first"
    assert [h.story.id for h in memory.search("C1", "calloway jobs") if h.kind == "figure"] == [story_id(kept)]


def test_search_finds_figures_and_claims_by_their_words_newest_first(
    memory: RedisMemory, stories: dict[str, Analysis]
) -> None:
    earlier, later = remember_both(memory, stories)
    hits = memory.search("C1", "Calloway JOBS")
    # the later story's claim says "positions": its figure is found by its measure, the claim is not
    assert [(h.kind, h.story.id) for h in hits] == [("figure", later.id), ("figure", earlier.id), ("claim", earlier.id)]
    assert [h.figure.text for h in hits if h.figure is not None] == ["1,450", "1,200"]
    assert [h.claim.text for h in hits if h.claim is not None] == [
        "The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced on Tuesday."
    ]
    assert [(h.kind, h.story.id) for h in memory.search("C1", "calloway positions")] == [
        ("figure", later.id),
        ("claim", later.id),
    ]
    assert [h.kind for h in memory.search("C1", "1,200")] == ["claim"]  # a figure is found by its claim
    assert [h.claim.text[:9] for h in memory.search("C1", "union disputes") if h.claim] == ["The cuts "]
    assert memory.search("C1", "calloway ferries") == []
    assert memory.search("C1", "the of and") == []  # no word worth looking up
    assert memory.search("C2", "calloway jobs") == []
    assert len(memory.search("C1", "calloway jobs", limit=1)) == 1


def test_search_is_an_index_read_per_word(
    memory: RedisMemory, redis_store: RedisStore, stories: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = ref("first", "C1")
    memory.remember(stories["first"], earlier)
    jobs = next(n for n, f in enumerate(stories["first"].figures) if f.family == "jobs")
    for word in ("calloway", "port", "job", "cut"):
        assert f"{earlier.id}:f{jobs}" in redis_store.client.zrange(f"nutgraf:m:C1:w:{word}", 0, -1), word
    trips = round_trips(monkeypatch)
    assert [h.kind for h in memory.search("C1", "calloway jobs")] == ["figure", "claim"]
    monkeypatch.undo()
    commands = {command for trip in trips for command in trip}
    assert {"ZCOUNT", "ZREVRANGEBYSCORE", "ZMSCORE", "HMGET"} <= commands and not {"SCAN", "KEYS"} & commands


def test_search_follows_the_retention(redis_store: RedisStore, stories: dict[str, Analysis]) -> None:
    memory = RedisMemory(redis_store, retention_days=7)
    memory.remember(stories["first"], ref("first", "C1", days_ago=10))
    assert memory.search("C1", "calloway jobs") == []
    memory.remember(stories["unrelated"], ref("unrelated", "C1"))
    assert redis_store.client.zrange("nutgraf:m:C1:w:calloway", 0, -1) == []
    assert [h.story.id for h in memory.search("C1", "westbrook")] != []


def test_the_channels_a_user_asked_in(memory: RedisMemory, redis_store: RedisStore) -> None:
    now = datetime.now(timezone.utc)
    memory.note_asker("U1", "C1", at=now - timedelta(hours=2))
    memory.note_asker("U1", "C2", at=now - timedelta(hours=1))
    memory.note_asker("U1", "C3", at=now - timedelta(days=40))  # longer ago than the retention
    memory.note_asker("U2", "C9")
    assert memory.asked_channels("U1") == ["C2", "C1"]
    assert memory.asked_channels("U1", limit=1) == ["C2"]
    assert memory.asked_channels("U3") == []
    assert 0 < redis_store.client.ttl("nutgraf:m:u:U1") <= 30 * 86400


def test_memory_waits_for_the_store_to_find_redis_back(
    stories: dict[str, Analysis], private_redis: RedisServer
) -> None:
    store = RedisStore.from_url(private_redis.url, timeout=0.2)
    memory = RedisMemory(store)
    try:
        private_redis.stop()
        assert memory.search("C1", "calloway jobs") == [] and not store.available
        private_redis.restart()  # an empty Redis: nothing was kept
        memory.remember(stories["first"], ref("first", "C1"))  # not tried: the store has not found Redis back yet
        assert not store.client.exists("nutgraf:m:C1:stories")
        assert store.ping()
        memory.remember(stories["first"], ref("first", "C1"))
        assert [h.kind for h in memory.search("C1", "calloway jobs")] == ["figure", "claim"]
    finally:
        store.close()


def test_recall_is_a_few_round_trips_however_many_figures(
    memory: RedisMemory, stories: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    memory.remember(stories["first"], ref("first", "C1"))
    memory.remember(stories["unrelated"], ref("unrelated", "C1"))
    trips = round_trips(monkeypatch)
    found = recall(memory, stories["second"], ref("second", "C1"))
    monkeypatch.undo()
    assert len(stories["second"].figures) >= 2 and {n.kind for n in found.notes} == {"figure_differs", "seen_before"}
    # figure indexes, the figures they name, claim bands, the claims they name, the first version
    assert [trip[0] for trip in trips] == ["ZREVRANGEBYSCORE", "HMGET", "ZREVRANGEBYSCORE", "HMGET", "GET"]
