"""Extractive summary: two or three sentences, at most 600 characters (first version: lead sentences)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from bot.models import Claim

MAX_CHARS = 600
MAX_SENTENCES = 3


def summarize(doc: Doc, claims: Sequence[Claim] = (), *, headline: str | None = None) -> list[str]:
    """The first sentences of the body, skipping a restated headline, within the size limits."""
    chosen: list[str] = []
    total = 0
    for sent in doc.sents:
        text = " ".join(sent.text.split())
        if len(sent) < 4 or (headline and text.lower().startswith(headline.lower())):
            continue
        if total + len(text) > MAX_CHARS and chosen:
            break
        chosen.append(text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…")
        total += len(chosen[-1])
        if len(chosen) == MAX_SENTENCES:
            break
    return chosen
