"""Pure rules: which payloads ask for an analysis, what the request says, how /nutgraf text is routed."""

from __future__ import annotations

import hashlib

import pytest

from bot.command import Command, auto_reply, route
from bot.links import Item, find_links, items_in
from bot.nlp.normalize import MIN_TEXT_WORDS
from bot.triggers import (
    SHORTCUT_CALLBACK_ID,
    asks_afresh,
    auto_request,
    button_request,
    command_request,
    is_human_message,
    mention_request,
    message_key,
    reaction_request,
    shortcut_request,
)

BOT = "U0NUTGRAF"
TEXT = "The council said on Monday that it would spend four million on roads."


# -- links ------------------------------------------------------------------------------------------------------


def test_find_links_reads_slack_markup_and_bare_links_in_order_without_repeats() -> None:
    text = "see <https://a.example/x|the story> and https://b.example/y). Again <https://a.example/x>"
    assert find_links(text) == ["https://a.example/x", "https://b.example/y"]


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("<mailto:ed@example.org|ed> and <#C123|news> and <@U123>", []),
        ("ftp://files.example/x is not a web page", []),
        ("<HTTPS://Upper.example/Path>", ["HTTPS://Upper.example/Path"]),
        ("trailing punctuation https://c.example/story.", ["https://c.example/story"]),
        ("quoted 'https://d.example/a' done", ["https://d.example/a"]),
    ],
)
def test_find_links_edge_cases(text: str, links: list[str]) -> None:
    assert find_links(text) == links


def test_items_in_caps_links_and_counts_the_skipped() -> None:
    text = " ".join(f"<https://site.example/{n}>" for n in range(5))
    items, skipped = items_in(text, max_links=3)
    assert [i.url for i in items] == [f"https://site.example/{n}" for n in range(3)]
    assert skipped == 2


def test_items_in_falls_back_to_the_text_without_markup() -> None:
    items, skipped = items_in(f"<@{BOT}> {TEXT} &amp; more", max_links=3)
    assert skipped == 0
    assert items == [Item(text=f"{TEXT} & more")]


def test_items_in_ignores_too_little_text() -> None:
    short = " ".join(["word"] * (MIN_TEXT_WORDS - 1))
    assert items_in(f"<@{BOT}> {short}", max_links=3) == ([], 0)
    assert items_in(" ".join(["word"] * MIN_TEXT_WORDS), max_links=3)[0]


def test_item_label_names_links_and_shortens_text() -> None:
    assert Item(url="https://a.example/x").label == "https://a.example/x"
    assert Item(text="just five words of text").label == "the text"
    long = Item(text="one two three four five six seven eight nine ten").label
    assert long == "the text “one two three four five six seven eight…”"


# -- mentions ---------------------------------------------------------------------------------------------------


def test_mention_with_link_answers_in_its_own_thread() -> None:
    event = {
        "type": "app_mention",
        "channel": "C1",
        "user": "U1",
        "ts": "10.1",
        "text": f"<@{BOT}> <https://a.example>",
    }
    request = mention_request(event)
    assert request.key == message_key("C1", "10.1") == "msg:C1:10.1"
    assert (request.surface, request.channel, request.user) == ("mention", "C1", "U1")
    assert request.thread_ts == "10.1"
    assert request.text == event["text"]
    assert request.message_ts is None


def test_mention_inside_a_thread_answers_in_that_thread() -> None:
    event = {"channel": "C1", "user": "U1", "ts": "10.5", "thread_ts": "10.1", "text": f"<@{BOT}> {TEXT}"}
    request = mention_request(event)
    assert request.thread_ts == "10.1"
    assert request.text == event["text"]


def test_bare_mention_in_a_thread_reads_the_parent() -> None:
    event = {"channel": "C1", "user": "U1", "ts": "10.5", "thread_ts": "10.1", "text": f"<@{BOT}> please"}
    request = mention_request(event)
    assert request.text is None
    assert request.message_ts == request.thread_ts == "10.1"


