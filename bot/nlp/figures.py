"""Figure records: the figures a story asserts, filed so that they can be compared across stories.

Each counted quantity, amount of money, percentage or proportion in a sentence becomes a
:class:`~bot.models.FigureRecord`: its value normalised ("1.2 million", "1,200,000", "$85m", "85 million
dollars", "a third", "four in ten", "£3.5 billion", "50 per cent", "half"), the range its rounding and its
approximation allow, its unit or currency, what it measures and of whom, the period it is about (resolved
against the story's date) and who asserts it. Pure extraction from spaCy's parse: no Redis, no Slack.

**What a figure measures** is read from the parse, in three parts:

- the *family* of what is counted: the noun the number counts ("1,200 jobs"), the noun behind a "number of",
  "total of" or "toll" ("the number of affected positions at 1,450"), or for percentages and money the thing
  they are a share, a change or an amount of ("unemployment rose to 4.6%", "a deficit of $120 million").
  Nouns that count the same thing share a family through :data:`FAMILIES`, a small lexicon of synonyms
  (jobs, positions, posts, roles, workers, staff; deaths, fatalities, killed; ...). A generic noun
  ("people", "residents") takes its family from the verb: people killed are deaths, people laid off jobs;
- the *event*: what happened to it, from an event noun ("job cuts", "layoffs"), a participle on the noun
  ("affected positions", "new jobs") or the governing verb; verbs of one sense share a class through
  :data:`EVENTS` (cut, eliminate, lose, shed, axe are all "cut"). Verbs that only state a level or a total
  ("is", "stood at", "put ... at", "totalled") give no event, so "the death toll rose to 14" and "14 people
  were killed" are one measure;
- the *subject*: the name the figure is about: the owner or "of" phrase of what is measured ("Veridia's
  jobless rate", "the cost of the Skerry Bridge"), the clause's subject or passive agent ("Kestrel Bank
  will cut"), else the name its verb acts on ("regulators fined Ostler Water £12m"), a place in the measured
  phrase ("unemployment in Veridia"), or the subject of the clause the
  figure's clause hangs from. The subject of a verb that only gives a figure ("officials put the cost at")
  is its source and comes last. A clause with no name ("the authority", "the cuts", "it") is about the
  story's main subject: the first organisation or place a figure is about. Subjects are compared by their
  words (:func:`subject_key`); a name that is part of another ("Orland", "Orland Petroleum") matches it,
  since the NER often keeps only part of a name.

**Comparing**: two records conflict when they have matching subjects and the same family, event and unit,
neither is a part of a total, a forecast is not set against an outcome, their periods are compatible, and
their ranges (value ± rounding, widened by "about", "more than", "nearly") do not overlap: "about 1,200"
and "1,180" agree, "4.2%" and "4.6%" do not. A figure and its share differ in unit, a currency conversion
in currency.

Numbers, proportions and currencies are read by :mod:`bot.nlp.numbers` (price-parser finds currency
symbols; why quantulum3 is not used is said there), periods by :mod:`bot.nlp.periods` (on dateparser).
The lexicons are written from the language of news reports, not fitted to any corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.tokens import Doc, Span, Token

from bot.models import Claim, FigureRecord, FigureUnit, Period, Quote
from bot.nlp import periods
from bot.nlp.lexicon import NAME_TITLES, REPORTING_VERBS
from bot.nlp.numbers import (
    FRACTIONS,
    NAME_LABELS,
    SHARE_TOLERANCE,
    Figure,
    approximation,
    bounds,
    currency,
    ents_by_sentence,
    figures,
    parse_number,
    parse_share,
    rounding,
)

VERSION = "2"

#: Quote kinds whose speaker asserts what the quote says; a stance (a belief or an intention) does not.
ASSERTING_KINDS = frozenset({"direct", "mixed", "indirect"})

_FAMILY_WORDS = {
    "jobs": "job position post role worker employee staff staffer workforce headcount layoff redundancy",
    "deaths": "death fatality dead killed toll life",
    "injuries": "injury injured wounded",
    "homes": "home house dwelling flat apartment",
    "students": "student pupil schoolchild",
    "patients": "patient",
    "cases": "case infection",
    "troops": "troop soldier",
    "passengers": "passenger traveller traveler rider commuter",
    "visitors": "visitor tourist",
    "arrests": "arrest",
    "evacuees": "evacuee",
    "beds": "bed",
    "votes": "vote ballot",
    "teachers": "teacher",
    "nurses": "nurse",
    "doctors": "doctor physician",
    "flights": "flight",
    "vehicles": "vehicle car",
    "containers": "container teu",
}
#: Counted nouns (lemmas) and the measure family they belong to.
FAMILIES = {word: family for family, words in _FAMILY_WORDS.items() for word in words.split()}
#: Nouns that count people in general: the verb says what was counted ("12 people were killed").
GENERIC_COUNTED = frozenset(
    """people person resident individual civilian citizen adult child man woman member household family migrant
    refugee pedestrian cyclist motorist""".split()
)
#: Verbs that say what a generic count of people measures.
VERB_FAMILIES = {
    "kill": "deaths",
    "die": "deaths",
    "drown": "deaths",
    "perish": "deaths",
    "injure": "injuries",
    "wound": "injuries",
    "hurt": "injuries",
    "evacuate": "evacuees",
    "arrest": "arrests",
    "employ": "jobs",
    "hire": "jobs",
    "lay": "jobs",
    "sack": "jobs",
    "dismiss": "jobs",
    "recruit": "jobs",
}
_EVENT_WORDS = {
    "cut": "cut eliminate lose loss shed axe slash scrap sack dismiss layoff redundancy redundant reduce reduction "
    "trim abolish",
    "add": "create add hire recruit generate creation addition",
    "rise": "rise increase grow growth climb jump soar surge double triple raise boost gain",
    "fall": "fall drop decline slump plunge sink slide shrink dip decrease tumble halve",
    "close": "close closure shut",
    "save": "save saving",
}
#: Verbs and event nouns (lemmas) and the event class they name.
EVENTS = {word: event for event, words in _EVENT_WORDS.items() for word in words.split()}
#: Verbs that state a level, a total or an estimate rather than an event: their figures have no event.
NEUTRAL = frozenset(
    """be have put say reach total number stand hit estimate give report count record show set remain include
    involve make see employ top exceed near approach amount come rise fall climb drop confirm register log
    identify""".split()
) - {"rise", "fall", "climb", "drop"}
#: Verbs of throughput and of state: what a place or service handled, or how many are in a state, is a total
#: ("the airport handled 8.4 million passengers", "52,000 patients are waiting"), not an event.
THROUGHPUT = frozenset("handle carry serve welcome attract receive process treat host transport wait stay live".split())
#: Verbs that say when a source was published or filed: their dates are not the time a figure is about.
PUBLISHING_VERBS = frozenset("publish release issue post file unveil circulate leak".split())
#: Verbs whose subject gives a figure rather than being what it is about ("officials put the cost at").
SOURCE_VERBS = frozenset("put estimate give say report confirm record count register log identify".split())
#: Events that only make sense for one family: positions "affected" or jobs that "go" are jobs cut; in a
#: death toll, being killed or dying is what is counted, not an event of its own.
FAMILY_EVENTS: dict[str, dict[str, str | None]] = {
    "jobs": {
        "affect": "cut",
        "affected": "cut",
        "threaten": "cut",
        "go": "cut",
        "risk": "cut",
        "lay": "cut",
        "new": "add",
        "employ": None,
        "cost": "cut",
        "redundant": "cut",
    },
    "deaths": {"kill": None, "die": None, "claim": None, "lose": None, "confirm": None, "rise": None, "reach": None},
}
#: Nouns that stand for a count of something else ("the number of positions", "a total of 300 jobs").
META_NOUNS = frozenset("number total tally count figure sum amount level estimate".split())
#: Measures of money, from the noun or the verb that says what the amount is.
_MONEY_WORDS = {
    "savings": "save saving savings",
    "cost": "cost spend spending expenditure bill price",
    "budget": "budget",
    "deficit": "deficit shortfall gap",
    "revenue": "revenue income sales turnover earn",
    "profit": "profit earnings",
    "loss": "loss lose",
    "investment": "investment invest",
    "debt": "debt borrow borrowing loan",
    "funding": "funding fund grant",
    "fine": "fine penalty",
    "value": "worth value valuation",
    "pay": "pay payment salary wage compensation",
    "tax": "tax taxes",
}
MONEY_FAMILIES = {word: family for family, words in _MONEY_WORDS.items() for word in words.split()}
#: Names of the same rate or index.
ANCHOR_ALIASES = {
    "unemployment": "unemployment rate",
    "jobless rate": "unemployment rate",
    "joblessness": "unemployment rate",
    "inflation rate": "inflation",
    "turnout rate": "turnout",
    "voter turnout": "turnout",
}
#: Units of time and repetition: "three years" and "two times" are not figures to compare.
DURATIONS = frozenset("second minute hour day night week month year decade century time age".split())
#: Verbs and modals that make a figure a forecast or an expectation rather than an outcome.
FORECAST_WORDS = frozenset("forecast project predict expect anticipate could may might projection outlook".split())
#: Words of a name that do not tell it apart: articles and legal forms ("Brennock Paper Ltd" is Brennock Paper).
GENERIC_NAME_WORDS = frozenset("the of and for a an inc ltd plc llc corp corporation co".split())
#: Modifiers that make a figure count part of a whole ("the first 300", "another 500").
PART_WORDS = frozenset("first last second third next additional another other remaining extra initial further".split())
SUBJECT_LABELS = frozenset({"ORG", "GPE", "PERSON", "NORP", "FAC", "LOC", "PRODUCT"})
_MAIN_LABELS = frozenset({"ORG", "GPE", "FAC", "NORP", "LOC"})
_PERCENT_WORDS = frozenset({"%", "percent", "pct", "pc"})
_SCALE_TOKENS = frozenset("m bn mn tn k million billion trillion thousand".split())
_PERIOD_PREPS = frozenset({"by", "since", "until", "till", "before", "after", "within", "from", "between", "through"})
_CHANGES = frozenset({"rise", "fall", "cut", "add"})
_WHEN = frozenset({"DATE", "TIME"})
_LEXICON_FAMILIES = frozenset([*_FAMILY_WORDS, *VERB_FAMILIES.values(), *_MONEY_WORDS, "people"])
#: How an event class reads after its noun ("libraries closed").
_EVENTS_SHOWN = {"add": "added", "close": "closed", "save": "saved"}
_KNOWN_VERBS = frozenset([*EVENTS, *VERB_FAMILIES, *NEUTRAL, *THROUGHPUT, *MONEY_FAMILIES, *SOURCE_VERBS])
_DIGIT = re.compile(r"\d")
#: Days either side of a period within which a story without a date of its own is taken to be about it.
PERIOD_SLACK = timedelta(days=7)


@dataclass(frozen=True)
class _Quantity:
    """A figure's words and value before its measure is read."""

    span: Span
    value: float
    unit: FigureUnit
    currency: str | None
    spread: float
    approximation: str | None


