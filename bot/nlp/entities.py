"""People, organisations and places with counts, merged across name variants.

Mentions are cleaned (possessives, a leading "the", titles before a name, stray punctuation), obvious NER
junk is dropped, and variants are merged: a surname alone counts toward the full name seen elsewhere
("Gerasimov" -> "Valery Gerasimov", even when the NER took the surname for an organisation), an acronym
toward the name it abbreviates ("NATO" -> "North Atlantic Treaty Organization"), and common spellings of
the same country ("U.S.", "US", "United States") toward one name.

Counts are every mention, not only those the recogniser tagged: each name form of an entity is looked for
again in the text ("Ms. Okafor" and "Okafor" count for "Grace Okafor", "RTA" for the "Riverton Transit
Authority" it abbreviates), and he, she, him, his, her and hers count for the person they resolve to. When a
pronoun might stand for one person or another, those people's counts are marked unknown rather than shown
short. Generic descriptions ("the council", "the mayor") are not names and are not counted; neither are
"it" and "they" for organisations.

A name the recogniser took for a person is a place when the document says so: the same words tagged as a
place elsewhere, written after "in", "at", "near" or "from", opening a dateline ("RIVERTON —"), or ending in
a word for a place ("Brennan Bay", "Alder Falls"); a place-like ending ("-ton", "-ville") counts only when
nothing marks the name as a person's (a title, a verb of saying, "who").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from bot.models import Entity
from bot.nlp.lexicon import (
    ATTITUDE_VERBS,
    DOCUMENT_NOUNS,
    FEMALE_TITLES,
    MALE_TITLES,
    NAME_TITLES,
    ORGANISATION_WORDS,
    REPORTING_VERBS,
    UTTERANCE_NOUNS,
)

#: Bump when what :func:`extract_entities` returns changes: cached analyses are keyed on it.
VERSION = "2"

#: spaCy labels kept, and the label reported: people, organisations and places.
LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC"}
#: Titles and honorifics that precede a name and are not part of it.
TITLES = NAME_TITLES | frozenset(
    """ambassador ceo chairman chairwoman chief commissioner cpl director father former late officer prime pvt
    representative sheikh spokesman spokesperson spokeswoman vice""".split()
)
#: Spellings of the same place or body that share no letters an algorithm could match on.
ALIASES = {
    "us": "United States",
    "usa": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "un": "United Nations",
    "united nations": "United Nations",
    "eu": "European Union",
    "european union": "European Union",
}
_CANONICAL = {" ".join(v.lower().split()): v for v in ALIASES.values()}
_CONNECTORS = frozenset({"of", "the", "and", "for", "&", "on", "in", "de"})
_EDGE_PUNCT = " ,;:!?\"'“”‘’()[]{}-–—*•|/"
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_JUNK = re.compile(r"https?:|www\.|@|\d{3,}|[<>#_=+]")
MAX_WORDS = 7

#: Prepositions that put a name in a place ("in Riverton", "near Alder Falls").
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "from", "outside", "around", "throughout", "between", "via"})
#: What "from" hangs on when it names a source, not a place ("a letter from Okafor", "heard from Pike").
_FROM_SOURCE = UTTERANCE_NOUNS | DOCUMENT_NOUNS | frozenset("hear receive get learn quote call email".split())
#: Last words of places' names ("Brennan Bay", "Alder Falls", "Harlow County").
_PLACE_WORDS = frozenset(
    """bay falls point island isle islands heights hill hills harbour harbor lake lakes river creek valley
    park beach springs county city town village street lane road avenue square bridge port mount fort glen
    ridge cove sound coast shore forest woods grove crossing junction district borough province state region
    estate peninsula canyon gulf strait harbourside waterfront""".split()
)
#: First words of places' names ("Port Allard", "Mount Ellis", "Lake Orrin").
_PLACE_FIRST = frozenset({"port", "mount", "mt", "fort", "ft", "lake", "st", "saint", "cape", "glen"})
#: Endings common in places' names; surnames have them too, so they count only when nothing marks a person.
_PLACE_SUFFIXES = (
    "ton",
    "ville",
    "burg",
    "burgh",
    "borough",
    "ford",
    "field",
    "port",
    "mouth",
    "chester",
    "wick",
    "bury",
)
#: Verbs whose subject is someone: who says, thinks or takes a stance.
_PERSON_VERBS = REPORTING_VERBS | ATTITUDE_VERBS
#: Honorifics and titles that give a person's gender.
#: Personal pronouns of one person and their gender.
_PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
#: How many sentences back from a pronoun its person is looked for (its own sentence, then these).
_PRONOUN_SENTENCES = 2
_DASHES = frozenset({"—", "–", "-", "--", ",", "("})


def clean(text: str, label: str) -> str:
    """A mention as it should be shown: no possessive, leading "the", title (for people) or edge punctuation."""
    text = " ".join(text.split()).strip(_EDGE_PUNCT)
    text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
    words = text.split()
    while words and words[0].lower() == "the":
        words = words[1:]
    if label == "PERSON":
        while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
            words = words[1:]
    return " ".join(words).strip(_EDGE_PUNCT)


def is_junk(text: str, label: str) -> bool:
    """Mentions that are NER noise: no capital letter, too long, URLs, handles, long digit runs, one letter."""
    letters = [c for c in text if c.isalpha()]
    return (
        len(letters) < 2
        or not (text[0].isupper() or text[0].isdigit())
        or len(text.split()) > MAX_WORDS
        or bool(_JUNK.search(text))
        or (label == "PERSON" and text.isupper() and len(text) <= 3)
    )


def _key(text: str) -> str:
    return " ".join(text.replace(".", "").lower().split())


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.replace("-", " ").split() if w.lower() not in _CONNECTORS and w[:1].isupper())


def _display_rank(item: tuple[str, int]) -> tuple[int, bool, int]:
    """Prefer the fullest name, then ordinary capitalisation over a dateline's capitals, then the commonest."""
    text, n = item
    return len(text.split()), not (text.isupper() and len(text) > 4), n


