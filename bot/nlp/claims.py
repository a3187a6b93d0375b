"""Claims: the statements of a story someone should be able to stand behind, scored for check-worthiness.

A claim is an independent clause that asserts something verifiable: a sentence, or each clause of a
sentence that joins several with their own subjects ("Exports fell 4 percent, and 1,200 jobs were cut" is
two claims; reported speech stays with its attribution). Questions are not claims.

Its score follows the criteria fact-checkers publish for choosing what to check (Full Fact, ClaimBuster,
Chequeado), read from spaCy's parse. These raise it: a figure, in digits or in words ("four in ten", "a
third", "dozens"), and how many people it affects; a statistic and its source; a comparison, a superlative
or a record; a cause and its effect; what a law, a policy or a vote does; a named actor, a specific past
event, a subject of public interest. These lower it: predictions and promises, hypotheticals and proposals
("if", "would", "we should"), questions, opinions and judgements, personal stories, sentences addressed to
someone present, small talk, instructions, fragments, and sentences with nothing specific in them. A
figure alone does not make a claim worth checking: a figure in a hypothetical, a promise or a personal
story stays low; and what someone else said counts for what it asserts, so "He said my plan was a fantasy"
has nothing to raise it, while "She told parliament waiting lists had fallen by a fifth" does.

The score is a logistic function of those criteria. Its weights are fitted by ``bench/fit_claims.py`` on
the project's own labelled sentences only (``bench/data/checkworthy.jsonl``, written for nutgraf), each
held to the direction its criterion gives. A criterion was kept when it helped on those sentences and on
most debates of the shared evaluation files, measured one debate at a time by ``bench/eval_claims.py``
(which fits nothing). Each claim carries its ``reasons``: the labels of the criteria that moved its score
most, those that raised it first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.models import Claim, Quote
from bot.nlp.hedges import find_hedges
from bot.nlp.lexicon import EVIDENCE_NOUNS, EVIDENCE_VERBS, REPORTING_VERBS, SPEECH_VERBS
from bot.nlp.numbers import QUANTITY_LABELS, Figure, ents_by_sentence, figures
from bot.nlp.speakers import TITLES
from bot.nlp.summary import strip_dateline

VERSION = "5"
#: Score from which a claim is flagged check-worthy: the point of best F1 on the project's own sentences.
THRESHOLD = 0.3
MIN_TOKENS = 4
#: A criterion is named among a claim's reasons when it moves the score by at least this much (log-odds).
MIN_REASON = 0.3
#: At most this many reasons are given for a claim: those that raised it, then those that lowered it.
MAX_RAISING = 4
MAX_LOWERING = 2

# --- Word lists, written for nutgraf from English grammar and the criteria above (lemmas, lower case) ---

#: Quantities written as words that spaCy's NER may leave out: fractions, multiples and loose counts.
FRACTION_WORDS = frozenset("half halves third thirds quarter quarters fifth fifths tenth tenths".split())
MULTIPLE_WORDS = frozenset("twice double triple quadruple doubled tripled halved quadrupled".split())
LOOSE_COUNTS = frozenset("dozens hundreds thousands millions billions scores".split())
SCALE_WORDS = frozenset("hundred thousand million billion trillion".split())
#: Nouns for people, and what happens to them, that a figure can count: "how many people it affects".
PEOPLE_NOUNS = frozenset(
    """people person persons citizen resident family household child kid student pupil worker employee job
    patient voter immigrant migrant refugee veteran senior pensioner retiree woman man girl boy adult baby
    taxpayer homeowner tenant renter member troop soldier officer nurse doctor teacher farmer victim death
    life household customer passenger commuter driver user owner parent mother father american consumer
    individual inmate prisoner case casualty birth business employer position post role layoff redundancy
    vacancy""".split()
)
#: Nouns that name a measured quantity: a sentence using one states a statistic.
STATISTIC_NOUNS = frozenset(
    """rate percent percentage average median total share proportion ratio majority minority number level
    statistic unemployment employment poverty inflation deficit debt gdp growth income wage salary price
    cost spending revenue budget emission premium turnout population output productivity figure""".split()
)
#: Subjects of public interest that fact-checkers cover most; a claim about one matters to more readers.
PUBLIC_NOUNS = frozenset(
    """tax tariff trade economy job layoff redundancy wage unemployment business industry manufacturing factory
    immigration border crime police prison gun violence drug health healthcare hospital insurance pension welfare
    school education university college tuition housing rent energy oil gas coal climate emission pollution
    water military army war troop defence defense weapon security election vote budget deficit debt
    transport rail road infrastructure inflation poverty""".split()
)
#: Nouns for a law, a policy or an agreement: what one does is a claim fact-checkers check.
LAW_NOUNS = frozenset(
    """law bill act legislation policy regulation rule order treaty agreement deal accord amendment statute
    ordinance budget tax tariff levy program programme scheme mandate ban reform measure subsidy sanction
    referendum ruling plan""".split()
)
#: Verbs by which a law or a body enacts or votes (their object is what was enacted).
ENACT_VERBS = frozenset(
    """vote sign pass veto repeal enact ratify legislate sponsor cosponsor co-sponsor filibuster approve
    adopt overturn strike outlaw legalize legalise abolish""".split()
)
#: Verbs that say what a law or a policy does to people or things.
POLICY_EFFECT_VERBS = frozenset(
    """require ban allow let give provide fund cover protect exempt prohibit mandate cost create eliminate
    force pay raise cut increase reduce restrict limit expand extend apply cap guarantee subsidize subsidise
    tax charge penalize penalise permit forbid oblige""".split()
)
#: Verbs of effect: with a thing as subject and an object, they state a cause ("the tariffs cost 300 jobs").
EFFECT_VERBS = frozenset(
    """cause create destroy cost kill save reduce raise increase lower cut boost hurt help prevent stop drive
    force trigger spark fuel slash double triple halve shrink damage improve worsen wipe push divert""".split()
)
#: Verbs of change over time: "exports fell", "the backlog doubled".
CHANGE_VERBS = frozenset(
    """rise fall increase decrease grow shrink decline drop double triple quadruple halve jump surge soar
    plunge climb slump slide dip tumble rebound recover fluctuate""".split()
)
#: Evaluative adjectives and nouns: judgement and reaction rather than something to check.
EVALUATIVE_WORDS = frozenset(
    """great good bad terrible horrible wonderful amazing incredible fantastic beautiful tremendous awful nice
    sad disgraceful disgusting ridiculous stupid smart weak fabulous unbelievable outrageous shameful proud
    happy unhappy fair unfair wrong important dangerous fine disaster disgrace mess shame joke nonsense
    catastrophe travesty scandal failure unimpressed impressed disappointed disappointing pleased delighted
    furious angry upset frustrated concerned worried sceptical skeptical optimistic pessimistic welcome
    encouraging troubling alarming shocking appalling deplorable excellent brilliant superb pathetic
    crazy insane absurd lovely glad thrilled excited grateful thankful honored honoured privileged""".split()
)
#: Superlatives that only judge ("the best deal"); they count as a record only with an anchor ("since 1990").
EVALUATIVE_SUPERLATIVES = frozenset("best worst greatest finest nicest smartest biggest".split())
#: Verbs of opinion and feeling: with "I" or "we" in the present they announce a view.
OPINION_VERBS = frozenset(
    "think believe feel guess suppose hope wish love like hate agree disagree doubt reckon trust".split()
)
#: Verbs of planning and wanting: with "I" or "we" and an infinitive, a proposal ("we want to build").
PLAN_VERBS = frozenset("want plan intend propose aim hope seek need".split())
#: Verbs of promising: with "I" or "we", a promise.
PROMISE_VERBS = frozenset("promise pledge vow guarantee commit swear".split())
#: Verbs of forecasting: their complement is a prediction.
FORECAST_VERBS = frozenset("predict forecast expect project anticipate".split())
#: Kin and close company: "my father", "my wife" open a personal story.
KIN_NOUNS = frozenset(
    """father mother dad mom mum son daughter wife husband brother sister grandfather grandmother grandson
    granddaughter uncle aunt cousin family friend friends kids children parents grandparents""".split()
)
#: Verbs of a personal story with "I": "I grew up", "I met", "I remember".
PERSONAL_VERBS = frozenset(
    """grow meet remember visit see hear talk speak travel go come walk sit stand live work learn spend
    watch read receive start love feel tell ask call get""".split()
)
#: Words of greeting, thanks and floor management.
SMALL_TALK = frozenset(
    """thank thanks welcome applause laughter crosstalk cheering booing hello congratulations congratulate
    okay ok goodnight pleasure honor honour""".split()
)
#: Times of day that greet after "good" ("good evening"), and only then.
GREETINGS = frozenset("evening morning afternoon night".split())
#: Words that make a figure or a superlative a record: "ever", "in history", "all-time", "unprecedented".
RECORD_WORDS = frozenset("record unprecedented all-time history ever".split())
SPECIFIC_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LAW", "EVENT", "FAC", "LOC", "PRODUCT"})
#: Nouns of institutions that publish figures: "the statistics office said" cites a source.
INSTITUTION_NOUNS = frozenset(
    """office agency ministry department council board bureau authority commission service institute bank
    court regulator inspectorate committee administration government watchdog company firm university
    tribunal registry""".split()
)
#: Bodies that act: what they do is an action of theirs, not the effect of a cause.
AGENT_NOUNS = INSTITUTION_NOUNS | frozenset(
    "county city state country province nation party union group club team council operator owner".split()
)
FIRST_PERSON = frozenset({"i", "we"})
PERSONAL_PRONOUNS = frozenset({"me", "us", "you", "him", "her", "them"})
FIRST_SECOND = frozenset({"i", "we", "you", "me", "us", "my", "our", "your"})
#: Pronouns that name nobody in particular: no claim is attributed to them.
INDEFINITE = frozenset(
    "nobody everybody somebody anybody everyone someone anyone no-one none people they it this that".split()
)
THIRD_PERSON = frozenset({"he", "she", "they"})
FUTURE_AUX = frozenset({"will", "'ll", "wo", "shall"})
HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "'d"})
PROPOSAL_AUX = frozenset({"should", "must", "ought"})
#: Quote kinds that assert their content; a stance (a belief or an intention) does not.
ASSERTING_KINDS = frozenset({"direct", "mixed", "indirect"})


@dataclass(frozen=True)
class Criterion:
    """One thing fact-checkers weigh: its feature name, the reason shown for it, and which way it moves a score."""

    name: str
    reason: str
    raises: bool


#: The criteria, raising first, each group in the order reasons are given (what an editor would check for
#: first); ``reason`` is what a claim's ``reasons`` say when the criterion moved its score.
CRITERIA = (
    Criterion("figure", "figure", True),
    Criterion("source", "source", True),
    Criterion("comparison", "comparison", True),
    Criterion("cause", "cause", True),
    Criterion("law", "law or policy", True),
    Criterion("figures", "several figures", True),
    Criterion("statistic", "statistic", True),
    Criterion("named", "named actor", True),
    Criterion("event", "past event", True),
    Criterion("public", "public interest", True),
    Criterion("prediction", "prediction", False),
    Criterion("promise", "promise", False),
    Criterion("hypothetical", "hypothetical", False),
    Criterion("proposal", "proposal", False),
    Criterion("question", "question", False),
    Criterion("opinion", "opinion", False),
    Criterion("evaluative", "opinion", False),
    Criterion("personal", "personal", False),
    Criterion("addressed", "addresses someone", False),
    Criterion("small_talk", "small talk", False),
    Criterion("instruction", "instruction", False),
    Criterion("fragment", "fragment", False),
    Criterion("vague", "vague", False),
)
CRITERIA_BY_NAME = {c.name: c for c in CRITERIA}

#: Log-odds weights, fitted by ``bench/fit_claims.py`` on ``bench/data/checkworthy.jsonl`` (see the docstring).
BIAS = -1.99
WEIGHTS: dict[str, float] = {
    "figure": 1.69,
    "source": 0.64,
    "comparison": 1.69,
    "cause": 0.47,
    "law": 1.98,
    "figures": 0.76,
    "statistic": 0.43,
    "named": 0.50,
    "event": 1.51,
    "public": 1.02,
    "prediction": -1.75,
    "promise": -2.14,
    "hypothetical": -2.14,
    "proposal": -2.14,
    "question": -3.57,
    "opinion": -0.71,
    "evaluative": -0.34,
    "personal": -2.17,
    "addressed": -1.43,
    "small_talk": -1.17,
    "instruction": -0.64,
    "fragment": -1.03,
    "vague": -0.84,
}


def squash(logit: float) -> float:
    """The logistic function: log-odds to a probability."""
    return 1.0 / (1.0 + math.exp(-logit))


@dataclass
class Features:
    """What the scorer saw in a claim, each criterion in [0, 1]; kept so a score can be explained."""

    values: dict[str, float]
    #: Whether a figure of the claim counts people ("1,200 jobs", "four in ten renters"): how many it affects.
    people: bool = False
    #: Whether the comparison is a superlative or a record ("the lowest since 1990", "in our history").
    record: bool = False

    def logit(self, weights: dict[str, float] | None = None, bias: float | None = None) -> float:
        """Weighted sum of the criteria plus the bias (the shipped ones unless others are given)."""
        weights = WEIGHTS if weights is None else weights
        return (BIAS if bias is None else bias) + sum(weights.get(n, 0.0) * v for n, v in self.values.items())

    @property
    def probability(self) -> float:
        """The check-worthiness score in [0, 1]."""
        return squash(self.logit())

    def reasons(self) -> list[str]:
        """Labels of the criteria that moved the score, in the order of :data:`CRITERIA`: those that raised it
        (the specific ones before the named actor, the event and the subject), then those that lowered it."""
        moved = [(WEIGHTS.get(c.name, 0.0) * self.values.get(c.name, 0.0), c) for c in CRITERIA]
        raised = [m for m in moved if m[0] >= MIN_REASON and m[1].raises]
        lowered = [m for m in moved if m[0] <= -MIN_REASON and not m[1].raises]
        labels: list[str] = []
        for group, most in ((raised, MAX_RAISING), (lowered, MAX_LOWERING)):
            for _, criterion in group[:most]:
                label = self._label(criterion)
                if label not in labels:
                    labels.append(label)
        return labels or ["vague"]

    def _label(self, criterion: Criterion) -> str:
        if criterion.name == "source" and self.values.get("figure"):
            return "sourced statistic"
        if criterion.name == "figure" and self.people:
            return "people affected"
        if criterion.name == "comparison" and self.record:
            return "superlative or record"
        return criterion.reason


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


def _opening(sent: Span) -> list[Token]:
    """The sentence's words after any leading discourse marker ("And", "Well,", "Now")."""
    words = [t for t in sent if not t.is_space]
    i = 0
    while i < len(words) and words[i].lower_ in ("and", "but", "so", "now", "well", "okay", "look", ",", "—", "-"):
        i += 1
    return words[i:]