@dataclass
class _Draft:
    quantity: _Quantity
    family: str
    event: str | None
    counted: str | None
    subject: Span | None
    change: bool
    subset: bool
    forecast: bool
    future: bool
    per: str | None
    period: Period | None
    sentence: Span


def extract(
    doc: Doc, quotes: Sequence[Quote] = (), claims: Sequence[Claim] = (), *, reference: date
) -> list[FigureRecord]:
    """The figures a parsed story asserts, in text order; ``reference`` is the story's date."""
    drafts: list[_Draft] = []
    sentence_ents = ents_by_sentence(doc)
    for sent in doc.sents:
        found = figures(sent, sentence_ents.get(sent.start, []))
        dates = [f for f in found if f.kind == "date"]
        quantities = _quantities(sent, found)
        for quantity in quantities:
            draft = _read(quantity, sent, dates, len(quantities), reference)
            if draft is not None:
                drafts.append(draft)
    main = _main_subject(doc, drafts)
    return [_record(d, main, quotes, claims, reference) for d in drafts]


def story_date(published: str | None, fallback: date) -> date:
    """The date a story's relative dates are read against: its publication date when known, else ``fallback``."""
    if published:
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", published.strip())
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
    return fallback


# -- values -----------------------------------------------------------------------------------------------


def _quantities(sent: Span, found: list[Figure]) -> list[_Quantity]:
    shares = _shares(sent)
    taken = {i for q in shares for i in range(q.span.start, q.span.end)}
    result = list(shares)
    for fig in found:
        if fig.kind != "quantity" or any(i in taken for i in range(fig.span.start, fig.span.end)):
            continue
        quantity = _amount(fig.span)
        if quantity is not None:
            result.append(quantity)
            taken.update(range(quantity.span.start, quantity.span.end))
    for token in sent:
        if not (token.like_num or _DIGIT.search(token.text)) or token.i in taken:
            continue
        if token.ent_type_ in _WHEN or token.ent_type_ in NAME_LABELS:
            continue
        # what the NER and the tagger missed: "Eleven people died", "€51.6bn"
        spelled = token.is_alpha and token.dep_ == "nummod" and token.lower_ != "one"
        if spelled or (_DIGIT.search(token.text) and parse_number([token.text]) is not None):
            quantity = _amount(sent.doc[token.i : token.i + 1])
            if quantity is not None:
                result.append(quantity)
                taken.update(range(quantity.span.start, quantity.span.end))
    return sorted(result, key=lambda q: q.span.start)


