"""Who speaks: publishers of documents, coordinated speakers, page furniture, pronouns, transcript labels; and
which attributions are statements and which are stances."""

from __future__ import annotations

import pytest

from bot.models import Quote
from bot.nlp.quotes import extract_quotes


def quotes_of(nlp, text: str) -> list[Quote]:  # type: ignore[no-untyped-def]
    return extract_quotes(nlp(text))


def only(quotes: list[Quote]) -> Quote:
    assert len(quotes) == 1, quotes
    return quotes[0]


# --- documents speak for whoever published them ---------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Container traffic fell 8 percent last year, according to figures published by the Calloway Port "
            "Authority.",
            "the Calloway Port Authority",
        ),
        (
            "According to a report published by the Marine Safety Board, three ferries failed their inspections.",
            "the Marine Safety Board",
        ),
        (
            "Ferry delays doubled in March, according to data from the regional transport office.",
            "regional transport office",
        ),
        ("According to the port authority's annual report, the harbour lost 40 berths.", "port authority"),
    ],
)
def test_according_to_a_document_names_its_publisher(nlp, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == (speaker, text[quote.cue_start : quote.cue_end], "indirect")
    assert quote.cue is not None and quote.cue.lower() == "according to"


def test_a_document_someone_obtained_is_not_theirs(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "According to documents obtained by the Harbour Gazette, the pier was never inspected."
    assert only(quotes_of(nlp, text)).speaker == "documents"


def test_said_in_a_statement_names_who_said_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The dockworkers' union said in a statement that it would strike on Monday."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.content) == ("dockworkers' union", "that it would strike on Monday")


# --- coordinated speakers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ona Pell and Ivo Brandt said the pier should reopen before the summer.",
        '"The pier should reopen before the summer," Ona Pell and Ivo Brandt said in a joint letter.',
        "‘The pier should reopen before the summer,’ Ona Pell and Ivo Brandt said in a joint letter.",
    ],
)
def test_a_and_b_said_gives_both(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.speaker_mention) == ("Ona Pell and Ivo Brandt", "Ona Pell and Ivo Brandt")
    assert quote.content == "the pier should reopen before the summer" or quote.kind == "direct"