@dataclass
class _Found:
    """What was seen of one name key: its mentions' token ranges, labels, spellings and evidence."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    labels: Counter[str] = field(default_factory=Counter)
    surface: Counter[str] = field(default_factory=Counter)
    forms: set[tuple[str, ...]] = field(default_factory=set)
    first: int = 0


def _name_tokens(doc: Doc, ent: Span, label: str) -> tuple[int, int]:
    """The token range of a mention's name: no leading "the", title (for people) or edge punctuation."""
    start, end = ent.start, ent.end
    while start < end and (doc[start].is_punct or doc[start].lower_ == "the"):
        start += 1
    if label == "PERSON":
        while end - start > 1 and doc[start].lower_.rstrip(".") in TITLES:
            start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return start, end


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def _is_title(token: Token) -> bool:
    return token.lower_.rstrip(".") in TITLES


def _part_of_longer_name(doc: Doc, start: int, end: int, sentence: list[int]) -> bool:
    """Whether the words are inside a longer proper name ("Okafor Street", "Lake Okafor")."""
    if start > 0:
        before = doc[start - 1]
        if (
            before.pos_ == "PROPN"
            and _capitalised(before)
            and not _is_title(before)
            and sentence[start - 1] == sentence[start]
        ):
            return True
    if end < len(doc):
        after = doc[end]
        if after.pos_ == "PROPN" and _capitalised(after) and sentence[end] == sentence[end - 1]:
            return True
    return False


def _matches(doc: Doc, start: int, form: tuple[str, ...]) -> bool:
    end = start + len(form)
    if end > len(doc):
        return False
    tokens = doc[start:end]
    if [t.lower_ for t in tokens] != list(form):
        return False
    if not all(_capitalised(t) or t.lower_ in _CONNECTORS for t in tokens):
        return False
    # a lone word is a name only as a proper noun or in capitals ("Young people" is no Mr. Young)
    return len(form) > 1 or tokens[0].pos_ == "PROPN" or tokens[0].text.isupper()


def _person_cues(doc: Doc, start: int, end: int) -> int:
    """Signs in the text around a mention that it names a person: a title, a verb of saying, "who", an age."""
    cues = 0
    if start > 0 and _is_title(doc[start - 1]):
        cues += 1
    root = doc[start:end].root
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_.lower() in _PERSON_VERBS:
        cues += 1
    after = [t for t in doc[end : end + 3]]
    if after and after[0].text == ",":
        after = after[1:]
    if after and (after[0].lower_ in ("who", "whom") or (after[0].like_num and after[0].text.isdigit())):
        cues += 1
    return cues


def _place_cues(doc: Doc, start: int, end: int) -> int:
    """Signs in the text around a mention that it names a place: a preposition of place or a dateline."""
    cues = 0
    followed_by_possessive = end < len(doc) and doc[end].lower_ in ("'s", "’s", "'")
    if start > 0 and not followed_by_possessive:
        before = doc[start - 1]
        if before.lower_ in _PLACE_PREPOSITIONS and not (
            before.lower_ == "from" and before.head.lemma_.lower() in _FROM_SOURCE
        ):
            cues += 1
    line_start = start == 0 or "\n" in doc[start - 1].whitespace_ or doc[start - 1].is_space
    if line_start and doc[start:end].text.isupper() and end < len(doc) and doc[end].text in _DASHES:
        cues += 1  # a dateline: "RIVERTON —", "ALDER FALLS, Ore. (AP) —"
    return cues