#: Words that open a direct question ("Why did ...", "How many ...").
_WH_WORDS = frozenset("what why how who whom whose where when which".split())


def _interrogative(sent: Span) -> bool:
    """Whether a sentence has the word order of a question though its mark was lost (transcripts, pasted
    text): "Why did the council spend 40 million on the bridge", "Did the minister know"."""
    words = _opening(sent)
    if len(words) < 3:
        return False
    first, second = words[0], words[1]
    if first.lower_ in _WH_WORDS:
        return second.pos_ == "AUX" or (first.lower_ == "how" and second.lower_ in ("many", "much"))
    if first.pos_ != "AUX":
        return False
    verb = first if first.dep_ == "ROOT" else first.head
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl") and c.i > first.i for c in verb.children)


def _addressed(sent: Span) -> bool:
    """Whether the sentence opens by naming the person it speaks to: "Senator, you voted ..."; "Mr. Lee, your plan ...".

    Such a sentence frames a question or a challenge to someone present; what it asserts is usually what
    the other person is about to be asked about.
    """
    words = _opening(sent)
    j = 0
    while j < len(words) and j < 4 and (words[j].pos_ == "PROPN" or words[j].lower_ in TITLES):
        j += 1
    if j == 0 or j >= len(words) or words[j].text != ",":
        return False
    if not (words[0].lower_ in TITLES or words[0].ent_type_ == "PERSON"):
        return False
    return any(t.lower_ in ("you", "your", "yours", "yourself") for t in words[j:])


