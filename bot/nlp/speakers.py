"""Who is speaking: the speaker's words in the text, the name they resolve to and the speaker's role.

A speaker is found from the subject (or agent, or "according to" object) of a cue. The noun phrase is
split into a name and a role: a PERSON entity covering the head is the name, the words before it
("Ukrainian analyst") or an apposition after it ("…, the chief of the general staff,") the role.
References are resolved conservatively, from what the document said *before* the mention:

- a relative pronoun ("officials who said …") takes its antecedent;
- a surname or first name alone takes the longest earlier PERSON name sharing that word;
- he/she (and his/her) takes the most recent person seen as a subject or speaker (honorifics such as "Mrs." rule out
  a person of the other gender); they takes the most recent group (an organisation or a plural noun),
  it the most recent organisation, both within a short window;
- anything else (I, we, you, an unresolvable pronoun) keeps its words as the mention and no name.

A time or date never speaks: a live blog's "12:15 p.m." that the parser made a subject gives way to the
name beside it, or to no speaker at all. A misattributed quote is worse than an unattributed one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span, Token

from bot.nlp.lexicon import NAME_TITLES

SpeakerKind = Literal["person", "group", "org", "other"]

#: Dependents that end a speaker's noun phrase: they describe the speaker rather than name it.
_NP_STOP = frozenset({"relcl", "acl", "appos", "punct", "advcl", "parataxis", "dep", "npadvmod"})
#: Punctuation that a speaker's noun phrase never spans (a dateline's dash, a heading's colon).
_NP_BREAKS = frozenset({":", ";", "—", "–", "--"})
#: Words that stand before a name as a title and belong to the role, not the name.
TITLES = NAME_TITLES | frozenset(
    """mr. mrs. ms. dr. prof. gen. lt. col. adm. sgt. capt. maj. sen. rep. gov. rev. vice representative
    congressman congresswoman premier attorney ambassador speaker leader chairman chairwoman chair director
    candidate nominee chief colonel captain lieutenant sergeant major commander father sister brother officer
    detective inspector professor sheikh""".split()
)
#: Titles that only address a person politely; they are not a role.
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "sir", "dame"})
_MALE = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "father", "brother", "congressman", "he", "him"})
_FEMALE = frozenset(
    {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess", "sister", "congresswoman", "she"}
)
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
#: Entity types of times and dates: a noun phrase headed by one never names a speaker (a live blog's
#: "12:15 p.m." or a "Tuesday" the parser took for a subject). A share ("41 percent said") does.
_WHEN = frozenset({"DATE", "TIME"})
#: How far back (in tokens) a "they" or "it" may look for its group.
GROUP_WINDOW = 120
#: How far back (in tokens) "he" or "she" may look for a person.
PERSON_WINDOW = 600
_STRIP = " \t\n,;:'\"“”‘’()[]-–—"


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker: the words in the text, the name they stand for, and a role."""

    mention: str
    start: int
    end: int
    name: str | None
    role: str | None
    kind: SpeakerKind


def _clean(text: str) -> str:
    text = text.strip(_STRIP)
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip(_STRIP)


def _span_text(doc: Doc, start: int, end: int) -> str:
    """Text of tokens [start, end) without leading determiners or edge punctuation."""
    while start < end and (
        (doc[start].dep_ == "det" and doc[start].lower_ in ("the", "a", "an")) or doc[start].is_punct
    ):
        start += 1
    while end > start and doc[end - 1].is_punct:
        end -= 1
    return _clean(doc[start:end].text) if end > start else ""


def is_time(token: Token) -> bool:
    """Whether the token is part of a time or date, which never speaks ("the 46-year-old" is a person)."""
    return token.ent_type_ in _WHEN and token.lower_ != "old"


def noun_phrase(head: Token) -> tuple[int, int]:
    """Token bounds [start, end) of the noun phrase naming a speaker, without clauses or appositions."""
    left = head.i
    for child in reversed(list(head.lefts)):
        if child.dep_ in _NP_STOP:
            break
        left = child.left_edge.i
    right = head.i
    for child in head.rights:
        if child.dep_ in _NP_STOP:
            break
        right = child.right_edge.i
    for i in range(head.i - 1, left - 1, -1):
        if head.doc[i].is_space or head.doc[i].text in _NP_BREAKS:
            left = i + 1
            break
    for i in range(head.i + 1, right + 1):
        if head.doc[i].is_space or head.doc[i].text in _NP_BREAKS:
            right = i - 1
            break
    return left, right + 1


