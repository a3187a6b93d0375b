"""Figure records on sentences and stories written for these tests, and the rules that compare them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from bot.models import FigureRecord, Period, Quote
from bot.nlp import consistency, figures
from bot.nlp.figures import comparable, conflict, conflicts_within, extract, periods_compatible, subject_key
from bot.nlp.normalize import normalize

STORY = date(2026, 11, 12)
SAMPLE = Path(__file__).parents[2] / "bot" / "samples" / "harbour.txt"


def records(nlp: Language, text: str, **kwargs: Any) -> list[FigureRecord]:
    return extract(nlp(text), reference=kwargs.pop("reference", STORY), **kwargs)


def only(nlp: Language, text: str) -> FigureRecord:
    found = records(nlp, text)
    assert len(found) == 1, [r.text for r in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "text", "value", "unit", "code"),
    [
        ("The Marrow Valley line carried 1.2 million passengers last year.", "1.2 million", 1.2e6, "count", None),
        ("The Marrow Valley line carried 1,200,000 passengers in 2025.", "1,200,000", 1.2e6, "count", None),
        ("Fenwick Foods will spend $85m on a new plant in Ostrava.", "$85m", 85e6, "money", "USD"),
        ("Fenwick Foods will spend 85 million dollars on the plant.", "85 million dollars", 85e6, "money", "USD"),
        ("A third of Dellmoor's nurses quit in October.", "A third", 100 / 3, "percent", None),
        ("Four in ten voters in Dellmoor backed the levy.", "Four in ten", 40, "percent", None),
        ("Brisca Telecom's revenue reached 1.4bn euros in June.", "1.4bn euros", 1.4e9, "money", "EUR"),
        ("The Harlow council sold the depot for £3.5 billion this week.", "£3.5 billion", 3.5e9, "money", "GBP"),
        ("Turnout in the Ashgrove mayoral election was 50 per cent.", "50 per cent", 50, "percent", None),
        ("Half of Ashgrove's bus routes will close next year.", "Half", 50, "percent", None),
    ],
)
def test_values_units_and_currencies(
    nlp: Language, sentence: str, text: str, value: float, unit: str, code: str | None
) -> None:
    record = only(nlp, sentence)
    assert record.text == text
    assert record.value == pytest.approx(value)
    assert record.unit == unit and record.currency == code
    assert sentence[record.start - record.sentence_start : record.end - record.sentence_start] == text


@pytest.mark.parametrize(
    ("sentence", "approximation", "low", "high"),
    [
        ("The Port of Calloway will cut about 1,200 jobs.", "about", 1080, 1320),
        ("More than 40 people were killed in the Tessaly floods.", "more than", 40, 401),
        ("Nearly 300 homes in Ashgrove were flooded.", "nearly", 270, 315),
        ("The Port of Calloway will cut 1,180 jobs.", None, 1175, 1185),
    ],
)
def test_approximations_widen_the_range(
    nlp: Language, sentence: str, approximation: str | None, low: float, high: float
) -> None:
    record = only(nlp, sentence)
    assert record.approximation == approximation
    assert (record.low, record.high) == pytest.approx((low, high))


@pytest.mark.parametrize(
    ("sentence", "period", "start", "end"),
    [
        ("Westmere council built 310 homes last year.", "last year", date(2025, 1, 1), date(2025, 12, 31)),
        ("Unemployment in Veridia rose to 4.6% in October.", "October", date(2026, 10, 1), date(2026, 10, 31)),
        (
            "Container traffic at Calloway port fell 18 percent in the first half of 2026.",
            "the first half of 2026",
            date(2026, 1, 1),
            date(2026, 6, 30),
        ),
        ("Calloway hospitals admitted 140 flu patients this week.", "this week", date(2026, 11, 9), date(2026, 11, 15)),
        (
            "The Port of Calloway will cut 1,200 jobs by the end of next year.",
            "by the end of next year",
            STORY,
            date(2027, 12, 31),
        ),
    ],
)
def test_periods_in_context(nlp: Language, sentence: str, period: str, start: date, end: date) -> None:
    record = only(nlp, sentence)
    assert record.period is not None
    assert (record.period.text, record.period.start, record.period.end) == (period, start, end)
    assert record.reference == STORY


def test_when_something_was_said_is_not_when_it_happened(nlp: Language) -> None:
    record = only(nlp, "Brennock Paper will lay off 340 workers at its Tarvin mill, the company said on Thursday.")
    assert record.period is None
    assert (record.family, record.event) == ("jobs", "cut")


def test_a_rate_is_not_a_period(nlp: Language) -> None:
    record = only(nlp, "The Port of Calloway said the cuts would save about $85 million a year.")
    assert record.per == "year" and record.period is None
    assert (record.family, record.unit, record.currency) == ("savings", "money", "USD")


@pytest.mark.parametrize(
    ("sentence", "subject", "family", "event"),
    [
        ("The Port of Calloway will cut 1,200 jobs.", "calloway port", "jobs", "cut"),
        ("Calloway Port Authority will eliminate 1,450 positions.", "authority calloway port", "jobs", "cut"),
        ("Kestrel Bank plans to axe 2,000 roles.", "bank kestrel", "jobs", "cut"),
        ("Holloway Motors will make 900 redundancies.", "holloway motors", "jobs", "cut"),
        ("Brennock Paper will create 60 new posts.", "brennock paper", "jobs", "add"),
        ("The earthquake in Vardenne killed 64 people.", "vardenne", "deaths", None),
        ("Vardenne's civil protection agency put the number of fatalities at 81.", "vardenne", "deaths", None),
        ("Forty people were injured when a tram derailed in Selbourne.", "selbourne", "injuries", None),
        ("Unemployment in Veridia rose to 4.2% in October.", "veridia", "unemployment rate", None),
        ("Veridia's jobless rate was 4.6 percent in October.", "veridia", "unemployment rate", None),
        # what a place handled, or how many are in a state, is a total whatever the verb
        ("Ravensmoor Airport handled 3.1 million passengers in 2025.", "airport ravensmoor", "passengers", None),
        ("Ravensmoor Airport carried 2.7 million passengers in 2025.", "airport ravensmoor", "passengers", None),
        ("About 4,800 patients in Selbourne are waiting for hip operations.", "selbourne", "patients", None),
        ("The Tessaly clinic sees 300 patients.", "tessaly", "patients", None),
        # people drowned are deaths, as people killed are; the place an accident happened off
        ("Nine migrants drowned off Vardenne on Monday.", "vardenne", "deaths", None),
        # the name a verb acts on, when its subject names no one ("fined" is read as "fine")
        ("Inspectors fined Harlow Rail £3m over late trains.", "harlow rail", "fine", None),
        ("Harlow Rail was fined £4.5m over late trains, the inspectorate said.", "harlow rail", "fine", None),
        ("The trust awarded Ashgrove Museum a grant of £250,000.", "ashgrove museum", "funding", None),
    ],
)
def test_subjects_and_measures_meet_across_wordings(
    nlp: Language, sentence: str, subject: str, family: str, event: str | None
) -> None:
    record = only(nlp, sentence)
    assert (record.subject_key, record.family, record.event) == (subject, family, event)


def test_the_sample_story_disagrees_with_itself(nlp: Language) -> None:
    text = normalize(SAMPLE.read_text(encoding="utf-8"), slack=False).text
    doc = nlp(text)
    found = extract(doc, reference=STORY)
    jobs = [r for r in found if r.family == "jobs"]
    assert [(r.text, r.subject, r.measure, r.counted) for r in jobs] == [
        ("1,200", "Port of Calloway", "jobs cut", "jobs"),
        ("1,200", "Port of Calloway", "jobs cut", "cuts"),
        ("1,450", "Port of Calloway", "jobs cut", "positions"),
    ]
    pairs = conflicts_within(found)
    assert [(a.text, b.text) for a, b in pairs] == [("1,200", "1,450")]
    assert consistency.check(doc, found) == [
        "Two figures for jobs cut (Port of Calloway): '1,200' in paragraph 1, '1,450' in paragraph 6."
    ]
    savings = next(r for r in found if r.family == "savings")
    assert (savings.text, savings.asserted_by) == ("about $85 million", None)


def test_who_asserts_a_figure(nlp: Language) -> None:
    text = (
        'The union said 400 drivers had quit. "We lost 90 drivers in March," said Ida Marsh. '
        "Marsh believes 300 more drivers will leave."
    )
    doc = nlp(text)
    union = Quote(speaker="union", content="400 drivers had quit", kind="indirect", start=15, end=35)
    start = text.index("We lost")
    content = "We lost 90 drivers in March,"
    marsh = Quote(speaker="Ida Marsh", content=content, kind="direct", start=start, end=start + len(content))
    start = text.index("300 more")
    stance = Quote.model_construct(
        speaker="Ida Marsh", content="300 more drivers will leave", kind="stance", start=start, end=start + 27
    )
    found = {r.text: r for r in extract(doc, [union, marsh, stance], reference=STORY)}
    assert found["400"].asserted_by == "union"
    assert found["90"].asserted_by == "Ida Marsh"
    assert found["300"].asserted_by is None  # a belief is not an assertion
    assert found["300"].subset  # "300 more" adds to a count


def test_parts_and_forecasts_are_marked(nlp: Language) -> None:
    part = records(nlp, "The first 300 of the 1,200 jobs will go in March, Harbin Steel said.")
    assert [(r.text, r.subset) for r in part] == [("300", True), ("1,200", False)]
    forecast = only(nlp, "Veridia's economy is expected to grow 2.1% this year.")
    outcome = only(nlp, "Veridia's economy grew 1.8% this year.")
    assert forecast.forecast and not outcome.forecast
    assert (forecast.family, forecast.event, forecast.change) == ("economy", "rise", True)
    assert not comparable(forecast, outcome)


def test_negated_figures_are_not_asserted(nlp: Language) -> None:
    assert records(nlp, "The Port of Calloway did not cut 1,200 jobs.") == []


def test_durations_and_labels_are_not_figures(nlp: Language) -> None:
    assert records(nlp, "The trial lasted three years. Dockworkers Local 14 met on Monday.") == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("the Port of Calloway", "calloway port"),
        ("Calloway's port", "calloway port"),
        ("Calloway Port Authority", "authority calloway port"),
        ("Brennock Paper Ltd", "brennock paper"),
        ("Westmere council", "council westmere"),
    ],
)
def test_subject_keys(text: str, key: str) -> None:
    assert subject_key(text) == key


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("the Port of Calloway", "Calloway Port Authority", True),
        ("Orland", "Orland Petroleum", True),
        ("Ostrel province", "Ostrel", True),
        ("Calloway council", "the Port of Calloway", False),
        ("the Port of Calloway", "the Port of Westbrook", False),
        ("Kestrel Bank", "Harrier Bank", False),
    ],
)
def test_subjects_match_when_one_names_part_of_the_other(a: str, b: str, same: bool) -> None:
    assert figures.subjects_match(subject_key(a), subject_key(b)) is same
    assert not figures.subjects_match("", subject_key(a))


def test_a_persons_title_is_not_part_of_the_key() -> None:
    assert subject_key("Mayor Tom Becker", "PERSON") == "becker tom"


# -- comparing ----------------------------------------------------------------------------------------


def figure(value: float, *, spread: float = 0.0, **kwargs: Any) -> FigureRecord:
    """A figure record as extraction makes it: jobs cut at the Port of Calloway unless told otherwise."""
    base: dict[str, Any] = {
        "text": f"{value:g}",
        "value": value,
        "low": value - spread,
        "high": value + spread,
        "unit": "count",
        "subject": "Port of Calloway",
        "subject_key": "calloway port",
        "measure": "jobs cut",
        "family": "jobs",
        "event": "cut",
        "reference": STORY,
        "sentence": "",
        "sentence_start": 0,
        "start": 0,
        "end": 0,
    }
    return FigureRecord(**{**base, **kwargs})


def months(first: int, last: int, year: int = 2026) -> Period:
    return Period(text="", start=date(year, first, 1), end=date(year, last, 28))


def test_rounding_is_not_a_conflict() -> None:
    assert not conflict(figure(1200, low=1080, high=1320, approximation="about"), figure(1180, spread=5))
    assert not conflict(figure(1200, spread=50), figure(1180, spread=5))
    assert conflict(figure(1200, spread=50), figure(1450, spread=5))


def test_close_percentages_conflict() -> None:
    rate: dict[str, Any] = {"unit": "percent", "family": "unemployment rate", "event": None}
    assert conflict(figure(4.2, spread=0.05, **rate), figure(4.6, spread=0.05, **rate))
    assert not conflict(figure(4.2, spread=0.05, **rate), figure(4.23, spread=0.005, **rate))


@pytest.mark.parametrize(
    "other",
    [
        {"unit": "percent", "value": 15.0, "low": 14.5, "high": 15.5},  # its share of the workforce
        {"subset": True},  # "the first 300 of the 1,200"
        {"unit": "money", "currency": "USD"},  # another unit altogether
        {"subject_key": "port westbrook"},
        {"event": "add"},
        {"forecast": True},
        {"change": True},
        {"per": "year"},
        {"period": months(1, 3, 2019)},
    ],
)
def test_look_alikes_are_not_conflicts(other: dict[str, Any]) -> None:
    values = {"value": 300.0, "low": 295.0, "high": 305.0, **other}
    assert not conflict(figure(1200, spread=50), figure(**values))


def test_currency_conversion_is_not_a_conflict() -> None:
    money: dict[str, Any] = {"unit": "money", "family": "value", "event": None}
    assert not conflict(figure(3.5e9, currency="GBP", **money), figure(4.4e9, currency="USD", **money))
    assert conflict(figure(3.5e9, currency="GBP", **money), figure(4.4e9, currency="GBP", **money))


def test_period_compatibility() -> None:
    october = figure(1, period=months(10, 10))
    september = figure(1, period=months(9, 9))
    year = figure(1, period=months(1, 12))
    undated = figure(1)
    assert periods_compatible(october, year) and not periods_compatible(october, september)
    assert periods_compatible(undated, figure(2))
    # an undated figure is about its story's time: November 2026
    assert periods_compatible(undated, year)
    assert not periods_compatible(undated, september)
    assert not periods_compatible(undated, figure(1, period=months(1, 12, 2019)))


def test_within_a_story_each_pair_of_values_is_noted_once() -> None:
    first = figure(1200, spread=50, start=10, sentence_start=0)
    again = figure(1200, spread=50, start=200, sentence_start=180)
    other = figure(1450, spread=5, start=400, sentence_start=390)
    same_sentence = figure(1600, spread=5, start=20, sentence_start=0)
    pairs = conflicts_within([first, again, other, same_sentence])
    assert [(a.value, b.value) for a, b in pairs] == [(1200, 1450), (1200, 1600), (1450, 1600)]
    assert figures.index_keys(first) == ["calloway|jobs|count|", "port|jobs|count|"]


def test_a_clause_without_a_subject_takes_the_matrix_clauses(nlp: Language) -> None:
    record = only(nlp, "Dunlin Freight will close its Ardley yard next week, with 85 drivers losing their jobs.")
    assert (record.subject, record.family, record.event) == ("Dunlin Freight", "jobs", "cut")


def test_a_date_is_not_a_name(nlp: Language) -> None:
    record = only(nlp, "Police in Harrowgate said four people died in Friday's crash.")
    assert (record.subject_key, record.family) == ("harrowgate", "deaths")


def test_plans_and_forecasts(nlp: Language) -> None:
    plan = only(nlp, "Dunlin Freight will make 85 drivers redundant.")
    assert plan.future and not plan.forecast and plan.event == "cut"
    # an undated plan is about the time from its story's date on
    dated = figure(1, period=months(12, 12))
    assert periods_compatible(figure(2, future=True), dated)
    assert not periods_compatible(figure(2), dated)
    assert not periods_compatible(figure(2, future=True), figure(1, period=months(1, 3)))
    assert comparable(figure(2, forecast=True), figure(3, future=True))
    assert not comparable(figure(2, forecast=True), figure(3))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from([" cut ", "1,200", " jobs ", "about", "$", "85m", "a third", "%", " in ", "ten", "\n\n"]),
            st.sampled_from([" of the ", "first", " half ", "2026", " said ", "Port of Calloway", " last year", "."]),
        ),
        max_size=40,
    ).map("".join)
)
def test_odd_text_never_raises(nlp: Language, text: str) -> None:
    doc = nlp(text)
    for record in extract(doc, reference=STORY):
        assert 0 <= record.start < record.end <= len(doc.text)
        assert doc.text[record.start : record.end] in record.text
        assert record.low <= record.value <= record.high or record.approximation is not None
    consistency.check(doc)


def test_the_whole_a_part_is_taken_from_is_not_what_the_verb_did(nlp: Language) -> None:
    part, whole = records(nlp, "Holloway Motors will close 12 of its 40 dealerships.")
    assert (part.text, part.subset, part.event) == ("12", True, "close")
    assert (whole.text, whole.subset, whole.event) == ("40", False, None)
    closing = only(nlp, "Holloway Motors will close 30 dealerships next year.")
    assert not conflict(whole, closing) and not conflict(part, closing)


def test_when_a_source_was_published_is_not_when_it_happened(nlp: Language) -> None:
    record = only(
        nlp, "Ashgrove hospitals treated 9,400 patients last winter, according to figures published on Friday."
    )
    assert record.period is not None and record.period.text == "last winter"
    filed = only(nlp, "Tessaly Rail ran 1,900 services, according to a timetable filed with the regulator on Monday.")
    assert filed.period is None


def test_a_story_of_a_weekday_saying_that_weekday_means_that_day(nlp: Language) -> None:
    wednesday = date(2026, 9, 23)
    b = records(nlp, "Fourteen people died off Vardenne on Wednesday, the coastguard said.", reference=wednesday)[0]
    a = records(nlp, "Nine migrants drowned off Vardenne on Wednesday, the coastguard said.", reference=wednesday)[0]
    assert a.period is not None and b.period is not None
    assert a.period.start == b.period.start == wednesday
    assert conflict(a, b)
