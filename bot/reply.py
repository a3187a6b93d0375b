"""What a reply shows, chosen the way an editor would, before Block Kit or a terminal renders it.

The main reply has room for a few claims and quotes; they should complement the summary, not repeat it:

- **each fact once**: a claim the summary already says, or a quote or paraphrase that only restates the
  summary or an item shown before it, gives way to the next one (:func:`repeats`). *All quotes & claims*
  still lists everything;
- **in context**: a claim is shown as it reads alone (see :mod:`bot.nlp.context`); one that opens with a
  pronoun nutgraf could not resolve, or a short evaluative sentence with no figure, name or source
  ("Commuter groups were unimpressed."), comes after the claims that stand on their own;
- **verbatim**: a direct or mixed quote is shown only when it was checked to be the source's words with its
  marks paired; paraphrases of fewer than four words ("that estimate") and paraphrases with no speaker are
  left to the full lists;
- **names**: one name per person across the reply, the fullest form the story gives ("Daniel Voss", never
  "Voss" in one item and "Daniel Voss" in the next), with the role wherever the story gives one.

Everything here is pure and works on an :class:`~bot.models.Analysis` alone.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from bot.models import Analysis, Claim, Quote
from bot.names import display_name, merge_names
from bot.nlp.marks import paired_stretch

#: An item repeats another when this share of its content words is in the other.
REPEAT_SHARE = 0.8
#: Paraphrases shorter than this many words are fragments ("that estimate").
MIN_PARAPHRASE_WORDS = 4
#: An evaluative sentence this short, with no figure, name or source, is not a key claim for the reply.
THIN_CLAIM_WORDS = 8

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_DATELINE = re.compile(r"\A[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.]+)?\s*(?:\([^)]{1,30}\)\s*)?[—–-]+\s+")
_LEADING_THAT = re.compile(r"\Athat\s+", re.IGNORECASE)
#: Pronouns a paraphrase shown alone cannot open with: nothing before it says whom or what they mean.
_BARE_SUBJECTS = frozenset({"he", "she", "it", "they", "this", "these", "those", "its", "their", "his", "her"})


def words(text: str | None) -> list[str]:
    """The words of ``text``, lower-cased (what :func:`repeats` compares)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text or "")]


def content_words(text: str | None) -> list[str]:
    """The words of ``text`` that carry its facts: all but function words ("the", "will", "on"); all of
    them when it has nothing else."""
    found = words(text)
    return [w for w in found if w not in STOP_WORDS] or found


def covered(item: str, others: Iterable[str]) -> float:
    """The largest share of ``item``'s content words found in any one of ``others`` (each word counted as
    often as it occurs). "We will not give up on the ferry" and "… on the barrier" share most words but
    not their facts."""
    mine = Counter(content_words(item))
    total = sum(mine.values())
    if not total:
        return 0.0
    best = 0.0
    for other in others:
        theirs = Counter(content_words(other))
        best = max(best, sum(min(count, theirs[word]) for word, count in mine.items()) / total)
    return best


def repeats(item: str, others: Iterable[str]) -> bool:
    """Whether ``item`` only restates one of ``others`` (≥ :data:`REPEAT_SHARE` of its words are in it)."""
    return covered(item, others) >= REPEAT_SHARE


@dataclass(frozen=True)
class ShownClaim:
    claim: Claim
    text: str
    attribution: str | None


@dataclass(frozen=True)
class ShownQuote:
    quote: Quote
    content: str
    speaker: str | None
    role: str | None


@dataclass(frozen=True)
class Reply:
    """What the main reply shows. ``claims_total``/``quotes_total`` count what it could show: everything
    the full lists hold but what only restates the summary or a shown item."""

    summary: list[str]
    claims: list[ShownClaim]
    quotes: list[ShownQuote]
    claims_total: int
    quotes_total: int


class Names:
    """One name per person across a reply: the fullest form the analysis gives (see :mod:`bot.names`), and a
    role for it."""

    def __init__(self, analysis: Analysis) -> None:
        people = [q.speaker for q in analysis.quotes if q.speaker]
        people += [c.attribution for c in analysis.claims if c.attribution]
        for entity in analysis.entities:
            if entity.label in ("PERSON", "PER"):
                people += [entity.text, *entity.variants]
        # a person's name, in capitals (not "officials", nor "Ana Ruiz and Tom Hale" speaking together)
        people = [n for n in people if n.split() and all(w[:1].isupper() for w in n.split()) and " and " not in n]
        root_of = merge_names(people)
        forms: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for name in people:
            forms[root_of[name]][name] += 1
        self._names = {name: display_name(forms[root]) for name, root in root_of.items()}
        self._roles: dict[str, str] = {}
        for quote in sorted(analysis.quotes, key=lambda q: q.start):
            if quote.speaker and quote.speaker_role:
                self._roles.setdefault(self.canonical(quote.speaker), quote.speaker_role)

    def canonical(self, name: str) -> str:
        """The fullest form of a person's name, or ``name`` itself when it names no one known."""
        return self._names.get(name, name)

    def role(self, name: str) -> str | None:
        return self._roles.get(self.canonical(name))


def _thin(claim: Claim) -> bool:
    """A short evaluative sentence with no figure, name or source."""
    text = claim.shown or claim.text
    proper = any(w[:1].isupper() for w in text.split()[1:])
    return len(words(text)) <= THIN_CLAIM_WORDS and not (claim.numbers or claim.attribution or proper)


def ranked_claims(claims: Sequence[Claim]) -> list[Claim]:
    """Claims in the order the full lists show them: check-worthy first, then by score."""
    return sorted(claims, key=lambda c: (not c.checkworthy, -c.score))