def _shares(sent: Span) -> list[_Quantity]:
    """Proportions written in words: "a third", "two-thirds", "four in ten", "half"."""
    found: list[_Quantity] = []
    doc = sent.doc
    i = sent.start
    while i < sent.end:
        token = doc[i]
        span: Span | None = None
        lower = token.lower_
        if not (token.like_num or lower == "half" or lower.split("-")[-1] in FRACTIONS) or token.ent_type_ in _WHEN:
            i += 1
            continue
        nxt = doc[i + 1] if i + 1 < sent.end else None
        if token.like_num and nxt is not None and nxt.lower_ in ("in", "out"):
            end = i + 3 if nxt.lower_ == "in" else i + 4
            if end <= sent.end and doc[end - 1].like_num:
                span = doc[i:end]
        elif token.lower_.split("-")[-1] in FRACTIONS and token.lower_ not in ("half", "halves"):
            if "-" in token.text:
                span = doc[i : i + 1]
            elif i - 2 >= sent.start and doc[i - 1].text == "-" and doc[i - 2].like_num:
                span = doc[i - 2 : i + 1]  # "Two", "-", "thirds"
            elif i > sent.start and (doc[i - 1].like_num or doc[i - 1].lower_ in ("a", "an", "one")):
                span = doc[i - 1 : i + 1]
            if span is not None and nxt is not None and nxt.pos_ in ("NOUN", "ADJ", "PROPN"):
                span = None  # "a third term", "a quarter century"
        elif (
            token.lower_ == "half"
            and (nxt is None or nxt.lower_ in ("of", "the", "its", "their", ".", ","))
            and (i == sent.start or doc[i - 1].lower_ not in ("first", "second", "last", "a", "one"))
        ):
            span = doc[i : i + 1]
        if span is not None and (value := parse_share([t.text for t in span])) is not None:
            found.append(
                _Quantity(
                    span=span,
                    value=value,
                    unit="percent",
                    currency=None,
                    spread=value * SHARE_TOLERANCE,
                    approximation=approximation([t.text for t in doc[max(sent.start, span.start - 3) : span.start]]),
                )
            )
            i = span.end
            continue
        i += 1
    return found