@pytest.mark.parametrize(
    ("words", "afresh"),
    [
        ("re-analyse", True),
        ("please reanalyze", True),
        ("again?", True),
        ("refresh this", True),
        ("", False),
        ("what does it say", False),
        (TEXT + " It will meet again in May.", False),  # a story pasted is not an instruction
    ],
)
def test_a_mention_in_a_thread_may_ask_for_the_story_afresh(words: str, afresh: bool) -> None:
    event = {"channel": "C1", "user": "U1", "ts": "10.5", "thread_ts": "10.1", "text": f"<@{BOT}> {words}"}
    assert mention_request(event).refresh is afresh
    assert asks_afresh(f"<@{BOT}> {words} <https://news.example/again>") is afresh


def test_asking_afresh_at_top_level_still_uses_the_cache() -> None:
    event = {"channel": "C1", "user": "U1", "ts": "10.1", "text": f"<@{BOT}> again: <https://news.example/a>"}
    assert mention_request(event).refresh is False


def test_bare_mention_at_top_level_keeps_its_text_so_it_gets_help() -> None:
    request = mention_request({"channel": "C1", "user": "U1", "ts": "10.1", "text": f"<@{BOT}>"})
    assert request.text == f"<@{BOT}>"
    assert request.thread_ts == "10.1"


# -- auto-watch -------------------------------------------------------------------------------------------------


def message(**extra: object) -> dict[str, object]:
    return {"type": "message", "channel": "C1", "user": "U1", "ts": "20.1", "text": "<https://a.example>", **extra}


@pytest.mark.parametrize(
    "event",
    [
        message(subtype="message_changed"),
        message(subtype="message_deleted"),
        message(subtype="channel_join"),
        message(bot_id="B0OTHER"),
        message(bot_profile={"id": "B0OTHER"}),
        message(user=BOT),
        message(user=None),
        {"type": "app_mention", "channel": "C1", "user": "U1", "ts": "20.1", "text": "hi"},
    ],
)
def test_only_new_messages_by_people_count(event: dict[str, object]) -> None:
    assert not is_human_message(event, BOT)
    assert auto_request(event, BOT) is None


def test_a_persons_message_with_links_is_answered_in_its_thread() -> None:
    assert is_human_message(message(), BOT)
    request = auto_request(message(), BOT)
    assert request is not None
    assert (request.key, request.surface, request.thread_ts) == ("msg:C1:20.1", "auto", "20.1")
    reply = auto_request(message(ts="20.9", thread_ts="20.1"), BOT)
    assert reply is not None and reply.thread_ts == "20.1" and reply.key == "msg:C1:20.9"


def test_auto_watch_leaves_links_that_mention_the_bot_to_app_mention_and_ignores_plain_text() -> None:
    assert auto_request(message(text=f"<@{BOT}> <https://a.example>"), BOT) is None
    assert auto_request(message(text=TEXT), BOT) is None


def test_mention_and_auto_watch_of_one_message_share_a_key() -> None:
    event = message(text=f"<@{BOT}> <https://a.example>")
    auto = auto_request(message(), BOT)
    assert auto is not None and mention_request(event).key == auto.key


# -- reactions --------------------------------------------------------------------------------------------------


def reaction(name: str, item_type: str = "message") -> dict[str, object]:
    return {
        "type": "reaction_added",
        "user": "U1",
        "reaction": name,
        "item": {"type": item_type, "channel": "C1", "ts": "30.1"},
    }


def test_trigger_reaction_reads_the_message() -> None:
    request = reaction_request(reaction("mag"), "mag")
    assert request is not None
    assert (request.key, request.surface, request.message_ts, request.text) == (
        "react:C1:30.1",
        "reaction",
        "30.1",
        None,
    )
    assert request.thread_ts is None and request.in_thread


def test_skin_tone_variants_count_and_other_reactions_do_not() -> None:
    assert reaction_request(reaction("mag::skin-tone-3"), "mag") is not None
    assert reaction_request(reaction("thumbsup"), "mag") is None
    assert reaction_request(reaction("mag"), "eyes") is None
    assert reaction_request(reaction("mag", item_type="file"), "mag") is None
    assert reaction_request({"type": "reaction_added", "reaction": "mag", "item": {}}, "mag") is None
    assert reaction_request({"type": "reaction_added", "reaction": "mag"}, "mag") is None


