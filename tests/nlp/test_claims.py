"""Claims, hedges, figures and consistency notes on articles written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from bot.models import LOWERING_REASONS, Claim, Quote
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
    for mention in ("I", "Nobody", "they"):  # names nobody to attribute the claim to
        unnamed = quote.model_copy(update={"speaker": None, "speaker_mention": mention})
        assert claim_with(claims.extract_claims(doc, [unnamed]), "40 people").attribution == "Officials"


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


def on(nlp: Language, text: str) -> set[str]:
    """The criteria a sentence meets."""
    return {k for k, v in claims.features(nlp(text)[:]).values.items() if v}


def test_features_follow_the_parse(nlp: Language) -> None:
    assert {"figure", "event"} <= on(nlp, "The city spent $4 million on roads last year.")
    assert "comparison" in on(nlp, "It was the largest deficit in the state's history.")
    assert "cause" in on(nlp, "The council closed the depot because the government stopped funding it.")
    assert "opinion" in on(nlp, "I believe we can do better.")
    assert "promise" in on(nlp, "We are going to win this election.")
    assert "instruction" in on(nlp, "Look at the record.")
    assert "figure" not in on(nlp, "Dockworkers Local 14 met on the pier.")
    # "would" in reported speech is the reported "will"; a finite verb joined to it does not borrow it
    reported = on(nlp, "The new wing would add 120 beds by 2028, the trust said, and the nurses' union disputes that.")
    assert "prediction" in reported and "hypothetical" not in reported
    assert "hypothetical" in on(nlp, "If the town doubled the levy, it would raise $4 million a year.")


@pytest.mark.parametrize(
    "text",
    [
        "Four in ten renters in Calloway spend more than a third of their income on rent.",
        "Dozens of families on the Ostrow estate are still without heating.",
        "Half the children in this city grow up in poverty.",
        "Two thirds of the people on our waiting list are over seventy.",
        "The backlog doubled after the court closed.",
    ],
)
def test_quantities_in_words_are_figures(nlp: Language, text: str) -> None:
    assert claims.features(nlp(text)[:]).values["figure"] == 1.0


def test_small_counts_in_talk_weigh_less_than_measurements(nlp: Language) -> None:
    small = claims.features(nlp("We have two problems with this plan.")[:]).values["figure"]
    measured = claims.features(nlp("We have 2,000 problems with this plan.")[:]).values["figure"]
    assert 0 < small < measured == 1.0


def test_features_of_address_and_subject_matter(nlp: Language) -> None:
    assert "addressed" in on(nlp, "Senator Reyes, you voted against the harbour bill in 2019.")
    assert "addressed" not in on(nlp, "Senator Reyes voted against the harbour bill in 2019.")
    assert "public" in on(nlp, "The county raised property taxes twice.")
    assert "public" not in on(nlp, "The band played two encores.")
    # a plan ascribed to someone else is a claim about them, not the speaker's promise
    assert "promise" in on(nlp, "We are going to cut taxes.")
    assert "promise" not in on(nlp, "You are going to raise taxes on the middle class.")


# One fixture sentence for each class fact-checkers distinguish, with the reason it must be given and
# whether it is check-worthy.
REASON_CASES = [
    ("The council spent 4.2 million crowns on consultants last year.", "figure", True),
    ("Four in ten renters in Calloway spend more than a third of their income on rent.", "people affected", True),
    ("Burglaries in Kesby fell by 14 percent in 2025, according to police data.", "sourced statistic", True),
    ("There are more women in work in this province than at any time before.", "comparison", True),
    ("Unemployment in Halvik is the lowest it has been since 1974.", "superlative or record", True),
    ("The fare increase drove thousands of passengers back to their cars.", "cause", True),
    ("The bill lets landlords evict tenants without a court hearing.", "law or policy", True),
    ("Senator Maradin voted against the child benefit bill twice.", "law or policy", True),
    ("The Bellmark Group was fined by the food standards regulator last spring.", "named actor", True),
    ("Economists expect unemployment to peak at around 7 percent next spring.", "prediction", True),
    ("We will build 50,000 new homes in the next five years.", "promise", False),
    ("If we raised the fuel levy by two cents, we would bring in 40 million a year.", "hypothetical", False),
    ("We need to put 500 more nurses on the wards this winter.", "proposal", True),
    ("Why did the governor spend 40 million on a bridge that nobody uses", "question", False),
    ("I think the people of Saltreach are smarter than that.", "opinion", False),
    ("Commuter groups were unimpressed.", "opinion", False),
    ("When I was seventeen, I worked three jobs to pay for my first year at college.", "personal", False),
    ("Governor Vask, you have ninety seconds to respond to that.", "addresses someone", False),
    ("Thank you all for coming out tonight in the rain.", "small talk", False),
    ("Look at the record on housing.", "instruction", False),
    ("We've done a lot, but there's still a lot more to do.", "vague", False),
]


@pytest.mark.parametrize(("text", "reason", "checkworthy"), REASON_CASES)
def test_each_class_of_sentence_gets_its_reason(nlp: Language, text: str, reason: str, checkworthy: bool) -> None:
    (claim, *_) = claims.extract_claims(nlp(text))
    assert reason in claim.reasons
    assert claim.checkworthy is checkworthy
    # what raised the score comes first, then what lowered it
    lowering = [r in LOWERING_REASONS for r in claim.reasons]
    assert lowering == sorted(lowering)


def test_what_someone_else_said_counts_for_what_it_asserts(nlp: Language) -> None:
    (opinion,) = claims.extract_claims(nlp("My opponent said my plan was a fantasy."))
    (fact,) = claims.extract_claims(
        nlp("The minister told parliament last month that waiting lists had fallen by a fifth.")
    )
    assert opinion.reasons == ["vague"] and not opinion.checkworthy
    assert {"figure", "comparison"} <= set(fact.reasons) and fact.checkworthy


@pytest.mark.parametrize(
    ("fact", "variants"),
    [
        (
            "We cut class sizes to 25 in every primary school.",
            [
                "We will cut class sizes to 25 in every primary school.",
                "We could cut class sizes to 25 in every primary school if we wanted to.",
                "We should cut class sizes to 25 in every primary school.",
            ],
        ),
        (
            "The fire destroyed 30 homes in the village of Hollin.",
            ["The fire could destroy as many as 30 homes if the wind turns."],
        ),
    ],
)
def test_a_figure_alone_does_not_make_a_claim_checkworthy(nlp: Language, fact: str, variants: list[str]) -> None:
    (stated,) = claims.extract_claims(nlp(fact))
    assert stated.checkworthy and "figure" in stated.reasons
    for text in variants:
        (other,) = claims.extract_claims(nlp(text))
        assert other.score < stated.score / 2, text
        assert set(other.reasons) & {"promise", "hypothetical", "proposal"}, text


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (
            "The council raised parking charges by 20 percent in April.",
            "In April, the council raised parking charges by 20 percent.",
        ),
        ("Rents in Calloway rose faster than wages last year.", "Last year rents in Calloway rose faster than wages."),
        ("Crime has fallen in every district since 2020.", "Since 2020, crime has fallen in every district."),
        # reported speech: the reported "will" is "would", whether the report frames it or follows it
        (
            "The trust said the new wing would add 120 beds by 2028.",
            "The new wing would add 120 beds by 2028, the trust said.",
        ),
    ],
)
def test_near_identical_sentences_score_alike(nlp: Language, one: str, other: str) -> None:
    (a,) = claims.extract_claims(nlp(one))
    (b,) = claims.extract_claims(nlp(other))
    assert abs(a.score - b.score) < 0.05
    assert a.reasons == b.reasons


def test_criteria_point_the_way_they_are_meant_to() -> None:
    for criterion in claims.CRITERIA:
        weight = claims.WEIGHTS[criterion.name]
        assert (weight >= 0) if criterion.raises else (weight <= 0), criterion
        assert (criterion.reason in LOWERING_REASONS) is not criterion.raises, criterion
    assert set(claims.WEIGHTS) == {c.name for c in claims.CRITERIA}


@pytest.fixture(scope="module")
def ferry(nlp: Language) -> list[Claim]:
    return claims.extract_claims(parse(nlp, "claims_ferry.txt"))


def test_a_short_evaluative_sentence_stays_out_of_the_top_five(ferry: list[Claim]) -> None:
    top = [c.text for c in ferry[:5]]
    assert "Commuter groups were unimpressed." not in top
    unimpressed = claim_with(ferry, "unimpressed")
    assert unimpressed.reasons == ["opinion", "fragment"] and not unimpressed.checkworthy
    # the hedged, sourced figure is among the five
    hedged = claim_with(ferry, "may have underestimated")
    assert hedged in ferry[:5] and hedged.hedged and "sourced statistic" in hedged.reasons  # "citing a review"
    sourced = [c for c in ferry if "sourced statistic" in c.reasons]
    assert sourced and all(c.score > unimpressed.score for c in sourced)


# The claims an editor would check first in each story, written down before the scorer was run on it.
TOP_THREE = {
    "claims_ferry.txt": [
        "Passenger numbers fell to 1.1 million in 2025",
        "The operator, Tidewater Lines, said fuel costs had risen by 40 per cent",
        "Councillor Amos Threlkeld, who chairs the transport committee, said the council may have underestimated",
    ],
    "claims_floodwall.txt": [
        "But the wall has also pushed water onto farmland downstream",
        "The Marnford flood wall, finished in 2023 at a cost of $48 million",
        "Before the wall was built, the Orlan River flooded the town center nine times in 20 years",
    ],
    "claims_hospital.txt": [
        "Waiting lists at Dunmere General Hospital have reached their longest since records began",
        "The hospital's chief executive, Dr Anna Orrin, said the closure of 40 beds",
        "That is nearly a third more than a year earlier.",
    ],
}


@pytest.mark.parametrize("name", sorted(TOP_THREE))
def test_the_key_claims_of_a_story_are_the_ones_an_editor_checks_first(nlp: Language, name: str) -> None:
    found = claims.extract_claims(parse(nlp, name))
    assert [c.text[: len(start)] for c, start in zip(found, TOP_THREE[name], strict=False)] == TOP_THREE[name]
    assert all(c.checkworthy for c in found[:3])


def test_the_sample_story_leads_with_its_sourced_figures(nlp: Language) -> None:
    sample = Path(__file__).parents[2] / "bot" / "samples" / "harbour.txt"
    doc = nlp(normalize(sample.read_text(encoding="utf-8"), slack=False).text)
    top = [c.text for c in claims.extract_claims(doc)[:3]]
    assert [t.split(",")[0] for t in top] == [
        "According to the regional transport agency",
        "The Port of Calloway will cut 1",
        "In an internal memo seen by this newspaper",
    ]


@pytest.mark.parametrize(
    "name", ["claims_ferry.txt", "claims_floodwall.txt", "claims_hospital.txt", "claims_troops.txt"]
)
def test_every_claim_has_reasons_from_the_criteria(nlp: Language, name: str) -> None:
    vocabulary = {c.reason for c in claims.CRITERIA} | {"sourced statistic", "people affected", "superlative or record"}
    for claim in claims.extract_claims(parse(nlp, name)):
        assert claim.reasons and set(claim.reasons) <= vocabulary, claim


def test_a_claim_never_spans_a_paragraph_break(nlp: Language) -> None:
    doc = nlp("'Nobody wants to pay more to cross the water.'\n\nCommuter groups were unimpressed.")
    texts = [c.text for c in claims.extract_claims(doc)]
    assert "Commuter groups were unimpressed." in texts
    assert not any("\n" in t for t in texts)


def test_a_stance_does_not_attribute_the_claim(nlp: Language) -> None:
    doc = nlp("The minister believes that 40 clinics closed last year.")
    sent = next(iter(doc.sents))
    # the quote extractor's kind for beliefs and intentions: they do not assert what they report
    stance = Quote.model_construct(
        speaker="Health Minister Ida Brandt", content=sent.text, kind="stance", start=sent.start_char, end=sent.end_char
    )
    (claim,) = claims.extract_claims(doc, [stance])
    assert claim.attribution == "The minister"
    said = stance.model_copy(update={"kind": "indirect"})
    (claim,) = claims.extract_claims(doc, [said])
    assert claim.attribution == "Health Minister Ida Brandt"


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