def _amount(span: Span) -> _Quantity | None:
    """A count, amount of money or percentage, its span grown over a currency sign and a scale ("$", "85", "m")."""
    doc, sent = span.doc, span.sent
    start, end = span.start, span.end
    while start > sent.start and (doc[start - 1].is_currency or doc[start - 1].text.lower().endswith("$")):
        start -= 1
    while end < sent.end and (
        doc[end].lower_ in _SCALE_TOKENS
        or doc[end].lower_ in _PERCENT_WORDS
        or (doc[end].lower_ == "per" and end + 1 < sent.end and doc[end + 1].lower_ == "cent")
        or (doc[end].lower_ == "cent" and doc[end - 1].lower_ == "per")
        or (doc[end].lower_ in ("percentage", "points", "point") and end > span.start)
        or (doc[end].is_alpha and currency(doc[end].text) is not None)
    ):
        end += 1
    span = doc[start:end]
    words = [t.text for t in span]
    lowered = [w.lower() for w in words]
    before = [t.text for t in doc[max(sent.start, start - 3) : start]] + words
    approx = approximation(before)
    numerals = [w for w in words if w.lower() not in approx.split()] if approx else words
    value = parse_number([w for w in numerals if not w.lower().endswith("$") and w.lower() not in ("per", "cent")])
    if value is None:
        return None
    unit: FigureUnit = "count"
    money = None
    if "point" in lowered or "points" in lowered:
        unit = "points"
    elif any(w in _PERCENT_WORDS or w.endswith("%") for w in lowered) or "cent" in lowered:
        unit = "percent"
    elif (money := currency(span.text)) is not None:
        unit = "money"
    return _Quantity(span=span, value=value, unit=unit, currency=money, spread=rounding(value), approximation=approx)


# -- measures ---------------------------------------------------------------------------------------------