def _words(span: Span) -> int:
    """Tokens that are words, not punctuation or space."""
    return sum(not (t.is_punct or t.is_space) for t in span)


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in verb.children)


def _subject(verb: Token) -> Token | None:
    """The verb's subject; for a verb without one, its coordinated head's or its auxiliary chain's."""
    for token in (verb, verb.head if verb.dep_ in ("conj", "xcomp") else None):
        if token is None:
            continue
        found = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
        if found is not None:
            return found
    return None


def _aux(verb: Token) -> list[str]:
    """The verb's auxiliaries, lower case (with those of the verb it is coordinated with, when it shares them:
    "would cut and close", not "would save …, and the union disputes")."""
    own_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children)
    shares = verb.dep_ == "conj" and verb.tag_ in ("VB", "VBN", "VBG") and not own_subject
    heads = [verb, verb.head] if shares else [verb]
    return [c.lower_ for h in heads for c in h.children if c.dep_ in ("aux", "auxpass")]


def _going_to(verb: Token) -> bool:
    """Whether the verb is the "going to" of the future ("we are going to win")."""
    return verb.lemma_ == "go" and verb.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in verb.children)


def _is_person(token: Token | None) -> bool:
    """A subject that is a person or people, not a thing: a pronoun for people, a name, a people noun."""
    if token is None:
        return False
    lower = token.lower_
    return (
        lower in ("i", "we", "you", "he", "she", "they", "who", "everybody", "everyone", "nobody")
        or token.ent_type_ in ("PERSON", "NORP")
        or token.lemma_.lower() in PEOPLE_NOUNS
    )