def _placelike(words: list[str]) -> tuple[bool, bool]:
    """(strong, weak) evidence in a name's own words that it is a place's."""
    lower = [w.lower().rstrip(".") for w in words]
    strong = bool(lower) and (
        (len(lower) > 1 and (lower[-1] in _PLACE_WORDS or lower[0] in _PLACE_FIRST))
        or (len(lower) == 1 and lower[0] in _PLACE_WORDS)
    )
    weak = bool(lower) and lower[-1].endswith(_PLACE_SUFFIXES) and len(lower[-1]) > 5
    return strong, weak


def _sentence_index(doc: Doc) -> list[int]:
    """The number of each token's sentence (all 0 when the pipeline set no sentence boundaries)."""
    index = [0] * len(doc)
    if not doc.has_annotation("SENT_START"):
        return index
    for number, sent in enumerate(doc.sents):
        for i in range(sent.start, sent.end):
            index[i] = number
    return index


def _indefinite_subject_before(token: Token, sentence: list[int]) -> bool:
    """Whether the pronoun's sentence has someone unnamed as a subject before it ("A nurse said she …")."""
    i = token.i
    while i > 0 and sentence[i - 1] == sentence[token.i]:
        i -= 1
    for t in token.doc[i : token.i]:
        if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN" and any(c.lower_ in ("a", "an") for c in t.children):
            return True
    return False


def _resolve_pronouns(
    doc: Doc, people: list[tuple[int, str]], gender: dict[str, str], sentence: list[int]
) -> tuple[Counter[str], set[str]]:
    """Pronoun references per person, and the people an ambiguous pronoun might stand for.

    A pronoun takes the one person of its gender (or of none known) named in its sentence before it, else in
    the sentence before that, and so on for :data:`_PRONOUN_SENTENCES` sentences. Two candidates, or none in
    reach, leave it unresolved: whoever it might stand for has a count that may be short. Genders come from
    titles and are learnt from pronouns resolved without doubt, so a second pass resolves more.
    """
    counts: Counter[str] = Counter()
    unsure: set[str] = set()
    for _ in range(2):
        counts, unsure = Counter(), set()
        learnt: dict[str, str] = {}
        cursor = 0
        for token in doc:
            while cursor < len(people) and people[cursor][0] < token.i:
                cursor += 1
            pronoun = _PRONOUNS.get(token.lower_)
            if pronoun is None or token.pos_ != "PRON" or cursor == 0:
                continue
            if _indefinite_subject_before(token, sentence) and (
                not people or sentence[people[cursor - 1][0]] != sentence[token.i]
            ):
                continue

            known = {**learnt, **gender}

            def fits(name: str, pronoun: str = pronoun, known: dict[str, str] = known) -> bool:
                return known.get(name, pronoun) == pronoun

            here = sentence[token.i]
            found: list[str] = []
            k = cursor - 1
            for back in range(_PRONOUN_SENTENCES + 1):
                level: list[str] = []
                while k >= 0 and sentence[people[k][0]] == here - back:
                    if fits(people[k][1]) and people[k][1] not in level:
                        level.append(people[k][1])
                    k -= 1
                if level:
                    found = level
                    break
            if len(found) == 1:
                counts[found[0]] += 1
                if found[0] not in gender:
                    learnt.setdefault(found[0], pronoun)
            elif found:
                unsure.update(found)
            else:
                latest = next((name for _, name in reversed(people[:cursor]) if fits(name)), None)
                if latest is not None:
                    unsure.add(latest)
        gender = {**learnt, **gender}
    return counts, unsure


