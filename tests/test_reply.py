"""What the main reply shows (bot.reply): each fact once, in context, verbatim, one name per person."""

from __future__ import annotations

from bot.models import Analysis, Claim, Entity, Quote
from bot.reply import covered, paraphrase_text, plan, repeats

STORY = "The board said 4,820 people had waited more than a year. Daniel Voss said the rise was steep."


def claim(text: str, score: float = 0.9, **extra: object) -> Claim:
    return Claim(text=text, score=score, checkworthy=score >= 0.5, start=0, end=len(text), **extra)  # type: ignore[arg-type]


def quote(content: str, speaker: str | None, kind: str = "direct", **extra: object) -> Quote:
    return Quote(content=content, speaker=speaker, kind=kind, start=0, end=len(content), **extra)  # type: ignore[arg-type]


def analysis(**fields: object) -> Analysis:
    return Analysis(pipeline_version="t", **fields)  # type: ignore[arg-type]


def test_repeats_counts_words_not_characters() -> None:
    assert covered("The wall cost $48 million.", ["In 2023 the wall cost $48 million to build."]) == 1.0
    assert repeats("the wall cost $48 million", ["The wall cost $48 million, officials said."])
    assert not repeats("The wall cost $48 million and flooded 30 farms downstream.", ["The wall cost $48 million."])


def test_a_claim_the_summary_says_gives_way_to_the_next() -> None:
    said = "The board said 4,820 people had waited more than a year."
    chosen = plan(
        analysis(summary=[said], claims=[claim(said, 0.99), claim("Waits rose from 14 to 19 weeks in a year.", 0.8)])
    )
    assert [c.text for c in chosen.claims] == ["Waits rose from 14 to 19 weeks in a year."]
    # what the summary says is not "more" to see
    assert chosen.claims_total == len(chosen.claims) == 1 and chosen.quotes_total == len(chosen.quotes)


def test_a_paraphrase_that_restates_a_shown_claim_gives_way() -> None:
    shown = "Waits could pass 22 weeks by March, Daniel Voss said."
    paraphrase = quote("that waits could pass 22 weeks by March", "Daniel Voss", "indirect")
    other = quote("the government had funded 12 new training places", "Ines Harrow", "indirect")
    chosen = plan(analysis(claims=[claim(shown)], quotes=[paraphrase, other]))
    assert [q.content for q in chosen.quotes] == ["the government had funded 12 new training places"]


def test_a_claim_that_is_a_quote_is_shown_once_as_the_quote() -> None:
    text = '"We have the theatres," said Daniel Voss, who runs the board.'
    said = Quote(
        content="We have the theatres",
        speaker="Daniel Voss",
        kind="direct",
        start=1,
        end=21,
        cue_start=24,
        cue_end=28,
        speaker_start=29,
        speaker_end=40,
    )
    chosen = plan(analysis(claims=[claim(text)], quotes=[said]))
    assert chosen.claims == []
    assert [q.content for q in chosen.quotes] == ["We have the theatres"]


def test_the_shown_claim_is_the_one_that_reads_alone() -> None:
    shown = "[Daniel Voss] warned that waits could pass 22 weeks."
    chosen = plan(analysis(claims=[claim("He warned that waits could pass 22 weeks.", shown=shown)]))
    assert [c.text for c in chosen.claims] == [shown]


def test_claims_that_need_context_or_say_little_give_way() -> None:
    claims = [
        claim("Patients' groups were unimpressed.", 0.95),
        claim("It will be paid for from reserves.", 0.9, needs_context=True),
        claim(
            "Waits rose to 19 weeks, according to the health board.",
            0.6,
            numbers=["19 weeks"],
            attribution="health board",
        ),
    ]
    chosen = plan(analysis(claims=claims))
    assert [c.text for c in chosen.claims] == [
        "Waits rose to 19 weeks, according to the health board.",
        "Patients' groups were unimpressed.",
    ]


def test_fragments_unattributed_and_unverified_quotes_are_left_to_the_full_lists() -> None:
    quotes = [
        quote("that estimate", "Ines Harrow", "indirect"),
        quote("It will be paid for from the board's reserves", "Daniel Voss", "indirect"),
        quote("What happens if the council refuses", None),
        quote("a “disgrace", "Ines Harrow", "mixed", verified=False),
        quote("Every week on that list is a week of pain", "Tamsin Geraghty"),
    ]
    chosen = plan(analysis(quotes=quotes))
    assert [q.content for q in chosen.quotes] == ["Every week on that list is a week of pain"]
    assert chosen.quotes_total == 5


def test_one_name_per_person_with_the_role_the_story_gives() -> None:
    quotes = [
        quote(
            "the rise was driven by a shortage of anaesthetists",
            "Daniel Voss",
            "indirect",
            speaker_role="chief executive",
        ),
        quote("We have the theatres and we have the surgeons", "Voss"),
        quote("the new places would not help before 2028", "Mr. Voss", "indirect"),
    ]
    chosen = plan(analysis(quotes=[q.model_copy(update={"start": n}) for n, q in enumerate(quotes)]))
    assert {(q.speaker, q.role) for q in chosen.quotes} == {("Daniel Voss", "chief executive")}


def test_people_who_share_a_surname_keep_their_names() -> None:
    quotes = [
        quote("the levy was fair to farmers", "Ann Moll", "indirect"),
        quote("the levy would ruin the farm", "Hedda Moll", "indirect"),
        quote("We will fight it", "Moll"),
    ]
    chosen = plan(analysis(quotes=[q.model_copy(update={"start": n}) for n, q in enumerate(quotes)]))
    assert [q.speaker for q in chosen.quotes] == ["Moll", "Ann Moll", "Hedda Moll"]


def test_a_speaker_the_claim_already_names_is_not_repeated() -> None:
    claims = [
        claim(
            "Engineers estimated the repairs at $2 million.", attribution="Engineers", hedges=["Engineers estimated"]
        ),
        claim("Voss said the new places would not help before 2028.", attribution="Daniel Voss"),
    ]
    chosen = plan(analysis(claims=claims, entities=[Entity(text="Daniel Voss", label="PERSON", count=2)]))
    assert [(c.attribution, c.claim.hedges) for c in chosen.claims] == [(None, ["estimated"]), (None, [])]


def test_a_paraphrase_is_shown_without_that_or_a_dateline() -> None:
    assert paraphrase_text("that waits could pass 22 weeks") == "waits could pass 22 weeks"
    assert paraphrase_text("MARNFORD — The wall has kept the river out") == "The wall has kept the river out"
    assert paraphrase_text("The NHS — and the board — agreed") == "The NHS — and the board — agreed"


def test_a_claim_with_a_stray_mark_shows_without_it_or_not_at_all() -> None:
    claims = [
        claim("Individuals named on the list are not allowed to fly, officials said.”", 0.9),
        claim("He called it “right?” during a “speech in Iowa.", 0.8),
    ]
    chosen = plan(analysis(claims=claims))
    assert [c.text for c in chosen.claims] == ["Individuals named on the list are not allowed to fly, officials said."]
