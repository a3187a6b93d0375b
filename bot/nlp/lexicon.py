"""Word lists shared by the extractors: speech, cognition and intention verbs, attribution nouns.

Written for nutgraf from the usual verb classes of English grammar (verbs of communication, of
thought and of intention); lemmas, lower case.
"""

from __future__ import annotations

#: Lemmas of verbs that report speech or writing.
SPEECH_VERBS = frozenset(
    """say tell add announce assert claim declare describe explain insist note report state write warn
    argue acknowledge admit allege answer concede confirm contend deny disclose emphasize emphasise estimate
    indicate mention predict promise reply respond reveal stress suggest testify urge ask call praise
    accuse criticize criticise charge recall remark observe comment point agree boast complain
    conclude demand maintain reiterate repeat signal vow caution tweet post
    affirm allow announce blast brag cite counter declare decry dispute echo exclaim highlight hint imply
    inform joke lament laud lie mutter muse pledge proclaim propose protest question quip recount relay
    remind retort rule say scoff shout snap speculate swear tout threaten underscore vent whisper yell
    acknowledge advise assure brief concur convince dismiss guarantee notify persuade plead pronounce
    recommend reassure recommend rebut reckon rejoin reason refute specify submit summarize summarise
    teach theorize theorise confide contradict complain order instruct forecast project calculate""".split()
)
#: Lemmas of verbs that report belief, knowledge or perception of a state of affairs.
COGNITION_VERBS = frozenset(
    """believe think expect fear hope know consider doubt feel assume reckon worry suspect understand
    find judge assess conclude realize realise recognize recognise acknowledge imagine guess suppose
    figure presume anticipate decide determine learn discover notice see hear read agree wonder""".split()
)
#: Lemmas of verbs whose infinitive complement is the content of an intention, promise or request
#: ("vowed to fight", "urged Congress to act").
INTENTION_VERBS = frozenset(
    """promise vow pledge threaten urge ask tell order warn call want plan intend hope expect refuse
    decline demand propose vote seek offer agree""".split()
)
#: Adjectives of certainty, hope and worry whose that-clause is their subject's belief ("is confident that …").
STANCE_ADJECTIVES = frozenset(
    """confident sure certain aware convinced hopeful optimistic pessimistic worried concerned afraid
    skeptical sceptical adamant doubtful unaware fearful insistent unconvinced""".split()
)
#: Adjectives of evaluation, desire and readiness whose complement is what their subject's stance is about
#: ("is critical of the plan", "was eager to leave", "are unhappy with the result").
ATTITUDE_ADJECTIVES = frozenset(
    """critical supportive opposed hostile sympathetic favorable favourable skeptical sceptical wary suspicious
    unhappy happy pleased glad delighted satisfied dissatisfied disappointed frustrated angry furious upset
    proud ashamed eager keen anxious reluctant willing unwilling determined
    confident hopeful optimistic pessimistic worried concerned afraid fearful nervous uneasy excited enthusiastic
    grateful thankful dismissive contemptuous scornful appreciative""".split()
)
#: Nouns naming something said or written, whose that-clause is reported speech ("her claim that …",
#: "a warning from X that …").
STATEMENT_NOUNS = frozenset(
    """statement claim assertion argument allegation announcement remark comment warning report testimony
    suggestion promise pledge vow insistence admission contention accusation charge prediction estimate
    assessment conclusion finding declaration message speech interview tweet post letter release briefing
    criticism praise proposal call demand request appeal response reaction reply answer threat denial
    objection explanation verdict ruling""".split()
)
#: Nouns naming a belief, wish or position: what they hold is a stance, not a statement ("his view that …",
#: "her support for the bill").
STANCE_NOUNS = frozenset(
    """belief view opinion hope fear wish doubt suspicion expectation concern position stance support
    opposition endorsement attack rejection plan""".split()
)
#: Nouns that introduce reported content ("the claim that …", "in a statement").
ATTRIBUTION_NOUNS = STATEMENT_NOUNS | STANCE_NOUNS
#: Light verbs that, with a statement noun as object, make their subject its author ("issued a statement",
#: "raised concerns that …", "made the argument that …").
SUPPORT_VERBS = frozenset(
    """make issue raise express voice give offer release publish send deliver present repeat reiterate
    lodge file level share post put""".split()
)
#: Lemmas of verbs that state a stance towards something named by their object ("endorsed Cruz",
#: "criticized the plan"): their object is the content of the attribution.
ATTITUDE_VERBS = frozenset(
    """support oppose endorse back praise criticize criticise condemn blame thank congratulate defend attack
    mock ridicule reject welcome applaud hail slam blast denounce dismiss question dispute deny
    want prefer favor favour like love hate dislike discuss mention describe announce propose recommend
    call demand request promise pledge predict acknowledge admit concede cite tout champion challenge
    accuse fault commend laud decry lament deplore regret appreciate express voice signal warn talk speak
    rail rant vote argue complain worry refer allude react object""".split()
)
#: Verbs that characterise what their object is ("painted the mayor as reckless", "dubbed it a disaster"):
#: a stance only with that description, since they have other senses ("cast a vote", "painted the fence").
NAMING_VERBS = frozenset(
    """cast paint portray characterize characterise label brand dub depict frame regard view deem see
    treat describe""".split()
)
#: Verbs that introduce a quotation only when they stand beside one ("…," he continued).
QUOTE_VERBS = frozenset(
    """continue go laugh smile shrug sigh joke quip chuckle grin recall read begin conclude interject
    interrupt scream cry shout whisper write tweet post text email put chant yell bark growl roar thunder
    snap scoff sneer""".split()
)
#: Nouns naming a source of findings: a poll or a study "shows" or "finds" what it reports.
EVIDENCE_NOUNS = frozenset(
    """poll survey study report analysis research data figure record document result count estimate
    review audit investigation inquiry filing memo paper""".split()
)
#: Verbs by which a source of findings reports them.
EVIDENCE_VERBS = frozenset("show find reveal suggest indicate conclude confirm".split())
REPORTING_VERBS = SPEECH_VERBS | COGNITION_VERBS
#: Verbs whose clause reports what was said or written (speech, or a source's findings): the others of
#: REPORTING_VERBS report a belief or a perception ("believes that …", "learned that …").
STATEMENT_VERBS = SPEECH_VERBS | EVIDENCE_VERBS