def _governor(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


def _child(token: Token, *deps: str, word: str | None = None) -> Token | None:
    for child in token.children:
        if child.dep_ in deps and (word is None or child.lower_ == word):
            return child
    return None


def _of_object(token: Token) -> Token | None:
    of = _child(token, "prep", word="of")
    return _child(of, "pobj") if of is not None else None


def _verb_word(verb: Token) -> str:
    """A verb's lemma, "lay" for "lay off" kept as "lay" (a particle does not change the class).

    The lemmatiser sometimes drops the final "e" of a past participle it does not know ("fined" as "fin"):
    a lemma no lexicon here knows is read with its "e" when that is a verb they know.
    """
    lemma = verb.lemma_.lower()
    if lemma not in _KNOWN_VERBS and lemma + "e" in _KNOWN_VERBS and verb.lower_.endswith("ed"):
        return lemma + "e"
    return lemma


def _name(noun: Token) -> str:
    """A noun with its compound modifiers, lemmatised: "container traffic", "unemployment rate"."""
    parts = [
        c.lemma_.lower()
        for c in noun.children
        if c.dep_ == "compound" and c.i < noun.i and c.pos_ != "PROPN" and c.is_alpha and not c.like_num
    ]
    if noun.lemma_.lower() in ("rate", "level", "index", "share", "proportion", "percentage"):
        parts += [c.lemma_.lower() for c in noun.children if c.dep_ == "amod" and c.i < noun.i]
    name = " ".join([*parts, noun.lemma_.lower()])
    return ANCHOR_ALIASES.get(name, ANCHOR_ALIASES.get(noun.lemma_.lower(), name))


def _resolve_meta(noun: Token) -> Token:
    """The noun a "number of", "total of" or "tally of" stands for."""
    if noun.lemma_.lower() in META_NOUNS and (inner := _of_object(noun)) is not None:
        return inner
    return noun


def _read(quantity: _Quantity, sent: Span, dates: list[Figure], count: int, reference: date) -> _Draft | None:
    root = quantity.span.root
    head = root.head
    holder: Token | None = None
    modifier = root.dep_ in ("nummod", "compound", "amod", "nmod", "quantmod", "npadvmod")
    if modifier and head.pos_ in ("NOUN", "PROPN") and head.i >= quantity.span.end:
        holder = head
    following = root.doc[quantity.span.end] if quantity.span.end < sent.end else None
    if (
        quantity.unit == "percent"
        and following is not None
        and following.pos_ == "NOUN"
        and quantity.span.end - 1 != root.i
    ):
        holder = following  # "three in five pupils": the parse often hangs the noun off the second number
    if holder is None and root.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        holder = head.head  # "a deficit of $120 million", "a rise of 18 percent"
    of_object = _of_object(root)
    verb = _governor(holder if holder is not None else root)
    if verb is not None and any(c.dep_ == "neg" for c in verb.children):
        return None
    prep = head.lower_ if root.dep_ == "pobj" else None
    subset = (
        any(_part(t) for t in quantity.span.root.children)
        or (holder is not None and any(_part(c) and c.i < quantity.span.start for c in holder.children))
        or (following is not None and following.lower_ in ("more", "additional", "extra", "further"))
    )
    if of_object is not None and any(c.like_num for c in of_object.subtree):
        subset = True  # "300 of the 1,200 jobs"
    arguments = _arguments(verb, root, holder) if verb is not None else []

    counted: Token | None = None
    anchor: Token | None = None
    if quantity.unit == "count":
        inner = [t for t in quantity.span if t.pos_ == "NOUN" and not t.like_num and t.lower_ not in _SCALE_TOKENS]
        counted = inner[-1] if inner else holder if holder is not None else of_object
        if counted is None and prep in ("at", "to", "as", None) and arguments:
            counted = arguments[0]
        if counted is None:
            return None
        counted = _resolve_meta(counted)
        if counted.lemma_.lower() in DURATIONS or counted.pos_ not in ("NOUN", "PROPN", "ADJ", "VERB"):
            return None
    elif quantity.unit == "money":
        anchor = holder if holder is not None else (arguments[0] if arguments and _neutral(verb) else None)
    else:
        anchor = of_object or holder or (arguments[0] if arguments else None)
        if anchor is not None:
            anchor = _resolve_meta(anchor)

    family, event = _measure(quantity, counted, anchor, verb)
    if family is None:
        return None
    own = holder if holder is not None else root
    if own.dep_ == "pobj" and own.head.lower_ == "of" and own.head.head.like_num:
        event = None  # "60 of its 180 branches": the whole a part is taken from, not what the verb did
    level = prep in ("to", "at") or (verb is not None and _neutral(verb))
    change = (
        quantity.unit != "count"
        and not level
        and (
            event in ("rise", "fall", "cut", "add")
            or (holder is not None and EVENTS.get(holder.lemma_.lower()) in ("rise", "fall"))
        )
    )
    if quantity.unit != "count" and level:
        event = None
    per, period = _period(quantity, sent, dates, verb, holder or root, count, reference)
    subject = _subject(verb, root, holder, anchor or counted)
    return _Draft(
        quantity=quantity,
        family=family,
        event=event,
        counted=counted.text if counted is not None else None,
        subject=subject,
        change=change,
        subset=subset,
        forecast=_forecast(root),
        future=_future(verb),
        per=per,
        period=period,
        sentence=sent,
    )


def _part(token: Token) -> bool:
    """A word that makes a count part of a whole: "the first 300", "another 60", "300 more" (not "more than")."""
    if token.lower_ == "more":
        return token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ != "than"
    return token.lower_ in PART_WORDS


def _neutral(verb: Token | None) -> bool:
    return verb is not None and (_verb_word(verb) in NEUTRAL or _verb_word(verb) in THROUGHPUT)


def _arguments(verb: Token, root: Token, holder: Token | None) -> list[Token]:
    """The verb's other nominal arguments, object first: what a bare figure ("at 1,450", "to 4.6%") is of."""
    own = holder if holder is not None else root
    found = []
    for dep in ("dobj", "nsubjpass", "nsubj", "attr"):
        children = [c for c in verb.children if c.dep_ == dep and c != own and own not in c.subtree]
        nominal = (c for c in children if c.pos_ not in ("PRON", "NUM", "DET", "PUNCT"))
        found += sorted(nominal, key=lambda c: abs(c.i - verb.i))
    if verb.dep_ == "xcomp" and not any(c.dep_.startswith("nsubj") for c in verb.children):
        # "the economy is expected to grow 2.1%": the subject of "expected" is the subject of "grow"
        found += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")]
    return found


def _measure(
    quantity: _Quantity, counted: Token | None, anchor: Token | None, verb: Token | None
) -> tuple[str | None, str | None]:
    """The family of what a figure measures and the event, from the counted noun or anchor and the verb."""
    words: list[str] = []
    if quantity.unit == "count":
        assert counted is not None
        lemma = counted.lemma_.lower()
        family = FAMILIES.get(lemma)
        if lemma in EVENTS or (family == "jobs" and lemma in ("layoff", "redundancy")):
            words.append(lemma)
            inner = _child(counted, "compound") or _of_object(counted)
            if inner is not None and family is None:
                family = FAMILIES.get(inner.lemma_.lower(), inner.lemma_.lower())
        if family is None and lemma in GENERIC_COUNTED:
            family = VERB_FAMILIES.get(_verb_word(verb), "people") if verb is not None else "people"
        if family is None:
            family = lemma
        words += [c.lemma_.lower() for c in counted.children if c.dep_ == "amod"]
        words += [c.lower_ for c in counted.children if c.dep_ == "amod"]
        if counted.dep_ == "pobj" and counted.head.lower_ == "of" and counted.head.head.pos_ == "NOUN":
            words.append(counted.head.head.lemma_.lower())  # "with the loss of 780 jobs"
        if any(o.lower_ == "risk" for t in (counted, verb) for o in _preps(t, ("at",))):
            words.append("risk")  # "putting 260 jobs at risk"
        if verb is not None:
            objects = [c for c in verb.children if c.dep_ in ("dobj", "oprd", "acomp", "ccomp") and c != counted]
            words += [c.lemma_.lower() for c in objects]
            if any(FAMILIES.get(c.lemma_.lower()) == "jobs" or c.lower_ == "redundant" for c in objects):
                family = "jobs"  # "85 drivers losing their jobs", "made 85 drivers redundant"
        if "redundant" in words:
            family = "jobs"
    elif quantity.unit == "money":
        if any(t.lower_ in ("worth", "valued", "value") for t in quantity.span.root.ancestors):
            return "value", None  # "a deal worth €1.4bn", "the purchase is valued at ..."
        money_word = _money_word(quantity.span.root, anchor, verb)
        if money_word is not None:
            return money_word, None
        if anchor is not None:
            family = MONEY_FAMILIES.get(anchor.lemma_.lower(), anchor.lemma_.lower())
        elif verb is not None:
            family = MONEY_FAMILIES.get(_verb_word(verb), _verb_word(verb))
            if _verb_word(verb) in MONEY_FAMILIES:
                return family, None  # "would save $85m": the verb named the measure
        else:
            return None, None
        if anchor is not None and anchor.lemma_.lower() in EVENTS:
            words.append(anchor.lemma_.lower())
    else:
        if anchor is None:
            return None, None
        family = FAMILIES.get(anchor.lemma_.lower()) or _name(anchor)
        if anchor.lemma_.lower() in EVENTS:
            words.append(anchor.lemma_.lower())
            inner = _child(anchor, "prep", word="in")
            inner_object = _child(inner, "pobj") if inner is not None else None
            if inner_object is not None:
                family = _name(inner_object)
    if verb is not None:
        words += [c.lemma_.lower() for c in verb.children if c.dep_ in ("acomp", "oprd")]  # "made redundant"
        named = VERB_FAMILIES.get(_verb_word(verb)) == family
        if named and _verb_word(verb) not in EVENTS and _verb_word(verb) not in FAMILY_EVENTS.get(family or "", {}):
            return family, None  # "12 people were injured": the verb said what was counted
        words.append(_verb_word(verb))
    overrides = FAMILY_EVENTS.get(family or "", {})
    for word in words:
        if word in overrides:
            return family, overrides[word]
        if word in EVENTS and (quantity.unit == "count" or EVENTS[word] in _CHANGES):
            return family, EVENTS[word]
    if verb is None or _neutral(verb) or quantity.unit != "count":
        return family, None  # an amount or a rate changes (rise, fall, cut, add) or is a level
    return family, _verb_word(verb)


def _money_word(root: Token, anchor: Token | None, verb: Token | None) -> str | None:
    """A measure of money named around an amount: "in income tax", "tax receipts", "for the project's cost"."""
    near: list[Token] = []
    for token in (root, anchor, verb):
        if token is None:
            continue
        for prep in token.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "on") and (pobj := _child(prep, "pobj")) is not None:
                near.append(pobj)
    if anchor is not None:
        near.append(anchor)
    for noun in near:
        for word in [noun, *(c for c in noun.children if c.dep_ == "compound")]:
            family = MONEY_FAMILIES.get(word.lemma_.lower())
            if family is not None:
                return family
    return None