def _counted(figure: Figure) -> Token | None:
    """The noun a figure counts: "families" in "dozens of families", "children" in "61 percent of children"."""
    root = figure.span.root
    doc = figure.span.doc
    if root.dep_ in ("nummod", "quantmod", "amod") and root.head.pos_ in ("NOUN", "PROPN"):
        head = root.head
        if head.i >= figure.span.end or head.i < figure.span.start:
            return _of_object(head) if head.lemma_.lower() in ("percent", "%") else head
    for token in (root, *(doc[figure.span.end : figure.span.end + 1])):
        found = _of_object(token)
        if found is not None:
            return found
    if figure.unit_text:
        return next((t for t in figure.span if t.text == figure.unit_text), None) or doc[figure.span.end - 1]
    return None


def _of_object(token: Token) -> Token | None:
    """The object of a following "of": "children" in "percent of children"."""
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return None
    return next((c for c in of.children if c.dep_ == "pobj"), None)


def _word_quantities(sent: Span, seen: set[int]) -> list[Token]:
    """Quantities written as words that spaCy's NER missed: "a third", "half of", "dozens of", "doubled"."""
    found: list[Token] = []
    for token in sent:
        if token.i in seen:
            continue
        lower = token.lower_
        if lower in FRACTION_WORDS and token.pos_ in ("NOUN", "ADJ", "NUM", "DET", "PRON"):
            before = token.doc[token.i - 1] if token.i > sent.start else None
            if lower.startswith("half") or (before is not None and (before.like_num or before.lower_ in ("a", "one"))):
                found.append(token)
        elif (lower in LOOSE_COUNTS and _of_object(token) is not None) or _multiple(token):
            found.append(token)
        elif lower in ("most", "majority") and _of_object(token) is not None and token.dep_ != "advmod":
            found.append(token)  # a proportion: "most of the guns", "the majority of tenants"
    return found


def _multiple(token: Token) -> bool:
    """A multiple: "twice as many", "doubled"; not "met twice", which only counts occasions."""
    if token.lower_ not in MULTIPLE_WORDS or token.pos_ not in ("ADV", "VERB", "ADJ", "DET"):
        return False
    return not (token.dep_ == "advmod" and token.head.pos_ == "VERB" and _next(token).lower_ != "as")


#: How much a small count written as a word ("two councillors", "three times") counts as a figure: such
#: counts are common in talk and are rarely what makes a claim worth checking.
SMALL_COUNT = 0.4


def _precise(span: Span) -> bool:
    """Whether a quantity is a measurement rather than a small count: digits, money, a percentage, a scale
    word ("millions"), a proportion ("four in ten", "one in five") or a fraction ("two thirds")."""
    for token in span:
        lower = token.lower_
        if any(ch.isdigit() for ch in lower) or token.ent_type_ in ("MONEY", "PERCENT") or lower in ("%", "percent"):
            return True
        if lower in SCALE_WORDS or lower in LOOSE_COUNTS or lower in FRACTION_WORDS:
            return True
    doc = span.doc
    after = [t.lower_ for t in doc[span.end : span.end + 3]]
    # a rate: "nine times in 20 years", "three times a week"
    if after[:1] == ["times"] and any(t.ent_type_ == "DATE" for t in doc[span.end + 1 : span.end + 5]):
        return True
    before = [t for t in doc[max(0, span.start - 2) : span.start]]
    if after[:1] in (["percent"], ["%"]):
        return True
    # "four in ten", "one out of five": a proportion, which spaCy reads as two numbers
    if after[:1] in (["in"], ["out"]) and any(t.like_num for t in doc[span.end + 1 : span.end + 3]):
        return True
    return len(before) == 2 and before[1].lower_ == "in" and before[0].like_num


def _according_to(sent: Span) -> str | None:
    for token in sent:
        if token.lower_ == "according" and token.i + 2 < sent.end and token.nbor().lower_ == "to":
            obj = next((c for c in token.nbor().children if c.dep_ == "pobj"), None)
            if obj is not None:
                return sent.doc[obj.left_edge.i : obj.i + 1].text
    return None


def _cites_source(sent: Span) -> bool:
    """Whether the sentence names where its facts come from: "according to the census", "a study found",
    "figures published by the ministry", "the statistics office said"."""
    according = _according_to(sent)
    if according is not None and according.lower() not in FIRST_SECOND | THIRD_PERSON:
        return True
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ not in ("NOUN", "PROPN"):
            continue
        head = token.head
        evidence = lemma in EVIDENCE_NOUNS or lemma in ("statistic", "census", "record", "datum")
        institution = lemma in INSTITUTION_NOUNS or token.ent_type_ == "ORG"
        if token.dep_ in ("nsubj", "nsubjpass") and head.pos_ == "VERB":
            verb = head.lemma_.lower()
            if evidence and verb in EVIDENCE_VERBS | {"put", "say", "estimate"}:
                return True
            # an institution is the source of a statistic it gives ("the port authority said 1,200 jobs ...")
            statistic = any(t.like_num or t.ent_type_ in ("PERCENT", "MONEY", "CARDINAL") for t in sent)
            if institution and statistic and verb in SPEECH_VERBS | {"publish", "release", "find", "record", "count"}:
                return True
        if evidence and token.dep_ == "pobj" and head.lower_ in ("in", "from", "by"):
            return True
        if evidence and token.dep_ == "dobj" and head.lemma_.lower() == "cite":
            return True  # "citing an internal review"
        if evidence and any(c.dep_ == "acl" and c.lemma_ in ("publish", "release", "compile") for c in token.children):
            return True
    return False


