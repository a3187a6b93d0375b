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
