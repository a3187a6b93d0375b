"""Claims: the statements of a story someone should be able to stand behind, scored for check-worthiness.

A claim is an independent clause that asserts something verifiable: a sentence, or each clause of a
sentence that joins several with their own subjects ("Exports fell 4 percent, and 1,200 jobs were cut" is
two claims; reported speech stays with its attribution). Its score is a logistic function of features read
from spaCy's parse in one pass over its tokens: precise figures (counts, money, percentages), dates,
statistics words, comparisons and measurable superlatives, absolute claims ("the only", "never"), named
actors doing things in the past tense, causal links and the subjects fact-checkers cover most (taxes,
jobs, crime, health, war) raise it; questions, first-person opinion, promises, predictions and
prescriptions, imperatives, evaluative words, interjections, very short sentences and sentences that open
by addressing someone present ("Senator, you ...") lower it.

Features and weights are set by hand from what fact-checkers look for; none is fitted to data. While they
were written, a set of political debate sentences labelled by fact-checkers served to find bugs and to check
that each feature points the right way (the subject-matter and address features were each measured at a
few hand-picked weights). :data:`THRESHOLD` is the one number chosen on that data: the score near which F1
of the ``checkworthy`` flag peaked.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.models import Claim, Quote
from bot.nlp.hedges import find_hedges
from bot.nlp.lexicon import REPORTING_VERBS
from bot.nlp.numbers import ents_by_sentence, figures, is_label
from bot.nlp.speakers import TITLES
from bot.nlp.summary import strip_dateline

VERSION = "3"
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
#: Subjects that fact-checkers cover most (public policy, the economy, security, health, the environment):
#: a sentence about one of them is more likely to be checked than small talk.
POLICY_WORDS = frozenset(
    """tax taxes taxpayer tariff trade deal agreement treaty deficit debt budget economy jobs wage wages
    unemployment manufacturing factory factories business businesses company companies industry worker
    workers immigration immigrant immigrants border refugee refugees visa deportation citizenship crime
    murder police prison gun guns violence drug drugs opioid terror terrorism terrorist terrorists war
    military troops army soldiers veterans nuclear weapons missile sanctions election vote votes voted
    voter voters law legislation bill regulation regulations court healthcare health insurance medicare
    medicaid obamacare hospital hospitals patients doctors pension security climate emissions carbon coal
    oil gas energy pollution education school schools college tuition student students teachers poverty
    welfare housing infrastructure""".split()
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
    "addressed": -0.8,
    "policy": 0.5,
}


@dataclass
class Features:
    """What the scorer saw in a sentence; kept so a score can be explained."""

    values: dict[str, float]

    @property
    def logit(self) -> float:
        """Weighted sum of the features plus the bias."""
        return BIAS + sum(WEIGHTS[name] * value for name, value in self.values.items())


def is_question(text: str) -> bool:
    """Whether a sentence asks rather than asserts: it ends with "?" outside any quotation it opens.

    "Employers say, "Why take a cut in pay?"" asserts what employers say; only a sentence that is itself a
    question, or a quotation from its first word, is taken for one.
    """
    body = text.strip()
    end = body.rstrip("\"'”’)")
    if not end.endswith("?"):
        return False
    straight = end.rfind('"') if end.count('"') % 2 else -1
    curly = end.rfind("“")
    if curly < end.rfind("”"):
        curly = -1
    opened = max(straight, curly)
    return opened <= 0


def _addressed(sent: Span) -> bool:
    """Whether the sentence opens by naming the person it speaks to: "Senator, you voted ..."; "Mr. Lee, your plan ...".

    Such a sentence frames a question or a challenge to someone present; what it asserts is usually what
    the other person is about to be asked about.
    """
    words = [t for t in sent if not t.is_space]
    i = 0
    while i < len(words) and words[i].lower_ in ("and", "but", "so", "now", "well", "okay", ","):
        i += 1
    j = i
    while j < len(words) and j - i < 4 and (words[j].pos_ == "PROPN" or words[j].lower_ in TITLES):
        j += 1
    if j == i or j >= len(words) or words[j].text != ",":
        return False
    if not (words[i].lower_ in TITLES or words[i].ent_type_ == "PERSON"):
        return False
    return any(t.lower_ in ("you", "your", "yours", "yourself") for t in words[j:])


def _words(span: Span) -> int:
    """Tokens that are words, not punctuation or space."""
    return sum(not (t.is_punct or t.is_space) for t in span)


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
    n = _words(sent)
    v["length"] = min(1.0, max(0.0, (n - 8) / 30))
    v["short"] = 1.0 if n < 6 else 0.0
    v["question"] = 1.0 if is_question(sent.text) else 0.0
    v["hedged"] = 1.0 if hedged else 0.0
    v["addressed"] = 1.0 if _addressed(sent) else 0.0

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

    head = sent.root
    for token in sent:
        lower, lemma, tag, dep = token.lower_, token.lemma_.lower(), token.tag_, token.dep_
        if tag == "CD" and any(ch.isdigit() for ch in token.text) and not token.ent_type_:
            v["quantity"] = 1.0
        if lower in SCALE_WORDS or lower in ("%", "percent"):
            v["scale"] = 1.0
        if lemma in STATISTICS_WORDS and token.pos_ in ("NOUN", "VERB"):
            v["statistic"] = 1.0
        if (lower in POLICY_WORDS or lemma in POLICY_WORDS) and token.pos_ in ("NOUN", "PROPN", "VERB"):
            v["policy"] = 1.0
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
        if token == head and (any(a in ("will", "'ll", "wo") for a in aux) or _going_to(token)):
            v["future"] = 1.0
        if subject is not None and token == head:
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
        if subject is not None and subject.lower_ in ("i", "we"):
            if lemma in OPINION_VERBS and tag in ("VBP", "VB", "VBZ"):
                v["opinion"] = 1.0
            if any(a in PRESCRIPTIVE_MODALS for a in aux) or (lemma == "go" and tag == "VBG"):
                v["prescriptive"] = 1.0
        elif any(a in ("should", "must", "ought") for a in aux):
            v["prescriptive"] = 1.0
        if token == head and tag == "VB" and not _has_subject(token) and not aux:
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


def _reporting_subject(clause: Span) -> str | None:
    """The subject of a reporting verb that governs a clause: "U.S. officials" in "U.S. officials estimate that"."""
    root = clause.root
    if root.lemma_ not in REPORTING_VERBS or not any(c.dep_ == "ccomp" for c in root.children):
        return None
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    left = min(
        (t.i for t in subject.subtree if t.dep_ not in ("relcl", "punct", "appos", "acl")),
        default=subject.i,
    )
    return clause.doc[left : subject.i + 1].text


def _speaker_of(span: Span, quotes: Sequence[Quote]) -> str | None:
    """Who speaks in a quote overlapping the span: the first named speaker, else the first third-party mention.

    ``quotes`` are in text order. A first- or second-person speaker ("I", "we") names nobody to attribute to.
    """
    mention: str | None = None
    for quote in quotes:
        if quote.start >= span.end_char:
            break
        if quote.end <= span.start_char:
            continue
        if quote.speaker and quote.speaker.lower() not in FIRST_SECOND:
            return quote.speaker
        if mention is None and quote.speaker_mention and quote.speaker_mention.lower() not in FIRST_SECOND:
            mention = quote.speaker_mention
    return mention


def _attribution(clause: Span, quotes: Sequence[Quote]) -> str | None:
    return _speaker_of(clause, quotes) or _according_to(clause) or _reporting_subject(clause)


def _is_candidate(sent: Span) -> bool:
    """A claim needs a few words and a verb or a figure ("Unemployment: 4.1 percent."), and is not a question."""
    if _words(sent) < MIN_TOKENS or is_question(sent.text):
        return False
    return any(t.pos_ in ("VERB", "AUX") or (t.like_num and any(c.isdigit() for c in t.text)) for t in sent)


def _trim(doc: Doc, start: int, end: int) -> Span:
    """The tokens from ``start`` to ``end`` without a joining word or punctuation at either edge."""
    while start < end and (doc[start].dep_ == "cc" or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].dep_ == "cc" or doc[end - 1].text in (",", ";", ":", "-", "—", "–")):
        end -= 1
    return doc[start:end]


def clauses(sent: Span) -> list[Span]:
    """The independent clauses of a sentence, each a claim of its own; the sentence itself if it has one.

    A clause is independent when its verb is coordinated with the sentence's main verb (or set beside it
    after a semicolon or dash) and has a subject of its own: "Exports fell 4 percent, and 1,200 jobs were
    cut" is two claims, while "The plant closed and moved to Ohio" shares its subject and stays one.
    Reported speech is never split from its attribution, since its clauses hang below the reporting verb.
    """
    root = sent.root

    def independent(verb: Token) -> bool:
        return verb.pos_ in ("VERB", "AUX") and _has_subject(verb)

    heads = [c for c in root.children if c.dep_ in ("conj", "parataxis") and c.i > root.i and independent(c)]
    heads += [c for h in heads for c in h.children if c.dep_ == "conj" and independent(c)]
    bounds = sorted({h.left_edge.i for h in heads})
    spans = [_trim(sent.doc, a, b) for a, b in zip([sent.start, *bounds], [*bounds, sent.end], strict=True)]
    if len(spans) < 2 or any(_words(s) < MIN_TOKENS or not any(t.pos_ in ("VERB", "AUX") for t in s) for s in spans):
        return [sent]
    return spans


def _strip(span: Span) -> tuple[str, int, int]:
    """The span's text without surrounding space or a leading dateline, with its offsets in the doc."""
    text = span.text
    body = strip_dateline(text.strip())
    start = span.start_char + text.index(body)
    return body, start, start + len(body)


def extract_claims(doc: Doc, quotes: Sequence[Quote] = ()) -> list[Claim]:
    """Claims, one per independent clause, ranked by check-worthiness, best first (ties in text order)."""
    in_order = sorted(quotes, key=lambda q: q.start)
    sentence_ents = ents_by_sentence(doc)
    claims: list[Claim] = []
    for sent in doc.sents:
        if not _is_candidate(sent):
            continue
        sent_ents = sentence_ents.get(sent.start, [])
        for clause in clauses(sent):
            ents = [e for e in sent_ents if clause.start <= e.start and e.end <= clause.end]
            hedges = find_hedges(clause)
            value = round(score(clause, hedged=bool(hedges), ents=ents), 4)
            text, start, end = _strip(clause)
            claims.append(
                Claim(
                    text=text,
                    score=value,
                    checkworthy=value >= THRESHOLD,
                    attribution=_attribution(clause, in_order),
                    hedged=bool(hedges),
                    hedges=hedges,
                    numbers=[f.text for f in figures(clause, ents)],
                    start=start,
                    end=end,
                )
            )
    return sorted(claims, key=lambda c: (-c.score, c.start))