def test_a_list_of_three_speakers(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Councillors Ona Pell, Tomas Reyes and Ivo Brandt said the pier should reopen."
    quote = only(quotes_of(nlp, text))
    assert quote.speaker == "Ona Pell, Tomas Reyes and Ivo Brandt"


def test_an_apposition_is_not_a_second_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Ona Pell, the mayor, said the pier should reopen."))
    assert (quote.speaker, quote.speaker_role) == ("Ona Pell", "mayor")


# --- page furniture never speaks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Photo: Getty Images said the pier would reopen.",
        "Advertisement said the pier would reopen.",
        "Image caption said the pier would reopen.",
    ],
)
def test_page_furniture_is_never_a_speaker(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(q.speaker is None and q.speaker_mention is None for q in quotes_of(nlp, text))


def test_an_article_cited_by_name_can_speak(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "An article in the Calloway Herald said that the pier would reopen in May."
    assert only(quotes_of(nlp, text)).speaker_mention == "An article in the Calloway Herald"


# --- pronouns ----------------------------------------------------------------------------------------------


def test_a_person_called_she_is_not_he_later(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Mayor Ona Pell opened the session. She said the ferry fares would rise in June. "
        "Harbour master Tomas Reyes left early. A deputy stayed behind. "
        '"We will fight the fares," he said.'
    )
    first, second = quotes_of(nlp, text)
    assert (first.speaker_mention, first.speaker) == ("She", "Ona Pell")
    assert (second.speaker_mention, second.speaker) == ("he", "Tomas Reyes")


def test_he_skips_a_woman_named_after_him(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Tomas Reyes runs the ferry company. He said the fares would rise. Ona Pell chairs the council. "
        "She said the council would object. Later he said the company would wait."
    )
    speakers = [(q.speaker_mention, q.speaker) for q in quotes_of(nlp, text)]
    assert speakers == [("He", "Tomas Reyes"), ("She", "Ona Pell"), ("he", "Tomas Reyes")]


def test_a_name_inside_a_quotation_is_not_who_a_pronoun_means(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'Tomas Reyes runs the ferry company. "Ona Pell has never understood the harbour and never will," he said.'
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("he", "Tomas Reyes")


def test_a_title_of_a_work_is_not_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        'The documentary "Salt and Silence" follows three fishing families. '
        '"It is a film about what a town loses when the boats stop," he said.'
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("he", None)


def test_the_words_of_a_quote_never_name_its_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    text = '"Ferries run late, ferries run empty, that is the whole story," Reyes said.'
    quote = only(quotes_of(nlp, text))
    assert quote.speaker == "Reyes"


# --- transcripts -----------------------------------------------------------------------------------------

TRANSCRIPT = """Radio host Ada Wallace interviewed Governor Ona Pell on Sunday. A partial transcript follows.

WALLACE: Governor, will you sign the harbour bill this week?

PELL: I will sign it on Friday, and I expect the council to fund the dredging by spring.

MR. REYES: The fishermen were never asked, and that is the whole problem with this bill.

WHY IT MATTERS: The harbour employs 1,200 people.
"""


def test_transcript_lines_attribute_to_the_named_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    found = [(q.speaker, q.speaker_mention, q.kind, q.content) for q in quotes_of(nlp, TRANSCRIPT)]
    assert found == [
        ("Ada Wallace", "WALLACE", "direct", "Governor, will you sign the harbour bill this week"),
        (
            "Ona Pell",
            "PELL",
            "direct",
            "I will sign it on Friday, and I expect the council to fund the dredging by spring",
        ),
        (
            "REYES",
            "MR. REYES",
            "direct",
            "The fishermen were never asked, and that is the whole problem with this bill",
        ),
    ]


def test_question_and_answer_lines(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Ona Pell has run the ferry company for ten years.\n\n"
        "Q: Will the fares rise this summer?\n\n"
        "A: They will rise by a few cents, and only on the night boats."
    )
    found = [(q.speaker, q.speaker_mention, q.kind) for q in quotes_of(nlp, text)]
    assert found == [(None, "Q", "direct"), (None, "A", "direct")]


@pytest.mark.parametrize(
    "text",
    [
        "BREAKING: The harbour bill passed the council on a vote of 7 to 2.",
        "UPDATE: The bill was signed on Friday after a long debate.",
        "BOOM: The governor signed the harbour bill on Friday after a long debate.",
    ],
)
def test_a_kicker_is_not_a_transcript_line(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert all(q.speaker_mention is None or q.cue != ":" for q in quotes_of(nlp, text))


# --- statements and stances -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, cue, kind",
    [
        ("Ona Pell said that the ferry fares would rise in June.", "said", "indirect"),
        ("Ona Pell warned that the ferry fares would rise in June.", "warned", "indirect"),
        ("Ona Pell asked whether the ferry fares would rise in June.", "asked", "indirect"),
        ("The audit found that the ferry fares had risen every year.", "found", "indirect"),
        ("Ona Pell believes that the ferry fares will rise in June.", "believes", "stance"),
        ("Ona Pell is confident that the ferry fares will rise in June.", "confident", "stance"),
        ("Ona Pell plans to raise the ferry fares in June.", "plans", "stance"),
        ("Ona Pell declined to comment on the ferry fares.", "declined", "stance"),
        ("Ona Pell criticized the appointment of the new harbour master.", "criticized", "stance"),
        ("Ona Pell criticized the “reckless” appointment of the new harbour master.", "criticized", "mixed"),
    ],
)
def test_statements_and_stances(nlp, text: str, cue: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == ("Ona Pell" if "Pell" in text else "audit", cue, kind)
    assert quote.is_statement == (kind != "stance")


def test_a_statement_noun_with_a_clause_is_a_statement(nlp) -> None:  # type: ignore[no-untyped-def]
    claim = only(quotes_of(nlp, "Her claim that the ferry company had hidden its losses angered Ona Pell."))
    assert (claim.cue, claim.kind, claim.speaker_mention) == ("claim", "indirect", "Her")
    repeated = only(quotes_of(nlp, "Ona Pell repeated her claim that the ferry company had hidden its losses."))
    assert (repeated.cue, repeated.kind) == ("repeated", "indirect")
    assert repeated.content == "her claim that the ferry company had hidden its losses"


def test_a_statement_noun_with_an_infinitive_is_a_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    promise = only(quotes_of(nlp, "Ona Pell kept her promise to cut the ferry fares."))
    assert (promise.cue, promise.kind) == ("promise", "stance")


# --- what a direct quote's cue reports -------------------------------------------------------------------


def test_a_quote_inside_the_clause_its_cue_reports_is_mixed(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(
        [
            q
            for q in quotes_of(nlp, 'Surveys show that "most residents support the levy," said Ona Pell.')
            if q.cue == "said"
        ]
    )
    assert (quote.speaker, quote.kind) == ("Ona Pell", "mixed")
    assert quote.content == 'Surveys show that "most residents support the levy,"'


def test_words_after_the_closing_mark_that_continue_the_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'Ona Pell said, "Nobody has raised the tides with me" in eleven years of council meetings.'
    quote = only(quotes_of(nlp, text))
    assert (quote.kind, quote.content) == (
        "mixed",
        '"Nobody has raised the tides with me" in eleven years of council meetings',
    )


def test_a_clause_a_parenthetical_cue_interrupts(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'Ona Pell chairs the council. If the levy passes, she said, "the harbour will have a future again."'
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.kind) == ("Ona Pell", "mixed")
    assert [text[a:b] for a, b in quote.spans] == ["If the levy passes", "the harbour will have a future again"]


def test_the_circumstances_of_the_saying_are_not_the_content(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, 'Asked about the levy, Ona Pell said, "The harbour needs every cent of it."'))
    assert (quote.kind, quote.content) == ("direct", "The harbour needs every cent of it.")


def test_a_short_quotation_framed_by_a_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "“Follow me,” said the harbour master."))
    assert (quote.speaker, quote.kind, quote.content) == ("harbour master", "direct", "Follow me")


def test_a_short_quotation_without_a_cue_is_not_a_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "The “Harbour Lights” festival starts on Friday.") == []


def test_a_cue_in_the_next_paragraph_belongs_to_the_next_quote(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "''The school is what makes us a town,'' said Grace Okafor. ''Close it and the families go.''\n\n"
        "``We cannot spend money we do not have,'' said board member Luis Ferreira."
    )
    found = [(q.speaker, q.content) for q in quotes_of(nlp, text)]
    assert found == [
        ("Grace Okafor", "The school is what makes us a town … Close it and the families go."),
        ("Luis Ferreira", "We cannot spend money we do not have"),
    ]


# --- speakers the parser hides ---------------------------------------------------------------------------


def test_a_name_across_its_apposition(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "At a briefing for harbour pilots on March 9, Capt. Tomas H. Reyes, a coastguard officer in Calloway, "
        "said, ''The channel is closed until the buoys are back. We will not take chances.''"
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.speaker_role) == ("Tomas H. Reyes", "coastguard officer in Calloway")


def test_an_inverted_pronoun_speaker(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, '"The night ferry was forty minutes late again," tweeted another.'))
    assert (quote.speaker, quote.speaker_mention) == (None, "another")