#: Nouns too general for "the only ..." to make a record of it ("the only way", "the only thing").
_GENERIC_NOUNS = frozenset("way thing reason question answer problem time choice option difference".split())


def _record(token: Token, sent: Span) -> bool:
    """A superlative that measures, or a word that makes a claim a record ("ever", "in history", "16-year low")."""
    lower = token.lower_
    if token.tag_ in ("JJS", "RBS"):
        if lower in ("most", "least") and (
            (token.dep_ in ("amod", "det") and token.head.pos_ == "NOUN") or _of_object(token) is not None
        ):
            return False  # "most people", "most of the guns" are loose counts, not records
        if lower in ("most", "least") and token.i > 0 and token.doc[token.i - 1].lower_ == "at":
            return False  # "at least 30 families" bounds a figure
        target = token.head if lower in ("most", "least") else token
        if target.lower_ not in EVALUATIVE_WORDS and target.lower_ not in EVALUATIVE_SUPERLATIVES:
            return True
        return any(t.lower_ in RECORD_WORDS or (t.lower_ == "since" and t.i > token.i) for t in sent)
    if lower in ("unprecedented", "all-time"):
        return True
    if lower == "record":  # "a record high", "on record", "since records began"; not "his record"
        return token.dep_ in ("amod", "compound", "nmod") or token.head.lower_ in ("on", "since")
    if lower == "history" and token.head.lower_ == "in":
        return True
    if lower in ("first", "last") and token.dep_ == "amod" and token.head.pos_ == "NOUN":
        # "for the first time", "the first province to ban ...", "the last country that ..."
        head = token.head
        return head.lower_ == "time" or any(c.dep_ in ("acl", "relcl") for c in head.children)
    if lower == "only" and token.dep_ == "amod" and token.head.pos_ == "NOUN":
        # "the only country without ...", "the only member to vote against"; not "the only way", "the only thing"
        return token.head.lower_ not in _GENERIC_NOUNS and token.doc[token.i - 1].lower_ == "the"
    if lower in ("low", "high") and token.pos_ == "NOUN" and token.i > sent.start:
        before = token.doc[token.i - 1]
        return before.lower_.endswith("-year") or (before.lower_ in ("-", "year") and token.i - 2 >= sent.start)
    return False


#: Comparatives of judgement ("a better deal", "a safer country"): they compare values, not measurements.
EVALUATIVE_COMPARATIVES = frozenset(
    "better worse stronger weaker safer tougher easier harder fairer smarter greater nicer happier".split()
)


def _compares(token: Token) -> bool:
    """A comparison of measurable things: "more women than ever", "taxes are higher", "fewer nurses"; not a
    comparative of judgement ("a better future"), a comparative that only qualifies a noun ("the larger
    question", "lower taxes") or the "more than" of a figure ("more than 11,000")."""
    if token.tag_ not in ("JJR", "RBR") or not token.is_lower or token.dep_ == "quantmod" or token.head.tag_ == "CD":
        return False
    if token.lower_ in EVALUATIVE_COMPARATIVES:
        return False
    # "than" later in the same clause: "sell more abroad than they do at home"
    than = any(t.lower_ == "than" for t in token.doc[token.i + 1 : token.sent.end])
    if token.lower_ in ("more", "less", "fewer"):  # "more women", "less money", "more than ever"
        return token.dep_ in ("amod", "dobj", "nsubj", "attr", "advmod") and (
            token.head.pos_ in ("NOUN", "PROPN") or than
        )
    return than or token.dep_ in ("acomp", "attr", "oprd", "advmod")


def _explains_event(because: Token) -> bool:
    """Whether a "because" gives the cause of something that happened ("the hospital closed because ..."),
    not a speaker's reasoning ("we have to act because ...")."""
    verb = because.head.head if because.dep_ == "mark" else because.head
    subject = _subject(verb)
    return (
        (_past(verb) or verb.tag_ == "VBZ")
        and subject is not None
        and subject.lower_ not in FIRST_SECOND | {"it", "that", "this", "which"}
    )


def _causal(token: Token) -> bool:
    """A cause and its effect: "because" explaining an event, "due to", "led to", "as a result", or a thing
    acting on another ("the tariffs cost 300 jobs", "the closure caused delays")."""
    lemma = token.lemma_.lower()
    if lemma == "because":
        return _next(token).lower_ != "of" and _explains_event(token)
    if token.lower_ == "due" and _next(token).lower_ == "to":
        return True
    if lemma == "lead" and any(c.dep_ == "prep" and c.lower_ == "to" for c in token.children):
        return _factual_tense(token)
    if lemma == "result" and any(c.lower_ in ("in", "from") for c in token.children):
        return _factual_tense(token)
    if token.lower_ == "result" and token.head.lower_ == "as":
        return True
    if token.pos_ != "VERB" or lemma not in EFFECT_VERBS or not _factual_tense(token, hedged=True):
        return False
    if lemma == "cause" and any(c.dep_ == "agent" for c in token.children):
        return True  # "the slump was caused by the closure"
    if any(c.dep_ == "csubj" for c in token.children):
        return True  # "closing the clinic forced women to travel"
    subject = _subject(token)
    # an event, a thing or a measure acting on something; a person or a body doing something is an action
    return (
        any(c.dep_ in ("dobj", "attr") for c in token.children)
        and subject is not None
        and subject.pos_ == "NOUN"
        and not _is_person(subject)
        and not _among(subject, AGENT_NOUNS)
        and subject.ent_type_ not in ("ORG", "GPE", "PERSON", "NORP")
    )