#: Titles and honorifics that stand before a person's name and are not part of it ("Senator", "Dr", "Queen").
#: Lower case, without a final dot. The extractors add the titles their own job needs.
NAME_TITLES = frozenset(
    """mr mrs ms miss dr prof sir dame lord lady gen general lt col adm admiral sgt capt maj sen senator rep gov
    governor president minister secretary chancellor judge justice rev pope king queen prince princess mayor
    councillor councilor councilman councilwoman alderman alderwoman assemblyman assemblywoman commissioner
    sheriff mp mep""".split()
)
#: Titles that say a person's gender (lower case, without a final dot).
MALE_TITLES = frozenset("mr sir lord king prince father brother congressman councilman".split())
FEMALE_TITLES = frozenset("mrs ms miss dame lady queen princess sister congresswoman councilwoman".split())
#: Words of page furniture, which never speak: ad markers, photo captions and credits ("Photo: Getty Images").
PAGE_FURNITURE = frozenset(
    """advertisement advertisements advert sponsored photo photos photograph photographs image images picture
    pictures caption captions getty shutterstock gallery slideshow graphic illustration thumbnail""".split()
)
#: Nouns naming a document or a set of findings, which speak for whoever published them ("according to
#: figures published by the port authority", "data from the statistics office").
DOCUMENT_NOUNS = EVIDENCE_NOUNS | frozenset(
    """figures statistics number numbers forecast projection projections census tally statement release report
    letter filing records documents""".split()
)
#: Verbs by which an organisation puts out a document: their agent is its author ("a report published by X").
#: Not "obtained", "seen" or "leaked": whoever obtained a document did not write it.
PUBLISHING_VERBS = frozenset(
    """publish release issue compile produce prepare conduct write provide collect gather commission
    announce file submit""".split()
)
#: Labels that open a paragraph with a colon without naming a speaker ("UPDATE:", "Editor's note:",
#: "EXCLUSIVE:"): sections, corrections, promos.
SECTION_LABELS = frozenset(
    """update updated note correction clarification editor editors photo photos video watch related breaking
    live read more source sources credit caption transcript disclosure warning exclusive analysis opinion
    commentary developing explainer factbox fact check poll also previously background context summary
    timeline recap listen subscribe sign advertisement sponsored byline email contact share tags topics""".split()
)
#: Words of organisations' names, which a person's name does not contain ("Calloway Port Authority").
ORGANISATION_WORDS = frozenset(
    """company co corp corporation inc ltd llc plc group bank party council committee commission board
    authority agency department ministry office bureau service services university college school
    institute foundation trust fund association union federation league club society church hospital
    court police army navy force forces news times post press media network radio tv television
    airlines airways railway railways motors industries holdings partners capital campaign coalition""".split()
)
#: Nouns for something said, which a light verb or a verb of telling reports as its object ("told a joke", "offered a
#: response", "asked a question", "issued a warning").
UTTERANCE_NOUNS = frozenset(
    """statement remark remarks comment warning response reply answer retort quip joke story tale anecdote
    truth lie question apology explanation excuse assessment prediction promise pledge threat accusation
    allegation argument claim criticism praise rebuke greeting toast message""".split()
)
#: Nouns for works with titles, which name no person ("the film Julia", "the documentary Harbour Lights").
WORK_NOUNS = frozenset(
    """film movie documentary book novel memoir biography report study play musical opera album song single
    show series programme program podcast painting exhibition poem essay column album""".split()
)
