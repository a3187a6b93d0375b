"""Who is speaking: the speaker's words in the text, the name they resolve to and the speaker's role.

A speaker is found from the subject (or agent, or "according to" object) of a cue. The noun phrase is
split into a name and a role: a PERSON entity covering the head is the name, the words before it
("Ukrainian analyst") or an apposition after it ("…, the chief of the general staff,") the role.
References are resolved conservatively, from what the document said *before* the mention:

- a relative pronoun ("officials who said …") takes its antecedent;
- a surname or first name alone takes the longest earlier PERSON name sharing that word (a name the
  recogniser called an organisation is a person's when a "who" clause follows it);
- he/she (and his/her) takes the most recent person seen as a subject or speaker outside quotation marks
  (people named inside a quotation are in the quoted speaker's words); honorifics ("Mrs.") and the
  pronouns met earlier fix a person's gender, so one first called "she" is never "he" later; titles of
  works are never people;
- they takes the most recent group (an organisation, a plural noun, or speakers named together: "Ana
  Ruiz and Tom Hale"), it the most recent organisation, both within a short window;
- anything else (I, we, you, an unresolvable pronoun) keeps its words as the mention and no name.

Coordinated speakers speak together ("A and B said" gives "A and B"); a share of people is named by its
whole phrase ("About 4 in 10"); a transcript's label ("WALLACE", "MR. SMITH") takes the full name met
earlier. A time or date never speaks (a live blog's "12:15 p.m." that the parser made a subject gives way
to the name beside it, or to no speaker at all), and neither does page furniture ("Advertisement",
"Photo", "Getty Images"). A misattributed quote is worse than an unattributed one.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span, Token

from bot.nlp.lexicon import (
    ATTITUDE_VERBS,
    FEMALE_TITLES,
    INTENTION_VERBS,
    MALE_TITLES,
    NAME_TITLES,
    ORGANISATION_WORDS,
    PAGE_FURNITURE,
    REPORTING_VERBS,
    WORK_NOUNS,
)

SpeakerKind = Literal["person", "group", "org", "other"]

#: Dependents that end a speaker's noun phrase: they describe the speaker rather than name it.
_NP_STOP = frozenset({"relcl", "acl", "appos", "punct", "advcl", "parataxis", "dep", "npadvmod", "cc", "conj"})
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
#: What before or at the start of a name says the person's gender: a title (also with its dot) or a pronoun.
_MALE = MALE_TITLES | frozenset({"mr.", "he", "him"})
_FEMALE = FEMALE_TITLES | frozenset({"mrs.", "ms.", "she"})
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
#: Entity types of a share of people ("41 percent", "4 in 10").
_SHARES = frozenset({"CARDINAL", "PERCENT", "QUANTITY"})
#: Verbs whose subject is someone: who says, writes, thinks or takes a stance.
_SPEAKING_VERBS = REPORTING_VERBS | ATTITUDE_VERBS | INTENTION_VERBS | {"speak", "talk"}
#: Pronouns that refer to one person of a known gender, as subject or possessor.
_PRONOUN_GENDER = {"he": "m", "his": "m", "she": "f", "her": "f"}
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


def is_furniture(token: Token) -> bool:
    """Whether a word is page furniture ("Advertisement", "Photo", "Getty"), which never speaks.

    "Article" is furniture only as a bare label ("Article continues below"); "the article said" cites one.
    """
    lower = token.lower_
    if lower == "article":
        return token.text[:1].isupper() and not any(c.dep_ in ("det", "poss", "amod") for c in token.children)
    return lower in PAGE_FURNITURE


def _titles_a_work(token: Token) -> bool:
    """Whether a subject is the title of a work: tagged one, or named by a noun for one ("the film Julia",
    "the report Lost Harbours", "Harbour Lights, a documentary")."""
    if token.ent_type_ == "WORK_OF_ART":
        return True
    start, _ = noun_phrase(token)
    before = token.doc[start - 1] if start > 0 else None
    if before is not None and before.lower_ in WORK_NOUNS:
        return True
    return any(
        c.lower_ in WORK_NOUNS or (c.dep_ == "appos" and c.lemma_.lower() in WORK_NOUNS)
        for c in token.children
        if c.dep_ in ("compound", "appos")
    )


def _glued_hyphen(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is a hyphen inside a word ("co-operative"), with no space on either side."""
    return doc[i].text == "-" and 0 < i < len(doc) - 1 and not doc[i - 1].whitespace_ and not doc[i].whitespace_


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
    doc = head.doc
    # a hyphenated word the tokenizer split and the parser scattered: "co-operative"
    while right + 2 < len(doc) and _glued_hyphen(doc, right + 1):
        right += 2
    while left >= 2 and _glued_hyphen(doc, left - 1):
        left = doc[left - 2].left_edge.i
    for i in range(head.i - 1, left - 1, -1):
        if head.doc[i].is_space or head.doc[i].text in _NP_BREAKS:
            left = i + 1
            break
    for i in range(head.i + 1, right + 1):
        if head.doc[i].is_space or head.doc[i].text in _NP_BREAKS:
            right = i - 1
            break
    return left, right + 1