def _law(token: Token) -> bool:
    """Whether the token says what a law, a policy or a vote did or does: "voted against the bill", "the bill
    requires", "under the agreement", "repealed the tax". Promising to repeal a law, or naming one, is not."""
    lemma = token.lemma_.lower()
    if token.pos_ == "VERB" and lemma in ENACT_VERBS | {"support", "oppose", "introduce", "block", "write", "draft"}:
        if not _past(token):
            return False
        if lemma == "vote":  # "voted against the bill", "voted to close": a member's vote, not an election
            preps = {c.lower_ if c.dep_ == "prep" else "to" for c in token.children if c.dep_ in ("prep", "xcomp")}
            subject = _subject(token)
            people = {g.lower_ for c in token.children if c.dep_ == "prep" for g in c.children} & PERSONAL_PRONOUNS
            return (
                bool(preps & {"for", "against", "to"})
                and not people
                and not (subject is not None and subject.lemma_.lower() in ("people", "voter", "million", "american"))
            )
        if lemma in ("veto", "repeal", "enact", "ratify", "legislate", "filibuster", "outlaw"):
            return True
        objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
        objects += [g for c in token.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
        if lemma in ("support", "oppose") and (objects or any(c.dep_ == "ccomp" for c in token.children)):
            return True  # a position on the record: "she supported the war", "I supported Libya moving to ..."
        # "signed the bill", "introduced legislation"
        return any(o.lemma_.lower() in LAW_NOUNS or o.ent_type_ == "LAW" or o.lower_ in ("that", "it") for o in objects)
    if lemma == "rule" and token.pos_ == "VERB" and _past(token):
        subject = _subject(token)  # "the court ruled that the ban was unlawful"
        return subject is not None and subject.lemma_.lower() in ("court", "judge", "tribunal", "justice")
    if (lemma not in LAW_NOUNS and token.ent_type_ != "LAW") or token.pos_ not in ("NOUN", "PROPN"):
        return False
    if token.dep_ == "pobj" and token.head.lower_ == "under":
        return not _own(token)
    verb = token.head
    return (
        token.dep_ in ("nsubj", "nsubjpass")
        and verb.lemma_.lower() in POLICY_EFFECT_VERBS
        and not _own(token)
        and not any(c.dep_ == "aux" and c.lower_ in PROPOSAL_AUX for c in verb.children)
    )


def _measured_change(verb: Token) -> bool:
    """Whether a verb of change speaks of a measure ("exports fell 4 percent", "crime rose", "fell to 3,000"),
    not of weather or motion ("snow fell") or a refusal ("declined to comment")."""
    if any(c.dep_ == "xcomp" for c in verb.children) or any(c.dep_ == "prt" for c in verb.children):
        return False  # "declined to comment", "doubled down", "fell apart"
    if any(c.dep_ == "prep" and c.lower_ in ("by", "to", "from") for c in verb.children):
        return True
    if any(c.dep_ in ("npadvmod", "dobj") and (c.like_num or c.ent_type_ in QUANTITY_LABELS) for c in verb.children):
        return True
    subject = _subject(verb)
    return subject is not None and (
        subject.lemma_.lower() in STATISTIC_NOUNS | PUBLIC_NOUNS | PEOPLE_NOUNS
        or subject.ent_type_ in ("PERCENT", "MONEY")
    )


def _factual_tense(verb: Token, *, hedged: bool = False) -> bool:
    """Whether a verb states what happened or is happening ("fell", "has doubled", "are going up"), not what
    will, would or should ("will grow", "to increase"). With ``hedged``, "may have" and "might have" count:
    a hedged statement about the past is still about the past."""
    aux = _aux(verb)
    modal = FUTURE_AUX | HYPOTHETICAL_AUX | PROPOSAL_AUX | {"to", "can", "ca", "may"}
    if hedged and "have" in aux:
        modal = modal - {"may", "might", "could"}
    if any(a in modal for a in aux):
        return False
    return _past(verb) or verb.tag_ in ("VBZ", "VBP") or (verb.tag_ == "VBG" and bool(aux))


def _past(verb: Token) -> bool:
    """Whether a verb tells of the past: "voted", "has voted", "was passed" (not "will vote", "to vote")."""
    aux = _aux(verb)
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(a in ("has", "have", "had", "'ve", "'d", "was", "were", "been") for a in aux)


def features(sent: Span, *, ents: Sequence[Span] | None = None) -> Features:
    """Check-worthiness criteria of a sentence or clause, each in [0, 1]; ``ents`` are its entities if known.

    A hedge ("may have", "reportedly") is shown beside a claim, not scored: a hedged figure is as much worth
    checking as a plain one.
    """
    ents = list(sent.ents if ents is None else ents)
    v: dict[str, float] = dict.fromkeys(CRITERIA_BY_NAME, 0.0)
    n = _words(sent)
    v["fragment"] = 1.0 if n < 6 else 0.0
    v["question"] = 1.0 if is_question(sent.text) or _interrogative(sent) else 0.0
    v["addressed"] = 1.0 if _addressed(sent) else 0.0

    found = figures(sent, ents)
    quantities = [f for f in found if f.kind == "quantity"]
    seen = {t.i for f in quantities for t in f.span}
    words = _word_quantities(sent, seen)
    strong = sum(_precise(f.span) for f in quantities) + len(words)
    v["figure"] = 1.0 if strong else (SMALL_COUNT if quantities else 0.0)
    v["figures"] = 1.0 if strong >= 2 else 0.0
    counted = [_counted(f) for f in quantities] + [_of_object(t) or t.head for t in words]
    people = any(c is not None and (c.lemma_.lower() in PEOPLE_NOUNS or c.ent_type_ == "NORP") for c in counted)
    if any(e.label_ in SPECIFIC_LABELS and e.root.dep_ != "npadvmod" for e in ents) or any(
        # a proper name the recogniser missed ("the Chief Constable of Drevsk")
        t.pos_ == "PROPN" and t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "poss") and not t.ent_type_
        for t in sent
    ):
        v["named"] = 1.0
    v["source"] = 1.0 if _cites_source(sent) else 0.0

    record = False
    for token in sent:
        lower, lemma, tag, pos = token.lower_, token.lemma_.lower(), token.tag_, token.pos_
        if (pos in ("NOUN", "PROPN") and _among(token, STATISTIC_NOUNS)) or lower in ("%", "percent"):
            v["statistic"] = 1.0
        if pos in ("NOUN", "PROPN", "VERB") and _among(token, PUBLIC_NOUNS):
            v["public"] = 1.0
        if (
            _compares(token)
            or (lemma == "compare" and tag == "VBN")  # "compared with a year earlier"
            or (lower in ("up", "down") and _next(token).lower_ == "from")  # "up from 3.9%"
            or (pos == "VERB" and lemma in CHANGE_VERBS and _factual_tense(token) and _measured_change(token))
        ):
            v["comparison"] = 1.0
        if _record(token, sent):
            v["comparison"] = 1.0
            record = True
        if _causal(token):
            v["cause"] = 1.0
        if _law(token):
            v["law"] = 1.0
        if (lemma in SMALL_TALK and pos in ("VERB", "NOUN", "INTJ", "ADJ", "PROPN")) or (
            lower in GREETINGS and token.i > 0 and token.doc[token.i - 1].lower_ == "good"
        ):
            v["small_talk"] = 1.0
        if _judgement(token):
            v["evaluative"] = 1.0
        if lower == "my" and token.head.lemma_.lower() in KIN_NOUNS:
            v["personal"] = 1.0
        if (lower == "if" and _conditional(token)) or lower in ("imagine", "suppose", "hypothetically"):
            v["hypothetical"] = max(v["hypothetical"], 0.5 if _reported_by_other(token) else 1.0)
        if lower == "let" and _next(token).lower_ in ("'s", "us"):
            v["proposal"] = 1.0
        if pos in ("VERB", "AUX"):
            _verb(token, sent, v)

    if not any(v[name] for name in ("figure", "named", "source", "law", "statistic", "comparison", "cause")):
        v["vague"] = 1.0
    return Features(v, people=people, record=record)


