"""Claims: the sentences of a story someone should be able to stand behind, scored for check-worthiness.

A claim is a sentence that asserts something verifiable. Its score is a logistic function of features read
from spaCy's parse in one pass over its tokens: precise figures (counts, money, percentages), dates,
statistics words, comparisons and measurable superlatives, absolute claims ("the only", "never"), named
actors doing things in the past tense, and causal links raise it; questions, first-person
opinion, promises, predictions and prescriptions, imperatives, evaluative words, interjections and very short
sentences lower it.

Features and weights are set by hand from what fact-checkers look for; none is fitted to data. While they
were written, a set of political debate sentences labelled by fact-checkers served to find bugs and to check
that each feature points the right way. :data:`THRESHOLD` is the one number chosen on that data: the
score near which F1 of the ``checkworthy`` flag peaked.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.models import Claim, Quote
from bot.nlp import consistency
from bot.nlp.hedges import find_hedges
from bot.nlp.lexicon import REPORTING_VERBS
from bot.nlp.numbers import ents_by_sentence, figures, is_label
from bot.nlp.summary import strip_dateline

VERSION = "2"
THRESHOLD = 0.3
MIN_TOKENS = 4

#: Words that name a measurement or its change: a sentence using them states a statistic.
STATISTICS_WORDS = frozenset(
    """percent percentage rate average median total majority minority share proportion ratio number
    increase decrease rise fall grow decline drop double triple quadruple halve cut surge jump soar plunge
    poll survey study data report statistic figure estimate census record count tally budget deficit
    surplus debt revenue cost price income spending wage salary tax unemployment employment job poverty crime
    inflation growth gdp economy""".split()
)
SCALE_WORDS = frozenset("hundred hundreds thousand thousands million millions billion billions trillion".split())
CAUSAL_LEMMAS = frozenset({"cause", "lead", "result", "because", "due", "therefore", "thus", "consequently"})
#: Verbs of opinion, wanting and planning: with "I" or "we" in the present they announce a view or intent.
OPINION_VERBS = frozenset(
    """think believe feel guess suppose know hope wish want need love like hate intend plan try mean agree
    disagree doubt imagine expect""".split()
)
#: Verbs of thought and perception, which report a state of mind rather than an event.
MENTAL_VERBS = frozenset("think believe feel know see hear hope want wish like love hate guess mean seem".split())
PRESCRIPTIVE_MODALS = frozenset({"will", "would", "should", "must", "shall", "can", "'ll", "wo", "ca"})
#: Adjectives and adverbs of judgement: they colour a sentence without adding anything to check.
EVALUATIVE_WORDS = frozenset(
    """great good bad best worst terrible horrible wonderful amazing incredible fantastic beautiful tremendous
    awful nice sad disgraceful disgusting ridiculous stupid smart strong weak huge fabulous unbelievable
    outrageous shameful proud happy wrong right fair unfair important dangerous fine""".split()
)
#: Words that make a claim absolute or unique ("the only", "never", "a first", "in history"): easy to refute.
ABSOLUTE_WORDS = frozenset("only never ever first history record unprecedented nobody nothing".split())
THIRD_PERSON = frozenset({"he", "she", "they", "it"})
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LAW", "EVENT", "FAC", "LOC", "PRODUCT"})
FIRST_SECOND = frozenset({"i", "we", "you", "me", "us", "my", "our", "your"})

#: Feature weights, in log-odds, set by hand (see the module docstring).
BIAS = -3.4
WEIGHTS = {
    "quantity": 1.3,
    "money_percent": 0.5,
    "scale": 0.8,
    "date": 0.5,
    "statistic": 0.4,
    "comparative": 0.35,
    "superlative": 0.5,
    "actor": 0.35,
    "actor_subject": 0.35,
    "past_event": 0.4,
    "record": 0.4,
    "causal": 0.3,
    "length": 0.7,
    "question": -2.0,
    "opinion": -0.8,
    "prescriptive": -0.5,
    "imperative": -0.7,
    "absolute": 0.4,
    "says_third_party": 0.4,
    "first_person": -0.3,
    "future": -0.4,
    "interjection": -0.6,
    "evaluative": -0.4,
    "figures": 0.4,
    "short": -1.5,
    "hedged": -0.2,
}


@dataclass
class Features:
    """What the scorer saw in a sentence; kept so a score can be explained."""

    values: dict[str, float]

    @property
    def logit(self) -> float:
        """Weighted sum of the features plus the bias."""
        return BIAS + sum(WEIGHTS[name] * value for name, value in self.values.items())


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


def _evaluative_superlative(token: Token) -> bool:
    """Superlatives of judgement ("the best deal", "the most incredible") are opinion, not measurement."""
    if token.lower_ in EVALUATIVE_WORDS or token.lemma_.lower() in EVALUATIVE_WORDS:
        return True
    return token.lower_ in ("most", "least") and token.head.lower_ in EVALUATIVE_WORDS


def _causal(token: Token, lemma: str) -> bool:
    """Connectives and verbs of cause: "because", "due to", "as a result", "caused", "led to"."""
    if lemma == "lead":
        return any(c.lower_ == "to" for c in token.children)
    return lemma in CAUSAL_LEMMAS and (token.pos_ in ("SCONJ", "ADV", "ADP") or lemma in ("cause", "result", "due"))


def _going_to(verb: Token) -> bool:
    """Whether the verb is the "going to" of the future ("we are going to win")."""
    return verb.lemma_ == "go" and verb.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in verb.children)


def features(sent: Span, *, hedged: bool = False, ents: Sequence[Span] | None = None) -> Features:
    """Check-worthiness features of a sentence, each in [0, 1]; ``ents`` are its entities if known."""
    ents = sent.ents if ents is None else ents
    v: dict[str, float] = dict.fromkeys(WEIGHTS, 0.0)
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    n = len(words)
    v["length"] = min(1.0, max(0.0, (n - 8) / 30))
    v["short"] = 1.0 if n < 6 else 0.0
    v["question"] = 1.0 if sent.text.rstrip().rstrip("\"'”’)").endswith("?") else 0.0
    v["hedged"] = 1.0 if hedged else 0.0

    for ent in ents:
        label = ent.label_
        if label in ("MONEY", "PERCENT"):
            v["money_percent"] = 1.0
            v["quantity"] = 1.0
        elif label in ("CARDINAL", "QUANTITY") and not is_label(ent):
            precise = any(t.is_digit or t.lower_ in SCALE_WORDS or any(c.isdigit() for c in t.text) for t in ent)
            v["quantity"] = max(v["quantity"], 1.0 if precise else 0.5)
        elif label == "DATE" and any(t.like_num or t.pos_ == "PROPN" for t in ent):
            v["date"] = 1.0
        elif label in ACTOR_LABELS:
            v["actor"] = 1.0
            if ent.root.dep_ in ("nsubj", "nsubjpass", "poss") or ent.root.head.dep_ in ("nsubj", "nsubjpass"):
                v["actor_subject"] = 1.0

    for token in sent:
        lower, lemma, tag, dep = token.lower_, token.lemma_.lower(), token.tag_, token.dep_
        if tag == "CD" and any(ch.isdigit() for ch in token.text) and not token.ent_type_:
            v["quantity"] = 1.0
        if lower in SCALE_WORDS or lower in ("%", "percent"):
            v["scale"] = 1.0
        if lemma in STATISTICS_WORDS and token.pos_ in ("NOUN", "VERB"):
            v["statistic"] = 1.0
        if tag in ("JJR", "RBR") or (lower == "than" and dep != "quantmod"):
            v["comparative"] = 1.0
        elif tag in ("JJS", "RBS") and not _evaluative_superlative(token):
            v["superlative"] = 1.0
        if _causal(token, lemma):
            v["causal"] = 1.0
        if lower in ABSOLUTE_WORDS and token.pos_ in ("ADJ", "ADV", "NOUN", "PRON"):
            v["absolute"] = 1.0
        if lower in EVALUATIVE_WORDS and token.pos_ in ("ADJ", "ADV"):
            v["evaluative"] = 1.0
        if tag == "UH":
            v["interjection"] = 1.0
        if token.pos_ != "VERB" or lemma in ("be", "have", "do"):
            continue
        aux = [c.lower_ for c in token.children if c.dep_ in ("aux", "auxpass")]
        past = tag == "VBD" or (tag == "VBN" and bool(aux) and not any(a in PRESCRIPTIVE_MODALS for a in aux))
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if past and lemma not in MENTAL_VERBS:
            v["past_event"] = 1.0
            if subject is not None and subject.lower_ not in ("i", "we", "it", "that", "this", "what"):
                v["record"] = 1.0
        if dep == "ROOT" and (any(a in ("will", "'ll", "wo") for a in aux) or _going_to(token)):
            v["future"] = 1.0
        if subject is not None and dep == "ROOT":
            if subject.lower_ in ("he", "she", "they"):
                v["actor_subject"] = 1.0
            elif subject.lower_ == "i":
                v["first_person"] = 1.0
        if (
            subject is not None
            and lemma in REPORTING_VERBS
            and tag in ("VBD", "VBN", "VBZ")
            and (subject.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or subject.lower_ in THIRD_PERSON)
        ):
            v["says_third_party"] = 1.0
        if subject is not None and subject.lower_ in FIRST_SECOND:
            if lemma in OPINION_VERBS and tag in ("VBP", "VB", "VBZ") and lemma not in REPORTING_VERBS - OPINION_VERBS:
                v["opinion"] = 1.0
            if any(a in PRESCRIPTIVE_MODALS for a in aux) or (lemma == "go" and tag == "VBG"):
                v["prescriptive"] = 1.0
        elif any(a in ("should", "must", "ought") for a in aux):
            v["prescriptive"] = 1.0
        if dep == "ROOT" and tag == "VB" and not _has_subject(token) and not aux:
            v["imperative"] = 1.0
    if v["quantity"]:
        v["scale"] = 0.0
    numeric = sum(ent.label_ in ("CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE") for ent in ents)
    v["figures"] = min(1.0, max(0, numeric - 1) / 2)
    return Features(v)


def score(sent: Span, *, hedged: bool = False, ents: Sequence[Span] | None = None) -> float:
    """Check-worthiness of a sentence in [0, 1]; who said it is reported beside the claim, not scored."""
    logit = features(sent, hedged=hedged, ents=ents).logit
    return 1.0 / (1.0 + math.exp(-logit))


def _according_to(sent: Span) -> str | None:
    for token in sent:
        if token.lower_ == "according" and token.i + 2 < sent.end and token.nbor().lower_ == "to":
            obj = next((c for c in token.nbor().children if c.dep_ == "pobj"), None)
            if obj is not None:
                return sent.doc[obj.left_edge.i : obj.i + 1].text
    return None


def _reporting_subject(sent: Span) -> str | None:
    """The subject of a reporting verb that governs a clause: "U.S. officials" in "U.S. officials estimate that"."""
    root = sent.root
    if root.lemma_ not in REPORTING_VERBS or not any(c.dep_ == "ccomp" for c in root.children):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    left = min(
        (t.i for t in subject.subtree if t.dep_ not in ("relcl", "punct", "appos", "acl")),
        default=subject.i,
    )
    return sent.doc[left : subject.i + 1].text


def _speakers_by_sentence(doc: Doc, quotes: Sequence[Quote]) -> dict[int, str]:
    """Map each sentence's start offset to the speaker of a quote overlapping it, a named one if any."""
    starts = [s.start_char for s in doc.sents]
    found: dict[int, str] = {}
    named: set[int] = set()
    for quote in sorted(quotes, key=lambda q: q.start):
        speaker = quote.speaker or quote.speaker_mention
        if not speaker or speaker.lower() in FIRST_SECOND:
            continue
        i = max(0, bisect_right(starts, quote.start) - 1)
        while i < len(starts) and starts[i] < quote.end:
            if starts[i] not in named:
                found[starts[i]] = speaker
                if quote.speaker:
                    named.add(starts[i])
            i += 1
    return found


