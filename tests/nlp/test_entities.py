"""Entities: cleaned mentions, counted across name variants."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Span

from bot.models import Entity
from bot.nlp.entities import clean, extract_entities, is_junk
from bot.nlp.normalize import normalize

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles"


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.text: e for e in entities}


def test_variants_merge(nlp: Language) -> None:
    doc = nlp(
        "Russia's top general, Gen. Valery Gerasimov, said on Tuesday that the North Atlantic Treaty Organization "
        "was preparing for war. Gerasimov's remarks came as NATO ministers met in Brussels. The U.S. declined "
        "to comment. President Joe Biden spoke with Mr. Zelensky. Biden said the United States would help. "
        "Volodymyr Zelensky thanked the US."
    )
    found = by_name(extract_entities(doc))
    assert found["Valery Gerasimov"].label == "PERSON"
    assert found["Valery Gerasimov"].count == 2 and found["Valery Gerasimov"].variants == ["Gerasimov"]
    assert found["Joe Biden"].count == 2
    assert found["Volodymyr Zelensky"].variants == ["Zelensky"]
    assert found["North Atlantic Treaty Organization"].variants == ["NATO"]
    assert found["United States"].count == 3
    assert not {"Gerasimov", "Biden", "NATO", "U.S.", "Zelensky", "Mr. Zelensky"} & found.keys()


def test_fixture_article_entities(nlp: Language) -> None:
    text = normalize((ARTICLES / "claims_budget.txt").read_text(encoding="utf-8"), slack=False).text
    found = extract_entities(nlp(text))
    names = by_name(found)
    assert names["Ana Ruiz"].count == 2 and names["Tom Becker"].count == 2
    assert "Springfield" in names and "SPRINGFIELD" not in names
    assert [e.count for e in found] == sorted((e.count for e in found), reverse=True)


@pytest.mark.parametrize(
    ("raw", "label", "expected"),
    [
        ("Gerasimov's", "PERSON", "Gerasimov"),
        ("the Pentagon", "ORG", "Pentagon"),
        ("Gen. Valery Gerasimov", "PERSON", "Valery Gerasimov"),
        ("President Joe Biden", "PERSON", "Joe Biden"),
        ("President", "PERSON", "President"),
        ("“Kyiv,", "GPE", "Kyiv"),
        ("U.S.", "GPE", "U.S."),
        ("the Democrats’", "ORG", "Democrats"),
    ],
)
def test_clean(raw: str, label: str, expected: str) -> None:
    assert clean(raw, label) == expected


@pytest.mark.parametrize(
    ("text", "label", "junk"),
    [
        ("Kyiv", "GPE", False),
        ("NATO", "ORG", False),
        ("x", "PERSON", True),
        ("said", "PERSON", True),
        ("@nutgraf", "ORG", True),
        ("https://example.com", "ORG", True),
        ("Area 51234", "LOC", True),
        ("One Two Three Four Five Six Seven Eight", "ORG", True),
    ],
)
def test_is_junk(text: str, label: str, junk: bool) -> None:
    assert is_junk(text, label) is junk


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.one_of(st.text(max_size=20), st.sampled_from(["Mr. ", "Biden", "'s ", "the ", "U.S.", "NATO", ". ", "\n"])),
        max_size=40,
    ).map("".join)
)
def test_odd_text_never_raises(nlp: Language, text: str) -> None:
    for entity in extract_entities(nlp(text)):
        assert entity.count >= 1 and entity.text


def test_surname_mislabelled_by_the_ner_still_merges(nlp: Language) -> None:
    doc = nlp.make_doc("Valery Gerasimov spoke. Gerasimov left. Then Gerasimov returned to the Kremlin.")
    doc.ents = [
        Span(doc, 0, 2, label="PERSON"),
        Span(doc, 4, 5, label="ORG"),
        Span(doc, 8, 9, label="ORG"),
        Span(doc, 12, 13, label="ORG"),
    ]
    found = by_name(extract_entities(doc))
    assert found["Valery Gerasimov"].count == 3
    assert found["Valery Gerasimov"].label == "PERSON"
    assert found["Kremlin"].count == 1


def test_a_numbered_name_keeps_its_number(nlp: Language) -> None:
    doc = nlp("Tomas Reyes, president of Dockworkers Local 14, spoke first. Members of Teamsters Local 727 cheered.")
    names = by_name(extract_entities(doc))
    assert {"Dockworkers Local 14", "Teamsters Local 727"} <= set(names)
    assert "Dockworkers Local" not in names


def test_a_place_is_never_a_person_us_style(nlp: Language) -> None:
    text = (
        "RIVERTON — Riverton will raise ferry fares in June, Mayor Grace Okafor said on Monday.\n\n"
        "Ms. Okafor said the city had no choice. Riverton has lost riders since 2021, and commuters from "
        "Riverton now drive to Calder Falls instead.\n\n"
        "Okafor said she would meet union leaders next week. Graham Pike, who leads the riders' group, said "
        "he would fight the plan. Pike said the council had ignored riders."
    )
    found = extract_entities(nlp(text))
    people = {e.text for e in found if e.label == "PERSON"}
    assert "Riverton" not in people and "RIVERTON" not in people
    assert "Calder Falls" not in people
    names = by_name(found)
    okafor = names["Grace Okafor"]
    assert okafor.label == "PERSON" and {"Okafor"} <= set(okafor.variants)
    # "Grace Okafor", "Ms. Okafor", "Okafor" and the "she" that follows the last
    assert okafor.count_known and okafor.count == 4
    pike = names["Graham Pike"]
    assert pike.count_known and pike.count == 3  # "Graham Pike", "he", "Pike"


def test_british_style_counts_short_forms_without_titles(nlp: Language) -> None:
    text = (
        "Waiting lists at Dunmere General Hospital have grown by a third, according to Helen Marsh, the "
        "hospital's chief executive.\n\n"
        "Marsh told councillors in Dunmere that the trust needed 40 more nurses. Marsh added that the new "
        "wing would open in the spring.\n\n"
        "Councillor Tom Hale said the figures were alarming. Hale said residents in Dunmere deserved better."
    )
    names = by_name(extract_entities(nlp(text)))
    assert names["Helen Marsh"].count >= 3 and names["Helen Marsh"].variants == ["Marsh"]
    assert names["Tom Hale"].count >= 2
    assert names.get("Dunmere") is None or names["Dunmere"].label != "PERSON"


def test_wire_dateline_and_acronym_with_expansion(nlp: Language) -> None:
    text = (
        "HOLLIN POINT, May 4 (Wirewire) - The Hollin Point Transit Authority (HPTA) will close two stations, "
        "its director said on Thursday.\n\n"
        "HPTA director Ivo Brandt said the stations served fewer than 300 riders a day. The HPTA board "
        "approved the plan 6-1.\n\n"
        "Brandt said the savings would go to buses in Hollin Point."
    )
    found = extract_entities(nlp(text))
    assert "Hollin Point" not in {e.text for e in found if e.label == "PERSON"}
    assert "HOLLIN POINT" not in {e.text for e in found if e.label == "PERSON"}
    names = by_name(found)
    authority = names["Hollin Point Transit Authority"]
    assert authority.count == 4  # the name and "HPTA" three times, tagged or not
    assert names["Ivo Brandt"].label == "PERSON" and names["Ivo Brandt"].count >= 2


def test_an_ambiguous_pronoun_leaves_the_count_unknown(nlp: Language) -> None:
    text = (
        "Dana Whitcombe met Lena Vogt at the harbour office on Friday. She said the talks had gone well.\n\n"
        "Whitcombe later left for the airport."
    )
    names = by_name(extract_entities(nlp(text)))
    # "She" may be either woman: no count is better than one that ignores a mention.
    assert not names["Dana Whitcombe"].count_known
    assert not names["Lena Vogt"].count_known


def test_pronouns_resolve_by_gender_from_titles(nlp: Language) -> None:
    text = (
        "Mr. Tomas Reyes met Ms. Ona Pell at the pier on Friday. She said the talks had gone well, and he "
        "agreed.\n\nMs. Pell will report to the board in June."
    )
    names = by_name(extract_entities(nlp(text)))
    pell, reyes = names["Ona Pell"], names["Tomas Reyes"]
    assert pell.count_known and pell.count == 3
    assert reyes.count_known and reyes.count == 2


def test_an_unnamed_subject_takes_its_own_pronoun(nlp: Language) -> None:
    text = "Grace Okafor opened the meeting. A nurse from the ward said she had waited a year for a transfer."
    names = by_name(extract_entities(nlp(text)))
    assert names["Grace Okafor"].count == 1 and names["Grace Okafor"].count_known


def test_a_surname_inside_another_name_is_not_the_person(nlp: Language) -> None:
    text = "Rhona Keel said the ferry would stop at Keel Street Pier. Keel said the pier needed repairs."
    names = by_name(extract_entities(nlp(text)))
    assert names["Rhona Keel"].count == 2