def _verb(token: Token, sent: Span, v: dict[str, float]) -> None:
    """The criteria a verb sets: tense and mood (prediction, promise, hypothetical, proposal), who acts."""
    lemma, tag = token.lemma_.lower(), token.tag_
    aux = _aux(token)
    subject = _subject(token)
    who = subject.lower_ if subject is not None else None
    main = token.dep_ in ("ROOT", "conj", "ccomp") or token == sent.root
    # what a law or a policy will or would do is what it does, not a forecast ("the bill would cap rents")
    policy = subject is not None and subject.lemma_.lower() in LAW_NOUNS and not _own(subject)
    # "I will tell you", "you'll see": a turn of phrase, not a forecast
    talk = lemma in ("tell", "say", "see", "find", "hear", "look", "show")
    # a forecast someone else made is partly a fact about them ("Walmart announced it will create 10,000 jobs")
    strength = 0.5 if _reported_by_other(token) else 1.0
    if policy and main and any(a in FUTURE_AUX | HYPOTHETICAL_AUX for a in aux):
        v["law"] = 1.0
    elif main and not talk and (any(a in FUTURE_AUX for a in aux) or _going_to(token)):
        name = "promise" if who in FIRST_PERSON else "prediction"
        v[name] = max(v[name], strength)
    elif main and not talk and any(a in HYPOTHETICAL_AUX for a in aux):
        # in reported speech "would" is the reported "will" ("said the cuts would save"), not a hypothetical
        name = "prediction" if _reporting_verb(token) is not None else "hypothetical"
        v[name] = max(v[name], strength)
    if any(a in PROPOSAL_AUX for a in aux) or (
        lemma in ("need", "have") and any(c.dep_ == "xcomp" for c in token.children) and token.dep_ == "ROOT"
    ):
        v["proposal"] = 1.0
    if lemma in FORECAST_VERBS and any(c.dep_ in ("xcomp", "ccomp") for c in token.children):
        v["prediction"] = 1.0
    if who in FIRST_PERSON and tag in ("VBP", "VB", "VBZ") and not aux:
        if lemma in OPINION_VERBS:
            v["opinion"] = 1.0
        if lemma in PLAN_VERBS and any(c.dep_ == "xcomp" for c in token.children):
            v["proposal"] = 1.0
        if lemma in PROMISE_VERBS:
            v["promise"] = 1.0
    if token == sent.root and tag == "VB" and not _has_subject(token) and not aux and token.i <= sent.start + 2:
        v["instruction"] = 1.0
    past = tag == "VBD" or (tag == "VBN" and any(a in ("has", "have", "had", "'ve", "was", "were") for a in aux))
    if who == "i" and lemma in PERSONAL_VERBS and not any(a in FUTURE_AUX | HYPOTHETICAL_AUX for a in aux):
        v["personal"] = 1.0
    elif past and any(c.dep_ in ("dobj", "dative") and c.lower_ == "me" for c in token.children):
        v["personal"] = 1.0  # "a young man told me ...", "the chancellor rang me last week"
    elif (
        past
        and lemma not in REPORTING_VERBS
        and lemma not in ("be", "have", "do")
        # a specific event: someone named or described did something ("the council closed ..."), not
        # "they tried everything"
        and subject is not None
        and subject.pos_ in ("NOUN", "PROPN")
    ):
        v["event"] = 1.0


def _reporting_verb(token: Token) -> Token | None:
    """What frames the token as someone's report, if anything: the reporting verb whose content it stands in
    ("Ford announced it will ..."), a comment clause after it ("The cuts would save $85m, the authority
    said"), or the "according" of "according to a memo"."""
    clause = token
    while clause.dep_ != "ROOT" and clause.head is not clause:
        head = clause.head
        if clause.dep_ == "ccomp" and head.lemma_.lower() in REPORTING_VERBS:
            return head
        clause = head
    for child in clause.children:
        if child.dep_ in ("parataxis", "ccomp") and child.i > token.i and child.lemma_.lower() in REPORTING_VERBS:
            return child
        if child.dep_ == "prep" and child.lower_ == "according":
            return child
    return None