def _named_person(ent: Span) -> bool:
    """Whether a name the recogniser took for an organisation is a person's: "Maeve Doherty, who …".

    A relative clause with "who" is said of people ("the council, which …"); the name must look like
    one (two or three capitalised words, none of an organisation's).
    """
    if ent.label_ not in ("ORG", "GPE", "NORP") or not 2 <= len(ent) <= 3:
        return False
    if any(t.pos_ != "PROPN" or not t.text[:1].isupper() or t.lower_ in ORGANISATION_WORDS for t in ent):
        return False
    root = ent.root
    return any(
        c.dep_ == "relcl" and any(g.lower_ == "who" and g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
        for c in root.children
    )


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
    """Resolves speaker mentions within one document; build once per doc (linear in its length).

    ``quoted`` marks the tokens inside quotation marks: people named there are in the quoted speaker's
    words, not the narrative's, and are never what a later pronoun stands for.
    """

    def __init__(self, doc: Doc, quoted: Sequence[bool] | None = None) -> None:
        self.doc = doc
        inside = quoted if quoted is not None and len(quoted) == len(doc) else [False] * len(doc)
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
            label = "PERSON" if (len(words) == 1 and words[0] in by_word) or _named_person(ent) else ent.label_
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
            if token.dep_ not in ("nsubj", "nsubjpass", "pobj") or token.pos_ == "PRON" or inside[token.i]:
                continue
            if token.dep_ == "pobj" and not (token.head.lower_ == "to" and token.head.head.lower_ == "according"):
                continue
            k = self._ent_at[token.i]
            if _titles_a_work(token):
                # "the documentary Harbour Lights follows …": a title, whatever the recogniser made of it
                continue
            if k >= 0 and self._labels[k] == "PERSON":
                self._people.append((token.i, self._canonical[k]))
            elif k >= 0 and self._labels[k] in _GROUP_LABELS:
                self._groups.append((token.i, self._canonical[k], True))
            elif k < 0 and token.pos_ == "PROPN" and token.head.lemma_.lower() in _SPEAKING_VERBS:
                # an untagged name of two or more words as the subject of a verb of saying or thinking:
                # "Ana Ruiz spoke" (not "Harbour Lights follows three families", a title)
                start, end = noun_phrase(token)
                proper = [t for t in doc[start:end] if t.pos_ == "PROPN"]
                if len(proper) >= 2 and end - start == len(proper):
                    self._people.append((token.i, self._strip_title(doc[start:end])[0]))
            elif token.tag_ in ("NNS", "NNPS"):
                start, end = noun_phrase(token)
                self._groups.append((token.i, _span_text(doc, start, end), False))
        #: Full names by their surname in capitals, with where each was first met: what a transcript's
        #: label ("WALLACE:") refers to.
        self._surnames: dict[str, list[tuple[int, str]]] = {}
        for ent, label, canonical in zip(self._ents, self._labels, self._canonical, strict=True):
            if label == "PERSON" and len(canonical.split()) > 1 and not canonical.isupper():
                self._surnames.setdefault(canonical.split()[-1].upper(), []).append((ent.start, canonical))
        self._people_at = [i for i, _ in self._people]
        self._groups_at = [i for i, _, _ in self._groups]
        self._person_of: dict[int, str | None] = {}
        # "Ana Ruiz and Tom Hale said …" — "they" may mean the two of them
        together = [
            (t.i, found.name, True)
            for t in doc
            if t.dep_ in ("nsubj", "nsubjpass")
            and t.pos_ in ("PROPN", "NOUN")
            and not inside[t.i]
            and any(c.dep_ == "conj" for c in t.children)
            and (found := self.speaker(t)) is not None
            and found.name is not None
            and " and " in found.name
        ]
        if together:
            self._groups = sorted([*self._groups, *together])
            self._groups_at = [i for i, _, _ in self._groups]
        # He, she, his and her in text order: each resolves to the latest person of its gender or of none
        # known yet, and a person first referred to as "she" is never "he" later (nor the reverse).
        for token in doc:
            gender = _PRONOUN_GENDER.get(token.lower_)
            if gender is None or token.pos_ != "PRON" or (token.lower_ == "her" and token.dep_ != "poss"):
                continue
            person = self._latest_person(token.i, gender)
            self._person_of[token.i] = person
            if person is not None and not inside[token.i]:
                self._gender.setdefault(person, gender)

    def _strip_title(self, ent: Span) -> tuple[str, str]:
        """Split leading titles off an entity's words: ("Valery Gerasimov", "General")."""
        i = ent.start
        while i < ent.end - 1 and ent.doc[i].lower_ in TITLES:
            i += 1
        return _clean(ent.doc[i : ent.end].text), _clean(ent.doc[ent.start : i].text)

    def _ent(self, token: Token) -> int:
        return self._ent_at[token.i]

    def speaker(self, head: Token) -> Speaker | None:
        """The speaker whose noun phrase is headed by ``head``, or None if it names no one.

        Coordinated speakers ("Ana Ruiz and Tom Hale said") speak together: the speaker is "Ana Ruiz and
        Tom Hale", each part resolved on its own.
        """
        parts = [head]
        while len(parts) < 12:
            more = next((c for c in parts[-1].children if c.dep_ == "conj" and c.pos_ in ("PROPN", "NOUN")), None)
            if more is None and len(parts) == 1:
                # "A, B and C": the parser may take B for an apposition of A; a list goes on with "and C"
                more = next(
                    (c for c in head.children if c.dep_ == "appos" and any(g.dep_ == "conj" for g in c.children)),
                    None,
                )
            if more is None:
                break
            parts.append(more)
        if len(parts) == 1 or head.pos_ == "PRON":
            return self._speaker(head)
        found = [self._speaker(part) for part in parts]
        known = [f for f in found if f is not None]
        if len(known) < 2:
            return known[0] if known else None
        names = [f.name or f.mention for f in known]
        name = names[0] + " and " + names[1] if len(names) == 2 else ", ".join(names[:-1]) + " and " + names[-1]
        start, end = known[0].start, known[-1].end
        kind: SpeakerKind = "person" if all(f.kind == "person" for f in known) else "group"
        return Speaker(_clean(self.doc.text[start:end]), start, end, name, None, kind)

    def _speaker(self, head: Token) -> Speaker | None:
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
        after = head.i + 1
        if (
            after + 1 < len(doc)
            and doc[after].text in ("’", "'")
            and not head.whitespace_
            and head.lower_.endswith("s")
            and doc[after + 1].pos_ in ("NOUN", "PROPN")
        ):
            # "The Smiths’ boatyard": a plural possessive the parser took for the head
            owned_end = noun_phrase(doc[after + 1])[1]
            text = _span_text(doc, start, owned_end)
            mention = doc[start:owned_end]
            return Speaker(_clean(mention.text), mention.start_char, mention.end_char, text, None, "other")
        k = self._ent(head)
        if head.pos_ == "NUM" or head.ent_type_ in _SHARES:
            # "About 4 in 10 say …", "41 percent said …": a share of people, named by the whole phrase
            mention = doc[start:end]
            text = _span_text(doc, start, end)
            return Speaker(_clean(mention.text), mention.start_char, mention.end_char, text, None, "group")
        if k >= 0:
            # the phrase covers at least the name its head is part of ("46-year-old", not "old")
            start, end = min(start, self._ents[k].start), max(end, self._ents[k].end)
        if is_furniture(head) or (k >= 0 and any(is_furniture(t) for t in self._ents[k])):
            # "Advertisement", "Photo", "Getty Images": a page's furniture the parser took for a subject
            return None
        while start < head.i and is_furniture(doc[start]):
            start += 1
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
            if prefix.lower() in _HONORIFICS:
                prefix = ""
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

    def label(self, label: Span) -> Speaker | None:
        """The speaker a transcript's label names ("WALLACE", "MR. SMITH", "Sen. Ana Ruiz", "Q").

        A surname takes the full name met earlier in the text, in any case ("WALLACE" -> "Chris Wallace");
        "Q" and "A" (questioner and answerer) keep their letter as the mention and name nobody.
        """
        tokens = [t for t in label if not t.is_punct]
        if not tokens:
            return None
        mention = _clean(label.text)
        start = label.start_char + label.text.index(mention) if mention in label.text else label.start_char
        end = start + len(mention)
        if len(tokens) == 1 and tokens[0].lower_ in ("q", "a", "question", "answer"):
            return Speaker(mention, start, end, None, None, "other")
        first = 0
        while first < len(tokens) - 1 and tokens[first].lower_ in TITLES:
            first += 1
        titles = " ".join(t.text for t in tokens[:first] if t.lower_ not in _HONORIFICS) or None
        words = [t.text for t in tokens[first:]]
        name = " ".join(words)
        earlier = [full for at, full in self._surnames.get(words[-1].upper(), []) if at < label.start]
        if earlier and (len(words) == 1 or earlier[-1].upper().endswith(name.upper())):
            name = earlier[-1]
        return Speaker(mention, start, end, name, titles, "person")

    def _appos_role(self, appos: Token) -> str | None:
        if self._ent(appos) >= 0 and self._labels[self._ent(appos)] == "PERSON":
            return None
        start, end = noun_phrase(appos)
        return _span_text(self.doc, start, end) or None

    def _latest_person(self, i: int, gender: str) -> str | None:
        """The person last seen as a subject before token ``i`` whose gender is ``gender`` or not known."""
        pos = bisect.bisect_left(self._people_at, i) - 1
        while pos >= 0 and i - self._people_at[pos] <= PERSON_WINDOW:
            candidate = self._people[pos][1]
            if self._gender.get(candidate, gender) == gender:
                return candidate
            pos -= 1
        return None

    def certain(self, pronoun: Token, name: str) -> bool:
        """Whether ``name`` is surely whom ``pronoun`` ("he", "she") stands for: the person's gender is known
        and matches, or nobody else was named before the pronoun. A resolution good enough to attribute a
        quote may not be good enough to put a name in a reader's mouth."""
        gender = _PRONOUN_GENDER.get(pronoun.lower_)
        known = self._gender.get(name)
        if known is not None:
            return known == gender
        return all(
            canonical == name or label != "PERSON" or ent.start > pronoun.i
            for ent, label, canonical in zip(self._ents, self._labels, self._canonical, strict=True)
        )

    def _pronoun(self, token: Token) -> Speaker:
        lower = token.lower_
        name: str | None = None
        kind: SpeakerKind = "other"
        if lower in _PRONOUN_GENDER or lower in ("him", "her"):
            kind = "person"
            if token.i in self._person_of:
                name = self._person_of[token.i]
            else:
                name = self._latest_person(token.i, _PRONOUN_GENDER.get(lower, "m" if lower == "him" else "f"))
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
