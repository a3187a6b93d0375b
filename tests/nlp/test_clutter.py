import json
from pathlib import Path

import pytest

from bot.nlp.clutter import count_words, footer_start, is_sentence, kind_of, opens_list

CLUTTER = Path(__file__).parents[1] / "fixtures" / "clutter.jsonl"
BLOCKS = [json.loads(line) for line in CLUTTER.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # promos and teasers, as US, UK, Canadian, Australian and Indian sites write them
        ("READ MORE: Calloway port strike enters its third week", "promo"),
        ("Related: ‘We were never told’: residents of Dunmore Street speak out", "promo"),
        ("ALSO READ | Monsoon session: opposition to press for debate on port jobs", "promo"),
        ("WATCH — Dockworkers rally outside the port authority offices", "promo"),
        ("RELATED Mayor quits after six weeks in office", "promo"),
        ("More on this story", "promo"),
        # advertising markers
        ("ADVERTISEMENT", "advert"),
        ("Story continues below advertisement", "advert"),
        ("Article continues below", "advert"),
        ("Continue reading the main story", "advert"),
        ("This advertisement has not loaded yet, but your article continues below.", "advert"),
        ("— Advertisement —", "advert"),
        # newsletter and subscription boxes
        ("Sign up for our free Morning Dispatch newsletter and get the day's top stories in your inbox.", "newsletter"),
        ("By signing up, you agree to our Terms of Use and Privacy Policy.", "newsletter"),
        ("Already a subscriber? Log in", "newsletter"),
        # photo captions and credits
        ("Dockworkers gather outside the port on Tuesday, March 3, 2026. (AP Photo/Jane Okafor)", "caption"),
        ("FILE - A container ship waits off Calloway, Aug. 14, 2025. (AP Photo/Tom Baptiste, File)", "caption"),
        ("Protesters outside the council chamber on Tuesday. Photograph: Rhys Morgan/Reuters", "caption"),
        ("Cranes stand idle at the port on Tuesday. THE CANADIAN PRESS/Darren Kowalchuk", "caption"),
        ("The mayor at the launch on Monday. Picture: Supplied", "caption"),
        ("Image caption, Dockworkers say they were given no warning", "caption"),
        ("Getty Images", "caption"),
        # social-media embed residue
        ("— Dana Whitcombe (@dwhitcombe) March 2, 2026", "embed"),
        ("pic.twitter.com/Qw3rT7yU1i", "embed"),
        ("View this post on Instagram", "embed"),
        ("Skip twitter post by Calloway Police", "embed"),
        # share prompts, app promotion and page dates
        ("Share this article", "share"),
        ("Facebook Twitter Email Print", "share"),
        ("Follow us on Google News", "share"),
        ("Click here to join our WhatsApp channel for the latest updates", "share"),
        ("Follow Mara Ellison on Twitter @maraellison", "share"),
        ("4 min read", "furniture"),
        ("Updated March 3, 2026 at 4:15 p.m. ET", "furniture"),
        ("Tue 3 Mar 2026 14.32 GMT", "furniture"),
        ("Westbrook | Updated: March 3, 2026 18:45 IST", "furniture"),
        # the page's footer
        ("Tags: budget, council, Calloway", "footer"),
        ("Copyright 2026 The Associated Press. All rights reserved.", "footer"),
        ("(Reporting by Lena Vogt in Calloway; Editing by Peter Hale)", "footer"),
        ("(With inputs from PTI)", "footer"),
        ("Originally published as Council approves $40m pool upgrade", "footer"),
    ],
)
def test_furniture_is_recognised(line: str, kind: str) -> None:
    assert kind_of(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "By Monday, you will have to pay more for parking, the council said.",
        "Read the full statement before you judge us, she said.",
        "More than 200 people attended the meeting on Tuesday.",
        "Share prices fell 3 per cent after the announcement.",
        "Photo ID will be required at every polling station, officials said.",
        "Copyright law was changed in 2019 after a long campaign.",
        "Subscribers will pay $5 more a month from April, the company said.",
        "Follow the money, the senator told reporters.",
        "Source, a person close to the talks, said the deal would fail.",
        "Published in 2019, the report was ignored for two years.",
        "Watch what happens when the council runs out of money, he warned.",
        "more: the council wants a new bridge",
        "Getty Images, the photo agency, said it would appeal the ruling.",
        "The firm said it would look at the Reuters/Ipsos poll again.",
        "The Calloway Herald newsletter reported the figures first.",
    ],
)
def test_story_lines_are_not_furniture(line: str) -> None:
    assert kind_of(line) is None


def test_every_catalogued_clutter_line_is_recognised() -> None:
    # the lines the robustness bench injects; a list's headlines are clutter only under their heading
    misses = [
        line
        for block in BLOCKS
        for n, line in enumerate(block["lines"])
        if kind_of(line) is None and not (n > 0 and opens_list(block["lines"][0]))
    ]
    assert misses == []


def test_words_are_counted_without_lone_punctuation() -> None:
    assert count_words("— Calloway Council (@CallowayCouncil) March 3, 2026") == 6
    assert count_words("* * *") == 0


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        ("Close call.", True),
        ('"We will fight it," she said.', True),
        ("Port of Calloway posts record loss", False),
        ("Is the port doomed?", False),
        ("___.", False),
        ("Pledged: 781.", True),
    ],
)
def test_sentences_are_told_from_headings(line: str, sentence: bool) -> None:
    assert is_sentence(line) is sentence


def test_footer_starts_at_page_end_furniture_after_the_last_sentence() -> None:
    paragraphs = [
        "The council approved the plan on Tuesday.",
        "READ MORE: Council backs new bridge",
        "The vote was 5-2.",
        "Related stories",
        "Mayor quits after six weeks",
        "Bridge plan faces new delay",
        "© 2026 The Calloway Herald",
    ]
    kinds = [kind_of(p) for p in paragraphs]
    assert footer_start(paragraphs, kinds) == 3


def test_one_line_after_the_story_is_not_a_footer() -> None:
    paragraphs = ["The council approved the plan on Tuesday.", "Share this article"]
    assert footer_start(paragraphs, [kind_of(p) for p in paragraphs]) == 2


def test_in_story_clutter_does_not_start_a_footer() -> None:
    # an ad marker and a caption before the story's closing lines leave those lines in the story
    paragraphs = [
        "The council approved the plan on Tuesday.",
        "ADVERTISEMENT",
        "Pledged: 781",
        "Superdelegates: 121",
    ]
    assert footer_start(paragraphs, [kind_of(p) for p in paragraphs]) == 4
