"""The time a figure is about, read from the words of a date expression and the story's date.

"last year", "in October", "the first half of 2026", "this week", "by the end of next year", "since 2019",
"between 2019 and 2021", "the past 12 months", "Q3": each becomes a :class:`~bot.models.Period`, a span of
calendar days, so that two figures can be said to be about the same time or not.

Dates that name a day, a week, a month or a year on their own ("12 November", "on Tuesday", "October
2025", "last month", "2019") are read by dateparser, resolved against the story's date (``RELATIVE_BASE``)
and widened to the whole of the period it reports (``RETURN_TIME_AS_PERIOD``): it is well kept, already
installed with trafilatura, and knows far more ways of writing a date than a table here would. What it
does not read, the parts of a period ("the first half of", "Q3", "early", "the end of"), seasons, ranges and
spans counted back from the story's date, is read here around it. Seasons are the northern hemisphere's.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from bot.models import Period
from bot.nlp.numbers import parse_number

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

Prefer = Literal["past", "future"]

_MONTHS = frozenset(m.lower() for m in [*calendar.month_name[1:], *calendar.month_abbr[1:]]) | {"sept"}
_WEEKDAYS = frozenset(d.lower() for d in [*calendar.day_name, *calendar.day_abbr])
_WEEKDAY_NUMBERS = {d.lower(): n for names in (calendar.day_name, calendar.day_abbr) for n, d in enumerate(names)}
#: Words that make a date expression refer to a time dateparser can place.
_ANCHORS = _MONTHS | _WEEKDAYS | {"year", "month", "week", "today", "yesterday", "tomorrow", "ago", "weekend"}
_LEADING = ("the", "in", "on", "during", "at", "for", "of", "over", "throughout", "from")
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365, "decade": 3652}
#: Words after a figure that make a date expression a rate ("$85 million a year"), not a time.
RATE = re.compile(r"^(?:a|an|per|each|every)\s+(day|week|month|quarter|year)$")
_HALF = re.compile(r"^(first|second|1st|2nd|last) half(?: of)?(?: (.+))?$")
_QUARTER = re.compile(
    r"^(?:(first|second|third|fourth|final|last|1st|2nd|3rd|4th) quarter|q([1-4]))(?: of)?(?: (.+))?$"
)
_PART = re.compile(
    r"^(early|mid|middle of|late|the end of|end of|the start of|start of|the beginning of|beginning of)[- ](.+)$"
)
_SPAN_BACK = re.compile(r"^(?:the )?(?:past|last|previous|preceding) (?:(.+?) )?(day|week|month|year|decade)s?$")
_SPAN_AHEAD = re.compile(
    r"^(?:within|in the next|over the next|the next|the coming) (?:(.+?) )?(day|week|month|year|decade)s?$"
)
_RANGE = re.compile(r"^(?:between |from )?(.+?) (?:and|to|through|until|till|-|–) (.+)$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$")
_DECADE = re.compile(r"^(?:the )?(?:early |mid |late )?(\d{3})0'?s$")
_FISCAL = re.compile(r"^(?:fiscal|financial|fiscal year|financial year|fy) ?(\d{4}|\d{2})$")


def resolve(text: str, reference: date, *, prefer: Prefer = "past") -> Period | None:
    """The period a date expression names, resolved against ``reference`` (the story's date); None if none.

    ``prefer`` says which way a bare "in October" or "on Tuesday" points: the past for what happened, the
    future for what will.
    """
    words = " ".join(text.lower().replace("’", "'").split()).strip(" ,.;:")
    if RATE.match(words):
        return None
    interval = _interval(words, reference, prefer)
    if interval is None or interval[0] > interval[1]:  # a range read backwards ("October - 1990s") is no period
        return None
    return Period(text=" ".join(text.split()), start=interval[0], end=interval[1])


def is_rate(text: str) -> bool:
    """Whether a date expression gives the time a rate is for ("a year" in "$85 million a year")."""
    return RATE.match(" ".join(text.lower().split())) is not None


@lru_cache(maxsize=4096)
def _interval(words: str, reference: date, prefer: Prefer) -> tuple[date, date] | None:
    if words.startswith("by "):
        inner = _interval(words[3:], reference, "future")
        return None if inner is None else (min(reference, inner[1]), inner[1])
    if words.startswith(("since ", "after ")):
        inner = _interval(words.split(" ", 1)[1], reference, "past")
        return None if inner is None or inner[0] > reference else (inner[0], reference)
    while words.split(" ", 1)[0] in _LEADING and " " in words:
        words = words.split(" ", 1)[1]
    if words == "year":  # "the end of the year"
        return date(reference.year, 1, 1), date(reference.year, 12, 31)
    if match := _HALF.match(words):
        year = _year_of(match[2], reference, prefer)
        if year is None:
            return None
        if match[1] in ("first", "1st"):
            return date(year[0].year, 1, 1), date(year[0].year, 6, 30)
        return date(year[0].year, 7, 1), year[1]
    if match := _QUARTER.match(words):
        year = _year_of(match[3], reference, prefer)
        if year is None:
            return None
        number = int(match[2]) if match[2] else _ORDINALS.get(match[1], 4)
        first_month = 3 * (number - 1) + 1
        return date(year[0].year, first_month, 1), _month_end(year[0].year, first_month + 2)
    if match := _PART.match(words):
        inner = _interval(match[2], reference, prefer)
        if inner is None:
            return None
        length = (inner[1] - inner[0]).days + 1
        third = timedelta(days=length // 3)
        part = match[1].removeprefix("the ").split()[0]
        if part == "early" or part in ("start", "beginning"):
            return inner[0], inner[0] + third
        if part in ("mid", "middle"):
            return inner[0] + third, inner[1] - third
        return inner[1] - third, inner[1]
    if (match := _SPAN_BACK.match(words)) and (match[1] or not words.startswith("last")):
        count = _count(match[1])
        return None if count is None else (reference - timedelta(days=round(count * _UNITS[match[2]])), reference)
    if match := _SPAN_AHEAD.match(words):
        count = _count(match[1])
        return None if count is None else (reference, reference + timedelta(days=round(count * _UNITS[match[2]])))
    if match := _YEAR_RANGE.match(words):
        first_year = int(match[1])
        last_year = int(match[2]) if len(match[2]) == 4 else first_year // 100 * 100 + int(match[2])
        return (date(first_year, 1, 1), date(last_year, 12, 31)) if last_year >= first_year else None
    if match := _DECADE.match(words):
        return date(int(match[1]) * 10, 1, 1), date(int(match[1]) * 10 + 9, 12, 31)
    if match := _FISCAL.match(words):
        fiscal = int(match[1]) if len(match[1]) == 4 else 2000 + int(match[1])
        return date(fiscal, 1, 1), date(fiscal, 12, 31)
    season = _season(words, reference, prefer)
    if season is not None:
        return season
    if (match := _RANGE.match(words)) and not words.startswith(("the end", "end ")):
        first = _interval(match[1], reference, prefer)
        last = _interval(match[2], reference, prefer)
        if first is not None and last is not None:
            return (first[0], last[1]) if first[0] <= last[1] else (first[0], _next_year(last)[1])
        if last is not None and match[1] in _MONTHS | _WEEKDAYS:  # "January and February 2026"
            first = _interval(f"{match[1]} {last[0].year}", reference, prefer)
            if first is not None and first[0] <= last[1]:
                return first[0], last[1]
        return None
    return _dateparser(words, reference, prefer)


def _next_year(interval: tuple[date, date]) -> tuple[date, date]:
    return interval[0].replace(year=interval[0].year + 1), interval[1].replace(year=interval[1].year + 1)


def _count(words: str | None) -> float | None:
    if words is None or words in ("a", "an", "the"):
        return 1.0
    return parse_number(words.split())


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _year_of(words: str | None, reference: date, prefer: Prefer) -> tuple[date, date] | None:
    """The year a part of a year belongs to: the one named, or the story's own."""
    if not words or words in ("the year", "this year"):
        return date(reference.year, 1, 1), date(reference.year, 12, 31)
    found = _interval(words, reference, prefer)
    if found is None or found[0].year != found[1].year:
        return None
    return date(found[0].year, 1, 1), date(found[0].year, 12, 31)


def _season(words: str, reference: date, prefer: Prefer) -> tuple[date, date] | None:
    parts = words.split()
    names = [p for p in parts if p in _SEASONS]
    if len(names) != 1 or len(parts) > 2:
        return None
    first_month, last_month = _SEASONS[names[0]]
    other = [p for p in parts if p != names[0]]
    if other and re.fullmatch(r"\d{4}", other[0]):
        year = int(other[0])
    elif other and other[0] not in ("last", "this", "next"):
        return None
    else:
        shift = {"last": -1, "next": 1, "this": 0}.get(other[0] if other else "", 0)
        year = reference.year + shift
        if not other and prefer == "past" and date(year, first_month, 1) > reference:
            year -= 1
        if not other and prefer == "future" and _month_end(year, last_month) < reference:
            year += 1
        if other and other[0] == "last" and date(reference.year, first_month, 1) > reference:
            year -= 1
    end_year = year + 1 if last_month < first_month else year
    return date(year, first_month, 1), _month_end(end_year, last_month)


@lru_cache(maxsize=16)
def _parser(reference: date, prefer: Prefer) -> DateDataParser:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime(reference.year, reference.month, reference.day, 12),
        "PREFER_DATES_FROM": prefer,
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    return DateDataParser(languages=["en"], settings=settings)


def _dateparser(words: str, reference: date, prefer: Prefer) -> tuple[date, date] | None:
    """A single day, week, month or year dateparser can place, as the days it spans.

    A bare weekday is the nearest such day on or before the story's date (after it for what will happen):
    a story of a Tuesday saying "on Tuesday" means that day, where dateparser would take the week before.
    """
    if words in _WEEKDAY_NUMBERS:
        days = (reference.weekday() - _WEEKDAY_NUMBERS[words]) % 7
        day = reference - timedelta(days=days) if prefer == "past" else reference + timedelta(days=(7 - days) % 7)
        return day, day
    tokens = set(re.findall(r"[a-z]+", words))
    if not (re.search(r"\d", words) or tokens & _ANCHORS):
        return None  # "night", "recent times": nothing to place
    if re.fullmatch(r"\d{1,3}|\d{5,}", words):
        return None  # a bare number is not a date, except a year
    data = _parser(reference, prefer).get_date_data(words)
    moment = data.date_obj
    if moment is None:
        return None
    day = moment.date()
    if data.period == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if data.period == "month":
        return date(day.year, day.month, 1), _month_end(day.year, day.month)
    if data.period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day
