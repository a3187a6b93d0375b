import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.models import Article, LeftOut
from bot.nlp.normalize import byline_of, describe_left_out, normalize, paragraphs, unslack, wrap_width
from bot.nlp.pipeline import Analyzer
from bot.settings import default_spacy_model

# Four paragraphs of a story, as a web page or a Slack paste gives them: one line each.
STORY = [
    "CALLOWAY — The Port of Calloway will cut 1,200 jobs by the end of next year, the port authority announced "
    "on Tuesday, after container traffic fell 18 percent in the first half of 2026.",
    '"We have run out of ways to avoid this," said Dana Whitcombe, the authority\'s chief executive. "Every '
    'berth we close is a neighbourhood that loses its paycheck."',
    "The authority said in a statement that the cuts would save about $85 million a year. Union leaders "
    "dispute that figure, and the well-known dockworkers' lawyer Tomas Reyes said he would go to court.",
    "Whitcombe said the port could recover some traffic if the Westbrook rail link reopens in the spring.",
]


def test_slack_markup_is_undone() -> None:
    raw = "See <https://example.com/a?b=1&amp;c=2|the story> &lt;b&gt; &amp; <@U123ABC> and <#C1|desk> today."
    assert unslack(raw) == "See the story <b> &  and #desk today."
    assert normalize(raw).text == "See the story <b> & and #desk today."


def test_bare_slack_link_keeps_url() -> None:
    assert unslack("<https://example.com/x>") == "https://example.com/x"


def test_headline_line_is_split_from_body() -> None:
    norm = normalize("Council approves budget\nThe council approved a $4 million budget on Monday. It passed 7-2.")
    assert norm.headline == "Council approves budget"
    assert norm.text.startswith("The council approved")


def test_first_sentence_is_not_taken_for_a_headline() -> None:
    norm = normalize("The council approved a budget.\nIt passed 7-2 after a long debate on Monday night.")
    assert norm.headline is None
    assert norm.text.startswith("The council approved")


def test_byline_and_trailing_boilerplate_dropped() -> None:
    raw = (
        "Storm closes bridge\nBy Ana Ruiz and Tom Wu\n\nThe bridge closed at noon after gusts of 90 km/h.\n\n"
        "Related Sources:\nWeather service bulletin\n"
    )
    norm = normalize(raw)
    assert norm.byline == "Ana Ruiz and Tom Wu"
    assert norm.text == "The bridge closed at noon after gusts of 90 km/h."
    assert norm.left_out == (LeftOut(kind="footer", words=5, lines=2),)


def test_share_prompts_at_the_end_dropped() -> None:
    norm = normalize("The mayor resigned on Friday, citing health reasons.\n\nShare this article\nRead more")
    assert norm.text == "The mayor resigned on Friday, citing health reasons."


def test_fetched_text_keeps_angle_brackets() -> None:
    norm = normalize("Shares rose &amp; fell <@U1> in trading today, analysts said.", slack=False)
    assert "&amp;" in norm.text and "<@U1>" in norm.text


@given(st.text(max_size=400))
def test_never_raises(text: str) -> None:
    norm = normalize(text)
    assert isinstance(norm.text, str)
    assert norm.text == norm.text.strip()


def test_the_text_is_one_paragraph_a_line_with_blank_lines_between() -> None:
    assert normalize("\n".join(STORY)).text == "\n\n".join(STORY)
    assert normalize("\n\n\n".join(STORY)).text == "\n\n".join(STORY)


@pytest.mark.parametrize("width", [40, 60, 72, 80, 100])
def test_a_hard_wrapped_paste_is_reflowed(width: int) -> None:
    # an e-mail or a terminal: blank lines between paragraphs, every paragraph wrapped
    wrapped = "\n\n".join(textwrap.fill(p, width, break_long_words=False) for p in STORY)
    assert wrap_width(wrapped) is not None
    assert paragraphs(wrapped) == STORY