def _forecast(root: Token) -> bool:
    for token in [root, *root.ancestors]:
        if token.lemma_.lower() in FORECAST_WORDS:
            return True
        if token.pos_ in ("VERB", "AUX") and any(
            c.dep_ == "aux" and c.lower_ in ("could", "may", "might") for c in token.children
        ):
            return True
    return False


def _future(verb: Token | None) -> bool:
    if verb is None:
        return False
    for token in [verb, *verb.ancestors][:3]:
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("will", "'ll", "shall") for c in token.children):
            return True
        if token.lemma_.lower() in REPORTING_VERBS or token.dep_ not in (
            "xcomp",
            "ccomp",
            "acl",
            "advcl",
            "pcomp",
            "prep",
            "pobj",
        ):
            break
    return False


def _period(
    quantity: _Quantity, sent: Span, dates: list[Figure], verb: Token | None, own: Token, count: int, reference: date
) -> tuple[str | None, Period | None]:
    """The rate a figure is given for ("a year") and the period it is about, from the dates of its clause."""
    doc = sent.doc
    after = doc[quantity.span.end : min(sent.end, quantity.span.end + 2)]
    per = after[-1].lower_ if len(after) == 2 and periods.is_rate(after.text) else None
    mine: list[Figure] = []
    for fig in dates:
        text = fig.text
        if periods.is_rate(text):
            if fig.span.start >= quantity.span.end and fig.span.start - quantity.span.end <= 2:
                per = text.split()[-1].lower()
            continue
        inside = fig.span.root in own.subtree
        governor = _governor(fig.span.root)
        told = governor is not None and governor.lemma_.lower() in REPORTING_VERBS | PUBLISHING_VERBS
        if not inside and governor != verb and told:
            continue  # "..., the company said on Thursday", "papers published on Tuesday": not the figure's time
        if inside or (verb is not None and governor == verb) or count == 1:
            mine.append(fig)
    if not mine:
        return per, None
    nearest = min(mine, key=lambda f: abs(f.span.start - quantity.span.start))
    text = nearest.text
    root = nearest.span.root
    if root.dep_ == "pobj" and root.head.lower_ in _PERIOD_PREPS and root.head.i < nearest.span.start:
        text = f"{root.head.text} {text}"
    ahead = _future(verb) or text.lower().startswith(("from ", "until ", "till "))
    return per, periods.resolve(text, reference, prefer="future" if ahead else "past")


# -- subjects ---------------------------------------------------------------------------------------------


#: Common nouns that name an institution by place ("Westmere council", "Calloway port"): part of its name.
INSTITUTIONS = frozenset(
    """port airport council hospital bank university school academy college police government ministry
    authority company firm club court prison station plant mill factory county province state city""".split()
)


def _name_tokens(token: Token) -> list[Token]:
    """The words that name what a noun phrase is: its head when it is a name or an institution, the
    capitalised modifiers before it ("Westmere council", "Veridia's economy"), and an "of" name ("Port of
    Calloway")."""
    found = [
        t
        for t in token.children
        if t.dep_ in ("compound", "nmod", "poss") and t.i < token.i and _capitalised(t) and t.ent_type_ not in _WHEN
    ]
    found += [g for t in list(found) for g in t.children if g.dep_ == "compound" and _capitalised(g)]
    head_named = token.pos_ == "PROPN" or (token.lower_ in INSTITUTIONS and bool(found))
    if token.pos_ == "PROPN" or token.ent_type_ in SUBJECT_LABELS:
        of = _child(token, "prep", word="of")
        inner = _child(of, "pobj") if of is not None else None
        if of is not None and inner is not None and inner.pos_ == "PROPN":
            found += [of, inner, *(c for c in inner.children if c.dep_ == "compound")]
            head_named = True
    if head_named:
        found.append(token)
    return sorted(found, key=lambda t: t.i)


def _capitalised(token: Token) -> bool:
    """A capitalised word that is a name, not just the first word of a sentence ("State officials"); before
    an institution ("Westmere council") a capitalised first word is taken for a name."""
    if not token.is_title:
        return False
    named = token.pos_ == "PROPN" or bool(token.ent_type_) or token.head.lower_ in INSTITUTIONS
    return named or token.i != token.sent.start


