from hypothesis import given
from hypothesis import strategies as st

from bot.models import LeftOut
from bot.nlp.normalize import normalize, unslack


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
