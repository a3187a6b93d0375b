"""Hedges: the modal and evidential words by which a story signals it is not sure of a claim.

Read from the parse in one pass over the tokens: modal auxiliaries ("may have", "could"), hedging adverbs
and adjectives ("reportedly", "unconfirmed"), evidential verbs with their subject ("analysts suggest",
"appears to") and impersonal passives ("it is believed", "is said to").
"""

from __future__ import annotations

from spacy.tokens import Span, Token

#: Modal auxiliaries of possibility (not "will", "can" or "should": those predict, enable or prescribe).
MODALS = frozenset({"may", "might", "could"})
#: Adverbs and adjectives that weaken or disown a statement.
ADVERBS = frozenset(
    """likely unlikely probably possibly perhaps maybe reportedly allegedly apparently presumably purportedly
    seemingly supposedly ostensibly arguably potentially conceivably""".split()
)
ADJECTIVES = frozenset(
    "unconfirmed unverified alleged suspected purported possible probable likely unlikely unclear uncertain".split()
)
#: Verbs whose subject offers an inference, not a fact ("analysts suggest", "it appears").
EVIDENTIAL_VERBS = frozenset({"suggest", "appear", "seem", "estimate", "speculate", "indicate"})
#: Verbs of belief or report that hedge in the impersonal passive ("it is believed", "is thought to").
PASSIVE_VERBS = frozenset({"believe", "think", "say", "understand", "rumor", "rumour", "report", "suspect", "expect"})
_PASSIVE_TAIL = ("xcomp", "ccomp")


def _evidential(token: Token) -> str | None:
    subject = next((c for c in token.children if c.dep_ in ("nsubj", "expl")), None)
    if token.lemma_ in ("appear", "seem"):
        if (subject is not None and subject.lower_ == "it") or any(c.dep_ in _PASSIVE_TAIL for c in token.children):
            return token.text + (" to" if token.i + 1 < len(token.doc) and token.nbor().lower_ == "to" else "")
        return None
    if subject is None or subject.pos_ == "PRON" or not any(c.dep_ in _PASSIVE_TAIL for c in token.children):
        return None
    return f"{subject.text} {token.text}"


def _impersonal_passive(token: Token) -> str | None:
    children = list(token.children)
    if not any(c.dep_ == "auxpass" for c in children):
        return None
    subject = next((c for c in children if c.dep_ in ("nsubjpass", "expl")), None)
    if subject is not None and subject.lower_ == "it" and any(c.dep_ in _PASSIVE_TAIL for c in children):
        return token.doc[subject.i : token.i + 1].text
    nxt = token.nbor() if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to" and any(c.dep_ == "xcomp" for c in children):
        return f"{token.text} to"
    return None


def find_hedges(span: Span) -> list[str]:
    """Hedging expressions in a span, as written and in order, without repeats."""
    found: list[str] = []
    for token in span:
        lower = token.lower_
        hedge: str | None = None
        if lower in MODALS and token.tag_ == "MD":
            nxt = token.nbor() if token.i + 1 < span.end else None
            hedge = f"{token.text} {nxt.text}" if nxt is not None and nxt.lower_ == "have" else token.text
        elif (lower in ADVERBS and token.pos_ in ("ADV", "ADJ")) or (lower in ADJECTIVES and token.pos_ == "ADJ"):
            hedge = token.text
        elif token.pos_ == "VERB" and token.lemma_ in EVIDENTIAL_VERBS:
            hedge = _evidential(token)
        elif token.pos_ == "VERB" and token.tag_ == "VBN" and token.lemma_ in PASSIVE_VERBS:
            hedge = _impersonal_passive(token)
        if hedge and hedge not in found:
            found.append(hedge)
    return found
