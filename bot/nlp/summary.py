"""Extractive summary: two or three sentences, at most 600 characters, that an editor would keep.

Lead-3 is hard to beat on news, so the lede stays first; what changes is what counts as the lede and what
follows it. Datelines ("KYIV, Ukraine —") are cut from the sentence, and restated headlines, bylines, photo
credits and site boilerplate are skipped. The remaining places go to early sentences that carry the story's
top claims, in text order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from bot.models import Claim

MAX_CHARS = 600
MAX_SENTENCES = 3
MIN_WORDS = 6
#: How many of the ranked claims count as "top claims" for choosing sentences.
TOP_CLAIMS = 5
#: How much a top claim's score adds to a sentence's lead-position prior (1.0 for the first usable sentence).
CLAIM_WEIGHT = 0.6
#: Share of a sentence's words found in the headline above which it is taken for the headline restated.
HEADLINE_OVERLAP = 0.7

DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3})"  # KYIV, NEW YORK, WASHINGTON
    r"(?:\s*,\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2})?"  # , Ukraine / , N.Y.
    r"(?:\s*\((?:AP|Reuters|AFP|CNN|UPI|Bloomberg|dpa)\))?"
    r"\s*(?:[—–]|-{1,2})\s*"
)
BYLINE = re.compile(
    r"^\s*(?:by\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\b|(?:reporting|writing|editing|additional reporting)"
    r"\s+by\b|[\w .'’-]+\s+contributed (?:reporting|to this (?:report|story|article))\b)",
    re.IGNORECASE,
)
BOILERPLATE = re.compile(
    r"\b(?:sign up|subscribe|newsletter|click here|read more|follow (?:us|him|her) on|all rights reserved|copyright"
    r"|this (?:story|article) (?:has been|was) (?:updated|corrected|originally published)|getty images"
    r"|(?:ap|afp|reuters) photo|photo(?:graph)?:|image:|cookies?\b.*\bbrowser|advertisement"
    r"|terms of (?:use|service)|privacy policy|listen to (?:this|the) (?:article|story)|min(?:ute)? read)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline: "KYIV, Ukraine — Russia said" becomes "Russia said"."""
    match = DATELINE.match(text)
    if match and match.end() < len(text) and text[match.end()].isupper():
        return text[match.end() :]
    return text


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _restates(text: str, headline_words: set[str]) -> bool:
    if not headline_words:
        return False
    words = _words(text)
    return bool(words) and len(words & headline_words) / len(words) >= HEADLINE_OVERLAP


def _usable(sent: Span, text: str, headline_words: set[str]) -> bool:
    words = len(_WORD.findall(text))
    return (
        words >= MIN_WORDS
        and not BYLINE.match(text)
        and not BOILERPLATE.search(text)
        and not _restates(text, headline_words)
        and any(t.pos_ in ("VERB", "AUX") for t in sent)
    )


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rstrip() + "…"


def summarize(doc: Doc, claims: Sequence[Claim] = (), *, headline: str | None = None) -> list[str]:
    """Two or three sentences of the body, in text order and within :data:`MAX_CHARS`, lede first."""
    headline_words = _words(headline or "")
    top = sorted(claims, key=lambda c: -c.score)[:TOP_CLAIMS]
    candidates: list[tuple[int, str, float]] = []
    for sent in doc.sents:
        text = strip_dateline(" ".join(sent.text.split()))
        if not _usable(sent, text, headline_words):
            continue
        claim = max(
            (c.score for c in top if c.start < sent.end_char and sent.start_char < c.end),
            default=0.0,
        )
        rank = len(candidates)
        position = 1.0 / (1.0 + 0.25 * rank)
        opener = 0.15 if sent[0].pos_ == "PRON" or text[:1] in "\"“'‘" else 0.0
        candidates.append((rank, text, position + CLAIM_WEIGHT * claim - opener))
    if not candidates:
        return []
    lede = candidates[0]
    chosen = [lede]
    total = len(_shorten(lede[1]))
    for cand in sorted(candidates[1:], key=lambda c: -c[2]):
        if len(chosen) == MAX_SENTENCES:
            break
        if total + 1 + len(cand[1]) > MAX_CHARS:
            continue
        chosen.append(cand)
        total += 1 + len(cand[1])
    return [_shorten(text) for _, text, _ in sorted(chosen)]