def extract_entities(doc: Doc) -> list[Entity]:
    """Entities by number of mentions (then first mention), each with the other spellings it was found under."""
    found: dict[str, _Found] = defaultdict(_Found)
    claimed: set[int] = set()
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        text = clean(ent.text, label)
        if not text or is_junk(text, label):
            continue
        start, end = _name_tokens(doc, ent, label)
        number = doc[ent.end] if ent.end < len(doc) else None
        if number is not None and number.like_num and number.dep_ == "nummod" and ent.start <= number.head.i < ent.end:
            text = f"{text} {number.text}"  # a numbered name: "Dockworkers Local 14", "Apollo 11"
            end = ent.end + 1
        key = _key(text)
        key = _key(ALIASES[key]) if key in ALIASES else key
        item = found[key]
        if not item.spans:
            item.first = ent.start_char
        item.spans.append((start, end))
        item.labels[label] += 1
        item.surface[text] += 1
        if end > start:
            item.forms.add(tuple(t.lower_ for t in doc[start:end]))
        claimed.update(range(ent.start, ent.end))

    def label_of(key: str) -> str:
        return found[key].labels.most_common(1)[0][0]

    parent: dict[str, str] = {}
    people = [k for k in found if label_of(k) == "PERSON" and len(k.split()) > 1]
    by_last: dict[str, set[str]] = defaultdict(set)
    for full in people:
        by_last[full.split()[-1]].add(full)
    acronyms: dict[str, set[str]] = defaultdict(set)
    for key, item in found.items():
        for text in item.surface:
            if len(text.split()) > 1:
                initials = _initials(text)
                if len(initials) >= 2:
                    acronyms[initials.lower()].add(key)
    for key in found:
        words = key.split()
        if len(words) == 1 and len(by_last.get(words[0], ())) == 1:
            full = next(iter(by_last[words[0]]))
            if full != key:
                parent[key] = full
        elif len(words) == 1 and len(acronyms.get(key, ())) == 1:
            parent[key] = next(iter(acronyms[key]))
        elif len(words) > 1 and label_of(key) == "PERSON":
            longer = [p for p in people if p != key and p.endswith(" " + key)]
            if len(longer) == 1:
                parent[key] = longer[0]
    # Short forms the recogniser never tagged still name the entity: a surname alone, an acronym alone.
    for last, fulls in by_last.items():
        if len(fulls) == 1 and last not in found:
            found[last].forms.add((last,))
            parent[last] = next(iter(fulls))
    for short, longs in acronyms.items():
        if len(longs) == 1 and short not in found and short.upper() != short.lower():
            found[short].forms.add((short,))
            parent[short] = next(iter(longs))

    sentence = _sentence_index(doc)
    # Every further occurrence of a known form that the recogniser did not tag, longest form first.
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for key, item in found.items():
        for form in item.forms:
            by_first[form[0]].append((form, key))
    for forms in by_first.values():
        forms.sort(key=lambda f: -len(f[0]))
    i = 0
    while i < len(doc):
        token = doc[i]
        if i in claimed or not _capitalised(token):
            i += 1
            continue
        for form, key in by_first.get(token.lower_, ()):
            end = i + len(form)
            if (
                _matches(doc, i, form)
                and not claimed.intersection(range(i, end))
                and not _part_of_longer_name(doc, i, end, sentence)
            ):
                found[key].spans.append((i, end))
                found[key].surface[doc[i:end].text] += 1
                i = end - 1
                break
        i += 1

    roots: dict[str, list[str]] = defaultdict(list)
    for key in found:
        roots[parent.get(key, key)].append(key)

    entities: list[tuple[Entity, int]] = []
    people_at: list[tuple[int, str]] = []
    gender: dict[str, str] = {}
    for root, keys in roots.items():
        items = [found[k] for k in keys]
        labels: Counter[str] = Counter()
        surface: Counter[str] = Counter()
        for item in items:
            labels.update(item.labels)
            surface.update(item.surface)
        if not surface:
            continue
        spans = sorted({span for item in items for span in item.spans})
        label = (found[root].labels or labels).most_common(1)[0][0]
        name = _CANONICAL.get(root) or max(surface.items(), key=_display_rank)[0]
        if label == "PERSON":
            label = _person_or_not(doc, spans, labels, name)
        if label == "PERSON":
            people_at.extend((start, name) for start, _ in spans)
            for start, _ in spans:
                before = doc[start - 1].lower_.rstrip(".") if start > 0 else ""
                if before in MALE_TITLES or before in FEMALE_TITLES:
                    gender.setdefault(name, "m" if before in MALE_TITLES else "f")
        variants = sorted(set(surface) - {name})
        first = min(found[k].first for k in keys if found[k].surface)
        entities.append((Entity(text=name, label=label, count=len(spans), variants=variants), first))

    people_at.sort()
    pronouns, unsure = _resolve_pronouns(doc, people_at, gender, sentence)
    result = []
    for entity, first in entities:
        if entity.label == "PERSON":
            entity = entity.model_copy(
                update={"count": entity.count + pronouns[entity.text], "count_known": entity.text not in unsure}
            )
        result.append((entity, first))
    result.sort(key=lambda pair: (-pair[0].count, pair[1]))
    return [entity for entity, _ in result]


def _person_or_not(doc: Doc, spans: list[tuple[int, int]], labels: Counter[str], name: str) -> str:
    """The label of a name the recogniser took for a person's, once the document's evidence is weighed."""
    words = name.split()
    if len(words) > 1 and words[-1].lower() in ORGANISATION_WORDS:
        return "ORG"  # "Alder Falls Middle School"
    person = sum(_person_cues(doc, start, end) for start, end in spans)
    place = labels["GPE"] + labels["LOC"] + sum(_place_cues(doc, start, end) for start, end in spans)
    strong, weak = _placelike(words)
    if strong:
        place += 1
    if place > person or (weak and not person):
        return "GPE"
    return "PERSON"