# -- shortcut, command, buttons ---------------------------------------------------------------------------------


def shortcut(message: dict[str, object]) -> dict[str, object]:
    return {
        "type": "message_action",
        "callback_id": SHORTCUT_CALLBACK_ID,
        "trigger_id": "111.222",
        "user": {"id": "U1"},
        "channel": {"id": "C1", "name": "newsroom"},
        "message_ts": message.get("ts"),
        "message": message,
    }


def test_shortcut_on_a_top_level_message_answers_in_its_thread() -> None:
    request = shortcut_request(shortcut({"ts": "40.1", "text": TEXT, "user": "U2"}))
    assert (request.key, request.surface, request.channel, request.user) == ("shortcut:111.222", "shortcut", "C1", "U1")
    assert request.thread_ts == "40.1"
    assert request.text == TEXT


def test_shortcut_on_a_reply_answers_in_the_same_thread() -> None:
    request = shortcut_request(shortcut({"ts": "40.5", "thread_ts": "40.1", "text": TEXT}))
    assert request.thread_ts == "40.1"


def test_shortcut_with_missing_parts_still_builds_a_request_that_asks_nothing() -> None:
    request = shortcut_request({"type": "message_action", "callback_id": SHORTCUT_CALLBACK_ID})
    assert request.text == "" and request.channel == ""
    assert items_in(request.text or "", max_links=3) == ([], 0)


def test_command_request_posts_in_the_channel() -> None:
    body = {"channel_id": "C1", "user_id": "U1", "text": "<https://a.example>", "trigger_id": "5.6"}
    request = command_request(body)
    assert (request.surface, request.channel, request.user, request.text) == ("command", "C1", "U1", body["text"])
    assert request.thread_ts is None and request.in_thread is False
    # the text's hash, not the text: the key is kept in Redis and logged
    assert request.key == "command:5.6:" + hashlib.sha256(body["text"].encode()).hexdigest()[:16]
    assert command_request({**body, "trigger_id": "5.7"}).key != request.key


def test_button_request_from_a_threaded_reply() -> None:
    body = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "50.2", "thread_ts": "50.1"},
        "channel": {"id": "C1"},
        "message": {"ts": "50.2", "thread_ts": "50.1"},
    }
    action = {"action_id": "nutgraf_share", "action_ts": "50.9"}
    request = button_request(body, action, "share", "cache-key")
    assert (request.key, request.action, request.cache_key) == ("button:50.9", "share", "cache-key")
    assert (request.channel, request.message_ts, request.thread_ts, request.user) == ("C1", "50.2", "50.1", "U1")


def test_button_request_falls_back_on_message_and_channel() -> None:
    body = {"trigger_id": "7.7", "channel": {"id": "C2"}, "message": {"ts": "60.2"}, "user": {"id": "U1"}}
    request = button_request(body, {}, "reanalyse", "k")
    assert (request.key, request.channel, request.message_ts, request.thread_ts) == ("button:7.7", "C2", "60.2", None)


# -- /nutgraf routing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?", "-h", "--help", "help me please"])
def test_help(text: str) -> None:
    assert route(text) == Command("help")


@pytest.mark.parametrize(("text", "arg"), [("auto on", "on"), ("auto OFF", "off"), ("  Auto   on ", "on")])
def test_auto(text: str, arg: str) -> None:
    assert route(text) == Command("auto", arg)


@pytest.mark.parametrize("text", ["auto", "auto maybe", "autopilot on", "nonsense", "what is this"])
def test_unknown_input_gets_help(text: str) -> None:
    assert route(text) == Command("help")


def test_digest_is_routed_with_its_arguments() -> None:
    assert route("digest daily 17:30 Europe/London") == Command("digest", "daily 17:30 Europe/London")
    assert route("DIGEST") == Command("digest", "")