def _name_of(token: Token) -> Span | None:
    """The name a noun phrase gives its head: a named entity over its name words, else those words."""
    words = _name_tokens(token)
    if not words:
        return None
    doc = token.doc
    span = doc[words[0].i : words[-1].i + 1]
    for ent in doc[max(0, span.start - 1) : span.end + 1].ents:
        if ent.label_ in SUBJECT_LABELS and ent.start <= span.start and ent.end >= span.end:
            return ent
    return span


def _preps(token: Token | None, words: tuple[str, ...]) -> list[Token]:
    if token is None:
        return []
    return [
        o for c in token.children if c.dep_ == "prep" and c.lower_ in words and (o := _child(c, "pobj")) is not None
    ]


def _subject(verb: Token | None, root: Token, holder: Token | None, measured: Token | None) -> Span | None:
    """The name a figure is about: what its measure is "of" ("the cost of the Skerry Bridge"), the clause's
    subject or agent ("Kestrel Bank will cut"), or a place or name in the measured phrase ("unemployment in
    Veridia", "Veridia's jobless rate"). The subject of a verb that only gives a figure ("officials put the
    number at") is its source, and comes last."""
    agents: list[Token] = []
    recipients: list[Token] = []
    if verb is not None:
        clause = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
        for child in [c for v in clause for c in sorted(v.children, key=lambda c: abs(c.i - v.i))]:
            if child.dep_ in ("nsubj", "nsubjpass") and root not in child.subtree:
                agents.append(child)
            if child.dep_ == "agent" and (pobj := _child(child, "pobj")) is not None:
                agents.append(pobj)
            if child.dep_ in ("dative", "dobj") and root not in child.subtree and child != holder:
                # "regulators fined Ostler Water £12m", "the council awarded Pellow Theatre a grant of £2.2m"
                recipients.append(child)
    owners = [c for t in (measured, holder) if t is not None for c in t.children if c.dep_ == "poss"]
    of = [o for t in (measured, holder, root) for o in _preps(t, ("of",))]
    places = [o for t in (measured, holder, root) for o in _preps(t, ("in", "at", "for", "from"))]
    places += _preps(verb, ("in", "at", "off", "near"))  # "drowned off Vardenne", "crashed near Ashgrove"
    source = verb is not None and _verb_word(verb) in SOURCE_VERBS
    candidates = owners + of + (places + agents + recipients if source else agents + recipients + places)
    for candidate in candidates:
        if candidate.ent_type_ in ("DATE", "TIME") or candidate == measured:
            continue
        name = _name_of(candidate)
        if name is None and candidate in agents:
            # "health officials in Rensford": the place the agent belongs to
            name = next((n for o in _preps(candidate, ("in", "of", "at")) if (n := _name_of(o)) is not None), None)
        if name is not None and root not in name and (measured is None or measured not in name):
            return name
    if measured is not None and (name := _name_of(measured)) is not None and name.root != measured:
        return name  # "Veridia's jobless rate", "Dellmoor's nurses"
    matrix = verb
    while matrix is not None and matrix.dep_ in ("advcl", "pcomp", "xcomp", "conj", "acl"):
        # "Quillan Retail will shut the depot, with 420 workers losing their jobs": the matrix clause's subject
        matrix = _governor(matrix)
        if matrix is None or matrix.lemma_.lower() in REPORTING_VERBS:
            break
        for child in matrix.children:
            if child.dep_ in ("nsubj", "nsubjpass") and (name := _name_of(child)) is not None:
                return name
    return None


def _main_subject(doc: Doc, drafts: list[_Draft]) -> Span | None:
    """What a story's figures are about when their clause does not say: the first organisation or place a
    figure is about, else the organisation or place the story names most often."""
    for draft in drafts:
        if draft.subject is not None and draft.subject.label_ in _MAIN_LABELS:
            return draft.subject
    counts: dict[str, int] = defaultdict(int)
    first: dict[str, Span] = {}
    for ent in doc.ents:
        if ent.label_ in _MAIN_LABELS and ent.text.isupper() is False:
            key = subject_key(ent.text)
            counts[key] += 1
            first.setdefault(key, ent)
    if counts:
        return first[max(counts, key=lambda k: (counts[k], -first[k].start))]
    return next((d.subject for d in drafts if d.subject is not None), None)


def clean_subject(text: str) -> str:
    """A subject as shown: no leading "the", no possessive."""
    words = re.sub(r"(?:'s|’s|'|’)$", "", " ".join(text.split())).split()
    while words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def subject_key(text: str, label: str | None = None) -> str:
    """A subject as memory files it: the words that tell it apart, lower-cased and sorted.

    "the Port of Calloway", "Calloway Port Authority" and "Calloway's port" are all ``calloway port``; a
    person's title is dropped ("Mayor Tom Becker" is ``becker tom``).
    """
    words: list[str] = re.findall(r"[a-z0-9]+", re.sub(r"(?:'s|’s)\b", "", text.lower()))
    if label == "PERSON":
        words = [w for w in words if w not in NAME_TITLES]
    kept = sorted({w for w in words if w not in GENERIC_NAME_WORDS})
    return " ".join(kept or words)


# -- records ----------------------------------------------------------------------------------------------


def _speaker(start: int, quotes: Sequence[Quote], claims: Sequence[Claim]) -> str | None:
    """Who asserts what is written at ``start``: the speaker of the quote it is in, else the claim's source."""
    for quote in quotes:
        parts = quote.spans or [(quote.start, quote.end)]
        if any(a <= start < b for a, b in parts):
            return (quote.speaker or quote.speaker_mention) if quote.kind in ASSERTING_KINDS else None
    for claim in claims:
        if claim.start <= start < claim.end:
            return claim.attribution
    return None


