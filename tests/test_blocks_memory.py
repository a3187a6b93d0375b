"""Desk memory in Slack text: *Worth checking* notes, ``/nutgraf memory`` answers and App Home's conflicts."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.blocks import (
    analysis_message,
    figure_differs_line,
    help_message,
    home_view,
    memory_message,
    seen_before_line,
    story_changes_line,
    worth_checking_lines,
)
from bot.desk import MemorySearch
from bot.memory import (
    AttributionChange,
    FigureChange,
    MemoryHit,
    MemoryNote,
    QuoteChange,
    Recall,
    RememberedClaim,
    StoryChanges,
    StoryRef,
)
from bot.models import Analysis, Claim, FigureRecord, Period, Quote
from tests.test_blocks import check_slack_limits, odd_text, texts_of

WHEN = datetime(2026, 11, 27, 17, 30, tzinfo=timezone.utc)


def figure(text: str, value: float, **changes: Any) -> FigureRecord:
    fields: dict[str, Any] = {
        "text": text,
        "value": value,
        "low": value,
        "high": value,
        "unit": "count",
        "subject": "Port of Calloway",
        "subject_key": "calloway port",
        "measure": "jobs cut",
        "family": "jobs",
        "event": "cut",
        "reference": date(2026, 11, 12),
        "sentence": "",
        "sentence_start": 0,
        "start": 0,
        "end": 0,
    } | changes
    return FigureRecord(**fields)


def story(title: str = "Port to cut jobs", **changes: Any) -> StoryRef:
    fields: dict[str, Any] = {
        "id": "s1",
        "channel": "C0NEWSROOM",
        "title": title,
        "url": "https://news.example/port?a=1&b=2",
        "permalink": "https://team.slack.com/archives/C0NEWSROOM/p1700000000000100",
        "recorded_at": WHEN,
        "published": date(2026, 11, 12),
    } | changes
    return StoryRef(**fields)


def differs(**changes: Any) -> MemoryNote:
    fields: dict[str, Any] = {
        "kind": "figure_differs",
        "figure": figure(
            "1,450", 1450, period=Period(text="next year", start=date(2027, 1, 1), end=date(2027, 12, 31))
        ),
        "earlier": figure("1,200", 1200),
        "story": story(),
    } | changes
    return MemoryNote(**fields)


def quote(content: str, speaker: str | None) -> Quote:
    return Quote(speaker=speaker, content=content, kind="direct", start=0, end=len(content))


def test_figure_differs_names_the_measure_both_figures_and_the_earlier_thread() -> None:
    assert figure_differs_line(differs()) == (
        ":bar_chart: *Figure differs* — Port of Calloway, jobs cut (next year): *1,450* here, *1,200* in "
        "_<https://team.slack.com/archives/C0NEWSROOM/p1700000000000100|Port to cut jobs>_ (12 Nov 2026)"
    )
    # no thread to link to: the story's page; no publication date: when it was analysed
    unlinked = differs(story=story("A <b> & c", permalink=None, published=None))
    assert figure_differs_line(unlinked).endswith(
        "in _<https://news.example/port?a=1&amp;b=2|A &lt;b&gt; &amp; c>_ "
        "(<!date^1795800600^{date_short}|2026-11-27 17:30 UTC>)"
    )
    assert figure_differs_line(differs(story=None)) == ""


def test_seen_before_quotes_the_claim_and_links_the_earlier_story() -> None:
    note = MemoryNote(kind="seen_before", claim="Savings of about $85 million <a year>.", story=story(), similarity=0.8)
    assert seen_before_line(note) == (
        ":repeat: *Seen before* — “Savings of about $85 million &lt;a year&gt;.” also in "
        "_<https://team.slack.com/archives/C0NEWSROOM/p1700000000000100|Port to cut jobs>_ (12 Nov 2026)"
    )


def test_claims_seen_in_one_earlier_story_are_one_note() -> None:
    other = story("Westbrook hires", id="s2", published=date(2026, 11, 1))
    notes = [
        MemoryNote(kind="seen_before", claim="First claim.", story=story()),
        MemoryNote(kind="seen_before", claim="Second claim.", story=story()),
        MemoryNote(kind="seen_before", claim="Third claim.", story=other),
        MemoryNote(kind="seen_before", claim="Fourth claim.", story=story()),
    ]
    assert worth_checking_lines(Recall(notes=notes)) == [
        ":repeat: *Seen before* — “First claim.” and 2 other claims also in "
        "_<https://team.slack.com/archives/C0NEWSROOM/p1700000000000100|Port to cut jobs>_ (12 Nov 2026)",
        ":repeat: *Seen before* — “Third claim.” also in "
        "_<https://team.slack.com/archives/C0NEWSROOM/p1700000000000100|Westbrook hires>_ (1 Nov 2026)",
    ]


def test_what_changed_in_a_story() -> None:
    changes = StoryChanges(
        figures_changed=[FigureChange(before=figure("1,200", 1200), after=figure("1,350", 1350))],
        figures_added=[figure("40", 40, measure="beds")],
        figures_removed=[figure("$85m", 85e6, unit="money"), figure("3", 3)],
        quotes_added=[quote("Nobody asked us.", "Ida Marsh")],
        quotes_removed=[quote("It is a sad day.", None)],
        quotes_reworded=[QuoteChange(before=quote("a", "port authority"), after=quote("b", "port authority"))],
        attributions_changed=[
            AttributionChange(content="We had no choice.", before="Dana Whitcombe", after="Ray Oduya")
        ],
        first_analysed=WHEN,
    )
    assert story_changes_line(changes) == (
        ":pencil2: *Changed since first analysed* (<!date^1795800600^{date_short}|2026-11-27 17:30 UTC>): "
        "jobs cut *1,200* → *1,350*; new figure *40*; figures *$85m*, *3* no longer given; "
        "1 quote added (Ida Marsh); 1 quote removed; 1 quote reworded (port authority); "
        "“We had no choice.” now *Ray Oduya* (was Dana Whitcombe)"
    )


def test_worth_checking_puts_changes_first_then_figures_then_claims() -> None:
    found = Recall(
        notes=[
            MemoryNote(kind="seen_before", claim="The same claim again.", story=story()),
            differs(),
        ],
        changes=StoryChanges(quotes_added=[quote("New words.", "Ida Marsh")]),
    )
    lines = worth_checking_lines(found)
    assert [line.split(" ", 1)[0] for line in lines] == [":pencil2:", ":bar_chart:", ":repeat:"]
    assert worth_checking_lines(None) == [] and worth_checking_lines(Recall()) == []

    analysis = Analysis(
        pipeline_version="t",
        summary=["The port will cut 1,450 jobs."],
        claims=[Claim(text="The port will cut 1,450 jobs.", score=0.9, checkworthy=True, start=0, end=29)],
        notes=["Two figures for jobs cut (Port of Calloway): '1,450' in paragraph 1, '1,500' in paragraph 3."],
    )
    message = analysis_message(analysis, key="k", memory=found)
    check_slack_limits(message)
    (notes,) = texts_of(message, "notes")
    assert notes.split("\n") == ["*Worth checking*", f":grey_question: {analysis.notes[0]}".replace("'", "'"), *lines]
    assert texts_of(analysis_message(analysis, key="k"), "notes")[0].count("\n") == 1


@settings(max_examples=60, deadline=None, database=None)
@given(title=odd_text(), claim=odd_text(), words=odd_text(), count=st.integers(0, 12))
def test_memory_text_always_fits_slack(title: str, claim: str, words: str, count: int) -> None:
    ref = story(title or "t")
    notes = [differs(story=ref) for _ in range(count)]
    notes += [MemoryNote(kind="seen_before", claim=claim or "c", story=ref) for _ in range(count)]
    changes = StoryChanges(quotes_added=[quote(claim or "q", title) for _ in range(count)])
    long_claims = [Claim(text=claim * 3 or "c", score=0.5, checkworthy=True, start=0, end=1) for _ in range(8)]
    analysis = Analysis(pipeline_version="t", summary=[claim * 5], claims=long_claims, quotes=[quote(claim, title)] * 8)
    message = analysis_message(analysis, key="k", memory=Recall(notes=notes, changes=changes))
    check_slack_limits(message)
    hits = [MemoryHit(kind="figure", story=ref, figure=figure(words or "1", 1)) for _ in range(count * 3)]
    hits += [MemoryHit(kind="claim", story=ref, claim=RememberedClaim(text=claim or "c")) for _ in range(count * 3)]
    check_slack_limits(memory_message(MemorySearch(query=words or "w", channel="C1", hits=hits)))
    view = home_view([], conflicts=[n.model_copy(update={"found_in": ref}) for n in notes] * 5)
    check_slack_limits(view, view=True)


def test_memory_answer_lists_figures_then_claims_with_links() -> None:
    hits = [
        MemoryHit(kind="figure", story=story("Later"), figure=figure("1,450", 1450)),
        MemoryHit(
            kind="claim",
            story=story("Later"),
            claim=RememberedClaim(text="It will cut 1,450 jobs.", attribution="memo"),
        ),
        MemoryHit(kind="figure", story=story("Earlier", permalink=None), figure=figure("1,200", 1200)),
    ]
    message = memory_message(MemorySearch(query="calloway jobs", channel="C0NEWSROOM", hits=hits))
    check_slack_limits(message)
    assert message["blocks"][0]["text"]["text"] == (
        "*Desk memory for “calloway jobs”* in <#C0NEWSROOM>: 3 matches, newest first"
    )
    link = "https://team.slack.com/archives/C0NEWSROOM/p1700000000000100"
    assert texts_of(message, "memory-figures")[0].split("\n") == [
        "*Figures*",
        f"• *1,450* — Port of Calloway, jobs cut · _<{link}|Later>_ · 12 Nov 2026",
        "• *1,200* — Port of Calloway, jobs cut · _<https://news.example/port?a=1&amp;b=2|Earlier>_ · 12 Nov 2026",
    ]
    assert texts_of(message, "memory-claims")[0].split("\n") == [
        "*Claims*",
        f"• It will cut 1,450 jobs. _— memo_ · _<{link}|Later>_ · 12 Nov 2026",
    ]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (MemorySearch(query="", channel="C1"), "`/nutgraf memory &lt;words&gt;` lists the figures and claims"),
        (MemorySearch(query="a <b>", channel="C1"), "Nothing in this channel's desk memory has all of *a &lt;b&gt;*."),
        (MemorySearch(query="x", channel="C1", available=False), ":warning: Desk memory can't be read right now"),
    ],
)
def test_memory_answer_without_hits(search: MemorySearch, expected: str) -> None:
    message = memory_message(search)
    check_slack_limits(message)
    assert expected in message["blocks"][0]["text"]["text"]


def test_home_lists_conflicts_in_the_viewers_channels() -> None:
    later = story("Calloway job losses grow", id="s2", permalink="https://team.slack.com/archives/C0NEWSROOM/p2")
    view = home_view([], conflicts=[differs(found_in=later), differs(found_in=None)])
    check_slack_limits(view, view=True)
    assert texts_of(view, "conflicts")[0].split("\n") == [
        "*Figures that differ in your channels*",
        "• <#C0NEWSROOM> · Port of Calloway, jobs cut (next year): *1,200* in "
        "_<https://team.slack.com/archives/C0NEWSROOM/p1700000000000100|Port to cut jobs>_ (12 Nov 2026), "
        "*1,450* in _<https://team.slack.com/archives/C0NEWSROOM/p2|Calloway job losses grow>_ (12 Nov 2026)",
    ]
    assert texts_of(home_view([]), "conflicts") == []


def test_help_mentions_the_memory_command() -> None:
    assert "`/nutgraf memory &lt;words&gt;`" in str(help_message())
