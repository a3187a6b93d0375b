"""Claims and quotes as a reader meets them alone, out of the story around them.

A claim shown under *Key claims* has lost the sentences before it. Editors clarify such a sentence in
square brackets: "He warned that …" becomes "[Graham Pike] warned that …", and a joining word ("But …",
"And …") that pointed back at the sentence before is dropped. :func:`standalone` does the same, and only
that: the words between brackets are the only ones that are not the source's. A pronoun it cannot resolve
with confidence (a person named before it, of the pronoun's gender) is left as it is and the claim is
marked ``needs_context``, so a reply shows it after the claims that read on their own.

Quotes are the source's words. :func:`verbatim` rebuilds each direct and mixed quote from its offsets in
the analysed text (pieces joined with " … ") and checks it, so nothing but the source's words is ever shown
in quotation marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.models import Claim, Quote
from bot.nlp.marks import balanced, paired_stretch, scan_marks
from bot.nlp.quotes import JOIN
from bot.nlp.speakers import SpeakerResolver

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

VERSION = "1"

#: Adverbs that join a sentence to the one before, as a conjunction does ("However, …").
_LINKING = frozenset(
    {"however", "meanwhile", "still", "instead", "nevertheless", "nonetheless", "moreover", "furthermore", "also"}
)
#: Subject pronouns a claim alone cannot be read without; he and she are resolved, the rest are not.
PERSONAL = frozenset({"he", "she"})
UNRESOLVED = frozenset({"they", "it", "this", "these", "those", "we", "i", "you"})
FIRST_PERSON = frozenset({"i", "we"})
_SUBJECT = frozenset({"nsubj", "nsubjpass", "csubj"})


def _opening(doc: Doc, claim: Claim) -> tuple[Token | None, Token | None]:
    """The claim's leading joining word (if any) and its first word after it."""
    span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
    if span is None or not len(span):
        return None, None
    first = span[0]
    if not (first.dep_ == "cc" or first.pos_ == "CCONJ" or first.lower_ in _LINKING):
        return None, first
    after = first.i + 1
    comma = after < span.end and doc[after].text == ","
    bare_however = first.lower_ == "however" and after < span.end and doc[after].pos_ not in ("ADJ", "ADV")
    if first.lower_ in _LINKING and not (comma or bare_however):
        return None, first  # "Still more people …", "Also on Tuesday …", "However much it costs"
    while after < span.end and (doc[after].is_punct or doc[after].is_space):
        after += 1
    return first, doc[after] if after < span.end else None


def _is_subject_pronoun(token: Token) -> bool:
    return token.pos_ == "PRON" and token.dep_ in _SUBJECT and not is_dummy_it(token)


def is_dummy_it(token: Token) -> bool:
    """Whether ``token`` is an "it" that stands for no thing: extraposed ("It is unclear whether …", "It is
    believed that …", "It took years to …") or tagged as an expletive."""
    if token.lower_ != "it":
        return False
    if token.dep_ == "expl":
        return True
    head = token.head
    return any(
        child.i > token.i
        and child.dep_ in ("ccomp", "csubj", "xcomp", "advcl")
        and child.pos_ in ("VERB", "AUX")
        and any(mark.lower_ in ("that", "whether", "if", "to") for mark in child.children if mark.i < child.i)
        for child in head.children
    )


def standalone(doc: Doc, claims: Sequence[Claim], quotes: Sequence[Quote]) -> list[Claim]:
    """The claims with ``shown`` (the text to show alone) and ``needs_context`` set."""
    quoted = [False] * len(doc)
    for parts in scan_marks(doc.text):
        for start, end in parts:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for i in range(span.start, span.end):
                    quoted[i] = True
    resolver: SpeakerResolver | None = None
    out = []
    for claim in claims:
        joiner, first = _opening(doc, claim)
        text = claim.text
        shown = text
        needs_context = False
        if joiner is not None and first is not None and text.startswith(joiner.text):
            rest = text[first.idx - claim.start :] if first.idx >= claim.start else text
            shown = rest[:1].upper() + rest[1:]
        if first is not None and _is_subject_pronoun(first):
            lower = first.lower_
            name = None
            if lower in PERSONAL:
                resolver = resolver or SpeakerResolver(doc, quoted)
                speaker = resolver.speaker(first)
                name = speaker.name if speaker is not None else None
                if name and not resolver.certain(first, name):
                    name = None
            if name:
                word = first.idx - claim.start
                offset = len(text) - len(shown)
                cut = word - offset
                if cut >= 0 and shown[cut : cut + len(first.text)].lower() == lower:
                    shown = shown[:cut] + f"[{name}]" + shown[cut + len(first.text) :]
                else:
                    needs_context = True
            elif lower in FIRST_PERSON and claim.attribution:
                pass  # "I think it is a sad day, Ruiz said": the speaker is in the sentence
            elif lower in PERSONAL or lower in UNRESOLVED:
                needs_context = True
        out.append(claim.model_copy(update={"shown": shown if shown != text else None, "needs_context": needs_context}))
    return out


def verbatim(text: str, quotes: Sequence[Quote]) -> list[Quote]:
    """The quotes with every direct and mixed one rebuilt from its offsets in ``text``.

    A stray mark at either edge of a one-piece quote (half of a pair it does not hold) is left out, which
    keeps it a stretch of the source's words; a quote whose marks still do not pair, or whose offsets do not
    lie in the text, keeps ``verified`` False, and a reply does not show it.
    """
    out = []
    for quote in quotes:
        if quote.kind not in ("direct", "mixed"):
            out.append(quote)
            continue
        spans = quote.spans or [(quote.start, quote.end)]
        if not all(0 <= s < e <= len(text) for s, e in spans):
            out.append(quote.model_copy(update={"verified": False}))
            continue
        content = JOIN.join(text[s:e] for s, e in spans)
        if len(spans) == 1 and (stretch := paired_stretch(text, *spans[0])) is not None:
            spans, content = [stretch], text[stretch[0] : stretch[1]]
        update: dict[str, object] = {"content": content, "verified": balanced(content)}
        if len(spans) == 1:
            update.update(start=spans[0][0], end=spans[0][1])
        out.append(quote.model_copy(update=update))
    return out
