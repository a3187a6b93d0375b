"""One name per person: the forms a story or a channel's stories give a person, merged under the fullest.

"Voss", "Mr. Voss" and "Daniel Voss" are one person, shown as "Daniel Voss"; "Moll" beside "Ann Moll" and
"Hedda Moll" could be either, so it stays as it is. The digest's *Most quoted* and a reply's names use this.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from bot.nlp.entities import TITLES as ENTITY_TITLES
from bot.nlp.lexicon import NAME_TITLES

#: Words before a speaker's name that are not part of it ("Gen. Gerasimov" is "Gerasimov").
TITLES = (
    NAME_TITLES
    | ENTITY_TITLES
    | frozenset("councillor councilor cllr professor inspector detective superintendent sheriff".split())
)


def name_words(name: str) -> tuple[str, ...]:
    """A person's name as comparable words: case- and accent-folded, without titles or stray dots."""
    folded = unicodedata.normalize("NFKD", " ".join(unicodedata.normalize("NFKC", name).split()).casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    words = [w.strip(".,'’\"") for w in plain.split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return tuple(words)


def merge_names(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Map each name to the key of the person it names: a name whose words end a single fuller name joins it.

    "Gerasimov" and "Gen. Gerasimov" join "Valery Gerasimov"; "Trump" stays alone beside "Donald Trump"
    and "Melania Trump", because it could be either.
    """
    keys = {name: name_words(name) for name in names}
    endings: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for words in set(keys.values()):
        for size in range(1, len(words)):
            endings[words[-size:]].add(words)
    roots: dict[tuple[str, ...], tuple[str, ...]] = {}
    for words in set(keys.values()):
        longer = endings.get(words, set())
        # Only the fullest forms count: "Gerasimov" ends "Valery Gerasimov" and "Gen. Valery Gerasimov" alike.
        fullest = {f for f in longer if not endings.get(f)}
        roots[words] = next(iter(fullest)) if len(fullest) == 1 else words
    return {name: roots[key] for name, key in keys.items()}


def untitled(name: str) -> str:
    """A full name without the title before it ("Mayor Ines Calder" is "Ines Calder"); "Gen. Gerasimov" stays."""
    words = name.split()
    start = 0
    while start < len(words) - 2 and words[start].casefold().rstrip(".") in TITLES:
        start += 1
    return " ".join(words[start:])


def display_name(forms: Counter[str]) -> str:
    """The name to show: the fullest form, without a title when a full name remains, then the most used."""
    best = max(forms, key=lambda form: (len(name_words(form)), forms[form], -len(form), form))
    return untitled(best)
