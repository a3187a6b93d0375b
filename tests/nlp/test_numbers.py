"""Reading numbers as newsrooms write them: values, proportions, currencies, rounding and bounds."""

from __future__ import annotations

import pytest

from bot.nlp.numbers import approximation, bounds, currency, parse_number, parse_share, rounding


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["1.2", "million"], 1_200_000),
        (["1,200,000"], 1_200_000),
        (["$", "85", "m"], 85_000_000),
        (["85m"], 85_000_000),
        (["85", "million", "dollars"], 85_000_000),
        (["1.4bn"], 1_400_000_000),
        (["£", "3.5", "billion"], 3_500_000_000),
        (["50"], 50),
        (["twenty-six"], 26),
        (["two", "thousand"], 2000),
    ],
)
def test_values_are_normalised(words: list[str], value: float) -> None:
    assert parse_number(words) == pytest.approx(value)


@pytest.mark.parametrize(
    ("words", "percent"),
    [
        (["a", "third"], 100 / 3),
        (["two-thirds"], 200 / 3),
        (["Two", "-", "thirds"], 200 / 3),
        (["three", "quarters"], 75),
        (["a", "quarter", "of"], 25),
        (["four", "in", "ten"], 40),
        (["one", "in", "five"], 20),
        (["nine", "out", "of", "10"], 90),
        (["half"], 50),
        (["a", "fifth"], 20),
    ],
)
def test_proportions_are_read_as_percentages(words: list[str], percent: float) -> None:
    assert parse_share(words) == pytest.approx(percent)


@pytest.mark.parametrize(
    "words",
    [["the", "third"], ["a", "third", "term"], ["two", "third"], ["one", "in", "five", "households"], ["several"]],
)
def test_words_that_are_not_proportions(words: list[str]) -> None:
    assert parse_share(words) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("$85m", "USD"),
        ("85 million dollars", "USD"),
        ("£3.5 billion", "GBP"),
        ("€40 million", "EUR"),
        ("900 million euros", "EUR"),
        ("US$2.1bn", "USD"),
        ("A$300,000", "AUD"),
        ("EUR 40m", "EUR"),
        ("Rs 400 crore", "INR"),
        ("1,200 jobs", None),
    ],
)
def test_currency_of_an_amount(text: str, code: str | None) -> None:
    assert currency(text) == code


@pytest.mark.parametrize(
    ("value", "spread"),
    [(1200, 50), (1450, 5), (1180, 5), (4.2, 0.05), (18, 0.5), (2000, 100), (300, 15), (85e6, 0.5e6), (1.2e6, 5e4)],
)
def test_rounding_allows_what_a_writer_rounds_away(value: float, spread: float) -> None:
    assert rounding(value) == pytest.approx(spread)


def test_approximation_words_and_bounds() -> None:
    assert approximation(["cut", "about", "1,200"]) == "about"
    assert approximation(["more", "than", "40"]) == "more than"
    assert approximation(["Nearly", "300"]) == "nearly"
    assert approximation(["cut", "1,200"]) is None
    # "about 1,200" agrees with 1,180; "1,200" alone allows 1,150 to 1,250
    low, high = bounds(1200, "about", rounding(1200))
    assert low <= 1180 <= high
    assert bounds(1200, None, rounding(1200)) == (1150, 1250)
    assert bounds(40, "more than", rounding(40))[0] == 40
    assert bounds(300, "nearly", rounding(300)) == pytest.approx((270, 315))
    assert bounds(300, "up to", 0.0) == (0.0, 300)