@pytest.mark.parametrize("width", [60, 72, 80])
def test_wrapped_paragraphs_without_blank_lines_are_told_apart_by_their_short_last_line(width: int) -> None:
    # PDF copy: one line break everywhere; a paragraph ends where the line above had room for the next word
    wrapped = "\n".join(textwrap.fill(p, width, break_long_words=False) for p in STORY)
    assert paragraphs(wrapped) == STORY


def test_a_paste_whose_every_line_is_a_paragraph_is_not_reflowed() -> None:
    # Slack pastes often put single line breaks between paragraphs, of any length
    text = "\n".join([*STORY, "He declined to comment.", "The vote is on Friday."])
    assert wrap_width(text) is None
    assert paragraphs(text) == [*STORY, "He declined to comment.", "The vote is on Friday."]


def test_a_line_that_plainly_runs_on_is_joined_in_any_paste() -> None:
    assert paragraphs("The mayor said on Monday that\nthe budget would rise.\nIt passed.") == [
        "The mayor said on Monday that the budget would rise.",
        "It passed.",
    ]


def test_list_items_headings_and_transcript_lines_start_paragraphs_in_wrapped_text() -> None:
    text = (
        "The council published the three options it will put to residents at the\n"
        "consultation next month:\n"
        "- close the Eastgate library and keep the other eight open longer\n"
        "- cut opening hours at every branch by a fifth\n"
        "\n"
        "TRANSCRIPT\n"
        "WALLACE: Mayor Ruiz, your opponent says the budget does not add up, and\n"
        "that the reserve fund has been spent twice.\n"
        "RUIZ: The budget adds up to every pothole we have filled this year, and\n"
        "the auditor has said so in writing.\n"
    )
    assert paragraphs(text) == [
        "The council published the three options it will put to residents at the consultation next month:",
        "- close the Eastgate library and keep the other eight open longer",
        "- cut opening hours at every branch by a fifth",
        "TRANSCRIPT",
        "WALLACE: Mayor Ruiz, your opponent says the budget does not add up, and that the reserve fund has "
        "been spent twice.",
        "RUIZ: The budget adds up to every pothole we have filled this year, and the auditor has said so in writing.",
    ]


def test_words_broken_at_a_hyphen_are_rejoined() -> None:
    text = (
        "The long-awaited report on the harbour's future was published by the well-\n"
        "known consultancy, which compared third- and fourth-quarter figures for the\n"
        "port and found that traffic had fallen in each of the past eight quarters.\n"
        "\n"
        "The authority said it would respond to the report's findings in full next week.\n"
    )
    assert paragraphs(text)[0] == (
        "The long-awaited report on the harbour's future was published by the well-known consultancy, which "
        "compared third- and fourth-quarter figures for the port and found that traffic had fallen in each of "
        "the past eight quarters."
    )


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Ana Ruiz and Tom Wu", "Ana Ruiz and Tom Wu"),
        ("By MARA ELLISON, Associated Press", "MARA ELLISON"),
        ("By Mara Ellison | Updated 4:15 p.m. ET March 3, 2026", "Mara Ellison"),
        ("By Colin Mackay The Canadian Press", "Colin Mackay"),
        ("By Mara Ellison, Tom Wu and Ana Ruiz, The Calloway Herald", "Mara Ellison, Tom Wu and Ana Ruiz"),
        ("By J.R. Okafor in Westbrook", "J.R. Okafor"),
        ("Rhys Morgan North of England correspondent", "Rhys Morgan"),
        ("By Monday, you will have to pay more for parking.", None),
        ("By contrast, the council kept its reserves.", None),
        ("By Election Day, Ruiz had raised $2 million.", None),
        ("By signing up you agree to our Privacy Policy", None),
        ("By Tuesday's vote, the plan had changed twice", None),
    ],
)
def test_a_byline_is_a_line_in_a_bylines_shape(line: str, names: str | None) -> None:
    assert byline_of(line) == names


