"""Quotes and attribution: who said (or thinks) what, in which words, with which cue.

Approach. Quotation marks are found first, in one pass over the text, then each cue is read off
spaCy's dependency parse. Everything is linear in the length of the document.

1. Marks (bot.nlp.marks): every house style's quotation marks, paired within a paragraph or over
   paragraphs that reopen a quote; single marks are told from apostrophes by position.
2. Direct quotes. A quotation that reads as a statement (a clause, or eight words or more, or any
   quotation framed by a cue: "'Probably,' she said") and does not sit inside a clause
   (`said the plan "will fail"`, `said "I held" the families`) takes as its cue a speech or cognition
   verb in its paragraph linked to it by the parse ("X," she said / She said: "X"), else the nearest
   such verb beside it in the same sentence ("X," said the minister), else one ending the previous
   paragraph with a colon. The content is the clause the cue reports, the marks showing which words
   are verbatim: she said the plan "will fail"; Surveys show that "X," said Y; "X" from the start;
   If the levy passes, she said, "X" (two parts around a parenthetical cue). Unquoted words make the
   quote mixed. A quotation with no cue of its own joins a cued one in the same paragraph
   (`"X," she said. "Y."` is one quote with two spans), and a paragraph that is nothing but quotation
   continues the speaker of the quote that ended the paragraph before it. A transcript's lines
   ("WALLACE: …", "MR. SMITH: …", "Q: …" and "A: …") are direct quotes of the speaker the label names.
3. Reported speech. A speech or cognition verb with a clausal complement (ccomp: "officials estimate
   that …", "…, he said", "This campaign, he says, is different"), an intention verb with an infinitive
   ("vowed to fight", "urged Congress to act"), a stance verb with its object ("endorsed Cruz",
   "criticized the plan as …"), a speech verb with its topic ("talked about immigration"), "according
   to X" (the content is the rest of the clause), a statement noun with an author ("her claim that …",
   "his support for …", "his view is that …", "a warning from X that …"), a
   stance adjective with a clause ("is confident that …"), a comment clause ("as the mayor put it, …"),
   a report whose content follows a colon ("gave a short explanation: …") and a heading naming its
   speaker ("Graham: Trump's rhetoric …") each give one quote. Its kind is mixed when part of the
   content is in quotation marks, direct when 90% of its characters are. A report ends where a second
   one joins it ("said that X and predicted that Y", "…, while critics argue …").
   Statements, not stances: with nothing in quotation marks, an attribution is reported speech
   (``indirect``) only when it reports what was said or written and its content is a proposition: a
   speech verb's clause or question, a source's findings ("the audit found that …"), a statement
   noun's clause ("her claim that …"), "according to X", a comment clause, a colon's clause, a
   heading. Beliefs ("believes that …", "is confident that …", "his view is that …"), intentions
   ("plans to …", "declined to comment"), attitudes ("is critical of …", "was eager to …") and
   positions towards a noun phrase ("criticized the appointment", "talked about immigration", "her
   support for …", "painted the mayor as reckless", "told a joke") are kind ``stance``.
4. Speakers (bot.nlp.speakers): the cue's subject, the agent of a passive, the experiencer of a
   psychological passive ("is convinced that"), the passive subject of "was quoted as saying", the
   object of "according to"; a subject shared through coordination, a control verb or a participle
   ("…, adding that …", "by saying that …"). A statement that speaks ("issued a statement saying …")
   speaks for its author: its possessor, the subject of a light verb ("issued", "released") or its
   "from"/"by" phrase; a document after "according to" speaks for its publisher ("figures published
   by X"). Where the parser hid the subject, a name beside the cue (`"…," said Ana Ruiz, a …`) or
   across its apposition; never a word of the quotation itself. A report never runs over a blank line.

Left out on purpose: statement nouns with no author in the sentence ("there were reports that …") or
only a light verb's subject ("raised concerns that …": measured, these were rarely attributions of
their own), nouns a stance verb already reported ("denied reports that …": the reports are not the
denier's), hearsay adverbs ("reportedly": no speaker to give), speakers guessed for
quotes that nothing attributes, attributions inside quotations (the words of the quoted speaker),
and perception verbs with plain objects ("saw the ad"). The parse is trusted:
a misparse loses a quote rather than inventing one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from bot.models import Quote, QuoteKind
from bot.nlp.lexicon import (
    ATTITUDE_ADJECTIVES,
    ATTITUDE_VERBS,
    ATTRIBUTION_NOUNS,
    DOCUMENT_NOUNS,
    EVIDENCE_NOUNS,
    EVIDENCE_VERBS,
    INTENTION_VERBS,
    NAMING_VERBS,
    PAGE_FURNITURE,
    PUBLISHING_VERBS,
    QUOTE_VERBS,
    REPORTING_VERBS,
    SECTION_LABELS,
    SPEECH_VERBS,
    STANCE_ADJECTIVES,
    STATEMENT_NOUNS,
    SUPPORT_VERBS,
    UTTERANCE_NOUNS,
)
from bot.nlp.marks import DOUBLE_EITHER as _DOUBLE_EITHER
from bot.nlp.marks import OPENERS as _OPENERS
from bot.nlp.marks import scan_marks
from bot.nlp.speakers import TITLES, Speaker, SpeakerResolver, is_time

VERSION = "6"

#: Share of the content's words inside quotation marks above which a quote is direct.
DIRECT_SHARE = 0.9
#: A quotation of this many words or more is a statement even without a verb.
STATEMENT_WORDS = 8
#: How many tokens around a quotation are searched for its cue.
FRAME_TOKENS = 30
#: Dependents of a cue that belong to what it reports ("called fellow Muslims to 'stand up'").
_CONTENT_DEPS = frozenset({"dobj", "oprd", "attr", "acomp", "ccomp", "xcomp"})
_SENTENCE_END = frozenset({".", "!", "?"})
#: How the pieces of a quote split by its attribution are joined.
JOIN = " … "
#: Words that open a paragraph with a colon without naming a speaker ("Update:", "Photos:", "EXCLUSIVE:").
_NOT_SPEAKERS = SECTION_LABELS | PAGE_FURNITURE
#: A transcript's speaker label: capitals, as in "WALLACE:", "MR. SMITH:", "SEN. ANA RUIZ:", "Q:".
_TRANSCRIPT_LABEL = re.compile(r"[A-Z][A-Z.'’ -]{0,39}")
#: Verbs whose object is the hearer, not the content ("told reporters").
_HEARER_VERBS = frozenset(
    """tell ask inform remind notify assure warn urge brief advise thank persuade convince reassure
    teach instruct order answer""".split()
)
#: Verbs whose passive subject holds the attitude ("she is convinced that …").
_EXPERIENCER_PASSIVES = frozenset("convince persuade worry concern surprise disappoint satisfy frustrate alarm".split())
#: Cognition verbs whose object is a thing perceived, not a proposition ("saw the ad").
_PERCEPTION_VERBS = frozenset("see hear read notice find learn discover".split())
_PLAIN_SPEECH = frozenset({"say", "tell", "add", "write", "post", "tweet", "announce", "report", "state", "speak"})
#: Prepositions that introduce the topic of speech or thought ("talked about", "warned against").
_TOPIC_PREPOSITIONS = frozenset({"about", "on", "against", "of", "over", "for"})
#: Verbs whose object is not what they report: a hearer ("told reporters"), a thing perceived ("saw the
#: ad") or the one a feeling is caused in ("the polls worried her staff").
_NOT_OBJECT_VERBS = _HEARER_VERBS | _PERCEPTION_VERBS | _EXPERIENCER_PASSIVES
#: Prepositions that introduce what an attitude adjective is about ("critical of", "unhappy with").
_ADJECTIVE_TOPICS = frozenset({"of", "about", "with", "to", "toward", "towards", "in", "on", "over"})
#: Prepositions whose phrase says what a stance says of its object ("as reckless", "for the loss", "of lying").
_OBJECT_PREPOSITIONS = frozenset({"as", "for", "of", "to", "over", "about", "against", "with", "into", "from"})
#: Verbs whose object may be something said: light verbs ("offered a response") and verbs of telling.
#: Not "answer": the questions one answers are someone else's.
_UTTERING_VERBS = (SUPPORT_VERBS | _HEARER_VERBS | {"offer", "deliver"}) - {"answer"}
#: Prepositions that introduce the topic of particular verbs ("referring to the vote", "agreed with the point",
#: "believes in hard work").
_VERB_TOPICS = frozenset(
    [("to", v) for v in ("refer", "allude", "point", "respond", "react", "object")]
    + [("with", v) for v in ("agree", "disagree", "side", "sympathize", "sympathise", "concur")]
    + [("in", v) for v in ("believe",)]
)
#: Subordinators of a contrasting clause that a report does not take in ("…, while critics argue …").
_CONTRAST_MARKS = frozenset({"while", "whereas", "although", "though"})
#: Verbs of a comment clause that frames the main clause as someone's words ("as the mayor put it, …").
_AS_VERBS = SPEECH_VERBS | {"put"}
#: Rules of ``complement`` whose content is a proposition (a clause or an embedded question).
_PROPOSITION_RULES = frozenset({"clause", "inverted", "parataxis", "question"})
#: Verbs of attitude or intention whose clause or infinitive states a position ("vowed to", "hopes that").
_STANCE_VERBS = ATTITUDE_VERBS | INTENTION_VERBS
#: Light verbs whose object names the statement a colon introduces ("issued a warning:", "had a message:").
_HANDING_VERBS = SUPPORT_VERBS | {"have"}


@dataclass
class _Marked:
    """A stretch of text in quotation marks, possibly over several paragraphs."""

    parts: list[tuple[int, int]]
    first: int = 0
    last: int = 0
    words: int = 0
    full: bool = False
    cue: int = -1
    taken: bool = False
    extra: list[int] = field(default_factory=list)


def _kind(share: float, statement: bool = True) -> QuoteKind:
    """Direct, mixed or (as reported speech) indirect by the share quoted; unquoted and no statement, a stance.

    Words in quotation marks are always someone's words, so a quote with any of them is a statement.
    """
    if share >= DIRECT_SHARE:
        return "direct"
    if share > 0:
        return "mixed"
    return "indirect" if statement else "stance"


class _Extractor:
    """One document's extraction; every step is a single pass or bounded local search."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc.text
        n = len(doc)
        self.starts = [t.idx for t in doc]
        self.para = [0] * n
        self.boundary = [False] * n
        para = 0
        for t in doc:
            if t.is_space and "\n" in t.text:
                para += 1
                self.boundary[t.i] = True
            elif t.text in _SENTENCE_END:
                self.boundary[t.i] = True
            self.para[t.i] = para
        self.in_q = [-1] * n
        self.marked: list[_Marked] = []
        for parts in scan_marks(self.text):
            first = bisect.bisect_left(self.starts, parts[0][0])
            last = bisect.bisect_left(self.starts, parts[-1][1])
            if last <= first:
                continue
            k = len(self.marked)
            q = _Marked(parts, first, last)
            for start, end in parts:
                for i in range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)):
                    self.in_q[i] = k
            content = [doc[i] for i in range(first, last) if self.in_q[i] == k]
            words = [t for t in content if not (t.is_punct or t.is_space)]
            q.words = len(words)
            before = first - 1
            while before >= 0 and doc[before].is_punct and doc[before].text in _OPENERS:
                before -= 1
            after = last
            while (
                after < len(doc) and doc[after].is_punct and (doc[after].is_quote or doc[after].text in _DOUBLE_EITHER)
            ):
                after += 1
            word_before = before >= 0 and not (doc[before].is_punct or doc[before].is_space)
            word_after = after < len(doc) and not (doc[after].is_punct or doc[after].is_space)
            # a quotation inside a clause: "said the plan 'will fail'", "said 'I held and hugged' the families"
            embedded = word_before and bool(words) and (not words[0].text[:1].isupper() or word_after)
            q.full = not embedded and (
                len(words) >= STATEMENT_WORDS
                or (len(words) >= 3 and any(t.pos_ in ("VERB", "AUX") and t.dep_ != "amod" for t in words))
                or (bool(words) and not word_before and self.framed(first, last))
                or (bool(words) and self.introduced(first, last))
            )
            self.marked.append(q)
        self.resolver = SpeakerResolver(doc, [k >= 0 for k in self.in_q])
        self.used: set[int] = set()
        self.quotes: list[Quote] = []
        #: Which pattern found each quote (parallel to ``quotes``), for evaluation and debugging.

    def framed(self, first: int, last: int) -> bool:
        """Whether a quotation, however short, is framed as someone's words: it ends in a comma, "!" or "?"
        and a cue follows, alone or with its subject ("'Follow us,' she said", "'Lock her up!' chanted the
        crowd"), the frame of a direct quote whatever its length."""
        doc = self.doc
        inside = last - 1
        while inside > first and (doc[inside].is_space or doc[inside].is_quote or doc[inside].text in _DOUBLE_EITHER):
            inside -= 1
        after = last
        while after < len(doc) and (doc[after].is_quote or doc[after].text in _DOUBLE_EITHER):
            after += 1
        if after < len(doc) and doc[after].text == "," and doc[inside].text not in (",", "!", "?"):
            after += 1
        elif doc[inside].text not in (",", "!", "?"):
            return False
        for i in range(after, min(after + 5, len(doc))):
            token = doc[i]
            if self.is_cue(token, beside_quote=True):
                return True
            if token.pos_ not in ("PROPN", "PRON", "DET", "NOUN", "ADJ", "PUNCT") or token.text in _SENTENCE_END:
                return False
        return False

    def introduced(self, first: int, last: int) -> bool:
        """Whether a quotation, however short, is introduced by a cue and ends its sentence: "Priebus said,
        'Probably.'", "Some chanted 'USA! USA!'"."""
        doc = self.doc
        before = first - 1
        while before >= 0 and (doc[before].text in _OPENERS or doc[before].is_quote):
            before -= 1
        if before >= 0 and doc[before].text in (",", ":"):
            before -= 1
        if before < 0 or not self.is_cue(doc[before], beside_quote=True):
            return False
        after = last
        while after < len(doc) and (doc[after].is_quote or doc[after].text in _DOUBLE_EITHER):
            after += 1
        inside = last - 1
        while inside > first and (doc[inside].is_quote or doc[inside].text in _DOUBLE_EITHER):
            inside -= 1
        return (
            after >= len(doc)
            or doc[after].is_space
            or doc[after].text in _SENTENCE_END
            or doc[inside].text in _SENTENCE_END
        )

    # --- cues and speakers -------------------------------------------------------------------------

    @staticmethod
    def is_cue(token: Token, beside_quote: bool = False) -> bool:
        """Whether ``token`` is a verb that attributes speech or thought (``beside_quote``: next to a quotation)."""
        if token.pos_ not in ("VERB", "AUX"):
            return False
        lemma = token.lemma_.lower()
        if lemma in REPORTING_VERBS or (beside_quote and lemma in QUOTE_VERBS):
            return True
        if lemma == "make" and any(c.lower_ == "clear" for c in token.children):
            return True
        if lemma in EVIDENCE_VERBS:
            return _Extractor.evidence(token)
        return False

    @staticmethod
    def evidence(verb: Token) -> bool:
        """Whether a verb like "show" reports findings: its subject is a source of them ("a new poll shows",
        "records show", "polls showing …")."""
        if verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.lemma_.lower() in EVIDENCE_NOUNS:
            return True
        return any(
            c.lemma_.lower() in EVIDENCE_NOUNS and (c.dep_ == "nsubj" or (c.dep_ == "compound" and c.i == verb.i - 1))
            for c in verb.children
        )

    def subject(self, verb: Token) -> Token | None:
        """The token naming who speaks through ``verb``: its subject, agent, or a shared subject."""
        cue = verb
        passive_ok = verb.lemma_.lower() in _EXPERIENCER_PASSIVES
        for _ in range(6):
            passive = False
            for child in verb.children:
                if (
                    (child.dep_ == "nsubj" or (passive_ok and child.dep_ == "nsubjpass"))
                    and not is_time(child)
                    and not child.is_punct
                ):
                    return None if child.lower_ in ("there",) else child
                if child.dep_ == "agent":
                    return next((c for c in child.children if c.dep_ == "pobj"), None)
                if child.dep_ in ("aux", "auxpass") and (passive_ok or child.dep_ == "aux"):
                    # a subject the parser hung on the auxiliary ("Ana Ruiz is convinced that …")
                    hung = next((c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if hung is not None and hung.lower_ != "there":
                        return hung
                passive = passive or child.dep_ in ("nsubjpass", "expl", "auxpass")
            if passive:
                return None
            head = verb.head
            passive_ok = False
            if verb.dep_ in ("conj", "xcomp", "dep") and head.pos_ in ("VERB", "AUX"):
                passive_ok = verb.dep_ == "xcomp"
                if (
                    verb.dep_ == "conj"
                    and self.is_cue(verb)
                    and head.dep_ == "ccomp"
                    and not self.is_cue(head)
                    and self.is_cue(head.head)
                ):
                    # "contend the tax is unfair and say it should go": the parser hung the second report
                    # inside the first one's content; it shares the first reporter
                    head = head.head
                verb = head
            elif verb.dep_ == "acomp" and head.lemma_ == "be":
                # "is convinced that …": the adjectival passive's subject holds the belief
                passive_ok = True
                verb = head
            elif verb.dep_ == "xcomp" and head.pos_ == "ADJ" and head.head.pos_ in ("VERB", "AUX"):
                # "is likely to stress that …"
                verb = head.head
            elif verb.dep_ == "advcl" and verb.tag_ == "VB" and head.pos_ in ("VERB", "AUX"):
                # "came on the show to talk about …": a purpose infinitive shares its clause's subject
                verb = head
            elif verb.dep_ == "advcl" and verb.tag_ == "VBG" and head.pos_ in ("VERB", "AUX"):
                before = self.doc[verb.i - 1]
                if before.pos_ in ("NOUN", "PROPN", "PRON") and before.dep_ == "pobj" and before.head.lower_ == "with":
                    # "ended with Maddow asking whether …": the noun before the participle does the asking
                    return before
                # "…, adding that …": the participle shares the subject of the clause it hangs on,
                # which is the reporting verb when the participle attached inside its complement; a
                # reporting verb after the participle ("…, calling him a 'fraud', she said") reports the
                # clause, participle and all, so the participle keeps that clause's subject
                climb = head
                while climb.dep_ in ("ccomp", "conj") and not self.is_cue(climb) and climb.head.i != climb.i:
                    climb = climb.head
                verb = climb if self.is_cue(climb) and climb.i < verb.i else head
            elif verb.dep_ == "pcomp" and head.dep_ == "prep" and (governor := self.governor(head)) is not None:
                # "…, before insisting that …", "by saying that …", "in addition to stating that …, she has";
                # "was quoted as saying" names the speaker as the passive subject
                passive_ok = governor.lemma_.lower() == "quote"
                verb = governor
            elif verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN") and verb.tag_ == "VBG":
                # "issued a statement saying …": the statement speaks for its author
                return self.author(head) or head
            else:
                break
        return self.adjacent_subject(cue)

    @staticmethod
    def governor(prep: Token) -> Token | None:
        """The verb a preposition's phrase hangs on, through nouns and adverbs ("in addition to …", "back to …")."""
        node = prep.head
        for _ in range(4):
            if node.pos_ in ("VERB", "AUX"):
                return node
            if node.dep_ not in ("pobj", "prep", "advmod", "npadvmod") or node.head.i == node.i:
                return None
            node = node.head
        return None

    def adjacent_subject(self, verb: Token) -> Token | None:
        """A name standing right before a cue the parser left without a subject ("…\nChris Christie said")."""
        if verb.i == 0 or verb.tag_ not in ("VBD", "VBZ", "VBP"):
            return None
        doc = self.doc
        quantity = next(
            (
                c
                for c in verb.lefts
                if c.dep_ in ("npadvmod", "nummod") and not is_time(c) and c.pos_ in ("NOUN", "NUM", "ADJ")
            ),
            None,
        )
        if quantity is not None:
            # "Less than a third agreed …": a share of people the parser took for a measure
            return quantity
        before = doc[verb.i - 1]
        if before.is_punct and (before.text == "," or before.is_quote or before.text in _DOUBLE_EITHER):
            # inversion the parser took for an object: '"…," said Skelly', '…, added a Democrat', '…, tweeted another'
            for child in verb.rights:
                if child.dep_ in ("dobj", "attr", "npadvmod", "dep", "appos", "oprd") and child.pos_ in (
                    "PROPN",
                    "NOUN",
                    "PRON",
                    "NUM",
                    "DET",
                ):
                    return child
            after = verb.i + 1
            if after < len(doc) and self.in_q[after] < 0 and (doc[after].pos_ == "PROPN" or doc[after].ent_type_):
                # '"…," said David Brock, …' with the name parsed as part of what follows it
                return self.beside(verb)
            if before.text == ",":
                return self.named_before(verb)
            return None
        if before.pos_ in ("PROPN", "NOUN") and before.dep_ not in ("pobj", "dobj", "poss", "compound"):
            return before
        return None

    def named_before(self, verb: Token) -> Token | None:
        """The name before a cue across its apposition: "Col. Ana Ruiz, a military spokesman in Calloway, said".

        For a cue the parser left without a subject: the apposition sits between two commas, the name
        right before the first, with no verb or quotation between the name and the cue.
        """
        doc = self.doc
        close = verb.i - 1
        opening = close - 1
        while opening >= 0 and close - opening <= 15 and doc[opening].text != ",":
            token = doc[opening]
            if token.pos_ in ("VERB", "AUX") or self.in_q[token.i] >= 0 or self.boundary[token.i]:
                return None
            opening -= 1
        if opening <= 0 or doc[opening].text != "," or opening + 1 >= close:
            return None
        name = doc[opening - 1]
        if name.ent_type_ not in ("PERSON", "ORG") or self.in_q[name.i] >= 0:
            return None
        return name

    def beside(self, cue: Token) -> Token | None:
        """A name or pronoun right before ("…," Ana Ruiz said) or after ("…," said Ana Ruiz) a cue, outside quotes."""
        doc = self.doc
        for i in (cue.i - 1, cue.i + 1):
            if not 0 <= i < len(doc) or self.in_q[i] >= 0:
                continue
            token = doc[i]
            while token.dep_ in ("compound", "flat") and token.head.i != token.i and self.in_q[token.head.i] < 0:
                token = token.head
            if token.pos_ in ("PROPN", "PRON") or (token.pos_ == "NOUN" and i > cue.i):
                return token
        return None

    def own_complement(self, verb: Token, k: int) -> bool:
        """Whether ``verb`` reports a clause of its own, other than quotation ``k``."""
        q = self.marked[k]
        for child in verb.children:
            if child.dep_ in ("ccomp", "xcomp"):
                lo, hi = child.left_edge.i, child.right_edge.i + 1
                if hi <= q.first or lo >= q.last:
                    inside = sum(self.in_q[i] >= 0 for i in range(lo, hi))
                    if inside * 2 < hi - lo:
                        return True
        return False

    def frame(self, k: int, step: int) -> list[int]:
        """Token indices beside quotation ``k`` (after it for step 1, before it for -1), within its sentence."""
        q = self.marked[k]
        doc, out = self.doc, list[int]()
        i = q.last if step > 0 else q.first - 1
        while 0 <= i < len(doc) and len(out) < FRAME_TOKENS:
            other = self.in_q[i]
            if other >= 0 and other != k:
                break
            if other < 0:
                if self.boundary[i]:
                    break
                out.append(i)
            i += step
        return out

    # --- direct quotes -----------------------------------------------------------------------------

    def direct_cue(self, k: int) -> Token | None:
        """The verb attributing quotation ``k``: linked by the parse, beside it, or ending the paragraph before."""
        q, doc = self.marked[k], self.doc
        right, left = self.frame(k, 1), self.frame(k, -1)
        for i in range(q.first, q.last):
            if self.in_q[i] != k:
                continue
            head = doc[i].head
            if (
                self.in_q[head.i] < 0
                and head.i not in self.used
                and self.para[head.i] == self.para[i]
                and self.is_cue(head, True)
            ):
                # a cue in another paragraph is another quote's, whatever the parser linked
                return head
        for i in (*right, *left):
            token = doc[i]
            if self.in_q[token.head.i] == k and self.is_cue(token, True) and i not in self.used:
                return token
        for i in (*right[:8], *left):
            token = doc[i]
            if self.is_cue(token, True) and i not in self.used and not self.own_complement(token, k):
                return token
        if left == [] or all(doc[i].is_punct for i in left):
            # a cue ending the previous paragraph with a colon: "He put it this way:"
            i = q.first - 1
            while i >= 0 and (doc[i].is_space or doc[i].text in _OPENERS):
                i -= 1
            if i >= 0 and doc[i].text == ":" and self.para[i] < self.para[q.first]:
                j = i - 1
                while j >= 0 and not self.boundary[j] and i - j < FRAME_TOKENS:
                    if self.is_cue(doc[j], True) and j not in self.used:
                        return doc[j]
                    j -= 1
        return None

    def content_range(self, verb: Token, k: int) -> list[tuple[int, int]]:
        """Token ranges of the content: the quotation, widened to the clause the cue reports.

        Quotation marks show which words are verbatim; what the cue attributes is the whole clause that
        holds them: the cue's complement (she said the plan "will fail"; Surveys show that "X," said Y;
        he said "X" from the start), or, around a parenthetical cue, the clause it interrupts (If the levy
        passes, she said, "the harbour …"), in two parts. A quotation in several parts, or one a colon
        presents as the content itself, keeps to its marks.
        """
        q, doc = self.marked[k], self.doc
        lo, hi = q.first, q.last
        plain = [(lo, hi)]
        if len(q.parts) > 1:
            return plain
        if verb.i < q.first:
            before = lo - 1
            while before > verb.i and (doc[before].is_space or doc[before].text in _OPENERS or doc[before].is_quote):
                before -= 1
            if doc[before].text == ":":
                # "put it plainly: 'X'": the quotation is presented as the content itself
                return plain
        start = next((doc[i] for i in range(lo, hi) if not doc[i].is_punct), None)
        if start is None:
            return plain
        node, path = start, {start.i}
        for _ in range(64):
            if node.head.i in (verb.i, node.i):
                break
            node = node.head
            path.add(node.i)
        ranges: list[tuple[int, int]]
        if node.head.i == verb.i and node.i != verb.i:
            if node.dep_ in ("nsubj", "nsubjpass", "punct"):
                return plain
            a, b = node.left_edge.i, node.right_edge.i + 1
            if verb.i < q.first:
                edges = [c.left_edge.i for c in verb.rights if c.i < node.i and c.dep_ in _CONTENT_DEPS]
                a = max(min([a, *edges]), verb.i + 1)
            ranges = [(min(a, lo), max(b, hi))]
        elif verb.dep_ == "parataxis" and verb.head.i in path:
            # the cue interrupts the clause it reports: the clause around it, without the cue's own words
            clause = verb.head
            ranges = [(clause.left_edge.i, verb.left_edge.i), (verb.right_edge.i + 1, clause.right_edge.i + 1)]
            if not ranges[0][0] <= lo and hi <= ranges[1][1]:
                return plain
        else:
            return plain
        para = self.para[lo]
        for a, b in ranges:
            for j in range(a, b):
                if self.para[j] != para or (j in self.used and j != verb.i) or self.taken(j):
                    return plain
                other = self.in_q[j]
                if other >= 0 and other != k and self.marked[other].full:
                    return plain
        return ranges

    # --- building quotes ---------------------------------------------------------------------------

    def trim(self, lo: int, hi: int) -> tuple[int, int]:
        """Drop edge punctuation and a dangling conjunction; keep a quotation mark the content needs."""
        doc = self.doc
        # a backtick is a quote mark the tokenizer does not count as punctuation ("``We" is "`", "`", "We")
        while lo < hi and (doc[lo].is_punct or doc[lo].is_quote or doc[lo].is_space):
            lo += 1
        while hi > lo and (
            doc[hi - 1].is_punct or doc[hi - 1].is_quote or doc[hi - 1].is_space or doc[hi - 1].dep_ == "cc"
        ):
            hi -= 1
        if lo < hi and self.in_q[lo] >= 0 and self.in_q[lo] != self.in_q[hi - 1]:
            # a content starting inside a quotation and running on past it keeps its opening mark
            for j in range(lo - 1, max(lo - 3, -1), -1):
                if doc[j].is_space or not doc[j].is_punct:
                    break
                if doc[j].is_quote or doc[j].text in _OPENERS or doc[j].text in ("“", "„", "«", "``"):
                    lo = j
                    break
        if lo < hi and self.in_q[hi - 1] >= 0 and self.in_q[lo] != self.in_q[hi - 1]:
            # a content ending inside a quotation keeps its closing mark
            for j in range(hi, min(hi + 3, len(doc))):
                if doc[j].is_space or not doc[j].is_punct:
                    break
                if doc[j].is_quote or doc[j].text in _DOUBLE_EITHER:
                    hi = j + 1
                    break
        return lo, hi

    def share_quoted(self, *ranges: tuple[int, int]) -> float:
        """Share of the word characters of the content (token ranges) that lie inside quotation marks."""
        chars = inside = 0
        for i in (i for lo, hi in ranges for i in range(lo, hi)):
            token = self.doc[i]
            if token.is_punct or token.is_space:
                continue
            chars += len(token)
            if self.in_q[i] >= 0:
                inside += len(token)
        return inside / chars if chars else 0.0

    def cue_bounds(self, cue: Token) -> tuple[int, int]:
        """Character span of the cue: the verb with its particle ("pointed out"), or "according to"."""
        end = cue.idx + len(cue)
        for child in cue.rights:
            if child.dep_ == "prt" and child.i <= cue.i + 2:
                end = child.idx + len(child)
        if cue.lower_ == "according" and cue.i + 1 < len(self.doc):
            nxt = self.doc[cue.i + 1]
            end = nxt.idx + len(nxt)
        return cue.idx, end

    def add(
        self,
        spans: list[tuple[int, int]],
        cue: Token | None,
        speaker_token: Token | None,
        kind: QuoteKind,
        speaker: Speaker | None = None,
    ) -> None:
        """Record one quote, resolving its speaker (unless ``speaker`` gives it)."""
        if speaker_token is not None and any(a <= speaker_token.idx < b for a, b in spans):
            # the words of the quote never name who speaks them: the parser took a word of the quotation
            # for the cue's subject; a name standing right beside the cue is the speaker, if any
            speaker_token = self.beside(cue) if cue is not None else None
        if speaker is None and speaker_token is not None:
            speaker = self.resolver.speaker(speaker_token)
        cue_start = cue_end = None
        cue_text = None
        if cue is not None:
            cue_start, cue_end = self.cue_bounds(cue)
            cue_text = self.text[cue_start:cue_end]
        content = JOIN.join(self.text[s:e] for s, e in spans)
        self.quotes.append(
            Quote(
                speaker=speaker.name if speaker else None,
                speaker_mention=speaker.mention if speaker else None,
                speaker_role=speaker.role if speaker else None,
                cue=cue_text,
                content=content,
                kind=kind,
                start=spans[0][0],
                end=spans[-1][1],
                spans=spans if len(spans) > 1 else [],
                cue_start=cue_start,
                cue_end=cue_end,
                speaker_start=speaker.start if speaker else None,
                speaker_end=speaker.end if speaker else None,
            )
        )

    def char_span(self, lo: int, hi: int) -> tuple[int, int]:
        """Character span of tokens [lo, hi)."""
        last = self.doc[hi - 1]
        return self.doc[lo].idx, last.idx + len(last)

    def whole_paragraph(self, k: int) -> bool:
        """Whether quotation ``k`` is all its paragraph holds, marks and punctuation aside."""
        q, doc = self.marked[k], self.doc
        para = self.para[q.first]
        for i in (q.first - 1, q.last):
            while 0 <= i < len(doc) and self.para[i] == para and not doc[i].is_space:
                if not doc[i].is_punct:
                    return False
                i += -1 if i < q.first else 1
        return True

    def direct(self) -> None:
        """Attribute statements in quotation marks, then fold uncued ones into a cued neighbour."""
        doc = self.doc
        for k, q in enumerate(self.marked):
            if not q.full:
                continue
            cue = self.direct_cue(k)
            if cue is not None:
                q.cue = cue.i
                self.used.add(cue.i)
        cued = [k for k, q in enumerate(self.marked) if q.full and q.cue >= 0]
        for k, q in enumerate(self.marked):
            if not q.full or q.cue >= 0:
                continue
            pos = bisect.bisect_left(cued, k)
            before = cued[pos - 1] if pos > 0 else None
            after = cued[pos] if pos < len(cued) else None
            para = self.para[q.first]
            if before is not None:
                group = self.marked[before]
                last_para = self.para[self.marked[group.extra[-1] if group.extra else before].last - 1]
                if last_para == para or (last_para == para - 1 and self.whole_paragraph(k)):
                    # same paragraph, or a paragraph of quotation continuing the speaker before it
                    group.extra.append(k)
                    continue
            if after is not None and self.para[self.marked[after].first] == para:
                self.marked[after].extra.append(k)
        for k in cued:
            q = self.marked[k]
            cue = doc[q.cue]
            members = sorted([k, *q.extra])
            ranges = self.content_range(cue, k)
            widened = [(a, b) for a, b in (self.trim(*r) for r in ranges) if b > a]
            if len(members) == 1 and len(q.parts) == 1 and widened and ranges != [(q.first, q.last)]:
                spans = [self.char_span(a, b) for a, b in widened]
                kind = _kind(self.share_quoted(*widened))
            else:
                spans = [part for m in members for part in self.marked[m].parts]
                kind = "direct"
            for m in members:
                self.marked[m].taken = True
            self.add(spans, cue, self.subject(cue), kind)

    # --- reported speech ---------------------------------------------------------------------------

    def reported(self) -> None:
        """Speech and cognition verbs with a clausal complement, intentions, "according to"."""
        doc = self.doc
        for token in doc:
            i = token.i
            if i in self.used or self.in_q[i] >= 0:
                continue
            lower = token.lower_
            if lower == "according" and i + 1 < len(doc) and doc[i + 1].lower_ == "to":
                self.according(token)
                continue
            if token.pos_ == "NOUN" and token.lemma_.lower() in ATTRIBUTION_NOUNS:
                self.noun_cue(token)
                continue
            if token.dep_ in ("advcl", "ccomp") and token.lemma_.lower() in _AS_VERBS and self.as_clause(token):
                continue
            if token.pos_ == "ADJ" and (lower in STANCE_ADJECTIVES or lower in ATTITUDE_ADJECTIVES):
                self.adjective_cue(token)
                continue
            if not (
                self.is_cue(token)
                or (token.pos_ == "VERB" and token.lemma_.lower() in _STANCE_VERBS | NAMING_VERBS)
                or (token.pos_ == "VERB" and any(c.dep_ == "dobj" and self.utterance(c) for c in token.children))
            ):
                continue
            found = self.complement(token)
            if found is None:
                continue
            lo, hi, rule = found
            lo, hi = self.trim(lo, hi)
            if hi - lo < 2:
                continue
            speaker = self.subject(token)
            if rule == "passive":
                speaker = next((c for c in token.children if c.dep_ == "agent"), None)
                speaker = next((c for c in speaker.children if c.dep_ == "pobj"), None) if speaker else None
            spans = [self.char_span(lo, hi)]
            if lo <= i < hi:
                # "which he believes will …", "This campaign, he says, is different": the content runs
                # round its own cue and speaker
                if rule == "parataxis":
                    cut, resume = token.left_edge.i, token.right_edge.i + 1
                else:
                    cut = min(i, speaker.left_edge.i if speaker is not None and speaker.i < i else i)
                    resume = i + 1
                a, b = self.trim(lo, cut)
                c, d = self.trim(resume, hi)
                if b - a < 1 or d - c < 1 or (b - a) + (d - c) < 3:
                    continue
                spans = [self.char_span(a, b), self.char_span(c, d)]
            self.used.add(i)
            self.add(spans, token, speaker, _kind(self.share_quoted((lo, hi)), self.states(token, rule)))

    def states(self, verb: Token, rule: str) -> bool:
        """Whether a verb's report is a statement: speech (or a source's findings) whose content is a clause.

        Beliefs and perceptions ("believes that …"), intentions ("plans to …", "declined to comment") and
        positions towards a noun phrase ("criticized the appointment") are stances.
        """
        lemma = verb.lemma_.lower()
        if rule == "object" and lemma in EVIDENCE_VERBS and self.evidence(verb):
            return True
        if rule == "object" and lemma in SPEECH_VERBS:
            # "repeated her claim that …": a statement noun with a clause of its own is reported speech
            obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
            return obj is not None and self.stated(obj)
        if rule not in _PROPOSITION_RULES:
            return False
        if lemma in _EXPERIENCER_PASSIVES and (
            verb.dep_ == "acomp" or any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        ):
            # "is convinced that …" holds a belief; "convinced the board that …" said something
            return False
        if lemma in SPEECH_VERBS or (lemma == "make" and any(c.lower_ == "clear" for c in verb.children)):
            return True
        if lemma in EVIDENCE_VERBS:
            # "the audit found that …", "records show …", "polls show the mayor leading"; "she found that …"
            # is what she learned
            if self.evidence(verb):
                return rule in _PROPOSITION_RULES or rule == "object"
            # a body's findings ("investigators found that …", "the court found …") are reported; what a
            # person found out ("Ana Ruiz found that her car was gone") is what she learned
            subject = self.subject(verb)
            return (
                rule in _PROPOSITION_RULES
                and subject is not None
                and subject.pos_ != "PRON"
                and subject.ent_type_ != "PERSON"
            )
        return False

    def bounded(self, anchor: int, lo: int, hi: int) -> tuple[int, int]:
        """Shrink [lo, hi) around ``anchor`` so it stops short of cues and quotations already attributed, and
        of the paragraph's edges: a report never runs over a blank line, whatever the parser joined."""
        doc = self.doc
        para = self.para[anchor]
        for j in range(anchor, hi):
            if (j in self.used and j != anchor) or self.taken(j) or self.para[j] != para:
                hi = j
                break
            if j > anchor and doc[j].dep_ == "conj" and doc[j - 1].dep_ == "cc" and self.is_cue(doc[j]):
                # "said that X and predicted that Y": the second report is a quote of its own
                hi = j - 1
                break
            if (
                j > anchor
                and doc[j].dep_ == "advcl"
                and doc[j].left_edge.i > anchor
                and self.is_cue(doc[j])
                and any(c.dep_ == "mark" and c.lower_ in _CONTRAST_MARKS for c in doc[j].children)
            ):
                # "say X, while opponents argue Y": the contrasting report is not part of the first
                hi = doc[j].left_edge.i
                break
        for j in range(anchor, lo - 1, -1):
            if (j in self.used and j != anchor) or self.taken(j) or self.para[j] != para:
                lo = j + 1
                break
        return lo, hi

    def taken(self, j: int) -> bool:
        """Whether token ``j`` is in a quotation already attributed as a direct quote."""
        return self.in_q[j] >= 0 and self.marked[self.in_q[j]].taken

    def complement(self, verb: Token) -> tuple[int, int, str] | None:
        """What a reporting verb reports (a clause, an infinitive, an object, a topic), and the rule that found it."""
        lemma = verb.lemma_.lower()
        right = left = obj = topic = question = passive = agent = None
        for child in verb.children:
            dep = child.dep_
            if dep == "ccomp" or (dep == "xcomp" and lemma in INTENTION_VERBS):
                if child.lower_ == "clear":
                    # "made it clear that …": the clause may hang on the adjective
                    said = next((g for g in child.rights if g.dep_ in ("ccomp", "advcl") and g.pos_ == "VERB"), None)
                    right = right or said
                    continue
                if child.i > verb.i:
                    right = right or child
                elif dep == "ccomp":
                    left = child
            elif dep == "dobj" and child.i > verb.i:
                obj = obj or child
            elif (
                dep == "prep"
                and child.i > verb.i
                and (child.lower_ in _TOPIC_PREPOSITIONS or (child.lower_, lemma) in _VERB_TOPICS)
            ):
                topic = topic or child
            elif (
                dep == "advcl"
                and child.i > verb.i
                and any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in child.children)
            ):
                question = child
            elif dep == "nsubjpass":
                passive = child
            elif dep == "agent":
                agent = child
        if right is not None:
            rule = "infinitive" if right.dep_ == "xcomp" else "clause"
            return (*self.bounded(right.i, right.left_edge.i, right.right_edge.i + 1), rule)
        if (
            lemma not in REPORTING_VERBS | ATTITUDE_VERBS | NAMING_VERBS
            and not self.is_cue(verb)
            and not (obj is not None and self.utterance(obj))
        ):
            # a verb of intention reports only its infinitive ("plans to sell")
            return None
        if left is not None:
            if any(c.dep_ == "mark" for c in left.children):
                return None
            return (*self.bounded(left.i, left.left_edge.i, left.right_edge.i + 1), "inverted")
        if (
            verb.dep_ == "parataxis"
            and lemma in SPEECH_VERBS
            and (verb.head.i < verb.i or verb.head.left_edge.i < verb.left_edge.i)
        ):
            return (*self.bounded(verb.head.i, verb.head.left_edge.i, verb.head.right_edge.i + 1), "parataxis")
        if question is not None and lemma in REPORTING_VERBS:
            return (*self.bounded(question.i, question.left_edge.i, question.right_edge.i + 1), "question")
        if lemma in SPEECH_VERBS and (found := self.fragment_object(verb)) is not None:
            return (*found, "fragment")
        if passive is not None and agent is not None and passive.pos_ != "PRON":
            return (*self.bounded(passive.i, passive.left_edge.i, passive.right_edge.i + 1), "passive")
        if self.subject(verb) is None:
            return None
        naming = obj is not None and any(c.dep_ in ("oprd", "xcomp") or c.lower_ == "as" for c in verb.rights)
        if (
            obj is not None
            and (obj.pos_ != "PRON" or naming)
            and (
                (lemma in ATTITUDE_VERBS and lemma not in _EXPERIENCER_PASSIVES)
                or (lemma in REPORTING_VERBS and lemma not in _NOT_OBJECT_VERBS)
                or (lemma in NAMING_VERBS and naming)
                or (lemma in EVIDENCE_VERBS and self.evidence(verb))
                or self.utterance(obj)
            )
        ):
            rights = [c for c in verb.rights if c.i >= obj.i]
            hi = self.phrase_end(obj)
            for c in rights[1:]:
                # what the stance says of its object ("criticized the plan as reckless", "blamed him for the
                # loss"), not when or where it was taken ("this week", "on his radio show")
                if c.left_edge.i != hi or not (
                    c.dep_ in ("oprd", "dobj")
                    or (c.dep_ == "prep" and c.lower_ in _OBJECT_PREPOSITIONS)
                    or (c.dep_ == "advcl" and self.doc[c.left_edge.i].lower_ == "as")
                ):
                    break
                hi = c.right_edge.i + 1
            return (*self.bounded(obj.i, obj.left_edge.i, hi), "object")
        if topic is not None and obj is None:
            pobj = next((c for c in topic.children if c.dep_ in ("pobj", "pcomp")), None)
            if (
                pobj is not None
                and pobj.ent_type_ not in ("DATE", "TIME")
                and not (topic.lower_ == "on" and lemma in _PLAIN_SPEECH)
            ):
                return (*self.bounded(pobj.i, pobj.left_edge.i, pobj.right_edge.i + 1), "topic")
        return None

    @staticmethod
    def utterance(noun: Token) -> bool:
        """Whether a light verb's or a verb of telling's object is something said ("told a joke", "offered a
        response", "asked a question") and stands alone: with a clause of its own ("a statement saying …")
        the clause reports it."""
        return (
            noun.dep_ == "dobj"
            and noun.head.lemma_.lower() in _UTTERING_VERBS
            and noun.lemma_.lower() in UTTERANCE_NOUNS
            and not any(c.dep_ in ("acl", "relcl", "ccomp") for c in noun.children)
        )

    def phrase_end(self, noun: Token) -> int:
        """Where a noun phrase ends, without a relative clause set off by a comma (the writer's aside, "the
        plan, which the council passed in May")."""
        for child in noun.rights:
            start = child.left_edge.i
            if child.dep_ == "relcl" and start > 0 and self.doc[start - 1].text == ",":
                return start - 1
        return noun.right_edge.i + 1

    def author(self, noun: Token, light: bool = True) -> Token | None:
        """Who a statement noun belongs to: its possessor, the subject of a light verb (``light``), or "from X"."""
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is not None:
            return owner
        if light and noun.dep_ == "dobj" and noun.head.lemma_.lower() in SUPPORT_VERBS and noun.head.pos_ == "VERB":
            return self.subject(noun.head)
        for child in noun.rights:
            if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                source = next((c for c in child.children if c.dep_ == "pobj"), None)
                if source is not None and source.pos_ in ("PROPN", "NOUN") and source.ent_type_ not in ("DATE", "TIME"):
                    return source
        return None

    def noun_cue(self, noun: Token) -> None:
        """A statement or stance named by a noun, with its author: "her claim that …", "a warning from X that …".

        A light verb's subject ("raised concerns that …") is not enough: measured, such nouns were mostly
        not attributions of their own.
        """
        head = noun.head
        if noun.dep_ == "dobj" and head.i in self.used:
            # "denied reports that …": the verb already reported the noun phrase, and not as its author's
            return
        owner = self.author(noun, light=False)
        if owner is None or owner.i == noun.i:
            return
        rng = None
        clause: Token | None = None
        if noun.dep_ == "nsubj" and head.lemma_ == "be" and head.i > noun.i:
            # "his view is that …": the copula's clause is the content
            clause = next((c for c in head.rights if c.dep_ in ("ccomp", "attr") and c.pos_ in ("VERB", "AUX")), None)
            if clause is not None:
                rng = (clause.left_edge.i, clause.right_edge.i + 1)
        for child in noun.rights:
            if rng is not None:
                break
            if child.dep_ in ("acl", "ccomp") and child.pos_ in ("VERB", "AUX"):
                if child.tag_ == "VBG" and self.is_cue(child):
                    break
                clause = child
                rng = (child.left_edge.i, child.right_edge.i + 1)
                break
            if child.dep_ == "prep" and child.lower_ in _TOPIC_PREPOSITIONS and owner.dep_ == "poss":
                pobj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                    rng = (pobj.left_edge.i, pobj.right_edge.i + 1)
                break
        if rng is None:
            return
        lo, hi = self.trim(*self.bounded(noun.i, *rng))
        if hi - lo < 2:
            return
        self.used.add(noun.i)
        self.add([self.char_span(lo, hi)], noun, owner, _kind(self.share_quoted((lo, hi)), self.stated(noun, clause)))

    @staticmethod
    def stated(noun: Token, clause: Token | None = None) -> bool:
        """Whether a noun and its clause report speech: a statement noun with a clause that has a subject.

        "Her claim that the pier is safe" does; an infinitive ("his promise to resign"), a topic ("her
        support for …") or a belief noun ("his view that …") is a stance.
        """
        if noun.lemma_.lower() not in STATEMENT_NOUNS:
            return False
        if clause is None:
            clause = next((c for c in noun.rights if c.dep_ in ("acl", "ccomp") and c.pos_ in ("VERB", "AUX")), None)
        return clause is not None and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in clause.children)

    def adjective_cue(self, adjective: Token) -> None:
        """A stance adjective with its complement: "is confident that …", "is critical of the plan", "was eager
        to leave". The copula's subject holds the stance."""
        lower = adjective.lower_
        clause = None
        for child in adjective.rights:
            verbal = child.pos_ in ("VERB", "AUX")
            if verbal and (
                (lower in STANCE_ADJECTIVES and child.dep_ == "ccomp")
                or (lower in ATTITUDE_ADJECTIVES and child.dep_ == "xcomp")
            ):
                clause = child
            elif lower in ATTITUDE_ADJECTIVES and child.dep_ == "prep" and child.lower_ in _ADJECTIVE_TOPICS:
                clause = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
            if clause is not None:
                break
        head = adjective.head
        if clause is None or adjective.dep_ != "acomp" or head.pos_ not in ("VERB", "AUX"):
            return
        holder = self.subject(head)
        if holder is None or holder.lower_ == "it":
            return
        lo, hi = self.trim(*self.bounded(clause.i, clause.left_edge.i, clause.right_edge.i + 1))
        if hi - lo < 2:
            return
        self.used.add(adjective.i)
        self.add([self.char_span(lo, hi)], adjective, holder, _kind(self.share_quoted((lo, hi)), statement=False))

    def as_clause(self, verb: Token) -> bool:
        """A comment clause "as X put it" (or said, noted …) attributes the clause it hangs on to X."""
        if not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
            return False
        if any(
            c.dep_ in ("ccomp", "xcomp", "nsubjpass", "auxpass") or (c.dep_ == "dobj" and c.lower_ not in ("it", "so"))
            for c in verb.children
        ):
            # "as the mayor announced the closure, …" tells when, not what was said
            return False
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        head = verb.head
        if speaker is None or speaker.lower_ in ("it", "there") or head.pos_ not in ("VERB", "AUX"):
            return False
        lo, hi = self.bounded(head.i, head.left_edge.i, head.right_edge.i + 1)
        cut, resume = verb.left_edge.i, verb.right_edge.i + 1
        pieces = [self.trim(lo, min(cut, hi)), self.trim(max(resume, lo), hi)]
        pieces = [(a, b) for a, b in pieces if b > a]
        if sum(b - a for a, b in pieces) < 3:
            return False
        self.used.add(verb.i)
        spans = [self.char_span(a, b) for a, b in pieces]
        self.add(spans, verb, speaker, _kind(self.share_quoted(*pieces)))
        return True

    @staticmethod
    def label_words(name: Span) -> list[str] | None:
        """The words of a transcript's speaker label ("WALLACE", "SEN. ANA RUIZ", "Q"), or None if it is not one.

        A label is in capitals and names someone: a section label ("UPDATE:", "WHY IT MATTERS:") is not.
        """
        if not _TRANSCRIPT_LABEL.fullmatch(name.text):
            return None
        words = [t.lower_.rstrip(".") for t in name if not t.is_punct]
        if words in (["q"], ["a"], ["question"], ["answer"]):
            return words
        rest = [w for w in words if w not in TITLES]
        if 0 < len(rest) <= 4 and all(w.isalpha() and w not in _NOT_SPEAKERS and w not in STOP_WORDS for w in rest):
            return words
        return None

    def headline_colon(self) -> None:
        """A paragraph opening with a name and a colon attributes the rest of it to the name.

        A transcript's line ("WALLACE: …", "MR. SMITH: …", "Q: …") is the speaker's words verbatim, a
        direct quote; a heading in a name's shape ("Graham: Trump's rhetoric …") is the writer's summary
        of what the person said, reported speech.
        """
        doc = self.doc
        starts = [0] + [t.i + 1 for t in doc if t.is_space and "\n" in t.text and t.i + 1 < len(doc)]
        lines: list[tuple[Span, Token, int, int]] = []
        for start in starts:
            at = next((i for i in range(start, min(start + 8, len(doc))) if doc[i].text == ":"), None)
            if at is None or at == start or at in self.used:
                continue
            end = at + 1
            while end < len(doc) and not (doc[end].is_space and "\n" in doc[end].text):
                end += 1
            lo, hi = self.trim(at + 1, end)
            if hi > lo and not any(self.taken(j) for j in range(lo, hi)):
                lines.append((doc[start:at], doc[at], lo, hi))
        labels = [self.label_words(name) for name, _, _, _ in lines]
        # A transcript is a dialogue: questions and answers, or two speakers or more. One capitalised word
        # before a colon ("BOOM: …", "HUFFPOLLSTER: …") is a kicker unless it names a person the text knows.
        named = {" ".join(words) for words in labels if words is not None and words[0] not in ("q", "a")}
        questions = any(words is not None and words[0] in ("q", "question") for words in labels)
        for (name, colon, lo, hi), words in zip(lines, labels, strict=True):
            if words is not None:
                speaker = self.resolver.label(name)
                if words[0] in ("q", "question", "a", "answer"):
                    dialogue = questions
                else:
                    dialogue = len(named) >= 2 or (speaker is not None and speaker.name != speaker.mention)
                if dialogue:
                    self.used.add(colon.i)
                    self.add([self.char_span(lo, hi)], colon, None, "direct", speaker)
                    continue
            if any(t.pos_ not in ("PROPN", "NOUN", "ADJ", "DET", "PART", "PUNCT") for t in name):
                continue
            if name.root.lower_ in _NOT_SPEAKERS or not (name.root.pos_ == "PROPN" or name.root.ent_type_):
                continue
            if hi - lo < 3:
                continue
            self.used.add(colon.i)
            self.add([self.char_span(lo, hi)], colon, name.root, _kind(self.share_quoted((lo, hi))))

    def colon_reports(self) -> None:
        """A report whose content follows a colon: "The minister made one thing clear: the border …"."""
        doc = self.doc
        for colon in doc:
            if colon.text != ":" or colon.i in self.used or self.in_q[colon.i] >= 0:
                continue
            head = colon.head
            if head.i <= colon.i or head.pos_ not in ("VERB", "AUX") or self.in_q[head.i] >= 0:
                continue
            before = next((c for c in head.lefts if c.dep_ == "ccomp" and c.right_edge.i < colon.i), None)
            if before is None or before.i in self.used:
                continue
            cue: Token | None = None
            if self.is_cue(before) and not any(
                c.dep_ in ("ccomp", "xcomp") and c.i > before.i and c.lower_ != "clear" for c in before.children
            ):
                cue = before
            elif before.lemma_.lower() in _HANDING_VERBS:
                cue = next(
                    (
                        c
                        for c in before.children
                        if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.lemma_.lower() in ATTRIBUTION_NOUNS
                    ),
                    None,
                )
            speaker = self.subject(before)
            if cue is None or speaker is None:
                continue
            lo, hi = self.trim(*self.bounded(head.i, colon.i + 1, head.right_edge.i + 1))
            if hi - lo < 3:
                continue
            statement = (cue.lemma_.lower() in STATEMENT_NOUNS) if cue.pos_ == "NOUN" else self.states(cue, "clause")
            self.used.update((before.i, cue.i, colon.i))
            self.add([self.char_span(lo, hi)], cue, speaker, _kind(self.share_quoted((lo, hi)), statement))

    def fragment_object(self, verb: Token) -> tuple[int, int] | None:
        """The right-hand dependents of a speech verb when they hold a quoted fragment."""
        rights = [c for c in verb.rights if c.dep_ not in ("punct", "cc", "conj", "advcl", "parataxis")]
        if not rights:
            return None
        lo, hi = rights[0].left_edge.i, rights[-1].right_edge.i + 1
        if any(self.in_q[j] >= 0 and not self.marked[self.in_q[j]].taken for j in range(lo, hi)):
            return lo, hi
        return None

    def according(self, token: Token) -> None:
        """The phrase "according to X": X speaks the longer side of the sentence around the phrase."""
        doc = self.doc
        to = doc[token.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            return
        phrase_lo, phrase_hi = token.left_edge.i, max(token.right_edge.i, to.right_edge.i) + 1
        sent = token.sent
        para = self.para[token.i]
        start, end = sent.start, sent.end
        while start < phrase_lo and self.para[start] != para:
            start += 1
        while end > phrase_hi and self.para[end - 1] != para:
            end -= 1
        before = self.trim(start, phrase_lo)
        after = self.trim(phrase_hi, end)
        lo, hi = max(before, after, key=lambda r: r[1] - r[0])
        if hi - lo < 3:
            return
        if any(self.taken(j) for j in (lo, hi - 1)):
            return
        self.used.add(token.i)
        self.add([self.char_span(lo, hi)], token, self.publisher(source), _kind(self.share_quoted((lo, hi))))

    def publisher(self, source: Token) -> Token:
        """Who speaks through a document: "figures published by X", "data from X", "X's report" name X."""
        if source.lemma_.lower() not in DOCUMENT_NOUNS and source.lower_ not in DOCUMENT_NOUNS:
            return source
        author = self.author(source, light=False)
        if author is not None:
            return author
        for child in source.rights:
            if child.dep_ == "acl" and child.lemma_.lower() in PUBLISHING_VERBS:
                agent = next((c for c in child.children if c.dep_ == "agent"), None)
                by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
                if by is not None:
                    return by
        return source

    def continued(self) -> None:
        """A paragraph that is all quotation, with no cue, continues the quote that ended the paragraph before."""
        ends = sorted((q.end, n) for n, q in enumerate(self.quotes) if q.speaker_mention)
        ends_at = [e for e, _ in ends]
        for k, q in enumerate(self.marked):
            if q.taken or not q.full or not self.whole_paragraph(k):
                continue
            para = self.para[q.first]
            pos = bisect.bisect_left(ends_at, self.starts[q.first]) - 1
            if pos < 0:
                continue
            prior = self.quotes[ends[pos][1]]
            last = bisect.bisect_left(self.starts, prior.end) - 1
            if last < 0 or self.para[last] != para - 1:
                continue
            q.taken = True
            self.quotes.append(
                prior.model_copy(
                    update={
                        "content": JOIN.join(self.text[a:b] for a, b in q.parts),
                        "kind": "direct",
                        "start": q.parts[0][0],
                        "end": q.parts[-1][1],
                        "spans": list(q.parts) if len(q.parts) > 1 else [],
                    }
                )
            )

    def run(self) -> list[Quote]:
        """All quotes of the document in order."""
        self.direct()
        self.headline_colon()
        self.colon_reports()
        self.reported()
        self.continued()
        order = sorted(range(len(self.quotes)), key=lambda n: (self.quotes[n].start, -self.quotes[n].end))
        kept: list[int] = []
        for n in order:
            quote = self.quotes[n]
            outer = self.quotes[kept[-1]] if kept else None
            if outer is not None and quote.end <= outer.end and quote.speaker in (None, outer.speaker):
                continue  # a fragment of a quote already given, with no other speaker: saying it twice adds nothing
            kept.append(n)
        kept.sort(key=lambda n: (self.quotes[n].start, self.quotes[n].end))
        self.quotes = [self.quotes[n] for n in kept]
        return self.quotes


def extract_quotes(doc: Doc) -> list[Quote]:
    """Quotes in document order, each with its speaker, role, cue, content offsets and kind."""
    if len(doc) == 0:
        return []
    return _Extractor(doc).run()
