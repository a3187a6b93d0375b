"""Quote and attribution extraction (first version: direct quotes with a nearby cue, reported speech)."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from bot.models import Quote
from bot.nlp.lexicon import REPORTING_VERBS

VERSION = "1"

_DIRECT = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
_SUBJECTS = ("nsubj", "nsubjpass")


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
    return None


def _speaker_span(head: Token) -> Span:
    doc = head.doc
    left = min((t.i for t in head.subtree if t.dep_ not in ("relcl", "punct", "appos", "acl")), default=head.i)
    left = max(left, head.left_edge.i)
    return doc[left : head.i + 1]


def _quote(content: Span | tuple[int, int, str], verb: Token, kind: str) -> Quote | None:
    subj = _subject(verb)
    if subj is None:
        return None
    speaker = _speaker_span(subj)
    if isinstance(content, Span):
        start, end, text = content.start_char, content.end_char, content.text
    else:
        start, end, text = content
    return Quote(
        speaker=speaker.text if subj.pos_ != "PRON" else None,
        speaker_mention=speaker.text,
        cue=verb.text,
        content=text,
        kind=kind,  # type: ignore[arg-type]
        start=start,
        end=end,
        cue_start=verb.idx,
        cue_end=verb.idx + len(verb),
        speaker_start=speaker.start_char,
        speaker_end=speaker.end_char,
    )


def extract_quotes(doc: Doc) -> list[Quote]:
    """Quotes in document order, each with its speaker, cue, content offsets and kind."""
    quotes: list[Quote] = []
    taken: list[tuple[int, int]] = []
    for match in _DIRECT.finditer(doc.text):
        span = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        if span is None:
            continue
        sent = span.sent
        verbs = [t for t in sent if t.lemma_ in REPORTING_VERBS and not (span.start <= t.i < span.end)]
        for verb in verbs:
            quote = _quote((match.start(1), match.end(1), match.group(1)), verb, "direct")
            if quote:
                quotes.append(quote)
                taken.append((sent.start_char, sent.end_char))
                break
    for token in doc:
        if token.lemma_ not in REPORTING_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        comp = next((c for c in token.children if c.dep_ == "ccomp"), None)
        if comp is None or any(s <= token.idx < e for s, e in taken):
            continue
        content = doc[comp.left_edge.i : comp.right_edge.i + 1]
        if content.start < token.i:
            continue
        kind = "mixed" if any(ch in content.text for ch in '"“”') else "indirect"
        quote = _quote(content, token, kind)
        if quote:
            quotes.append(quote)
    return sorted(quotes, key=lambda q: q.start)
