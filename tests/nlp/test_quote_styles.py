"""Fixture stories in several house styles: the quotes and speakers found, and the same story read the same
way whether its quotation marks are US or British."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Quote
from bot.nlp.normalize import normalize
from bot.nlp.quotes import extract_quotes

ARTICLES = Path(__file__).parent.parent / "fixtures" / "articles"


def quotes_in(nlp, text: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    quotes = extract_quotes(nlp(text))
    for quote in quotes:
        parts = quote.spans or [(quote.start, quote.end)]
        assert all(text[a:b] in quote.content for a, b in parts)
        if quote.speaker_mention is not None:
            assert text[quote.speaker_start : quote.speaker_end] == quote.speaker_mention
    return quotes


def fixture(nlp, name: str) -> list[tuple[str | None, str | None, str | None, str]]:  # type: ignore[no-untyped-def]
    text = normalize((ARTICLES / name).read_text(encoding="utf-8"), slack=False).text
    return [(q.speaker, q.speaker_mention, q.kind, q.content) for q in quotes_in(nlp, text)]


def test_us_style_with_curly_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_ferry_us.txt") == [
        (
            "its chief executive",
            "its chief executive",
            "indirect",
            "The Calloway Ferry Company will raise fares by 12 percent in June",
        ),
        ("Ona Pell", "Ona Pell", "direct", "We held prices for three winters, and we cannot hold them for a fourth"),
        ("Ona Pell", "Pell", "indirect", "the increase would cost a daily commuter about $9 a month"),
        (
            "Ona Pell",
            "she",
            "direct",
            "People keep telling me ‘find the money somewhere else,’ and I understand why … "
            "But the fuel bill has doubled since the ’90s.",
        ),
        ("Tomas Reyes", "Harbor councilman Tomas Reyes", "mixed", "the rise “a tax on the east side.”"),
        (
            "the Calloway Port Authority",
            "the Calloway Port Authority",
            "indirect",
            "Ferry traffic fell 8 percent last year",
        ),
        (
            "Tomas Reyes and Ivo Brandt",
            "Reyes and Ivo Brandt",
            "indirect",
            "that they would ask the council to cap fares",
        ),
        (
            "Tomas Reyes",
            "Reyes",
            "direct",
            "The ferry is not a luxury for the people who live on the islands. It is the only road they have. … "
            "If the company cannot run it at a fair price, the council should",
        ),
        ("Smiths’ boatyard", "The Smiths’ boatyard", "indirect", "it had not been told of any new orders"),
        ("Ona Pell", "Pell", "stance", "to meet the council in May"),
    ]


def test_british_style_with_apostrophes_elisions_and_possessives(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_harbour_gb.txt") == [
        (
            "its harbour master",
            "its harbour master",
            "indirect",
            "The harbour at Kestrel Bay will close to large ships by the autumn unless dredging resumes",
        ),
        (
            "Maeve Doherty",
            "Maeve Doherty",
            "direct",
            "We have lost two metres of depth since the spring … "
            "Another winter like the last and the big boats won’t get in at all.",
        ),
        ("Maeve Doherty", "Doherty", "indirect", "the council’s dredger had been out of service since March"),
        ("Maeve Doherty", "she", "direct", "The Smiths’ yard told me “no parts until July”, and that was in April"),
        (
            "fishermen’s co-operative",
            "The fishermen’s co-operative",
            "indirect",
            "that its members were losing £4,000 a week",
        ),
        ("Rhys Evans", "Councillor Rhys Evans", "mixed", "the delay ‘a scandal worthy of a rock ’n’ roll song’"),
        (
            "Rhys Evans",
            "Evans",
            "direct",
            "We were promised a new dredger in 2019. We are still waiting. … Nobody at the council has explained why",
        ),
        ("Rhys Evans", "Evans", "stance", "the council will find the money before the autumn"),
    ]


def test_wire_copy_with_typewriter_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_school_wire.txt") == [
        (
            "school board",
            "The school board",
            "stance",
            "to keep Alder Falls Middle School open for at least three more years",
        ),
        (
            "Grace Okafor",
            "Grace Okafor",
            "direct",
            "This school is the last thing that makes us a town … Close it and the families go.",
        ),
        ("Luis Ferreira", "board member Luis Ferreira", "direct", "We cannot keep spending money we do not have"),
        ("Luis Ferreira", "who", "stance", "the plan"),
        ("Grace Okafor", "Ms. Okafor", "indirect", "the district would sell two empty buildings to cover the cost"),
        (
            "district's budget office",
            "the district's budget office",
            "indirect",
            "the school costs $1.2 million a year to run",
        ),
        ("Luis Ferreira", "Mr. Ferreira", "stance", "to put the question to voters in November"),
    ]


def test_plain_text_with_straight_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_pier_plain.txt") == [
        (
            "Dana Whitcombe",
            "harbor engineer Dana Whitcombe",
            "direct",
            "We'll reopen the pier by May … The contractor told us 'two more months,' and I believe them.",
        ),
        (
            "Dana Whitcombe",
            "Whitcombe",
            "indirect",
            "the repairs had cost $3.4 million so far, about a third more than the city's estimate",
        ),
        ("Mark Olsen", "city treasurer Mark Olsen", "indirect", "the overrun would come out of reserves"),
        ("Mark Olsen", "Olsen", "direct", "Nobody likes an overrun. But a pier that falls into the sea costs more"),
        (
            "Residents of Dock Street",
            "Residents of Dock Street",
            "indirect",
            "they had not been told how long the closure would last",
        ),
    ]


def test_continental_marks(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_border_continental.txt") == [
        (
            "regional government",
            "the regional government",
            "indirect",
            "The Haldor border crossing will stay open through the winter",
        ),
        (
            "Lena Vogt",
            "Lena Vogt",
            "direct",
            "We have hired forty more officers for the season … Nobody will wait more than an hour.",
        ),
        ("Piet Janssen", "Piet Janssen", "direct", "The queues last December were a disgrace"),
        ("Lena Vogt", "Vogt", "indirect", "the crossing would open a second lane for lorries in January"),
    ]


def test_an_interview_transcript(nlp) -> None:  # type: ignore[no-untyped-def]
    assert fixture(nlp, "quotes_interview_transcript.txt") == [
        ("Ada Wallace", "WALLACE", "direct", "Governor, will you sign the harbour bill this week"),
        (
            "Ona Pell",
            "PELL",
            "direct",
            "I will sign it on Friday, and I expect the council to fund the dredging by spring",
        ),
        ("Ada Wallace", "WALLACE", "direct", "The fishermen say nobody asked them"),
        ("fishermen", "The fishermen", "indirect", "nobody asked them"),
        ("Ona Pell", "PELL", "direct", "We asked every one of them twice. Some of them said no"),
        (None, "Q", "direct", "What happens if the council refuses"),
        (None, "A", "direct", "Then the harbour closes to large ships in the autumn"),
    ]


# --- the same story in British style ------------------------------------------------------------------


def _opening(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    return (before.isspace() or before in "([—") and i + 1 < len(text) and not text[i + 1].isspace()


def to_british(text: str) -> str:
    """US marks to British, paragraph by paragraph: outer “…” and "…" become ‘…’ and '…', the single marks
    nested in them become double; apostrophes (a mark between letters, or one no nested quote opened) stay."""
    paragraphs = []
    for para in text.split("\n"):
        out, outer, nested = list(para), False, False
        for i, mark in enumerate(para):
            between = 0 < i < len(para) - 1 and para[i - 1].isalnum() and para[i + 1].isalnum()
            if mark in '“”"':
                opening = mark == "“" or (mark == '"' and not outer)
                out[i] = ("‘" if opening else "’") if mark != '"' else "'"
                outer, nested = opening, False
            elif outer and mark in "‘'" and _opening(para, i) and not between:
                out[i], nested = ("“" if mark == "‘" else '"'), True
            elif outer and nested and mark in "’'" and not between:
                out[i], nested = ("”" if mark == "’" else '"'), False
        paragraphs.append("".join(out))
    return "\n".join(paragraphs)


def test_the_converter_swaps_quotation_marks_and_keeps_apostrophes() -> None:
    text = "“They said ‘wait’ at the Smiths’ yard in the ’90s,” she said. \"It's 'fine',\" he said."
    assert to_british(text) == "‘They said “wait” at the Smiths’ yard in the ’90s,’ she said. 'It's \"fine\",' he said."


@pytest.mark.parametrize("name", ["quotes_ferry_us.txt", "quotes_pier_plain.txt"])
def test_a_story_converted_to_british_style_gives_the_same_quotes(nlp, name: str) -> None:  # type: ignore[no-untyped-def]
    raw = (ARTICLES / name).read_text(encoding="utf-8")
    us_text = normalize(raw, slack=False).text
    gb_text = normalize(to_british(raw), slack=False).text
    assert len(gb_text) == len(us_text)
    us = [(q.speaker, q.speaker_mention, q.kind, q.start, q.end, q.spans) for q in quotes_in(nlp, us_text)]
    gb = [(q.speaker, q.speaker_mention, q.kind, q.start, q.end, q.spans) for q in quotes_in(nlp, gb_text)]
    assert gb == us


_PARAGRAPHS = [
    "“The pier will reopen in May,” said harbor engineer Dana Whitcombe.",
    "“People keep telling me ‘fix the potholes first,’ and they are right,” Mayor Ona Pell said.",
    "City treasurer Mark Olsen called the overrun “a price worth paying.”",
    "“The first part of a long answer.\n\n“The second part of it,” said Tomas Reyes.",
    "Nobody answered the phone at the Smiths’ boatyard on Tuesday.",
    'Residents said the closure had cost them "a whole summer."',
]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PARAGRAPHS), min_size=1, max_size=4).map("\n\n".join))
def test_any_story_reads_the_same_in_british_style(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    us = [(q.speaker, q.kind, q.start, q.end) for q in quotes_in(nlp, text)]
    gb = [(q.speaker, q.kind, q.start, q.end) for q in quotes_in(nlp, to_british(text))]
    assert gb == us