def test_a_participle_shares_the_subject_of_its_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Besides insisting that the pier is sound, Ona Pell has vowed to keep it open."
    stating, vowed = quotes_of(nlp, text)
    assert (stating.cue, stating.speaker, stating.kind) == ("insisting", "Ona Pell", "indirect")
    assert (vowed.cue, vowed.speaker, vowed.kind) == ("vowed", "Ona Pell", "stance")


def test_a_name_with_a_who_clause_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "‘We have lost two metres of depth,’ said Maeve Doherty, who has managed the harbour since 2004. "
        "Doherty said the dredger had broken down. She said it would not be repaired before July."
    )
    assert [(q.speaker, q.speaker_mention) for q in quotes_of(nlp, text)] == [
        ("Maeve Doherty", "Maeve Doherty"),
        ("Maeve Doherty", "Doherty"),
        ("Maeve Doherty", "She"),
    ]


def test_a_report_never_runs_over_a_blank_line(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ona Pell said the harbour would close\n\nin the autumn, when the boats come in."
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.content) == ("Ona Pell", "the harbour would close")


def test_an_inverted_name_the_parser_gave_to_the_next_clause(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        '"The harbour vote will be the closest in years," said Ivo Brandt, a council veteran who chairs the '
        "lobby group Keep Calloway Afloat."
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.kind) == ("Ivo Brandt", "direct")


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("Roughly 3 in 5 riders say the night ferry should run every hour.", "Roughly 3 in 5 riders"),
        ("Sixty percent of islanders said the fares were too high.", "Sixty percent of islanders"),
    ],
)
def test_a_share_of_people_is_named_by_the_whole_phrase(nlp, text: str, speaker: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.speaker_role) == (speaker, None)


