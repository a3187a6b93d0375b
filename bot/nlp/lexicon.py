"""Word lists shared by the extractors: speech and cognition verbs, hedges. Written for nutgraf."""

from __future__ import annotations

#: Lemmas of verbs that report speech or writing.
SPEECH_VERBS = frozenset(
    """say tell add announce assert claim declare describe explain insist note report state write warn
    argue acknowledge admit allege answer concede confirm contend deny disclose emphasize emphasise estimate
    indicate mention predict promise reply respond reveal stress suggest testify urge ask call praise
    accuse criticize criticise charge recall remark observe comment point agree boast complain
    conclude demand maintain reiterate repeat signal vow caution tweet post""".split()
)
#: Lemmas of verbs that report belief, knowledge or intention.
COGNITION_VERBS = frozenset(
    """believe think expect fear hope know consider doubt feel assume reckon worry suspect understand
    find judge assess conclude""".split()
)
REPORTING_VERBS = SPEECH_VERBS | COGNITION_VERBS
