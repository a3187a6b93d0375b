"""Claim candidates, check-worthiness scores, hedges and numbers (first version: sentence features)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from bot.models import Claim, Quote

VERSION = "1"
THRESHOLD = 0.5

_HEDGES = re.compile(
    r"\b(may|might|could|possibly|perhaps|likely|unlikely|probably|reportedly|allegedly|apparently|"
    r"unconfirmed|suggests?|it is believed|appears? to|seems? to|according to)\b",
    re.IGNORECASE,
)
_NUMERIC = ("CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE", "TIME", "ORDINAL")
_ACTORS = ("PERSON", "ORG", "GPE", "NORP")


def _attribution(sent: Span, quotes: Sequence[Quote]) -> str | None:
    for quote in quotes:
        if quote.start < sent.end_char and sent.start_char < quote.end:
            return quote.speaker or quote.speaker_mention
    return None


def _score(sent: Span) -> float:
    ents = sent.ents
    score = 0.15
    score += 0.35 * min(1, sum(e.label_ in _NUMERIC for e in ents))
    score += 0.2 * min(1, sum(e.label_ in _ACTORS for e in ents))
    score += 0.1 if any(t.dep_ == "ROOT" and t.pos_ == "VERB" for t in sent) else 0.0
    score -= 0.2 if sent.text.rstrip().endswith("?") else 0.0
    return max(0.0, min(1.0, score))


def extract_claims(doc: Doc, quotes: Sequence[Quote] = ()) -> list[Claim]:
    """Claims ranked by check-worthiness, best first."""
    claims = []
    for sent in doc.sents:
        if len(sent) < 4:
            continue
        hedges = [m.group(0) for m in _HEDGES.finditer(sent.text)]
        claims.append(
            Claim(
                text=sent.text.strip(),
                score=round(_score(sent), 4),
                checkworthy=_score(sent) >= THRESHOLD,
                attribution=_attribution(sent, quotes),
                hedged=bool(hedges),
                hedges=hedges,
                numbers=[e.text for e in sent.ents if e.label_ in _NUMERIC],
                start=sent.start_char,
                end=sent.end_char,
            )
        )
    return sorted(claims, key=lambda c: (-c.score, c.start))


def find_inconsistencies(doc: Doc, claims: Sequence[Claim]) -> list[str]:
    """Notes for an editor about figures that disagree within the story (none found in this version)."""
    return []