def test_links_and_text_are_analysed() -> None:
    assert route("<https://a.example/story>") == Command("analyse", "<https://a.example/story>")
    assert route(f"  {TEXT} ") == Command("analyse", TEXT)
    assert route("auto on https://a.example/story").kind == "analyse"


def test_auto_reply_says_what_changed_or_that_nothing_was_saved() -> None:
    assert auto_reply(True, saved=True).startswith("Auto-watch is on")
    assert auto_reply(False, saved=True).startswith("Auto-watch is off")
    assert "Redis" in auto_reply(True, saved=False) and "Redis" in auto_reply(False, saved=False)


# -- the app manifest -------------------------------------------------------------------------------------------

#: The scope each subscribed bot event needs (Slack refuses the manifest otherwise).
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "reaction_added": "reactions:read",
    "app_home_opened": None,
}


def test_manifest_declares_what_the_handlers_listen_to() -> None:
    from pathlib import Path

    import yaml

    from bot.app import EVENTS_PATH
    from handlers.commands import COMMAND

    manifest = yaml.safe_load((Path(__file__).parents[1] / "manifest.yml").read_text(encoding="utf-8"))
    features, settings = manifest["features"], manifest["settings"]
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])

    (command,) = features["slash_commands"]
    assert command["command"] == COMMAND and command["should_escape"] is True
    (shortcut,) = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", SHORTCUT_CALLBACK_ID)
    assert shortcut["name"] == "Analyse with nutgraf"
    assert features["app_home"]["home_tab_enabled"] is True

    events = settings["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(EVENT_SCOPES)
    assert {scope for scope in EVENT_SCOPES.values() if scope} | {"commands", "chat:write", "users:read"} <= scopes
    assert "private on|off|status" in command["usage_hint"] and "forget <link>" in command["usage_hint"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is False

    urls = [command["url"], settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]]
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)


# -- trust controls ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("private on", Command("private", "on")),
        ("PRIVATE off", Command("private", "off")),
        ("private", Command("private", "")),
        ("private status", Command("private", "status")),
        ("forget <https://news.example/a|news.example/a>", Command("forget", "https://news.example/a")),
        ("forget", Command("forget", "")),
        ("forget <https://a.example/1> <https://b.example/2>", Command("forget", "")),
    ],
)
def test_route_private_and_forget(text: str, expected: Command) -> None:
    assert route(text) == expected


def test_request_kind_names_what_slack_sent() -> None:
    from bot.triggers import request_kind

    assert request_kind({"type": "event_callback", "event": {"type": "app_mention"}}) == "app_mention"
    assert request_kind({"command": "/nutgraf", "text": "help"}) == "command"
    assert request_kind({"type": "view_submission"}) == "view_submission"
    assert request_kind({}) == "unknown"


def test_stamped_requests_carry_their_workspace_and_arrival() -> None:
    from bot.forget import ForgetRequest
    from bot.triggers import stamped

    request = stamped(ForgetRequest(key="k", channel="C1", user="U1"), "T1")
    assert request is not None and request.team == "T1" and request.received_at is not None
    assert stamped(None, "T1") is None


def test_forget_requests_from_the_menu_and_the_command() -> None:
    from bot.triggers import forget_command_request, forget_request

    body = {
        "user": {"id": "U1"},
        "container": {"channel_id": "C1", "message_ts": "2.2", "thread_ts": "1.1"},
        "trigger_id": "9.9",
    }
    request = forget_request(body, {"action_ts": "3.3"}, "abc")
    assert (request.key, request.channel, request.user, request.story) == ("forget:3.3", "C1", "U1", "abc")
    assert (request.message_ts, request.thread_ts, request.url) == ("2.2", "1.1", None)
    command = forget_command_request(
        {"channel_id": "C1", "user_id": "U1", "trigger_id": "9.9", "response_url": "http://127.0.0.1:9/r"},
        "https://news.example/a",
    )
    assert (command.url, command.story, command.response_url) == (
        "https://news.example/a",
        None,
        "http://127.0.0.1:9/r",
    )
    assert "news.example" not in command.key  # the link is hashed: keys are kept and logged
