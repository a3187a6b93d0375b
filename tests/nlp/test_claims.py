"""Claims, hedges, figures and consistency notes on articles written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from bot.models import Claim, Quote
from bot.nlp import claims, consistency
from bot.nlp.normalize import normalize
from bot.nlp.numbers import figures, parse_number
from bot.nlp.quotes import extract_quotes

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles"


def parse(nlp: Language, name: str) -> Doc:
    return nlp(normalize((ARTICLES / name).read_text(encoding="utf-8"), slack=False).text)


def claim_with(found: list[Claim], words: str) -> Claim:
    matches = [c for c in found if words in c.text]
    assert len(matches) == 1, (words, [c.text for c in found])
    return matches[0]


@pytest.fixture(scope="module")
def troops(nlp: Language) -> tuple[Doc, list[Claim]]:
    doc = parse(nlp, "claims_troops.txt")
    return doc, claims.extract_claims(doc)


def test_figure_sentences_rank_first_and_are_checkworthy(troops: tuple[Doc, list[Claim]]) -> None:
    _, found = troops
    top = found[:4]
    assert {c.text.split()[0] for c in top} == {"More", "Velmar", "Halvorsen", "The"}
    assert all(c.checkworthy for c in top)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert all(0.0 <= c.score <= 1.0 for c in found)
    vague = claim_with(found, "What happens next")
    assert not vague.checkworthy and vague.score == min(c.score for c in found)


def test_offsets_point_at_the_claim_and_datelines_are_dropped(troops: tuple[Doc, list[Claim]]) -> None:
    doc, found = troops
    for claim in found:
        assert doc.text[claim.start : claim.end] == claim.text
    lede = claim_with(found, "11,000")
    assert lede.text.startswith("More than 11,000 Velish soldiers")
    assert "MAREN" not in lede.text


def test_numbers_are_kept_as_written(troops: tuple[Doc, list[Claim]]) -> None:
    _, found = troops
    assert claim_with(found, "11,000").numbers == ["More than 11,000", "about 3,000"]
    assert claim_with(found, "January and February").numbers == ["3,000", "January and February"]
    assert "early 2025" in claim_with(found, "Velmar").numbers
    assert "500 square kilometres" in claim_with(found, "saved").numbers


@pytest.mark.parametrize(
    ("words", "hedges"),
    [
        ("11,000", ["may have", "officials estimate"]),
        ("deployment is likely", ["likely", "analysts suggest"]),
        ("second contingent", ["It is believed"]),
        ("reportedly described", ["reportedly"]),
        ("What happens next", ["unclear"]),
    ],
)
def test_hedges(troops: tuple[Doc, list[Claim]], words: str, hedges: list[str]) -> None:
    claim = claim_with(troops[1], words)
    assert claim.hedged
    assert claim.hedges == hedges


def test_unhedged_claims_say_so(troops: tuple[Doc, list[Claim]]) -> None:
    for words in ("Velmar sent", "visited the fire line", "saved"):
        claim = claim_with(troops[1], words)
        assert not claim.hedged and claim.hedges == []


def test_attribution_without_quotes_comes_from_the_sentence(troops: tuple[Doc, list[Claim]]) -> None:
    _, found = troops
    assert claim_with(found, "11,000").attribution == "Ostrian officials"
    assert claim_with(found, "Velmar").attribution == "Ostria's civil protection agency"
    assert claim_with(found, "visited the fire line").attribution is None


def test_attribution_prefers_the_quote_extractor(nlp: Language) -> None:
    doc = nlp("Officials said 40 people died in the fire on Monday. The mayor called it a tragedy.")
    first = next(iter(doc.sents))
    quote = Quote(
        speaker="Fire Chief Ann Cole",
        content=first.text,
        kind="indirect",
        start=first.start_char,
        end=first.end_char,
    )
    found = claims.extract_claims(doc, [quote])
    assert claim_with(found, "40 people").attribution == "Fire Chief Ann Cole"
    pronoun = quote.model_copy(update={"speaker": None, "speaker_mention": "I"})
    assert claim_with(claims.extract_claims(doc, [pronoun]), "40 people").attribution == "Officials"


def test_inconsistent_dates_for_the_same_figure_are_noted(nlp: Language, troops: tuple[Doc, list[Claim]]) -> None:
    doc, _ = troops
    notes = consistency.check(doc)
    assert notes == ["3,000 soldiers: 'early 2025' in paragraph 2, 'January and February' in paragraph 5."]


def test_same_small_count_with_the_same_verb_is_noted(nlp: Language) -> None:
    doc = nlp("Two soldiers were killed on Monday, the army said.\n\nTwo soldiers were killed on Sunday, police said.")
    notes = consistency.check(doc)
    assert len(notes) == 1 and "'Monday'" in notes[0] and "'Sunday'" in notes[0]


def test_two_figures_for_the_same_event_are_noted(nlp: Language) -> None:
    doc = parse(nlp, "claims_budget.txt")
    notes = consistency.check(doc)
    assert len(notes) == 1
    assert "'40'" in notes[0] and "'65'" in notes[0] and "jobs" in notes[0]


@pytest.mark.parametrize(
    "text",
    [
        # bounds overlap: more than 11,000 agrees with 12,000
        "More than 11,000 soldiers were deployed in March.\n\nAbout 12,000 soldiers were deployed in March.",
        # a part of the whole, not a second count
        "The army deployed 11,000 soldiers.\n\nThe army deployed the first 3,000 soldiers by train.",
        # different times, different figures
        "The plant employed 400 workers in 2019.\n\nThe plant employed 250 workers in 2024.",
        # durations differ without contradiction
        "The trial lasted three years.\n\nThe appeal lasted two years.",
        # small counts repeat by coincidence
        "Two people died in the crash on Monday.\n\nTwo people were hurt in a fire on Tuesday.",
    ],
)
def test_consistent_figures_are_not_noted(nlp: Language, text: str) -> None:
    assert consistency.check(nlp(text)) == []


def test_opinion_and_questions_rank_below_statistics(nlp: Language) -> None:
    doc = nlp(
        "I think things are going really well. Unemployment fell to 4.1 percent in March, the lowest rate since 2001. "
        "Will the council act? Thank you."
    )
    found = claims.extract_claims(doc)
    assert found[0].text.startswith("Unemployment fell")
    assert found[0].checkworthy
    assert not claim_with(found, "I think").checkworthy
    assert not any(c.text.endswith("?") or c.text == "Thank you." for c in found)


def test_features_follow_the_parse(nlp: Language) -> None:
    def on(text: str) -> set[str]:
        return {k for k, v in claims.features(nlp(text)[:]).values.items() if v}

    assert {"quantity", "money_percent", "past_event"} <= on("The city spent $4 million on roads last year.")
    assert "superlative" in on("It was the largest deficit in the state's history.")
    assert "causal" in on("Prices rose because the harvest failed.")
    assert "opinion" in on("I believe we can do better.")
    assert "future" in on("We are going to win this election.")
    assert "imperative" in on("Look at the record.")
    assert "quantity" not in on("Dockworkers Local 14 met on the pier.")


def test_independent_clauses_are_claims_of_their_own(nlp: Language) -> None:
    doc = nlp("Exports fell 4 percent in March, and 1,200 jobs were cut at the port.")
    found = claims.extract_claims(doc)
    assert [c.text for c in found] == ["Exports fell 4 percent in March", "1,200 jobs were cut at the port."]
    assert [c.numbers for c in found] == [["4 percent", "March"], ["1,200"]]
    for claim in found:
        assert doc.text[claim.start : claim.end] == claim.text


@pytest.mark.parametrize(
    "text",
    [
        "The plant closed and moved its 300 jobs to Ohio in 2019.",  # one subject for both verbs
        "Officials said that exports fell 4 percent and that 1,200 jobs were cut.",  # reported speech
        "Exports fell, and jobs went.",  # a clause too short to stand alone
    ],
)
def test_a_sentence_with_one_independent_clause_stays_whole(nlp: Language, text: str) -> None:
    found = claims.extract_claims(nlp(text))
    assert [c.text for c in found] == [text]


def test_each_clause_keeps_its_own_attribution(nlp: Language) -> None:
    doc = nlp(
        "Port officials said 3,000 containers arrived in January, but customs officers believe the count is higher."
    )
    for supplied in ((), extract_quotes(doc)):  # from the clause alone, and from the quote extractor
        found = {c.text.split()[0]: c for c in claims.extract_claims(doc, supplied)}
        assert found["Port"].attribution == "Port officials"
        assert found["customs"].attribution == "customs officers"
        assert found["Port"].score > found["customs"].score


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("Will the council act?", True),
        ('"Who pays for the new pier?" asked the mayor.', False),
        ('"Who pays for the new pier?"', True),
        ('Employers tell their workers, "Why should we pay you more?"', False),
        ("The mayor asked who pays for the pier.", False),
        ("“Is the pier safe?”", True),
        ("The harbour master wondered aloud, “Is the pier safe?”", False),
    ],
)
def test_a_question_quoted_inside_a_statement_does_not_make_it_one(text: str, question: bool) -> None:
    assert claims.is_question(text) is question


def test_a_figure_without_a_verb_is_a_claim(nlp: Language) -> None:
    found = claims.extract_claims(nlp("Unemployment in the county: 4.1 percent, the lowest since 2001."))
    assert len(found) == 1 and found[0].numbers == ["4.1 percent", "2001"]


def test_features_of_address_and_subject_matter(nlp: Language) -> None:
    def on(text: str) -> set[str]:
        return {k for k, v in claims.features(nlp(text)[:]).values.items() if v}

    assert "addressed" in on("Senator Reyes, you voted against the harbour bill in 2019.")
    assert "addressed" not in on("Senator Reyes voted against the harbour bill in 2019.")
    assert "policy" in on("The county raised property taxes twice.")
    assert "policy" not in on("The band played two encores.")
    # a plan ascribed to someone else is a claim about them, not the speaker's promise
    assert "prescriptive" in on("We are going to cut taxes.")
    assert "prescriptive" not in on("You are going to raise taxes on the middle class.")


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["11,000"], 11000),
        (["2.5", "million"], 2_500_000),
        (["three"], 3),
        (["twenty-one"], 21),
        (["$", "120", "million"], 120_000_000),
        (["4.5%"], 4.5),
        (["a", "dozen"], 12),
        (["7", "-", "2"], None),
        (["several"], None),
    ],
)
def test_parse_number(words: list[str], value: float | None) -> None:
    assert parse_number(words) == value


def test_figure_bounds(nlp: Language) -> None:
    doc = nlp("More than 11,000 troops and nearly 300 tanks and about 50 jets and 20 ships arrived.")
    found = {f.unit: (f.low, f.high) for f in figures(doc[:])}
    assert found["troop"][0] == 11000 and found["troop"][1] > 11000
    assert found["tank"] == (150, 300)
    assert found["jet"] == pytest.approx((45, 55))
    assert found["ship"] == (20, 20)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(["KYIV, Ukraine — ", " said ", "3,000", " troops ", "more than", "$", "%", "\n\n", "?"]),
        ),
        max_size=40,
    ).map("".join)
)
def test_odd_text_never_raises(nlp: Language, text: str) -> None:
    doc = nlp(text)
    found = claims.extract_claims(doc, ())
    consistency.check(doc)
    for claim in found:
        assert doc.text[claim.start : claim.end] == claim.text