def _titled_names(doc: Doc) -> list[Span]:
    """Names the entity recogniser missed but a title announces ("Mayor Ana Ruiz"), as PERSON spans."""
    found = []
    n = len(doc)
    i = 0
    while i < n:
        token = doc[i]
        if token.lower_ in TITLES and token.text[:1].isupper() and not token.ent_type_:
            j = i + 1
            while j < n and doc[j].pos_ == "PROPN" and not doc[j].ent_type_ and doc[j].text[:1].isupper():
                j += 1
            if j > i + 1 and doc[j - 1].lower_ not in TITLES:
                found.append(Span(doc, i, j, label="PERSON"))
            i = j
        else:
            i += 1
    return found


class SpeakerResolver:
    """Resolves speaker mentions within one document; build once per doc (linear in its length)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._ents: list[Span] = sorted([*doc.ents, *_titled_names(doc)], key=lambda e: e.start)
        self._ent_at = [-1] * len(doc)
        for k, ent in enumerate(self._ents):
            for i in range(ent.start, ent.end):
                self._ent_at[i] = k
        self._canonical: list[str] = []
        #: Entity labels, except that a lone word naming a person met earlier is PERSON ("Anand" tagged ORG).
        self._labels: list[str] = []
        self._gender: dict[str, str] = {}
        by_word: dict[str, str] = {}
        self._by_word = by_word
        self._first_named: dict[str, int] = {}
        for ent in self._ents:
            name = self._strip_title(ent)[0]
            words = name.split()
            canonical = name
            label = "PERSON" if len(words) == 1 and words[0] in by_word else ent.label_
            self._labels.append(label)
            if label == "PERSON" and words:
                if len(words) == 1 and words[0] in by_word:
                    canonical = by_word[words[0]]
                elif len(words) > 1:
                    for word in (words[0], words[-1]):
                        if len(by_word.get(word, "").split()) < len(words):
                            by_word[word] = name
                            self._first_named.setdefault(word, ent.start)
                before = doc[ent.start - 1].lower_ if ent.start > 0 else ""
                if before in _MALE or ent[0].lower_ in _MALE:
                    self._gender[canonical] = "m"
                elif before in _FEMALE or ent[0].lower_ in _FEMALE:
                    self._gender[canonical] = "f"
            self._canonical.append(canonical)
        self._people: list[tuple[int, str]] = []
        self._groups: list[tuple[int, str, bool]] = []
        for token in doc:
            if token.dep_ not in ("nsubj", "nsubjpass", "pobj") or token.pos_ == "PRON":
                continue
            if token.dep_ == "pobj" and not (token.head.lower_ == "to" and token.head.head.lower_ == "according"):
                continue
            k = self._ent_at[token.i]
            if k >= 0 and self._labels[k] == "PERSON":
                self._people.append((token.i, self._canonical[k]))
            elif k >= 0 and self._labels[k] in _GROUP_LABELS:
                self._groups.append((token.i, self._canonical[k], True))
            elif k < 0 and token.pos_ == "PROPN" and token.head.pos_ in ("VERB", "AUX"):
                # an untagged name of two or more words as a subject: "Ana Ruiz spoke"
                start, end = noun_phrase(token)
                proper = [t for t in doc[start:end] if t.pos_ == "PROPN"]
                if len(proper) >= 2 and end - start == len(proper):
                    self._people.append((token.i, self._strip_title(doc[start:end])[0]))
            elif token.tag_ in ("NNS", "NNPS"):
                start, end = noun_phrase(token)
                self._groups.append((token.i, _span_text(doc, start, end), False))
        self._people_at = [i for i, _ in self._people]
        self._groups_at = [i for i, _, _ in self._groups]

    def _strip_title(self, ent: Span) -> tuple[str, str]:
        """Split leading titles off an entity's words: ("Valery Gerasimov", "General")."""
        i = ent.start
        while i < ent.end - 1 and ent.doc[i].lower_ in TITLES:
            i += 1
        return _clean(ent.doc[i : ent.end].text), _clean(ent.doc[ent.start : i].text)

    def _ent(self, token: Token) -> int:
        return self._ent_at[token.i]

    def speaker(self, head: Token) -> Speaker | None:
        """The speaker whose noun phrase is headed by ``head``, or None if it names no one."""
        doc = self.doc
        lower = head.lower_
        if head.tag_ in ("WP", "WDT") or (lower in _RELATIVE and head.head.dep_ == "relcl"):
            antecedent = head.head.head if head.head.dep_ in ("relcl", "acl") else None
            if antecedent is None or antecedent.i == head.i:
                return None
            found = self.speaker(antecedent)
            if found is None:
                return None
            return Speaker(head.text, head.idx, head.idx + len(head), found.name, found.role, found.kind)
        if head.pos_ == "PRON":
            return self._pronoun(head)
        if is_time(head):
            # a live blog's time stamp the parser made the subject names the speaker in apposition, if any
            named = next((c for c in head.children if c.dep_ == "appos"), None)
            return self.speaker(named) if named is not None else None
        start, end = noun_phrase(head)
        if end <= start:
            return None
        k = self._ent(head)
        if k >= 0:
            # the phrase covers at least the name its head is part of ("46-year-old", not "old")
            start, end = min(start, self._ents[k].start), max(end, self._ents[k].end)
        mention = doc[start:end]
        appos = next((c for c in head.rights if c.dep_ == "appos"), None)
        if k < 0 and appos is not None and self._ent(appos) >= 0 and self._labels[self._ent(appos)] == "PERSON":
            # "the spokesman, John Smith," names the person in the apposition
            head_role = _span_text(doc, start, end)
            found = self.speaker(appos)
            if found is not None:
                return Speaker(found.mention, found.start, found.end, found.name, head_role or found.role, found.kind)
        if k >= 0:
            ent, label = self._ents[k], self._labels[k]
            name, title = self._strip_title(ent)
            name = self._canonical[k] if label == "PERSON" else name
            prefix = _span_text(doc, start, ent.start) if ent.start > start else ""
            if title.lower() in _HONORIFICS:
                title = ""
            role = " ".join(part for part in (prefix, title) if part) or None
            if appos is not None and appos.i > head.i:
                role = self._appos_role(appos) or role
            kind: SpeakerKind = "other"
            if label == "PERSON":
                kind = "person"
            elif label in _GROUP_LABELS:
                kind = "org"
            if kind == "person" and ent.start > start and ent.end < end:
                # "Trump's campaign manager" is not Trump: the entity only modifies the head
                kind = "other"
            return Speaker(_clean(mention.text), mention.start_char, mention.end_char, name, role, kind)
        text = _span_text(doc, start, end)
        if not text:
            return None
        role = self._appos_role(appos) if appos is not None else None
        if head.pos_ == "PROPN" and self._first_named.get(head.text, len(doc)) < head.i:
            # a surname the recogniser missed, named in full earlier on
            name = self._by_word[head.text]
            return Speaker(_clean(mention.text), mention.start_char, mention.end_char, name, role, "person")
        kind = "group" if head.tag_ in ("NNS", "NNPS") else "other"
        return Speaker(_clean(mention.text), mention.start_char, mention.end_char, text, role, kind)

    def _appos_role(self, appos: Token) -> str | None:
        if self._ent(appos) >= 0 and self._labels[self._ent(appos)] == "PERSON":
            return None
        start, end = noun_phrase(appos)
        return _span_text(self.doc, start, end) or None

    def _pronoun(self, token: Token) -> Speaker:
        lower = token.lower_
        name: str | None = None
        kind: SpeakerKind = "other"
        if lower in ("he", "she", "him", "her", "his"):
            kind = "person"
            gender = "m" if lower in ("he", "him", "his") else "f"
            pos = bisect.bisect_left(self._people_at, token.i) - 1
            while pos >= 0 and token.i - self._people_at[pos] <= PERSON_WINDOW:
                candidate = self._people[pos][1]
                if self._gender.get(candidate, gender) == gender:
                    name = candidate
                    break
                pos -= 1
        elif lower in ("they", "it", "them", "their", "its"):
            kind = "group" if lower not in ("it", "its") else "org"
            pos = bisect.bisect_left(self._groups_at, token.i) - 1
            while pos >= 0 and token.i - self._groups_at[pos] <= GROUP_WINDOW:
                _, candidate, is_ent = self._groups[pos]
                if lower not in ("it", "its") or is_ent:
                    name = candidate
                    break
                pos -= 1
        return Speaker(token.text, token.idx, token.idx + len(token), name, None, kind)
