from pathlib import Path

import pytest

from bot.errors import InputError
from bot.models import Analysis, Article, LeftOut, Source
from bot.nlp.pipeline import Analyzer, check_text

SAMPLE = Path(__file__).parents[2] / "bot" / "samples" / "harbour.txt"


def test_sample_article(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(Article(text=SAMPLE.read_text()))
    assert analysis.source.title == "Port of Calloway to cut 1,200 jobs as cargo traffic slumps"
    assert analysis.source.author == "Mara Ellison"
    assert analysis.language == "en"
    assert 200 < analysis.word_count < 400
    assert 2 <= len(analysis.summary) <= 3
    assert sum(map(len, analysis.summary)) <= 600
    assert not any("Share this" in s or "Read more" in s for s in analysis.summary)
    assert analysis.claims and analysis.quotes
    assert any(e.text == "Dana Whitcombe" and e.label == "PERSON" for e in analysis.entities)
    text = analyzer.prepare(Article(text=SAMPLE.read_text()))[0].text
    for quote in analysis.quotes:
        assert text[quote.start : quote.end] == quote.content or " … " in quote.content
    for claim in analysis.claims:
        assert text[claim.start : claim.end].strip() == claim.text
    assert Analysis.model_validate_json(analysis.model_dump_json()) == analysis


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "no text"),
        ("   \n\t ", "no text"),
        ("short one", "too short"),
        ("abc\x00\x01\x02def" * 20, "binary"),
        ("%PDF-1.7\n%âãÏÓ\n1 0 obj", "PDF"),
    ],
)
def test_bad_input_gets_a_clear_message(analyzer: Analyzer, raw: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        analyzer.analyze(Article(text=raw))


def test_non_english_is_flagged(analyzer: Analyzer) -> None:
    text = (
        "Der Bürgermeister sagte am Montag, dass die Stadt im nächsten Jahr zwölf neue Schulen bauen werde. "
        "Die Opposition kritisierte die Pläne als zu teuer und forderte eine Abstimmung im Stadtrat."
    )
    analysis = analyzer.analyze(Article(text=text))
    assert analysis.language == "de"
    assert analysis.quotes == [] and analysis.claims == []
    assert any("not in English" in note for note in analysis.notes)


def test_huge_text_is_cut_with_a_note(analyzer: Analyzer) -> None:
    analyzer = Analyzer(analyzer.model_name, max_chars=5_000)
    paragraph = "The city spent $3 million on roads in 2025, officials said. " * 20 + "\n"
    analysis = analyzer.analyze(Article(text=paragraph * 10))
    # four whole paragraphs of 220 words fit in 5,000 characters; the other six are left out, and said so
    assert analysis.left_out == [LeftOut(kind="length", words=6 * 220, lines=6)]
    assert analysis.notes[0] == "1,320 words after the first 5,000 characters were left out."
    assert analysis.word_count == 4 * 20 * 12  # the parse counts "$" as a word of its own


def test_analyze_many_keeps_order_and_reports_bad_items(analyzer: Analyzer) -> None:
    items = [
        ("a", Article(text="The mayor said on Monday that taxes would rise by 4 percent next year.")),
        ("b", Article(text="")),
        ("c", Article(text="Police arrested 12 people after the match in Leeds on Saturday.", source=Source())),
    ]
    results = list(analyzer.analyze_many(items))
    assert [getattr(r, "id", None) for r in results] == ["a", None, "c"]
    assert isinstance(results[1], InputError)


def test_check_text_accepts_ordinary_text() -> None:
    check_text("Plain text with a tab\tand newlines\n\nis fine.")