def test_a_participle_before_an_inverted_cue_keeps_its_own_subject(nlp) -> None:  # type: ignore[no-untyped-def]
    text = 'The island families have mocked the fare rise, calling it "a toll on the sea," Ona Pell said.'
    calling = next(q for q in quotes_of(nlp, text) if q.cue == "calling")
    assert calling.speaker_mention == "The island families"


# --- findings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, speaker, content",
    [
        ("New polls show the mayor leading by ten points.", "New polls", "the mayor leading by ten points"),
        (
            "Court filings show no sign that the ferry company ever paid the fine.",
            "Court filings",
            "no sign that the ferry company ever paid the fine",
        ),
        (
            "The audit found that the ferry company never paid the fine.",
            "audit",
            "that the ferry company never paid the fine",
        ),
    ],
)
def test_a_source_of_findings_reports_them(nlp, text: str, speaker: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.content, quote.kind) == (speaker, content, "indirect")


def test_what_someone_found_out_is_a_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Ona Pell found that her car had been towed."))
    assert (quote.speaker, quote.kind) == ("Ona Pell", "stance")


def test_a_feeling_caused_in_someone_is_not_their_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    found = [(q.cue, q.content) for q in quotes_of(nlp, "Surveys showing the ferry losing riders alarmed the board.")]
    assert found == [("showing", "the ferry losing riders")]


def test_referring_to(nlp) -> None:  # type: ignore[no-untyped-def]
    text = '"We will win," Ona Pell said, referring to the harbour vote.'
    referring = next(q for q in quotes_of(nlp, text) if q.cue == "referring")
    assert (referring.speaker, referring.content, referring.kind) == ("Ona Pell", "the harbour vote", "stance")


@pytest.mark.parametrize(
    "text, speaker, cue, content",
    [
        ("Ona Pell is critical of the ferry plan.", "Ona Pell", "critical", "the ferry plan"),
        ("The fishermen were eager to see the new dredger.", "fishermen", "eager", "to see the new dredger"),
        ("Residents are unhappy with the closure of the pier.", "Residents", "unhappy", "the closure of the pier"),
    ],
)
def test_an_attitude_adjective_with_its_complement_is_a_stance(nlp, text, speaker, cue, content) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.content, quote.kind) == (speaker, cue, content, "stance")


def test_an_adjective_of_a_thing_is_no_stance(nlp) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, "The pier is open to the public from May.") == []


