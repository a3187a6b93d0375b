"""Stances (beliefs, intentions, positions) are attributions but not quotes: the reply and the digest keep them
apart."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.blocks import ACTION_SHOW_ALL, analysis_message, full_lists_message
from bot.digest import quoted_speakers
from bot.models import Analysis, DigestStory, Entity, Quote

NOW = datetime(2026, 3, 14, 12, tzinfo=timezone.utc)


def quote(content: str, speaker: str, kind: Any) -> Quote:
    return Quote(content=content, speaker=speaker, kind=kind, start=0, end=len(content))


def section_texts(message: dict[str, Any], prefix: str) -> list[str]:
    blocks = [b for b in message["blocks"] if str(b.get("block_id", "")).startswith(prefix + "-")]
    return [b["text"]["text"] for b in blocks if "text" in b]


def offers_all(message: dict[str, Any]) -> bool:
    actions = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    return ACTION_SHOW_ALL in actions


ANALYSIS = Analysis(
    pipeline_version="test",
    quotes=[
        quote("The pier will reopen in May", "Ona Pell", "direct"),
        quote("to run for mayor again", "Ona Pell", "stance"),
        quote("that the repairs cost $2 million", "Ivo Brandt", "indirect"),
        quote("the new parking rules", "Ivo Brandt", "stance"),
    ],
)


def test_is_statement() -> None:
    assert [q.is_statement for q in ANALYSIS.quotes] == [True, False, True, False]


def test_the_reply_lists_only_statements_as_quotes() -> None:
    message = analysis_message(ANALYSIS, key="k")
    assert section_texts(message, "quotes") == [
        "*Quotes*\n> “The pier will reopen in May” — *Ona Pell*\n"
        "> the repairs cost $2 million — *Ivo Brandt* _(paraphrase)_"
    ]
    assert "to run for mayor again" not in repr(message)
    # the stances are only under "All quotes & claims", so the button is offered
    assert offers_all(message)


def test_all_quotes_and_claims_lists_stances_apart() -> None:
    message = full_lists_message(ANALYSIS)
    assert section_texts(message, "quotes") == [
        "*All quotes (2)*\n> “The pier will reopen in May” — *Ona Pell*\n"
        "> that the repairs cost $2 million — *Ivo Brandt* _(paraphrase)_"
    ]
    assert section_texts(message, "stances") == [
        "*Stances, not quotes (2)*\n> to run for mayor again — *Ona Pell*\n> the new parking rules — *Ivo Brandt*"
    ]


def test_a_reply_with_only_stances_shows_no_quotes_but_offers_them() -> None:
    only_stances = ANALYSIS.model_copy(update={"quotes": [q for q in ANALYSIS.quotes if q.kind == "stance"]})
    message = analysis_message(only_stances, key="k")
    assert section_texts(message, "quotes") == []
    assert offers_all(message)


def test_the_digest_counts_only_statements() -> None:
    def story(quotes: list[Quote]) -> DigestStory:
        people = [Entity(text=name, label="PERSON", count=1) for name in ("Ona Pell", "Ivo Brandt")]
        return DigestStory(key="k", title="t", channel="C1", recorded_at=NOW, quotes=quotes, entities=people)

    speakers, unnamed, uncounted = quoted_speakers([story(ANALYSIS.quotes)])
    assert [(s.name, s.quotes) for s in speakers] == [("Ona Pell", 1), ("Ivo Brandt", 1)]
    assert (unnamed, uncounted) == ([], 0)
    assert quoted_speakers([story([q for q in ANALYSIS.quotes if q.kind == "stance"])]) == ([], [], 0)
