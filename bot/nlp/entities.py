"""People, organisations and places with counts, merged across name variants."""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from bot.models import Entity

LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "NORP": "NORP", "FAC": "FAC"}


def _clean(text: str) -> str:
    text = " ".join(text.split())
    for suffix in ("'s", "’s"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.strip(" .,;:\"'“”")


def extract_entities(doc: Doc) -> list[Entity]:
    """Entities by frequency; a person named by surname alone counts toward the full name seen elsewhere."""
    counts: Counter[tuple[str, str]] = Counter()
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        text = _clean(ent.text)
        if label and text:
            counts[(text, label)] += 1
    people = sorted((t for t, lab in counts if lab == "PERSON"), key=len, reverse=True)
    canonical: dict[tuple[str, str], str] = {}
    for short in people:
        for full in people:
            if full != short and len(full.split()) > len(short.split()) and full.split()[-1] == short.split()[-1]:
                canonical[(short, "PERSON")] = full
                break
    merged: Counter[tuple[str, str]] = Counter()
    variants: dict[tuple[str, str], set[str]] = {}
    for (text, label), n in counts.items():
        key = (canonical.get((text, label), text), label)
        merged[key] += n
        variants.setdefault(key, set()).add(text)
    return [
        Entity(text=text, label=label, count=n, variants=sorted(variants[(text, label)] - {text}))
        for (text, label), n in merged.most_common()
    ]