@pytest.mark.parametrize(
    "text, content",
    [
        ("Ona Pell attacked the dredging contract, which the board signed in May.", "the dredging contract"),
        ("Ona Pell praised the lifeboat crews on Friday at a harbour dinner.", "the lifeboat crews"),
        ("Ona Pell criticized the plan as reckless.", "the plan as reckless"),
    ],
)
def test_a_stance_object_without_asides_or_circumstances(nlp, text: str, content: str) -> None:  # type: ignore[no-untyped-def]
    assert only(quotes_of(nlp, text)).content == content


@pytest.mark.parametrize(
    "text, content",
    [
        (
            "Ona Pell painted the vote as proof that the islands want a bridge.",
            "the vote as proof that the islands want a bridge",
        ),
        ("Many fishermen see the dredger as a waste of money.", "the dredger as a waste of money"),
    ],
)
def test_a_characterisation_is_a_stance(nlp, text: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = next(q for q in quotes_of(nlp, text) if q.cue in ("painted", "see"))
    assert (quote.content, quote.kind) == (content, "stance")


@pytest.mark.parametrize("text", ["Ona Pell cast her vote on Tuesday.", "Ivo Brandt painted the fence."])
def test_a_characterising_verb_in_another_sense_is_no_stance(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    assert quotes_of(nlp, text) == []


@pytest.mark.parametrize(
    "text, cue, content",
    [
        ("Ona Pell told a joke about the ferry.", "told", "a joke about the ferry"),
        ("The ferry company offered a short response to the council.", "offered", "a short response to the council"),
        ("Ivo Brandt agreed with the lifeboat crews.", "agreed", "the lifeboat crews"),
        ("Ivo Brandt believes in hard work.", "believes", "hard work"),
    ],
)
def test_something_said_or_agreed_with_is_a_stance(nlp, text: str, cue: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, text))
    assert (quote.cue, quote.content, quote.kind) == (cue, content, "stance")


def test_a_hearer_is_not_what_was_told(nlp) -> None:  # type: ignore[no-untyped-def]
    quote = only(quotes_of(nlp, "Ona Pell told reporters the ferry would run late."))
    assert (quote.content, quote.kind) == ("the ferry would run late", "indirect")


def test_a_statement_with_its_own_clause_reports_through_it(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "The ferry company issued a statement saying that the timetable would change."
    quote = only(quotes_of(nlp, text))
    assert (quote.cue, quote.speaker, quote.kind) == ("saying", "ferry company", "indirect")


def test_according_to_stays_in_its_paragraph(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ferry fares will rise.\n\nThe company lost money last year, according to its annual report"
    quote = only(quotes_of(nlp, text))
    assert (quote.content, quote.speaker_mention) == ("The company lost money last year", "its")


@pytest.mark.parametrize(
    "text, speaker, content",
    [
        ('Pressed on whether the ferry would be sold, Ivo Brandt said, "Eventually."', "Ivo Brandt", "Eventually."),
        ("“Sit down, both of you,” Ona Pell snapped.", "Ona Pell", "Sit down, both of you"),
    ],
)
def test_a_short_quotation_introduced_or_followed_by_its_cue(nlp, text: str, speaker: str, content: str) -> None:  # type: ignore[no-untyped-def]
    quote = next(q for q in quotes_of(nlp, text) if q.kind == "direct")
    assert (quote.speaker, quote.content) == (speaker, content)


def test_a_cue_ending_the_paragraph_before_with_a_colon(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Ona Pell continued:\n\n“Nobody on this council has read the dredging report, and it shows.”"
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker, quote.cue, quote.kind) == ("Ona Pell", "continued", "direct")


def test_a_title_named_by_a_noun_for_a_work_is_not_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Tomas Reyes directed it. The documentary Harbour Lights follows three fishing families. "
        '"It is a film about what a town loses," he said.'
    )
    quote = only(quotes_of(nlp, text))
    assert (quote.speaker_mention, quote.speaker) == ("he", "Tomas Reyes")