def ranked_quotes(quotes: Sequence[Quote]) -> list[Quote]:
    """Quotes in the order they are shown: attributed first, direct before paraphrase, then text order."""
    return sorted(quotes, key=lambda q: (not (q.speaker or "").strip(), q.kind == "indirect", q.start))


def reply_order(claims: Sequence[Claim]) -> list[Claim]:
    """Claims in the order the reply considers them: as :func:`ranked_claims`, with claims that do not stand
    alone (an unresolved pronoun, a thin evaluative sentence) after those that do."""
    return sorted(ranked_claims(claims), key=lambda c: c.needs_context or _thin(c))


def paraphrase_text(content: str) -> str:
    """A paraphrase as shown: without a leading "that" or a dateline ("MARNFORD — ")."""
    text = _DATELINE.sub("", content.strip())
    text = _LEADING_THAT.sub("", text)
    return text


def _extent(quote: Quote) -> tuple[int, int]:
    """Where a quote lies in the text with its cue and speaker ("'…,' said Hedda Moll, who farms …")."""
    edges = [quote.start, quote.end, *(e for e in (quote.cue_start, quote.cue_end) if e is not None)]
    edges += [e for e in (quote.speaker_start, quote.speaker_end) if e is not None]
    return min(edges), max(edges)


def _mostly_quoted(claim: Claim, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether at least half of the claim's text lies in these quotations (by offsets)."""
    inside = sum(max(0, min(end, claim.end) - max(start, claim.start)) for start, end in spans)
    return inside * 2 >= claim.end - claim.start > 0


def _said(text: str, summary: str, items: Sequence[str]) -> bool:
    """Whether ``text`` only restates the summary or a shown item, or a shown item restates it."""
    return repeats(text, [summary, *items]) or any(repeats(item, [text]) for item in items)


def _paired(text: str) -> str:
    """``text`` with its quotation marks paired (see :func:`~bot.nlp.marks.paired_stretch`), or "" when a
    stray mark stands inside it."""
    text = text.strip()
    stretch = paired_stretch(text)
    return text[stretch[0] : stretch[1]] if stretch else ""


def _names_in(name: str | None, text: str) -> bool:
    """Whether ``text`` already names ``name`` (as words of its own)."""
    return bool(name) and re.search(rf"(?<![\w]){re.escape(name or '')}(?![\w])", text, re.IGNORECASE) is not None


def _hedges_shown(claim: Claim, attribution: str | None) -> list[str]:
    """A claim's hedges, without the speaker a hedge repeats ("Engineers estimated" by Engineers)."""
    out: list[str] = []
    for hedge in claim.hedges:
        text = hedge.strip()
        for who in (attribution, claim.attribution):
            if who and text.lower().startswith(who.lower() + " "):
                text = text[len(who) :].strip()
        if text and text.lower() not in (h.lower() for h in out):
            out.append(text)
    return out


def plan(analysis: Analysis, *, max_claims: int = 5, max_quotes: int = 5) -> Reply:
    """The summary, claims and quotes the main reply shows, each fact once."""
    names = Names(analysis)
    summary = [s.strip() for s in analysis.summary if s.strip()]
    summary_text = " ".join(summary)
    items: list[str] = []
    repeated = 0
    # a claim that is a speaker's quoted words is shown once, as the quote
    quoted = [_extent(q) for q in analysis.quotes if q.kind != "indirect" and q.speaker and q.verified]
    claims: list[ShownClaim] = []
    for claim in reply_order(analysis.claims):
        text = _paired(claim.shown or claim.text)
        if text and (_said(text, summary_text, items) or _mostly_quoted(claim, quoted)):
            repeated += 1
            continue
        if len(claims) >= max(max_claims, 0) or claim.needs_context or not text:
            continue
        attribution = names.canonical(claim.attribution) if claim.attribution else None
        if attribution and any(_names_in(n, text) for n in (attribution, claim.attribution, attribution.split()[-1])):
            attribution = None  # "Supporters say …", "Voss said …" need no "— Supporters", "— Daniel Voss"
        shown = claim.model_copy(update={"hedges": _hedges_shown(claim, attribution)})
        claims.append(ShownClaim(shown, text, attribution))
        items.append(text)
    claims_total = len(analysis.claims) - repeated
    statements = [q for q in analysis.quotes if q.is_statement]
    quotes: list[ShownQuote] = []
    by_speaker: dict[str, list[str]] = {}
    repeated = 0
    for quote in ranked_quotes(statements):
        speaker = names.canonical(quote.speaker.strip()) if quote.speaker and quote.speaker.strip() else None
        content = paraphrase_text(quote.content) if quote.kind == "indirect" else quote.content.strip()
        # the same words from two people are two facts; from one, or already in a claim, they are one
        if content and _said(content, summary_text, [*items, *by_speaker.get(speaker or "", [])]):
            repeated += 1
            continue
        if len(quotes) >= max(max_quotes, 0) or speaker is None or not content:
            continue  # the full lists show what nobody was found to say
        if quote.kind == "indirect":
            if len(words(content)) < MIN_PARAPHRASE_WORDS or words(content)[0] in _BARE_SUBJECTS:
                continue  # a fragment ("that estimate"), or "It will be paid for …" with nothing to say what
        elif not quote.verified:
            continue
        role = quote.speaker_role or names.role(speaker)
        quotes.append(ShownQuote(quote, content, speaker, role))
        by_speaker.setdefault(speaker, []).append(content)
    return Reply(summary, claims, quotes, claims_total, len(statements) - repeated)