def test_a_sentence_that_starts_with_by_stays_in_the_story() -> None:
    raw = (
        "Parking fees to double\n\nBy Monday, you will have to pay $4 an hour to park downtown.\n\nThe council agreed."
    )
    norm = normalize(raw)
    assert norm.byline is None
    assert norm.text.startswith("By Monday, you will have to pay $4 an hour")


def test_a_byline_is_only_looked_for_near_the_top() -> None:
    raw = "\n\n".join([*STORY, "By Tom Wu"])
    assert normalize(raw).byline is None
    assert normalize(raw).text.endswith("By Tom Wu")


def test_a_promo_in_the_middle_of_a_story_removes_that_line_only() -> None:
    raw = "\n\n".join([STORY[0], STORY[1], "READ MORE: Calloway port strike enters its third week", *STORY[2:]])
    norm = normalize(raw)
    assert norm.text == "\n\n".join(STORY)
    assert norm.left_out == (LeftOut(kind="clutter", words=9, lines=1),)


def test_the_tail_is_cut_only_when_it_looks_like_a_footer() -> None:
    footer = ["Related stories", "Port posts record loss", "Union threatens strikes", "© 2026 The Calloway Herald"]
    norm = normalize("\n".join([*STORY, *footer]))
    assert norm.text == "\n\n".join(STORY)
    assert norm.left_out == (LeftOut(kind="footer", words=13, lines=4),)
    # a marker line followed by more story is not a footer: only the marker goes
    norm = normalize("\n".join([*STORY[:2], "Related stories", *STORY[2:]]))
    assert norm.text == "\n\n".join(STORY)
    assert norm.left_out == (LeftOut(kind="clutter", words=2, lines=1),)


def test_the_note_says_what_was_left_out() -> None:
    assert describe_left_out([]) is None
    assert describe_left_out([LeftOut(kind="clutter", words=1, lines=1)]) == (
        "1 word of page clutter (1 line) was left out."
    )
    assert describe_left_out(
        [
            LeftOut(kind="clutter", words=12, lines=2),
            LeftOut(kind="footer", words=40, lines=6),
            LeftOut(kind="length", words=31_200, lines=80),
        ],
        max_chars=100_000,
    ) == (
        "12 words of page clutter (2 lines), a 40-word page footer and 31,200 words after the first 100,000 "
        "characters were left out."
    )


# Normalisation is linear in its input. The first inputs took minutes when it was not (a list popped from the
# front, a list sliced in a loop); they must finish far inside pytest-timeout's limit. No time is asserted:
# the timeout catches a quadratic pass, bench/normalize_scaling.py prints the ratios.
@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "raw",
    [
        "\n" * 8_000_000 + STORY[0],
        "\u200b\n" * 4_000_000 + STORY[0],
        " \t \n" * 2_000_000 + STORY[0],
        (textwrap.fill(STORY[0], 72) + "\n\n") * 20_000,
    ],
    ids=["newlines", "zero-width-lines", "blank-lines", "wrapped-paragraphs"],
)
def test_hostile_input_is_normalised_in_linear_time(raw: str) -> None:
    assert normalize(raw).text.endswith(STORY[0])


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "lines",
    ["Share\n" * 1_000_000, "".join(f"Line {i}\n" for i in range(1_000_000))],
    ids=["clutter-lines", "short-lines"],
)
def test_a_million_lines_are_read_only_as_far_as_the_analysis_goes(lines: str) -> None:
    # the pipeline reads four times its limit of cleaned text and counts the words after it as left out
    analyzer = Analyzer(default_spacy_model(), max_chars=10_000)
    norm, notes = analyzer.prepare(Article(text=STORY[0] + "\n" + lines))
    assert norm.text.startswith(STORY[0])
    assert len(norm.text) <= 10_000
    length = next(item for item in norm.left_out if item.kind == "length")
    assert length.words > 900_000
    assert "words after the first 10,000 characters" in notes[0]
