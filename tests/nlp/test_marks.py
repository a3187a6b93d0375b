"""Quotation marks in every house style: which stretches of text are quoted, and which marks are apostrophes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.nlp.marks import balanced, scan_marks


def quoted(text: str) -> list[list[str]]:
    return [[text[a:b] for a, b in parts] for parts in scan_marks(text)]


@pytest.mark.parametrize(
    "text",
    [
        "“We will rebuild the pier,” said Ona Pell.",
        '"We will rebuild the pier," said Ona Pell.',
        "‘We will rebuild the pier,’ said Ona Pell.",
        "'We will rebuild the pier,' said Ona Pell.",
        "``We will rebuild the pier,'' said Ona Pell.",
        "''We will rebuild the pier,'' said Ona Pell.",
        "«We will rebuild the pier,» said Ona Pell.",
        "„We will rebuild the pier,“ said Ona Pell.",
        "„We will rebuild the pier,” said Ona Pell.",
    ],
)
def test_every_house_style_marks_the_same_quotation(text: str) -> None:
    assert quoted(text) == [["We will rebuild the pier"]]


def test_us_style_nests_single_marks() -> None:
    text = "“They told me ‘wait’, so I waited,” she said."
    assert quoted(text) == [["They told me ‘wait’, so I waited"]]


def test_british_style_nests_double_marks() -> None:
    text = "‘They told me “wait”, so I waited,’ she said."
    assert quoted(text) == [["They told me “wait”, so I waited"]]


def test_british_style_with_straight_marks_nests_straight_double_marks() -> None:
    text = "'They told me \"wait\", so I waited,' she said."
    assert quoted(text) == [['They told me "wait", so I waited']]


def test_a_nested_quotation_closing_with_the_outer_one() -> None:
    assert quoted("‘Her reply was “never”’, he said.") == [["Her reply was “never”"]]
    assert quoted("“Her reply was ‘never’”, he said.") == [["Her reply was ‘never’"]]


@pytest.mark.parametrize(
    "text",
    [
        "‘We ate at the Smiths’ house on the quay,’ said Ona Pell.",
        "'We ate at the Smiths' house on the quay,' said Ona Pell.",
    ],
)
def test_a_plural_possessive_inside_a_british_quote_does_not_close_it(text: str) -> None:
    assert quoted(text) == [[text[1 : text.index(",")]]]


@pytest.mark.parametrize(
    "text, inside",
    [
        ("‘It’s the ’90s all over again,’ said Ona Pell.", "It’s the ’90s all over again"),
        ("'It's the '90s all over again,' said Ona Pell.", "It's the '90s all over again"),
        ("‘They played rock ’n’ roll till dawn,’ he said.", "They played rock ’n’ roll till dawn"),
        ("'They played rock 'n' roll till dawn,' he said.", "They played rock 'n' roll till dawn"),
        ("‘Tell ’em to wait,’ he said.", "Tell ’em to wait"),
        ("'Tell 'em to wait,' he said.", "Tell 'em to wait"),
        ("‘The O’Neills won’t sell,’ she said.", "The O’Neills won’t sell"),
        ("‘We waited ’til noon,’ she said.", "We waited ’til noon"),
    ],
)
def test_elisions_and_apostrophes_inside_a_british_quote(text: str, inside: str) -> None:
    assert quoted(text) == [[inside]]


@pytest.mark.parametrize(
    "text",
    [
        "The mayor’s office didn’t answer, and the council’s clerk wasn’t in.",
        "The mayor's office didn't answer, and the council's clerk wasn't in.",
        "The Smiths’ boat and the Joneses’ barn were sold in the ’90s.",
        "The Smiths' boat and the Joneses' barn were sold in the '90s.",
        "They played rock ’n’ roll at the fishermen’s hall.",
        "They played rock 'n' roll at the fishermen's hall.",
        "The 5' wall and the 6\" pipe burst.",
    ],
)
def test_apostrophes_alone_are_not_quotations(text: str) -> None:
    assert quoted(text) == []


def test_an_unpunctuated_close_after_a_word_still_closes() -> None:
    text = "She called it ‘a disgrace’ and left."
    assert quoted(text) == [["a disgrace"]]


def test_a_left_mark_typed_for_a_right_one_closes() -> None:
    text = "‘Not yet,‘ he said."
    assert quoted(text) == [["Not yet"]]


def test_two_british_quotations_in_one_paragraph() -> None:
    text = "‘Yes,’ she said. ‘The Smiths’ shed goes first.’"
    assert quoted(text) == [["Yes"], ["The Smiths’ shed goes first."]]


@pytest.mark.parametrize("opening, closing", [("“", "”"), ("‘", "’"), ('"', '"'), ("'", "'"), ("``", "''")])
def test_a_quote_running_over_paragraphs(opening: str, closing: str) -> None:
    text = (
        f"{opening}The first paragraph of the quote.\n\n"
        f"{opening}The second paragraph of it,{closing} said Ona Pell.\n\n"
        "The council did not reply."
    )
    assert quoted(text) == [["The first paragraph of the quote.", "The second paragraph of it"]]


def test_a_double_quote_does_not_continue_into_a_paragraph_opened_by_a_single_mark() -> None:
    text = "He began: “The pier is the town’s.\n\n‘Lighthouse’ is the name of the pub."
    assert quoted(text) == [["The pier is the town’s."], ["Lighthouse"]]


def test_an_unclosed_mark_inside_a_paragraph_is_not_a_quotation() -> None:
    assert quoted('The 5" pipe burst.\n\nNothing else happened.') == []
    assert quoted("Councillors said ’twas the season.\n\nNothing else happened.") == []


def test_a_paragraph_opened_by_a_quote_that_never_closes_runs_to_its_end() -> None:
    assert quoted("‘The pier will close in May.\n\nThe council met.") == [["The pier will close in May."]]


_BRITISH = str.maketrans({"“": "‘", "”": "’", "‘": "“", "’": "”"})


@given(
    st.lists(
        st.sampled_from(
            [
                "“The pier will close,” said Ona Pell.",
                "“They told me ‘wait’, so I waited,” she said.",
                "The harbour master called it “a disgrace”.",
                "Nobody answered.",
                "“The first part.\n\n“The second part,” he said.",
            ]
        ),
        max_size=6,
    ).map("\n\n".join)
)
def test_british_style_finds_what_us_style_finds(text: str) -> None:
    # these fixtures have no apostrophes, so swapping the marks is the whole change of style
    assert scan_marks(text) == scan_marks(text.translate(_BRITISH))


def test_a_quotation_opening_a_sentence_ends_with_its_paragraph_if_never_closed() -> None:
    text = "“The pier is safe,” said Ona Pell. “The council will see that.\n\nShe left early."
    assert quoted(text) == [["The pier is safe"], ["The council will see that."]]


def test_an_unclosed_mark_inside_a_sentence_runs_nowhere() -> None:
    assert quoted("The council called it “a scandal and left.\n\nShe left early.") == []


def test_a_right_mark_at_the_head_of_a_paragraph_opens() -> None:
    text = "”Nobody asked the islanders,” she said."
    assert quoted(text) == [["Nobody asked the islanders"]]


@pytest.mark.parametrize(
    ("text", "paired"),
    [
        ("“Yes,” she said.", True),
        ("the plan ‘will fail’, he said", True),
        ("the Smiths’ house and ’90s rock", True),
        ("``We cannot,'' he said.", True),
        ("''Close it,'' she said.", True),
        ('"Close it," she said.', True),
        ("Individuals named on the list are not.”", False),
        ('"That adds up to 185,000 over two years.', False),
        ("she called it ‘a disgrace", False),
        ("``We cannot", False),
    ],
)
def test_balanced(text: str, paired: bool) -> None:
    assert balanced(text) is paired
