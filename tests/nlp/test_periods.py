"""Periods resolved against a story's date: Thursday 12 November 2026 unless a test says otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.nlp.periods import is_rate, resolve

STORY = date(2026, 11, 12)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last year", date(2025, 1, 1), date(2025, 12, 31)),
        ("this year", date(2026, 1, 1), date(2026, 12, 31)),
        ("next year", date(2027, 1, 1), date(2027, 12, 31)),
        ("in October", date(2026, 10, 1), date(2026, 10, 31)),
        ("in December", date(2025, 12, 1), date(2025, 12, 31)),
        ("the first half of 2026", date(2026, 1, 1), date(2026, 6, 30)),
        ("the second half", date(2026, 7, 1), date(2026, 12, 31)),
        ("this week", date(2026, 11, 9), date(2026, 11, 15)),
        ("last week", date(2026, 11, 2), date(2026, 11, 8)),
        ("last month", date(2026, 10, 1), date(2026, 10, 31)),
        ("on Tuesday", date(2026, 11, 10), date(2026, 11, 10)),
        ("12 November", date(2026, 11, 12), date(2026, 11, 12)),
        ("Nov. 12", date(2026, 11, 12), date(2026, 11, 12)),
        ("March 2026", date(2026, 3, 1), date(2026, 3, 31)),
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("the third quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("Q2 2025", date(2025, 4, 1), date(2025, 6, 30)),
        ("by the end of next year", STORY, date(2027, 12, 31)),
        ("since 2019", date(2019, 1, 1), STORY),
        ("between 2019 and 2021", date(2019, 1, 1), date(2021, 12, 31)),
        ("2025-26", date(2025, 1, 1), date(2026, 12, 31)),
        ("January and February", date(2026, 1, 1), date(2026, 2, 28)),
        ("the past 12 months", date(2025, 11, 17), STORY),
        ("within three years", STORY, date(2029, 11, 11)),
        ("last spring", date(2025, 3, 1), date(2025, 5, 31)),
        ("the 1990s", date(1990, 1, 1), date(1999, 12, 31)),
        ("fiscal 2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_resolve_against_the_story_date(text: str, start: date, end: date) -> None:
    period = resolve(text, STORY)
    assert period is not None, text
    assert (period.start, period.end) == (start, end)
    assert period.text == text


def test_future_tense_points_forward() -> None:
    ahead = resolve("in December", STORY, prefer="future")
    assert ahead is not None and (ahead.start, ahead.end) == (date(2026, 12, 1), date(2026, 12, 31))
    monday = resolve("on Tuesday", STORY, prefer="future")
    assert monday is not None and monday.start == date(2026, 11, 17)


def test_a_weekday_is_the_nearest_one_on_the_story_day_or_before() -> None:
    # 12 November 2026 is a Thursday: a story of that day saying "on Thursday" means that day
    for prefer in ("past", "future"):
        thursday = resolve("on Thursday", STORY, prefer=prefer)
        assert thursday is not None and (thursday.start, thursday.end) == (STORY, STORY)
    wednesday = resolve("Wed", STORY)
    assert wednesday is not None and wednesday.start == date(2026, 11, 11)
    friday = resolve("on Friday", STORY)
    assert friday is not None and friday.start == date(2026, 11, 6)
    last = resolve("last Thursday", STORY)
    assert last is not None and last.start == date(2026, 11, 5)


def test_the_story_date_moves_relative_dates() -> None:
    january = date(2027, 1, 20)
    period = resolve("last year", january)
    assert period is not None and period.start == date(2026, 1, 1)
    october = resolve("in October", january)
    assert october is not None and october.start == date(2026, 10, 1)


@pytest.mark.parametrize("text", ["night", "a year", "per month", "recent times", "45"])
def test_words_that_are_no_period(text: str) -> None:
    assert resolve(text, STORY) is None


def test_rates_are_not_periods() -> None:
    assert is_rate("a year") and is_rate("per month") and is_rate("each week")
    assert not is_rate("last year") and not is_rate("this week")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.sampled_from(["the", "first", "half", "of", "2026", "Q3", "by", "end", "last", "since", "-", "and"]),
            st.sampled_from(["October", "Tuesday", "spring", "year", "months", "past", "12", "1990s", "fiscal"]),
        ),
        max_size=8,
    ).map(" ".join)
)
def test_odd_date_words_never_raise(text: str) -> None:
    period = resolve(text, STORY)
    assert period is None or period.start <= period.end