def _attribution(sent: Span, speakers: dict[int, str]) -> str | None:
    return speakers.get(sent.start_char) or _according_to(sent) or _reporting_subject(sent)


def _is_candidate(sent: Span) -> bool:
    """A claim needs a few words and a verb, and is not a question."""
    words = sum(not (t.is_punct or t.is_space) for t in sent)
    if words < MIN_TOKENS or sent.text.rstrip().rstrip("\"'”’)").endswith("?"):
        return False
    return any(t.pos_ in ("VERB", "AUX") for t in sent)


def _strip(sent: Span) -> tuple[str, int, int]:
    """The sentence's text without surrounding space or a leading dateline, with its offsets in the doc."""
    text = sent.text
    body = strip_dateline(text.strip())
    start = sent.start_char + text.index(body)
    return body, start, start + len(body)


def extract_claims(doc: Doc, quotes: Sequence[Quote] = ()) -> list[Claim]:
    """Claims ranked by check-worthiness, best first (ties in text order)."""
    speakers = _speakers_by_sentence(doc, quotes)
    sentence_ents = ents_by_sentence(doc)
    claims: list[Claim] = []
    for sent in doc.sents:
        if not _is_candidate(sent):
            continue
        hedges = find_hedges(sent)
        attribution = _attribution(sent, speakers)
        ents = sentence_ents.get(sent.start, [])
        value = round(score(sent, hedged=bool(hedges), ents=ents), 4)
        text, start, end = _strip(sent)
        claims.append(
            Claim(
                text=text,
                score=value,
                checkworthy=value >= THRESHOLD,
                attribution=attribution,
                hedged=bool(hedges),
                hedges=hedges,
                numbers=[f.text for f in figures(sent, ents)],
                start=start,
                end=end,
            )
        )
    return sorted(claims, key=lambda c: (-c.score, c.start))


def find_inconsistencies(doc: Doc, claims: Sequence[Claim]) -> list[str]:
    """Notes for an editor on figures that disagree within the story (see :mod:`bot.nlp.consistency`)."""
    return consistency.check(doc)