def _measure_name(family: str, event: str | None, change: bool, counted: str | None) -> str:
    """What a figure measures, as a reader would say it: "jobs cut", "sailings cut", "libraries closed".

    A family of the lexicons is named by the family ("jobs" for positions); any other count by its noun as the
    story wrote it.
    """
    name = family
    if family not in _LEXICON_FAMILIES and counted and counted.replace("-", "").isalpha():
        name = counted.lower()
    if event is None:
        return f"{name} (change)" if change else name
    return f"{name} {_EVENTS_SHOWN.get(event, event)}"


def _record(
    draft: _Draft, main: Span | None, quotes: Sequence[Quote], claims: Sequence[Claim], reference: date
) -> FigureRecord:
    quantity = draft.quantity
    subject = draft.subject if draft.subject is not None else main
    low, high = bounds(quantity.value, quantity.approximation, quantity.spread)
    sent = draft.sentence
    text = quantity.span.text
    if quantity.approximation and not text.lower().startswith(quantity.approximation):
        text = f"{quantity.approximation} {text}"
    return FigureRecord(
        text=text,
        value=quantity.value,
        low=low,
        high=high,
        unit=quantity.unit,
        currency=quantity.currency,
        per=draft.per,
        approximation=quantity.approximation,
        change=draft.change,
        subset=draft.subset,
        forecast=draft.forecast,
        future=draft.future,
        subject=clean_subject(subject.text) if subject is not None else None,
        subject_key=subject_key(subject.text, subject.label_) if subject is not None else "",
        measure=_measure_name(draft.family, draft.event, draft.change, draft.counted),
        family=draft.family,
        event=draft.event,
        counted=draft.counted,
        period=draft.period,
        reference=reference,
        asserted_by=_speaker(quantity.span.start_char, quotes, claims),
        sentence=sent.text.strip(),
        sentence_start=sent.start_char + len(sent.text) - len(sent.text.lstrip()),
        start=quantity.span.start_char,
        end=quantity.span.end_char,
    )


# -- comparing --------------------------------------------------------------------------------------------


def periods_compatible(a: FigureRecord, b: FigureRecord) -> bool:
    """Whether two figures can be about the same time.

    Two periods must overlap. A figure without one is about the time of its story: it is compatible with a
    period that includes its story's date (give or take :data:`PERIOD_SLACK`), or, said in the future tense,
    with one that has not ended by then; and with another undated one.
    """
    if a.period is not None and b.period is not None:
        return a.period.start <= b.period.end and b.period.start <= a.period.end
    if a.period is None and b.period is None:
        return True
    dated, other = (a, b) if a.period is not None else (b, a)
    assert dated.period is not None
    if other.future:  # "will cut 510 jobs": from the story's date on
        return dated.period.end + PERIOD_SLACK >= other.reference
    return dated.period.start - PERIOD_SLACK <= other.reference <= dated.period.end + PERIOD_SLACK


def subjects_match(a: str, b: str) -> bool:
    """Whether two subject keys can name the same subject: the same words, or one's words among the other's.

    The NER often keeps only part of a name ("Orland" for "Orland Petroleum"); a shorter key that is part
    of a longer one is taken for the same subject. A figure without a subject matches only another.
    """
    if a == b:
        return True
    words_a, words_b = set(a.split()), set(b.split())
    return bool(words_a and words_b) and (words_a <= words_b or words_b <= words_a)


def comparable(a: FigureRecord, b: FigureRecord) -> bool:
    """Same subject, measure and unit, both whole figures of the same kind, about the same time.

    A forecast is compared with a forecast or a plan ("expected to cost", "will cost"), never with an
    outcome ("cost").
    """
    same_kind = a.forecast == b.forecast or (a.forecast and b.future) or (b.forecast and a.future)
    return (
        subjects_match(a.subject_key, b.subject_key)
        and a.family == b.family
        and a.event == b.event
        and a.unit == b.unit
        and a.currency == b.currency
        and a.per == b.per
        and a.change == b.change
        and same_kind
        and not (a.subset or b.subset)
        and periods_compatible(a, b)
    )


def differ(a: FigureRecord, b: FigureRecord) -> bool:
    """Whether two values differ beyond what their rounding and approximation allow."""
    return a.high < b.low or b.high < a.low


def conflict(a: FigureRecord, b: FigureRecord) -> bool:
    """Whether two figures say different things about the same measure of the same subject at the same time."""
    return comparable(a, b) and differ(a, b)


def index_keys(record: FigureRecord) -> list[str]:
    """What memory files a figure under and looks it up by: each word of its subject with its family, unit
    and currency, so that a lookup finds the subjects :func:`subjects_match` accepts."""
    words = record.subject_key.split() or [""]
    return ["|".join((word, record.family, record.unit, record.currency or "")) for word in words]


def conflicts_within(records: Iterable[FigureRecord]) -> list[tuple[FigureRecord, FigureRecord]]:
    """Pairs of one story's figures that conflict, from different sentences, each pair of values once."""
    groups: dict[tuple[str, str, str | None], list[FigureRecord]] = defaultdict(list)
    for record in records:
        groups[(record.family, record.unit, record.currency)].append(record)
    found: list[tuple[FigureRecord, FigureRecord]] = []
    seen: set[tuple[str, float, float]] = set()
    for group in groups.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.sentence_start == b.sentence_start or not conflict(a, b):
                    continue
                key = (a.measure, min(a.value, b.value), max(a.value, b.value))
                if key not in seen:
                    seen.add(key)
                    found.append((a, b))
    return sorted(found, key=lambda pair: (pair[0].start, pair[1].start))
