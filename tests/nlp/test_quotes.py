"""Quote and attribution extraction: one written example per pattern, a fixture article, robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Quote
from bot.nlp.normalize import normalize
from bot.nlp.quotes import VERSION, extract_quotes, scan_marks

ARTICLES = Path(__file__).parent.parent / "fixtures" / "articles"


def quotes_of(nlp, text: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    return extract_quotes(nlp(text))


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, quotes
    return quotes[0]


def check_offsets(text: str, quote: Quote) -> None:
    """Content offsets index the analysed text: one stretch, or the listed parts."""
    if quote.spans:
        assert quote.start == quote.spans[0][0] and quote.end == quote.spans[-1][1]
        for start, end in quote.spans:
            assert text[start:end] in quote.content
    else:
        assert text[quote.start : quote.end] == quote.content
    if quote.cue is not None:
        assert text[quote.cue_start : quote.cue_end] == quote.cue
    if quote.speaker_mention is not None:
        assert text[quote.speaker_start : quote.speaker_end] == quote.speaker_mention


# --- quotation marks ------------------------------------------------------------------------------


def test_marks_pair_straight_and_curly_quotes() -> None:
    text = 'He said "yes" and then “no”.'
    assert [[text[a:b] for a, b in parts] for parts in scan_marks(text)] == [["yes"], ["no"]]


def test_single_quotes_inside_double_quotes_stay_in_the_quotation() -> None:
    text = "“They told me ‘wait’, so I waited,” she said."
    (parts,) = scan_marks(text)
    assert [text[a:b] for a, b in parts] == ["They told me ‘wait’, so I waited"]


def test_a_quote_left_open_continues_into_a_paragraph_that_reopens_it() -> None:
    text = "“First part of the quote.\n\n“Second part,” he said."
    (parts,) = scan_marks(text)
    assert [text[a:b] for a, b in parts] == ["First part of the quote.", "Second part"]


def test_typewriter_quotation_marks_pair_like_double_quotes() -> None:
    text = "''It is done,'' she said."
    (parts,) = scan_marks(text)
    assert [text[a:b] for a, b in parts] == ["It is done"]


def test_an_unclosed_mark_inside_a_paragraph_is_not_a_quotation() -> None:
    assert scan_marks('The 5" pipe burst.\n\nNothing else happened.') == []


def test_apostrophes_are_not_single_quotes() -> None:
    assert scan_marks("The mayor’s office didn’t answer, and the council’s clerk wasn’t in.") == []


# --- direct quotes ---------------------------------------------------------------------------------


def test_inverted_attribution_splits_the_title_from_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = '"We will not raise property taxes this year," said Mayor Ana Ruiz.'
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct"
    assert quote.content == "We will not raise property taxes this year"
    assert (quote.speaker, quote.speaker_role, quote.cue) == ("Ana Ruiz", "Mayor", "said")
    check_offsets(text, quote)


def test_a_quote_split_by_its_attribution_is_one_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'Ana Ruiz spoke last. "The budget is balanced," she said. "Every department keeps its staff."'
    quote = only([q for q in quotes_of(nlp, text) if q.kind == "direct"])
    assert [text[a:b] for a, b in quote.spans] == ["The budget is balanced", "Every department keeps its staff."]
    assert quote.content == "The budget is balanced … Every department keeps its staff."
    assert (quote.speaker_mention, quote.speaker) == ("she", "Ana Ruiz")
    check_offsets(text, quote)


def test_a_quote_split_by_a_comma_attribution_is_one_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "“We tried everything,” Luis Moreno said, “and nothing worked for the farmers.”"
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct"
    assert len(quote.spans) == 2
    assert quote.speaker == "Luis Moreno"
    check_offsets(text, quote)


def test_a_colon_introduces_a_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Dr. Helen Achterberg put it plainly: “The vaccine works, and the data show it.”"
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct"
    assert quote.content == "The vaccine works, and the data show it."
    assert quote.speaker == "Helen Achterberg"
    check_offsets(text, quote)


def test_single_quotes_nested_in_a_direct_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "\"People keep telling me 'fix the potholes first,' and they are right,\" Jonas Berg said."
    quote = only(quotes_of(nlp, text))
    assert quote.content == "People keep telling me 'fix the potholes first,' and they are right"
    assert quote.speaker == "Jonas Berg"
    assert quote.kind == "direct"


def test_straight_and_curly_quotes_give_the_same_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    straight = only(quotes_of(nlp, '"The river has never been this low," said Anika Brandt.'))
    curly = only(quotes_of(nlp, "“The river has never been this low,” said Anika Brandt."))
    assert (straight.content, straight.speaker, straight.kind) == (curly.content, curly.speaker, curly.kind)


def test_a_multi_paragraph_quote_is_one_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“We have waited eleven years for this bridge, and the east side has waited longest.\n\n"
        "“They deserve a council that keeps its word,” said council member Priya Natarajan."
    )
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "direct"
    assert len(quote.spans) == 2
    assert quote.content.startswith("We have waited") and quote.content.endswith("keeps its word")
    assert (quote.speaker, quote.speaker_role) == ("Priya Natarajan", "council member")
    check_offsets(text, quote)


def test_a_quotation_paragraph_continues_the_speaker_before_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "“The harbor will reopen in May,” said Tomas Lindqvist, the port director.\n\n"
        "“Ships will be able to dock at all six berths by then, and the ferry will run every hour.”"
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.speaker_role) == ("Tomas Lindqvist", "port director")
    assert [text[a:b][:20] for a, b in quote.spans] == ["The harbor will reop", "Ships will be able t"]
    assert quote.kind == "direct"
    check_offsets(text, quote)


def test_a_quotation_paragraph_after_reported_speech_continues_its_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Tomas Lindqvist, the port director, said the harbor would reopen in May.\n\n"
        "“Ships will be able to dock at all six berths by then, and the ferry will run every hour.”"
    )
    reported, continued = quotes_of(nlp, text)
    assert (reported.kind, continued.kind) == ("indirect", "direct")
    assert continued.speaker == reported.speaker == "Tomas Lindqvist"
    assert continued.content.startswith("Ships will be able to dock")
    check_offsets(text, continued)


def test_a_quoted_word_nobody_said_is_not_a_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "The word “resilience” appears four times in the report.") == []


# --- reported speech --------------------------------------------------------------------------------


def test_reported_speech_with_a_that_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "City treasurer Mark Olsen said that the reserve fund had grown by 4 percent since last spring."
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "indirect"
    assert quote.content == "that the reserve fund had grown by 4 percent since last spring"
    assert (quote.speaker, quote.speaker_role, quote.speaker_mention) == (
        "Mark Olsen",
        "City treasurer",
        "City treasurer Mark Olsen",
    )
    check_offsets(text, quote)


def test_an_apposition_gives_the_role(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Jonas Berg, the head of the transit authority, said the night buses would run until 2 a.m. from March."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.speaker_role) == ("Jonas Berg", "head of the transit authority")
    assert quote.content == "the night buses would run until 2 a.m. from March"
    assert quote.kind == "indirect"


def test_according_to(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to the county auditor, the city spent $2 million on road repairs last year."
    quote = only(quotes_of(nlp, text))
    assert quote.cue == "According to"
    assert quote.speaker_mention == "the county auditor"
    assert quote.content == "the city spent $2 million on road repairs last year"
    assert quote.kind == "indirect"
    check_offsets(text, quote)


def test_told_reporters(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ana Ruiz told reporters that a second vote on the harbor project would take place in June."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("Ana Ruiz", "told")
    assert quote.content == "that a second vote on the harbor project would take place in June"


def test_said_in_a_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The firefighters' union said in a statement that its members would accept the new contract."
    quote = only(quotes_of(nlp, text))
    assert quote.speaker == "firefighters' union"
    assert quote.content == "that its members would accept the new contract"
    assert quote.kind == "indirect"


def test_inverted_reported_speech(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The bridge will be closed for three weeks, said the city engineer."
    quote = only(quotes_of(nlp, text))
    assert quote.content == "The bridge will be closed for three weeks"
    assert quote.speaker == "city engineer"
    assert quote.kind == "indirect"


def test_a_relative_pronoun_takes_its_antecedent(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "There are officials who have indicated that the dam will need repairs within a decade."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("who", "officials")
    assert quote.content == "that the dam will need repairs within a decade"


def test_a_mixed_quote_keeps_its_quoted_fragment(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Mark Olsen described the plan as “a careful compromise between growth and restraint.”"
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "mixed"
    assert quote.speaker == "Mark Olsen"
    assert quote.content.startswith("the plan as “a careful compromise")


def test_a_report_with_a_quoted_clause_is_mixed(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Anika Brandt said the levee “will not hold another spring flood.”"
    quote = only(quotes_of(nlp, text))
    assert quote.kind == "mixed"
    assert quote.content == "the levee “will not hold another spring flood.”"
    assert quote.speaker == "Anika Brandt"


def test_a_promise_with_an_infinitive(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Health minister Lena Vogt vowed to cut waiting lists by half."))
    assert quote.content == "to cut waiting lists by half"
    assert (quote.speaker, quote.speaker_role, quote.cue) == ("Lena Vogt", "Health minister", "vowed")


def test_a_poll_shows(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "A new survey shows that most commuters would pay more for faster trains."))
    assert quote.speaker == "new survey"
    assert quote.content == "that most commuters would pay more for faster trains"


def test_a_denied_report_is_not_attributed_to_the_denier(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The harbor authority denied reports that the east pier would close."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("harbor authority", "denied")


def test_a_belief_noun_with_a_copula_is_a_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Luis Moreno spoke first. His view is that the cooperative should buy the mill."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker, quote.cue) == ("His", "Luis Moreno", "view")
    assert quote.content == "that the cooperative should buy the mill"
    assert quote.kind == "stance"
    check_offsets(text, quote)


def test_a_statement_noun_with_a_copula_is_reported_speech(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Luis Moreno spoke first. His argument was that the cooperative should buy the mill."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker, quote.cue) == ("His", "Luis Moreno", "argument")
    assert quote.content == "that the cooperative should buy the mill"
    assert quote.kind == "indirect"


def test_a_statement_saying_speaks_for_whoever_issued_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ferry company issued a statement saying that the winter timetable starts in October."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("ferry company", "saying")
    assert quote.content == "that the winter timetable starts in October"
    check_offsets(text, quote)


def test_as_x_put_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The new stadium, as Anika Brandt put it, is a very expensive way to fill a parking lot."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == ("Anika Brandt", "put", "indirect")
    assert [text[a:b] for a, b in quote.spans] == ["The new stadium", "is a very expensive way to fill a parking lot"]
    check_offsets(text, quote)


def test_as_x_said_before_the_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "As the treasurer noted, the reserve fund has shrunk for three years in a row."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("treasurer", "noted")
    assert quote.content == "the reserve fund has shrunk for three years in a row"


def test_a_contrasting_report_is_a_quote_of_its_own(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Landlords say the rent cap will stop new building, while tenant groups argue it will keep families housed."
    first, second = quotes_of(nlp, text)
    assert (first.speaker, first.content) == ("Landlords", "the rent cap will stop new building")
    assert (second.speaker, second.content) == ("tenant groups", "it will keep families housed")


def test_made_it_clear(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Lena Vogt made it clear that she would not seek a third term."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("Lena Vogt", "made")
    assert quote.content == "that she would not seek a third term"


def test_content_after_a_colon(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Harbor officials gave a short explanation: the dredger had broken down in March."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == ("Harbor officials", "explanation", "indirect")
    assert quote.content == "the dredger had broken down in March"
    check_offsets(text, quote)


def test_a_colon_after_a_plain_description_is_not_a_report(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "The timetable is simple: trains leave every hour on the hour.") == []


def test_an_adjectival_passive_keeps_its_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Priya Natarajan is convinced that the east side needs a second bridge."))
    assert (quote.speaker, quote.cue) == ("Priya Natarajan", "convinced")
    assert quote.content == "that the east side needs a second bridge"


def test_an_intention_with_an_infinitive_is_a_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "The ferry company intends to raise fares in the spring."))
    assert (quote.speaker, quote.cue, quote.kind) == ("ferry company", "intends", "stance")
    assert quote.content == "to raise fares in the spring"


def test_an_intention_verb_with_a_plain_object_is_not_a_report(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "The city plans a new bridge over the river.") == []


def test_a_stance_adjective_with_a_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The dairy farmers are worried that the river will flood the lower fields again."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == ("dairy farmers", "worried", "stance")
    assert quote.content == "that the river will flood the lower fields again"
    check_offsets(text, quote)


def test_an_impersonal_stance_adjective_has_no_speaker_to_report(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "It is certain that the bridge will close for the winter.") == []


def test_quoted_as_saying_names_the_passive_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Mark Olsen was quoted as saying that the reserve fund was nearly empty."))
    assert (quote.speaker, quote.cue) == ("Mark Olsen", "saying")
    assert quote.content == "that the reserve fund was nearly empty"


def test_a_parenthetical_report_inside_its_content(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The decision, officials said, was made after a long review."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue) == ("officials", "said")
    assert [text[a:b] for a, b in quote.spans] == ["The decision", "was made after a long review"]
    check_offsets(text, quote)


def test_a_coordinated_report_shares_the_first_reporter(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Critics contend the tax is unfair and say it should be repealed."
    first, second = quotes_of(nlp, text)
    assert (first.speaker, first.content) == ("Critics", "the tax is unfair")
    assert (second.speaker, second.content) == ("Critics", "it should be repealed")


def test_a_temporal_as_clause_is_not_a_comment_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "As the mayor announced the closure, protesters gathered outside the hall."
    assert all(q.cue != "announced" or q.content == "the closure" for q in quotes_of(nlp, text))
    assert not any("protesters" in q.content for q in quotes_of(nlp, text))


def test_a_surname_takes_the_full_name_seen_earlier(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "General Valery Gerasimov, the chief of the general staff, spoke on Monday. "
        "Gerasimov said the troops had taken the bridge."
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("Gerasimov", "Valery Gerasimov")


def test_he_takes_the_most_recent_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Luis Moreno runs the cooperative. He said the harvest was the worst in twenty years."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("He", "Luis Moreno")


def test_a_pronoun_with_nobody_to_refer_to_stays_unresolved(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "She said the harvest was the worst in twenty years."))
    assert (quote.speaker_mention, quote.speaker) == ("She", None)


def test_they_takes_a_group(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The nurses walked out on Friday. They said the hospital had ignored their complaints for months."
    quote = only(quotes_of(nlp, text))
    assert quote.speaker_mention == "They"
    assert quote.speaker == "nurses"


@pytest.mark.parametrize(
    ("text", "mention", "speaker"),
    [
        # a live blog's time stamp the parser takes for the subject: the name beside it speaks
        (
            "12:15 p.m.\nPresident Elena Voss says that the bridge will reopen in May.",
            "President Elena Voss",
            "Elena Voss",
        ),
        # an age used as a noun is a person
        ("The 46-year-old said that she would run again.", "46-year-old", "46-year-old"),
        # a share of those polled speaks for them
        ("Forty-one percent said that the bridge should reopen.", "Forty-one percent", "Forty-one percent"),
    ],
)
def test_who_a_time_an_age_or_a_share_stands_for(nlp, text: str, mention: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == (mention, speaker)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The interview ended with Lena Ortega asking the minister whether she would resign.", "Lena Ortega"),
        ("The meeting ended with the mayor saying that the pier would reopen in May.", "mayor"),
    ],
)
def test_with_a_noun_and_a_participle_the_noun_speaks(nlp, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    assert only(quotes_of(nlp, text)).speaker == speaker


def test_a_date_is_never_a_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    found = quotes_of(nlp, "Last Tuesday said that the bridge would reopen in May.")
    assert all(q.speaker is None and q.speaker_mention is None for q in found)


# --- a whole article ---------------------------------------------------------------------------------


def test_fixture_article(nlp) -> None:  # type: ignore[no-untyped-def]
    text = normalize((ARTICLES / "quotes_council.txt").read_text(encoding="utf-8"), slack=False).text
    quotes = quotes_of(nlp, text)
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    for quote in quotes:
        check_offsets(text, quote)
    found = [(q.speaker, q.kind) for q in quotes]
    assert found == [
        ("Ana Ruiz", "direct"),
        ("Ana Ruiz", "direct"),
        ("Mark Olsen", "indirect"),
        ("Jonas Berg", "indirect"),
        ("Jonas Berg", "direct"),
        ("county auditor", "indirect"),
        ("Mark Olsen", "mixed"),
        ("Residents", "indirect"),
        ("firefighters' union", "indirect"),
        ("Ana Ruiz", "indirect"),
        ("Priya Natarajan", "direct"),
    ]
    roles = {q.speaker: q.speaker_role for q in quotes if q.speaker_role}
    assert roles == {
        "Ana Ruiz": "Mayor",
        "Mark Olsen": "City treasurer",
        "Jonas Berg": "head of the transit authority",
        "Priya Natarajan": "council member",
    }


def test_fixture_article_of_reported_speech(nlp) -> None:  # type: ignore[no-untyped-def]
    text = normalize((ARTICLES / "quotes_harbor.txt").read_text(encoding="utf-8"), slack=False).text
    quotes = quotes_of(nlp, text)
    for quote in quotes:
        check_offsets(text, quote)
    found = [(q.speaker, q.cue, q.kind) for q in quotes]
    assert found == [
        ("Helen Ward", "put", "mixed"),
        ("Helen Ward", "convinced", "stance"),
        ("Helen Ward", "view", "stance"),
        ("shipping council", "saying", "indirect"),
        ("Landlords near the quay", "say", "indirect"),
        ("fishermen", "argue", "indirect"),
        ("council officials", "said", "indirect"),
        ("Dev Anand", "explanation", "indirect"),
    ]
    assert quotes[0].speaker_role == "harbor master"
    assert quotes[-1].speaker_role == "Port treasurer"
    assert quotes[4].content == "the works will drive away tourists"


def test_version_is_a_cache_key_component() -> None:
    assert VERSION and VERSION.isascii() and " " not in VERSION


# --- robustness ----------------------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *"\" “ ” ‘ ’ ' '' `` « » , . : — ( ) ? ! …".split(),
        *"said|she said|according to|he told reporters|that|Ana Ruiz|who|They|the plan|will fail|We|win".split("|"),
        "\n",
        "\n\n",
        " ",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_PIECES, max_size=60).map(" ".join))
def test_extraction_never_raises_on_quote_soup(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    quotes = quotes_of(nlp, text)
    assert [q.start for q in quotes] == sorted(q.start for q in quotes)
    for quote in quotes:
        assert 0 <= quote.start <= quote.end <= len(text)
        assert quote.content


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_extraction_never_raises_on_arbitrary_text(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    for quote in quotes_of(nlp, text):
        assert 0 <= quote.start <= quote.end <= len(text)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n\n", '"', "“", "”“", "''", "said", '"" said', "“\n\n“\n\n“", "...", "According to"],
)
def test_degenerate_inputs(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    for quote in quotes_of(nlp, text):
        assert quote.content


@pytest.mark.slow
def test_a_100k_character_paragraph_with_an_unclosed_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    sentence = '“The plan will fail," said Ana Ruiz, and the council said that it would vote again. '
    text = "“" + sentence * (100_000 // len(sentence) + 1)
    assert len(text) > 100_000
    quotes = quotes_of(nlp, text)
    assert quotes
    assert all(0 <= q.start <= q.end <= len(text) for q in quotes)


def test_surname_the_recogniser_calls_an_organisation_takes_the_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "City councillor Priya Anand, who chairs the council's economic committee, said she would ask the "
        'authority to publish its forecasts. "People deserve to see the numbers behind a decision this big," '
        "Anand said."
    )
    quotes = quotes_of(nlp, text)
    direct = next(q for q in quotes if q.kind == "direct")
    assert direct.speaker == "Priya Anand"
    assert direct.speaker_mention == "Anand"


def test_fragment_inside_a_quote_is_not_given_twice(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        'She added that the authority expected to rehire "a meaningful share" of the workers within three '
        "years, though she gave no figure."
    )
    quotes = quotes_of(nlp, text)
    assert len(quotes) == 1
    assert quotes[0].content.startswith("that the authority expected to rehire")
    assert quotes[0].kind == "mixed"
