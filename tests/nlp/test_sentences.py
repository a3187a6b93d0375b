from pathlib import Path

import pytest
from spacy.language import Language

from bot.models import Article
from bot.nlp.normalize import normalize
from bot.nlp.pipeline import Analyzer
from bot.nlp.sentences import COMPONENT

ARTICLES = Path(__file__).parents[1] / "fixtures" / "articles"

TEXT = (
    'Restaurant owners met on Monday. "We can\'t absorb another increase like this," said Marie Tremblay.'
    '"\n\n'
    "Winnipeg restaurateurs say food prices rose 14 per cent this year.\n\n"
    "“Something has to give,” she said. (The association did not respond.)\n\n"
    "Daniel Okoro agreed"
)


def test_the_component_runs_before_the_parser(nlp: Language) -> None:
    names = nlp.pipe_names
    assert names.index(COMPONENT) < names.index("parser")


def test_a_closing_mark_belongs_to_the_sentence_it_closes(nlp: Language) -> None:
    sentences = [s.text.strip() for s in nlp(TEXT).sents]
    assert sentences == [
        "Restaurant owners met on Monday.",
        '"We can\'t absorb another increase like this," said Marie Tremblay."',
        "Winnipeg restaurateurs say food prices rose 14 per cent this year.",
        "“Something has to give,” she said.",
        "(The association did not respond.)",
        "Daniel Okoro agreed",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_no_sentence_crosses_a_paragraph_or_opens_with_a_closing_mark(nlp: Language, name: str) -> None:
    doc = nlp(normalize((ARTICLES / name).read_text(encoding="utf-8"), slack=False).text)
    for sentence in doc.sents:
        text = sentence.text.strip()
        assert "\n" not in text
        assert not text.startswith(("”", "’", ")"))


def test_claims_do_not_open_with_the_mark_that_closed_the_paragraph_before(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(Article(text=TEXT))
    assert analysis.claims
    # the stray mark that ends a paragraph no longer opens the next paragraph's claim
    assert not any("\n" in claim.text or claim.text[:2] in ('"\n', '" ', "” ") for claim in analysis.claims)
    assert any(claim.text.startswith("Winnipeg restaurateurs say") for claim in analysis.claims)
