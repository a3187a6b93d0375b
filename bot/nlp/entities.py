"""People, organisations and places with counts, merged across name variants.

Mentions are cleaned (possessives, a leading "the", titles before a name, stray punctuation), obvious NER
junk is dropped, and variants are merged: a surname alone counts toward the full name seen elsewhere
("Gerasimov" -> "Valery Gerasimov", even when the NER took the surname for an organisation), an acronym
toward the name it abbreviates ("NATO" -> "North Atlantic Treaty Organization"), and common spellings of
the same country ("U.S.", "US", "United States") toward one name.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc

from bot.models import Entity
from bot.nlp.lexicon import NAME_TITLES

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


def extract_entities(doc: Doc) -> list[Entity]:
    """Entities by number of mentions (then first mention), each with the other spellings it was found under."""
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    first: dict[str, int] = {}
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        text = clean(ent.text, label)
        if not text or is_junk(text, label):
            continue
        number = doc[ent.end] if ent.end < len(doc) else None
        if number is not None and number.like_num and number.dep_ == "nummod" and ent.start <= number.head.i < ent.end:
            text = f"{text} {number.text}"  # a numbered name: "Dockworkers Local 14", "Apollo 11"
        key = _key(text)
        key = _key(ALIASES[key]) if key in ALIASES else key
        counts[key] += 1
        labels[key][label] += 1
        surface[key][text] += 1
        first.setdefault(key, ent.start_char)

    def label_of(key: str) -> str:
        return labels[key].most_common(1)[0][0]

    parent: dict[str, str] = {}
    people = [k for k in counts if label_of(k) == "PERSON" and len(k.split()) > 1]
    by_last: dict[str, set[str]] = defaultdict(set)
    for full in people:
        by_last[full.split()[-1]].add(full)
    acronyms: dict[str, set[str]] = defaultdict(set)
    for key in counts:
        for text in surface[key]:
            if len(text.split()) > 1:
                initials = _initials(text)
                if len(initials) >= 2:
                    acronyms[initials.lower()].add(key)
    for key in counts:
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

    merged: Counter[str] = Counter()
    merged_surface: dict[str, Counter[str]] = defaultdict(Counter)
    for key, n in counts.items():
        root = parent.get(key, key)
        merged[root] += n
        merged_surface[root].update(surface[key])
        first[root] = min(first[root], first[key])

    entities: list[Entity] = []
    for root, n in sorted(merged.items(), key=lambda kv: (-kv[1], first[kv[0]])):
        label = label_of(root)
        name = _CANONICAL.get(root) or max(surface[root].items(), key=_display_rank)[0]
        variants = sorted(set(merged_surface[root]) - {name})
        entities.append(Entity(text=name, label=label, count=n, variants=variants))
    return entities
