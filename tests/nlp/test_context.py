"""Claims shown alone read in context; quotes are the source's words (bot.nlp.context)."""

from __future__ import annotations

import pytest

from bot.models import Claim, Quote
from bot.nlp.claims import extract_claims
from bot.nlp.context import standalone, verbatim
from bot.nlp.quotes import extract_quotes


def claims_of(nlp, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    found = extract_quotes(doc)
    return standalone(doc, extract_claims(doc, found), found)


def claim_starting(claims: list[Claim], opening: str) -> Claim:
    (claim,) = [c for c in claims if c.text.startswith(opening)]
    return claim


@pytest.mark.parametrize(
    "text",
    [
        # US style, titles with a full stop
        "Graham Pike, the port's harbour master, said on Tuesday that dredging had stopped. "
        "He warned that the channel would close to cargo ships within 40 days.",
        # British style, no full stop after the title, a woman named before him
        "Mr Graham Pike spoke after Ms Alys Brand left the meeting. "
        "He warned that the channel would close to cargo ships within 40 days.",
    ],
)
def test_a_pronoun_subject_is_resolved_in_brackets(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    claim = claim_starting(claims_of(nlp, text), "He warned")
    assert claim.shown == "[Graham Pike] warned that the channel would close to cargo ships within 40 days."
    assert not claim.needs_context
    assert claim.text.startswith("He warned")  # the source's words stay as they were


def test_she_is_never_resolved_to_a_man(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Mr Graham Pike said dredging had stopped on Tuesday after the pump failed. "
        "She said the port would lose 2,000 tonnes of cargo a week."
    )
    claim = claim_starting(claims_of(nlp, text), "She said")
    assert claim.shown is None
    assert claim.needs_context


@pytest.mark.parametrize(("opening", "shown"), [("But", "The"), ("And", "The"), ("However,", "The")])
def test_a_leading_conjunction_is_dropped(nlp, opening: str, shown: str) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The ferry company raised fares by 12 percent in May. "
        f"{opening} the council said the subsidy had fallen by $2 million since 2022."
    )
    claim = claim_starting(claims_of(nlp, text), opening)
    assert claim.shown == "The council said the subsidy had fallen by $2 million since 2022."


def test_an_adverb_that_joins_nothing_stays(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Still more passengers used the night ferry in 2024, when 41,000 tickets were sold."
    claim = claim_starting(claims_of(nlp, text), "Still")
    assert claim.shown is None


@pytest.mark.parametrize(
    ("text", "opening", "needs"),
    [
        ("The wall cost $48 million in 2023. It will be paid for from reserves until 2030.", "It will", True),
        ("The wall cost $48 million in 2023. They approved a second wall by seven votes.", "They", True),
        ("The wall cost $48 million in 2023. It is unclear whether the second wall will cost more.", "It is", False),
    ],
)
def test_a_pronoun_nobody_can_resolve_needs_context(nlp, text: str, opening: str, needs: bool) -> None:  # type: ignore[no-untyped-def]
    claim = claim_starting(claims_of(nlp, text), opening)
    assert claim.needs_context is needs
    assert claim.shown is None  # nothing invented for it


def test_quotes_are_rebuilt_from_their_offsets() -> None:
    text = '"We will not close the school," Ana Ruiz said. "Not this year."'
    quote = Quote(
        speaker="Ana Ruiz", content="We will NOT close it", kind="direct", start=1, end=30, spans=[(1, 29), (48, 62)]
    )
    (checked,) = verbatim(text, [quote])
    assert checked.content == "We will not close the school … Not this year."
    assert checked.verified


def test_a_stray_mark_at_a_quote_edge_is_left_out() -> None:
    text = "He said the fund was “short by $3 million.” Then he left."
    start, end = text.index("short"), text.index("”") + 1
    quote = Quote(speaker="Ana Ruiz", content=text[start:end], kind="mixed", start=start, end=end)
    (checked,) = verbatim(text, [quote])
    assert checked.verified
    assert checked.content == "short by $3 million."
    assert text[checked.start : checked.end] == checked.content


def test_a_quote_whose_marks_cannot_pair_is_not_verified() -> None:
    text = 'She called it "a "disgrace" and left.'
    quote = Quote(speaker="Ana Ruiz", content="x", kind="mixed", start=0, end=len(text))
    (checked,) = verbatim(text, [quote])
    assert not checked.verified