def _reported_by_other(token: Token) -> bool:
    """Whether the token stands in what someone other than the speaker said: "Ford announced it will ...",
    "according to the memo, the plant will close"."""
    frame = _reporting_verb(token)
    if frame is None:
        return False
    if frame.lower_ == "according":
        source = next((g for c in frame.children if c.lower_ == "to" for g in c.children if g.dep_ == "pobj"), None)
        return source is not None and source.lower_ not in FIRST_SECOND
    subject = _subject(frame)
    return subject is not None and subject.lower_ not in FIRST_SECOND


def _among(token: Token, words: frozenset[str]) -> bool:
    """Whether a word's lemma is in a list, allowing for plurals the lemmatiser misreads ("taxes")."""
    lower = token.lower_
    return (
        token.lemma_.lower() in words
        or lower in words
        or (lower.endswith("s") and (lower[:-1] in words or (lower.endswith("es") and lower[:-2] in words)))
    )


def _own(token: Token) -> bool:
    """Whether a noun is the speaker's own: "my plan", "our proposal"."""
    return any(c.dep_ == "poss" and c.lower_ in ("my", "our") for c in token.children)


def _next(token: Token) -> Token:
    """The next token, or the token itself at the end of the document."""
    return token.nbor() if token.i + 1 < len(token.doc) else token


def _judgement(token: Token) -> bool:
    """An evaluative word said of something ("the plan is a disaster", "groups were unimpressed"), not a
    word that only colours a noun phrase in a factual claim ("tremendous gun violence")."""
    if token.lower_ not in EVALUATIVE_WORDS or token.pos_ not in ("ADJ", "NOUN"):
        return False
    if any(c.dep_ in ("xcomp", "ccomp") for c in token.children):
        return False  # "it's fair to say that ...": a frame for what follows
    dep = token.dep_ if token.dep_ != "conj" else token.head.dep_
    return dep in ("acomp", "attr", "oprd", "ROOT", "appos", "ccomp", "xcomp")


#: Verbs of "if you look at ...", "if you go to ...": a turn of speech, not a condition.
_RHETORICAL_IF = frozenset("look see go check read listen compare think ask take remember consider talk speak".split())


def _conditional(token: Token) -> bool:
    """Whether an "if" opens a condition ("if we cut the levy, prices would fall"), not an indirect question
    ("she doesn't know if ...") or a turn of speech ("if you look at the numbers")."""
    verb = token.head
    if token.dep_ != "mark" or verb.dep_ != "advcl":
        return False
    lemma = verb.lemma_.lower()
    if _going_to(verb) or lemma == "want":  # "if we're going to talk about ...", "if you want to know"
        lemma = next((c.lemma_.lower() for c in verb.children if c.dep_ == "xcomp"), lemma)
    subject = _subject(verb)
    return not (subject is not None and subject.lower_ in ("you", "we") and lemma in _RHETORICAL_IF)


def score(sent: Span, *, ents: Sequence[Span] | None = None) -> float:
    """Check-worthiness of a sentence in [0, 1]; who said it is reported beside the claim, not scored."""
    return features(sent, ents=ents).probability


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

    ``quotes`` are in text order. A first- or second-person speaker ("I", "we") or an indefinite one
    ("nobody", "they") names nobody to attribute to, and a stance (what someone believes or intends) does not
    assert the claim.
    """
    mention: str | None = None
    for quote in quotes:
        if quote.start >= span.end_char:
            break
        if quote.end <= span.start_char or quote.kind not in ASSERTING_KINDS:
            continue
        if quote.speaker and quote.speaker.lower() not in FIRST_SECOND:
            return quote.speaker
        speaker_mention = (quote.speaker_mention or "").lower()
        if mention is None and speaker_mention and speaker_mention not in FIRST_SECOND | INDEFINITE:
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


@dataclass
class Candidate:
    """A clause that may be a claim, with the criteria read from it."""

    span: Span
    features: Features
    hedges: list[str]
    ents: list[Span]


def candidates(doc: Doc) -> Iterable[Candidate]:
    """Every clause that can be a claim, in text order, with its criteria (what :func:`extract_claims` ranks)."""
    sentence_ents = ents_by_sentence(doc)
    for whole in doc.sents:
        for sent in _paragraphs(whole):
            if not _is_candidate(sent):
                continue
            sent_ents = sentence_ents.get(whole.start, [])
            for clause in clauses(sent):
                ents = [e for e in sent_ents if clause.start <= e.start and e.end <= clause.end]
                hedges = find_hedges(clause)
                yield Candidate(clause, features(clause, ents=ents), hedges, ents)


def _paragraphs(sent: Span) -> list[Span]:
    """The sentence cut at paragraph breaks: the parser sometimes runs a sentence on across a blank line (after
    a closing quotation mark, say), and a claim never spans two paragraphs."""
    doc = sent.doc
    pieces: list[Span] = []
    start = sent.start
    for token in sent:
        if token.is_space and token.text.count("\n") >= 2:
            if token.i > start:
                pieces.append(doc[start : token.i])
            start = token.i + 1
    if start < sent.end:
        pieces.append(doc[start : sent.end])
    return pieces


def extract_claims(doc: Doc, quotes: Sequence[Quote] = ()) -> list[Claim]:
    """Claims, one per independent clause, ranked by check-worthiness, best first (ties in text order)."""
    in_order = sorted(quotes, key=lambda q: q.start)
    claims: list[Claim] = []
    for candidate in candidates(doc):
        clause = candidate.span
        value = round(candidate.features.probability, 4)
        text, start, end = _strip(clause)
        claims.append(
            Claim(
                text=text,
                score=value,
                checkworthy=value >= THRESHOLD,
                reasons=candidate.features.reasons(),
                attribution=_attribution(clause, in_order),
                hedged=bool(candidate.hedges),
                hedges=candidate.hedges,
                numbers=[f.text for f in figures(clause, candidate.ents)],
                start=start,
                end=end,
            )
        )
    return sorted(claims, key=lambda c: (-c.score, c.start))
