"""The quote scorer behind ``nutgraf eval``: matching, speakers, slices, with hand-counted figures."""

from __future__ import annotations

import pytest

from bot.evaluate import pair_up, same_speaker, score, table, token_f1, words

GOLD = {
    "s1": [
        {"speaker": "Mayor Lena Hartwell", "content": "We will reopen the crossing by June", "kind": "direct"},
        {"speaker": "Tobias Renn", "content": "the money is simply not there", "kind": "indirect"},
        {"speaker": "", "content": "the pier will be rebuilt in steel", "kind": "mixed"},
    ],
    "s2": [{"speaker": "the council", "content": "repairs will cost 4.2 million pounds", "kind": "indirect"}],
}
PRED = {
    "s1": [
        # matched, speaker right ("Hartwell"), direct
        {"speaker": "Lena Hartwell", "content": "We will reopen the crossing by June,", "kind": "direct"},
        # matched, speaker wrong, but the mention names him
        {"speaker": "Edda Marsh", "speaker_mention": "Renn", "content": "the money is not there", "kind": "direct"},
        # matched to the gold quote without a speaker: left out of speaker accuracy
        {"speaker": "Renn", "content": "the pier will be rebuilt in steel", "kind": "mixed"},
        # nothing like it in the gold
        {"speaker": "Renn", "content": "shops will close early", "kind": "indirect"},
    ],
    # s2 predicted nothing: a miss
}


def test_tokens_and_token_f1() -> None:
    assert words("We'll reopen it — by June!") == ["we", "ll", "reopen", "it", "by", "june"]
    assert token_f1(["a", "b", "b"], ["b", "b", "c", "d"]) == pytest.approx(2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4))
    assert token_f1(["a"], ["b"]) == 0.0


def test_speakers_share_a_name_word_not_an_article_or_title() -> None:
    assert same_speaker("Mayor Lena Hartwell", "Hartwell")
    assert same_speaker("Ms. Hartwell", "lena hartwell")
    assert not same_speaker("the council", "the mayor")
    assert not same_speaker("Dr. Renn", "Dr. Hartwell")
    assert not same_speaker(None, "Hartwell")


def test_pairs_are_one_to_one_best_first() -> None:
    predicted = [{"content": "one two three four"}, {"content": "one two three four five"}]
    annotated = [{"content": "one two three four five"}]
    assert pair_up(predicted, annotated) == [(1, 0)]
    # token F1 exactly 0.5 matches; 0.44 does not
    assert pair_up([{"content": "one two"}], [{"content": "one two three four five six"}]) == [(0, 0)]
    assert pair_up([{"content": "one two"}], [{"content": "one two three four five six seven"}]) == []


def test_score_counts_every_slice() -> None:
    summary = score(PRED, GOLD)
    every, direct = summary["all"], summary["direct"]
    assert (every["n_pred"], every["n_gold"], every["n_matched"]) == (4, 4, 3)
    assert (every["precision"], every["recall"], every["f1"]) == (0.75, 0.75, 0.75)
    assert (every["speaker_correct"], every["speaker_n"], every["speaker_acc"]) == (2, 2, 1.0)
    assert every["recall_by_kind"] == {
        "direct": {"recall": 1.0, "matched": 1, "gold": 1},
        "indirect": {"recall": 0.5, "matched": 1, "gold": 2},
        "mixed": {"recall": 1.0, "matched": 1, "gold": 1},
    }
    # direct against direct only: the second prediction is "direct" but its gold is indirect
    assert (direct["n_pred"], direct["n_gold"], direct["n_matched"]) == (2, 1, 1)
    assert (direct["precision"], direct["recall"], direct["f1"]) == (0.5, 1.0, 0.6667)
    assert "recall_by_kind" not in direct
    assert summary["n_articles"] == 2


def test_table_prints_what_the_scorer_counted() -> None:
    printed = table(score(PRED, GOLD))
    assert printed.splitlines() == [
        "slice         P      R     F1   pred   gold",
        "all       0.750  0.750  0.750      4      4",
        "direct    0.500  1.000  0.667      2      1",
        "recall by kind: direct 1.000 (1/1), indirect 0.500 (1/2), mixed 1.000 (1/1)",
        "speaker accuracy: 1.000 (2/2)",
    ]
