"""A fingerprint of a story's text that survives small edits, so one story read twice is known as one.

The same story fetched from its link and pasted by hand differs in small ways: the paste may carry a
caption, an "Advertisement" line or a newsletter box, hard line breaks, straight quotes for curly ones,
a corrected figure. Its fingerprint is built to ignore that. The text is folded to its words (case,
accents and punctuation dropped), every run of :data:`SHINGLE` consecutive words is hashed, and the
fingerprint keeps the :data:`SIZE` smallest hashes: a bottom-k sketch (Broder, "On the resemblance and
containment of documents", 1997).

Hashes below a threshold are a uniform sample of all word runs, and the same sample for every text, so
two fingerprints compared below the lower of their thresholds estimate what share of one text's word
runs the other holds (:func:`containment`). A word changed costs :data:`SHINGLE` runs out of hundreds;
clutter added to one copy lowers nothing, since the share is taken of the shorter text. Two different
stories on the same subject share names and stock phrases, but few five-word runs.

Chosen over a SimHash (one 64-bit hash of the whole text moves with every paragraph of clutter, so its
distance threshold is either too loose or too tight) and over a set of sentence hashes (one edited word
or a headline run into the first sentence changes a whole sentence's hash). MinHash libraries estimate
the same resemblance, but the one that is kept up needs SciPy in every process for twenty lines of code.
"""

from __future__ import annotations

import hashlib
import heapq
import re
import unicodedata
from collections.abc import Sequence

#: Words per hashed run ("shingle").
SHINGLE = 5
#: Hashes kept per text: about 1.4 KB of JSON in each stored analysis and digest record.
SIZE = 128
#: Fewest shared-sample hashes on which two texts are compared; below it they are too short to tell.
MIN_SAMPLE = 8
#: Share of the shorter text's word runs found in the other above which two texts are one story.
SAME_STORY = 0.6

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text``, case- and accent-folded, without punctuation."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(plain)


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "big")


def fingerprint(text: str) -> list[int]:
    """The fingerprint of ``text``: the :data:`SIZE` smallest hashes of its runs of words, ascending."""
    found = words(text)
    if not found:
        return []
    runs = {" ".join(found[i : i + SHINGLE]) for i in range(max(1, len(found) - SHINGLE + 1))}
    return heapq.nsmallest(SIZE, {_hash(run) for run in runs})


def containment(a: Sequence[int], b: Sequence[int]) -> float | None:
    """Estimated share of the shorter text's word runs that the other text holds; None when too short to tell."""
    if not a or not b:
        return None
    # A full sketch stands for the hashes up to its largest; a short one is the whole text.
    limit = min(a[-1] if len(a) >= SIZE else float("inf"), b[-1] if len(b) >= SIZE else float("inf"))
    sample_a = {h for h in a if h <= limit}
    sample_b = {h for h in b if h <= limit}
    smaller = min(len(sample_a), len(sample_b))
    if smaller < MIN_SAMPLE:
        return None
    return len(sample_a & sample_b) / smaller


def same_text(a: Sequence[int], b: Sequence[int]) -> bool:
    """Whether two fingerprints are of the same story (small edits and added clutter aside)."""
    share = containment(a, b)
    return share is not None and share >= SAME_STORY
