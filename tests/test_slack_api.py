"""The Slack Web API emulator, exercised with the real slack_sdk.WebClient."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from tests.slack_api import (
    APP_TOKEN,
    BOT_ID,
    BOT_USER_ID,
    MAX_VIEW_BLOCKS,
    SlackEmulator,
    iter_blocks_text,
    validate_blocks,
)

TS_PATTERN = re.compile(r"^\d{10}\.\d{6}$")
GENERAL = "C0GENERAL"


@pytest.fixture
def client(slack_api: SlackEmulator) -> WebClient:
    return slack_api.client()


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def api_error(exc: pytest.ExceptionInfo[SlackApiError]) -> str:
    return str(exc.value.response["error"])


# ---- auth -----------------------------------------------------------------------------------------


def test_auth_test_describes_the_bot(slack_api: SlackEmulator, client: WebClient) -> None:
    reply = client.auth_test()
    assert reply["user_id"] == BOT_USER_ID
    assert reply["bot_id"] == BOT_ID
    assert reply["url"].startswith("http://127.0.0.1:")


def test_wrong_token_is_invalid_auth(slack_api: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as exc:
        slack_api.client(token="xoxb-wrong").chat_postMessage(channel=GENERAL, text="hi")
    assert api_error(exc) == "invalid_auth"
    assert exc.value.response.status_code == 200
    assert slack_api.messages(GENERAL) == []


def test_missing_token_is_not_authed(slack_api: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as exc:
        WebClient(base_url=slack_api.base_url).auth_test()
    assert api_error(exc) == "not_authed"


def test_app_token_cannot_post(slack_api: SlackEmulator) -> None:
    with pytest.raises(SlackApiError) as exc:
        slack_api.client(token=APP_TOKEN).chat_postMessage(channel=GENERAL, text="hi")
    assert api_error(exc) == "not_allowed_token_type"


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.teleport", json={"channel": GENERAL})
    assert api_error(exc) == "unknown_method"


# ---- chat.postMessage -----------------------------------------------------------------------------


def test_post_message_arrives_as_json_and_is_stored(slack_api: SlackEmulator, client: WebClient) -> None:
    blocks = [section("*Headline*")]
    reply = client.chat_postMessage(channel=GENERAL, text="Headline", blocks=blocks, unfurl_links=False)
    assert TS_PATTERN.match(reply["ts"])
    assert reply["channel"] == GENERAL
    assert reply["message"]["bot_id"] == BOT_ID

    (call,) = slack_api.calls_to("chat.postMessage")
    assert call.encoding == "json"
    assert call.params["blocks"] == blocks
    assert call.params["unfurl_links"] is False
    assert call.headers["Authorization"] == f"Bearer {slack_api.bot_token}"
    assert call.status == 200

    (stored,) = slack_api.messages(GENERAL)
    assert stored["ts"] == reply["ts"]
    assert stored["text"] == "Headline"
    assert stored["blocks"] == blocks
    assert stored["user"] == BOT_USER_ID


def test_message_ts_are_monotonic(client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel=GENERAL, text=f"n{i}")["ts"] for i in range(5)]
    keys = [tuple(int(p) for p in ts.split(".")) for ts in stamps]
    assert keys == sorted(keys)
    assert len(set(stamps)) == 5


def test_fixed_clock_still_gives_distinct_ts() -> None:
    with SlackEmulator(clock=lambda: 1700000000.0) as slack:
        client = slack.client()
        first = client.chat_postMessage(channel=GENERAL, text="a")["ts"]
        second = client.chat_postMessage(channel=GENERAL, text="b")["ts"]
    assert (first, second) == ("1700000000.000000", "1700000000.000001")


def test_channel_by_name_and_dm_by_user_id(slack_api: SlackEmulator, client: WebClient) -> None:
    assert client.chat_postMessage(channel="#newsroom", text="x")["channel"] == "C0NEWSROOM"
    dm = client.chat_postMessage(channel="U0REPORTER", text="psst")["channel"]
    assert dm.startswith("D")
    assert [m["text"] for m in slack_api.messages(dm)] == ["psst"]


def test_thread_replies_update_the_parent(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "read <https://example.com/story|this>", "U0REPORTER")
    first = client.chat_postMessage(channel=GENERAL, text="Reading…", thread_ts=parent)["ts"]
    # Replying to a reply lands in the same thread, under the parent.
    second = client.chat_postMessage(channel=GENERAL, text="more", thread_ts=first)
    assert second["message"]["thread_ts"] == parent

    head = slack_api.message(GENERAL, parent)
    assert head["reply_count"] == 2
    assert head["reply_users"] == [BOT_USER_ID]
    assert head["latest_reply"] == second["ts"]
    assert [m["ts"] for m in slack_api.thread(GENERAL, parent)] == [parent, first, second["ts"]]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C0NOWHERE"}, "channel_not_found"),
        ({"channel": "C0OUTSIDE"}, "not_in_channel"),
        ({"channel": GENERAL, "thread_ts": "1600000000.000001"}, "thread_not_found"),
        ({"channel": GENERAL, "thread_ts": "yesterday"}, "invalid_thread_ts"),
    ],
)
def test_post_message_errors(slack_api: SlackEmulator, client: WebClient, kwargs: dict[str, str], error: str) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(text="hello", **kwargs)
    assert api_error(exc) == error
    assert exc.value.response.status_code == 200
    assert slack_api.messages(GENERAL) == []


def test_archived_channel(slack_api: SlackEmulator, client: WebClient) -> None:
    old = slack_api.add_channel("old-desk", is_archived=True)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=old, text="hi")
    assert api_error(exc) == "is_archived"


def test_reply_broadcast_shows_in_history(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    client.chat_postMessage(channel=GENERAL, text="quiet", thread_ts=parent)
    loud = client.chat_postMessage(channel=GENERAL, text="shared", thread_ts=parent, reply_broadcast=True)
    history = client.conversations_history(channel=GENERAL)["messages"]
    assert [m["ts"] for m in history] == [loud["ts"], parent]
    assert history[0]["subtype"] == "thread_broadcast"


# ---- body encodings -------------------------------------------------------------------------------


def test_form_body_with_blocks_as_json_string(slack_api: SlackEmulator, client: WebClient) -> None:
    blocks = [section("from a form")]
    client.api_call(
        "chat.postMessage",
        params={"channel": GENERAL, "text": "form", "blocks": json.dumps(blocks), "unfurl_links": False},
    )
    (call,) = slack_api.calls_to("chat.postMessage")
    assert call.encoding == "form"
    assert call.params["blocks"] == json.dumps(blocks)
    assert call.params["unfurl_links"] == "0"
    assert slack_api.messages(GENERAL)[0]["blocks"] == blocks


def test_reactions_add_is_sent_as_a_form(slack_api: SlackEmulator, client: WebClient) -> None:
    ts = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    client.reactions_add(channel=GENERAL, name="mag", timestamp=ts)
    (call,) = slack_api.calls_to("reactions.add")
    assert call.encoding == "form"
    assert call.params == {"channel": GENERAL, "name": "mag", "timestamp": ts}


def test_get_query_string(slack_api: SlackEmulator) -> None:
    # The sync WebClient POSTs even its "GET" methods; async clients and curl really send GET.
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    reply = httpx.get(
        f"{slack_api.base_url}conversations.replies",
        params={"channel": GENERAL, "ts": parent},
        headers={"Authorization": f"Bearer {slack_api.bot_token}"},
    )
    assert reply.status_code == 200
    assert reply.json()["messages"][0]["ts"] == parent
    (call,) = slack_api.calls_to("conversations.replies")
    assert (call.http_verb, call.encoding) == ("GET", "query")
    assert call.params == {"channel": GENERAL, "ts": parent}


def test_sync_client_sends_get_methods_as_post_forms(slack_api: SlackEmulator, client: WebClient) -> None:
    client.users_info(user="U0REPORTER")
    (call,) = slack_api.calls_to("users.info")
    assert (call.http_verb, call.encoding) == ("POST", "form")
    assert call.params["user"] == "U0REPORTER"


def test_legacy_token_parameter(slack_api: SlackEmulator) -> None:
    reply = httpx.post(f"{slack_api.base_url}auth.test", data={"token": slack_api.bot_token})
    assert reply.json()["ok"] is True
    reply = httpx.post(f"{slack_api.base_url}auth.test", data={"token": "nope"})
    assert reply.json() == {"ok": False, "error": "invalid_auth"}


def test_bad_json_body(slack_api: SlackEmulator) -> None:
    reply = httpx.post(
        f"{slack_api.base_url}chat.postMessage",
        content=b"{not json",
        headers={"Authorization": f"Bearer {slack_api.bot_token}", "Content-Type": "application/json"},
    )
    assert reply.status_code == 200
    assert reply.json()["error"] == "invalid_json"


def test_other_paths_are_404(slack_api: SlackEmulator) -> None:
    assert httpx.get(f"{slack_api.root_url}/robots.txt").status_code == 404


# ---- chat.update / postEphemeral / unfurl / getPermalink ----------------------------------------


def test_chat_update_replaces_text_and_blocks(slack_api: SlackEmulator, client: WebClient) -> None:
    ts = client.chat_postMessage(channel=GENERAL, text="Reading…")["ts"]
    reply = client.chat_update(channel=GENERAL, ts=ts, text="Done", blocks=[section("*Done*")])
    assert reply["ts"] == ts
    assert reply["text"] == "Done"
    stored = slack_api.message(GENERAL, ts)
    assert stored["text"] == "Done"
    assert list(iter_blocks_text(stored["blocks"])) == ["*Done*"]
    assert stored["edited"]["user"] == BOT_USER_ID
    assert slack_api.calls_to("chat.update")[0].encoding == "json"


def test_chat_update_errors(slack_api: SlackEmulator, client: WebClient) -> None:
    human = slack_api.add_message(GENERAL, "mine", "U0REPORTER")
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel=GENERAL, ts="1600000000.000001", text="x")
    assert api_error(exc) == "message_not_found"
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(channel=GENERAL, ts=human, text="x")
    assert api_error(exc) == "cant_update_message"
    assert slack_api.message(GENERAL, human)["text"] == "mine"
    ts = client.chat_postMessage(channel=GENERAL, text="Reading…")["ts"]
    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.update", json={"channel": GENERAL, "ts": ts})
    assert api_error(exc) == "no_text"


def test_seeded_bot_message_can_be_updated(slack_api: SlackEmulator, client: WebClient) -> None:
    ts = slack_api.add_message(GENERAL, "Reading…", BOT_USER_ID)
    client.chat_update(channel=GENERAL, ts=ts, text="Done")
    assert slack_api.message(GENERAL, ts)["text"] == "Done"


def test_post_ephemeral(slack_api: SlackEmulator, client: WebClient) -> None:
    reply = client.chat_postEphemeral(channel=GENERAL, user="U0REPORTER", text="only you")
    assert TS_PATTERN.match(reply["message_ts"])
    assert slack_api.messages(GENERAL) == []
    (sent,) = slack_api.ephemerals
    assert (sent["to_user"], sent["text"], sent["channel"]) == ("U0REPORTER", "only you", GENERAL)

    loner = slack_api.add_user("Lone Wolf", join=False)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postEphemeral(channel=GENERAL, user=loner, text="x")
    assert api_error(exc) == "user_not_in_channel"
    with pytest.raises(SlackApiError) as exc:
        client.chat_postEphemeral(channel=GENERAL, user="U0GHOST", text="x")
    assert api_error(exc) == "user_not_found"


def test_chat_unfurl(slack_api: SlackEmulator, client: WebClient) -> None:
    url = "https://example.com/story"
    ts = slack_api.add_message(GENERAL, f"look <{url}>", "U0REPORTER")
    unfurls = {url: {"blocks": [section("summary")]}}
    client.chat_unfurl(channel=GENERAL, ts=ts, unfurls=unfurls)
    assert slack_api.unfurls == [{"channel": GENERAL, "ts": ts, "unfurls": unfurls}]
    with pytest.raises(SlackApiError) as exc:
        client.chat_unfurl(channel=GENERAL, ts=ts, unfurls={"https://example.com/other": {"text": "x"}})
    assert api_error(exc) == "cannot_unfurl_url"
    with pytest.raises(SlackApiError) as exc:
        client.chat_unfurl(channel=GENERAL, ts="1600000000.000001", unfurls=unfurls)
    assert api_error(exc) == "message_not_found"


def test_get_permalink(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    reply = slack_api.add_message(GENERAL, "comment", "U0EDITOR", thread_ts=parent)
    link = client.chat_getPermalink(channel=GENERAL, message_ts=parent)["permalink"]
    assert link == f"{slack_api.root_url}/archives/{GENERAL}/p{parent.replace('.', '')}"
    threaded = client.chat_getPermalink(channel=GENERAL, message_ts=reply)["permalink"]
    assert f"thread_ts={parent}" in threaded
    with pytest.raises(SlackApiError) as exc:
        client.chat_getPermalink(channel=GENERAL, message_ts="1600000000.000001")
    assert api_error(exc) == "message_not_found"


def test_permalinks_lead_to_their_message(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    reply = slack_api.add_message(GENERAL, "comment", "U0EDITOR", thread_ts=parent)
    for ts in (parent, reply):
        link = client.chat_getPermalink(channel=GENERAL, message_ts=ts)["permalink"]
        message = slack_api.open_permalink(link)
        assert message is not None and message["ts"] == ts
        response = httpx.get(link, timeout=5)
        assert response.status_code == 200 and response.json()["message"]["ts"] == ts
    gone = f"{slack_api.root_url}/archives/{GENERAL}/p1600000000000001"
    assert slack_api.open_permalink(gone) is None and httpx.get(gone, timeout=5).status_code == 404
    assert slack_api.open_permalink(f"https://elsewhere.example/archives/{GENERAL}/p{parent.replace('.', '')}") is None
    assert slack_api.open_permalink(f"{slack_api.root_url}/archives/C0NOSUCH/p{parent.replace('.', '')}") is None


# ---- reactions ------------------------------------------------------------------------------------


def test_reactions_add_and_remove(slack_api: SlackEmulator, client: WebClient) -> None:
    ts = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    client.reactions_add(channel=GENERAL, name="eyes", timestamp=ts)
    assert slack_api.message(GENERAL, ts)["reactions"] == [{"name": "eyes", "users": [BOT_USER_ID], "count": 1}]
    with pytest.raises(SlackApiError) as exc:
        client.reactions_add(channel=GENERAL, name="eyes", timestamp=ts)
    assert api_error(exc) == "already_reacted"

    client.reactions_remove(channel=GENERAL, name="eyes", timestamp=ts)
    assert "reactions" not in slack_api.message(GENERAL, ts)
    with pytest.raises(SlackApiError) as exc:
        client.reactions_remove(channel=GENERAL, name="eyes", timestamp=ts)
    assert api_error(exc) == "no_reaction"
    with pytest.raises(SlackApiError) as exc:
        client.reactions_add(channel=GENERAL, name="eyes", timestamp="1600000000.000001")
    assert api_error(exc) == "message_not_found"


# ---- conversations --------------------------------------------------------------------------------


def test_conversations_replies_returns_the_thread(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story <https://example.com/a>", "U0REPORTER")
    replies = [slack_api.add_message(GENERAL, f"r{i}", "U0EDITOR", thread_ts=parent) for i in range(3)]
    slack_api.add_message(GENERAL, "unrelated", "U0EDITOR")

    messages = client.conversations_replies(channel=GENERAL, ts=parent)["messages"]
    assert [m["ts"] for m in messages] == [parent, *replies]
    assert messages[0]["reply_count"] == 3
    # Asking with a reply's ts gives the same thread.
    assert client.conversations_replies(channel=GENERAL, ts=replies[1])["messages"] == messages


def test_conversations_replies_paginates_with_cursors(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    for i in range(4):
        slack_api.add_message(GENERAL, f"r{i}", "U0EDITOR", thread_ts=parent)
    # Iterating a SlackResponse follows next_cursor; each step reuses the same response object.
    pages = [
        [m["text"] for m in page["messages"]]
        for page in client.conversations_replies(channel=GENERAL, ts=parent, limit=2)
    ]
    assert pages == [["story", "r0"], ["r1", "r2"], ["r3"]]


def test_conversations_replies_errors(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.conversations_replies(channel=GENERAL, ts="1600000000.000001")
    assert api_error(exc) == "thread_not_found"
    with pytest.raises(SlackApiError) as exc:
        client.conversations_replies(channel="C0OUTSIDE", ts="1600000000.000001")
    assert api_error(exc) == "not_in_channel"


def test_conversations_replies_invalid_cursor(slack_api: SlackEmulator, client: WebClient) -> None:
    parent = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    with pytest.raises(SlackApiError) as exc:
        client.conversations_replies(channel=GENERAL, ts=parent, cursor="garbage!")
    assert api_error(exc) == "invalid_cursor"


def test_conversations_history_window_and_order(slack_api: SlackEmulator, client: WebClient) -> None:
    stamps = [slack_api.add_message(GENERAL, f"m{i}", "U0REPORTER", ts=f"17000000{i}0.000100") for i in range(5)]
    slack_api.add_message(GENERAL, "reply", "U0EDITOR", thread_ts=stamps[0])
    everything = client.conversations_history(channel=GENERAL)["messages"]
    assert [m["text"] for m in everything] == ["m4", "m3", "m2", "m1", "m0"]

    window = client.conversations_history(channel=GENERAL, oldest=stamps[1], latest=stamps[3])["messages"]
    assert [m["text"] for m in window] == ["m2"]
    window = client.conversations_history(channel=GENERAL, oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in window["messages"]] == ["m3", "m2", "m1"]

    first = client.conversations_history(channel=GENERAL, limit=2)
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    second = client.conversations_history(channel=GENERAL, limit=2, cursor=cursor)
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]


def test_conversations_history_invalid_cursor(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.conversations_history(channel=GENERAL, cursor="not-a-cursor")
    assert api_error(exc) == "invalid_cursor"


# ---- users.info / views.publish / apps.connections.open -------------------------------------------


def test_users_info(slack_api: SlackEmulator, client: WebClient) -> None:
    uid = slack_api.add_user("Paula Photo", tz="Europe/Berlin")
    user = client.users_info(user=uid)["user"]
    assert (user["real_name"], user["tz"], user["is_bot"]) == ("Paula Photo", "Europe/Berlin", False)
    assert user["profile"]["real_name"] == "Paula Photo"
    assert client.users_info(user=BOT_USER_ID)["user"]["is_bot"] is True
    with pytest.raises(SlackApiError) as exc:
        client.users_info(user="U0GHOST")
    assert api_error(exc) == "user_not_found"


def test_new_user_joins_existing_channels(slack_api: SlackEmulator) -> None:
    uid = slack_api.add_user("Nina New")
    assert uid in slack_api.channels[GENERAL].members
    assert uid not in slack_api.channels[slack_api.add_channel("tiny", members=[])].members


def test_views_publish(slack_api: SlackEmulator, client: WebClient) -> None:
    view = {"type": "home", "blocks": [section("Welcome")] * MAX_VIEW_BLOCKS}
    first = client.views_publish(user_id="U0REPORTER", view=view)["view"]
    assert first["type"] == "home"
    assert len(slack_api.views["U0REPORTER"]["blocks"]) == MAX_VIEW_BLOCKS
    assert slack_api.calls_to("views.publish")[0].encoding == "json"

    second = client.views_publish(
        user_id="U0REPORTER", view={"type": "home", "blocks": [section("v2")]}, hash=first["hash"]
    )
    assert second["view"]["id"] == first["id"]
    with pytest.raises(SlackApiError) as exc:
        client.views_publish(user_id="U0REPORTER", view=view, hash=first["hash"])
    assert api_error(exc) == "hash_conflict"


@pytest.mark.parametrize(
    ("user_id", "view", "error"),
    [
        ("U0REPORTER", {"type": "home", "blocks": [section("x")] * (MAX_VIEW_BLOCKS + 1)}, "invalid_blocks"),
        ("U0REPORTER", {"type": "modal", "blocks": [section("x")]}, "invalid_arguments"),
        ("U0REPORTER", {"type": "home", "blocks": [{"type": "carousel"}]}, "invalid_blocks"),
        ("U0GHOST", {"type": "home", "blocks": [section("x")]}, "user_not_found"),
    ],
)
def test_views_publish_errors(client: WebClient, user_id: str, view: dict[str, Any], error: str) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.views_publish(user_id=user_id, view=view)
    assert api_error(exc) == error


def test_apps_connections_open_hands_out_the_socket_url(slack_api: SlackEmulator) -> None:
    slack_api.socket_url = "ws://127.0.0.1:9/socket"
    client = WebClient(base_url=slack_api.base_url)
    assert client.apps_connections_open(app_token=slack_api.app_token)["url"] == "ws://127.0.0.1:9/socket"
    (call,) = slack_api.calls_to("apps.connections.open")
    assert call.headers["Authorization"] == f"Bearer {slack_api.app_token}"
    with pytest.raises(SlackApiError) as exc:
        client.apps_connections_open(app_token=slack_api.bot_token)
    assert api_error(exc) == "not_allowed_token_type"


def test_default_socket_url_is_loopback(slack_api: SlackEmulator) -> None:
    assert slack_api.socket_url.startswith(f"ws://127.0.0.1:{slack_api.port}/")


# ---- Block Kit limits -----------------------------------------------------------------------------


def header(text: str, kind: str = "plain_text") -> dict[str, Any]:
    return {"type": "header", "text": {"type": kind, "text": text}}


def fields(n: int, size: int = 10) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * size} for _ in range(n)]}


def context(n: int) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"} for _ in range(n)]}


def actions(n: int) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": f"a{i}", "text": {"type": "plain_text", "text": "Go"}} for i in range(n)
        ],
    }


def button(text: str) -> dict[str, Any]:
    return {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": text}}]}


ACCEPTED = {
    "50 blocks": [section("x")] * 50,
    "section of 3000": [section("x" * 3000)],
    "header of 150": [header("h" * 150)],
    "10 fields": [fields(10, 1000)],
    "a field of 2000": [fields(1, 2000)],
    "context of 10": [context(10)],
    "actions of 25": [actions(25)],
    "divider and image": [
        {"type": "divider"},
        {"type": "image", "image_url": "http://127.0.0.1/x.png", "alt_text": "chart"},
    ],
    "12000 chars of text": [section("x" * 3000)] * 4,
}

REFUSED = {
    "51 blocks": ([section("x")] * 51, "invalid_blocks"),
    "section of 3001": ([section("x" * 3001)], "invalid_blocks"),
    "empty section text": ([section("")], "invalid_blocks"),
    "section without text": ([{"type": "section"}], "invalid_blocks"),
    "header of 151": ([header("h" * 151)], "invalid_blocks"),
    "mrkdwn header": ([header("h", kind="mrkdwn")], "invalid_blocks"),
    "11 fields": ([fields(11)], "invalid_blocks"),
    "field of 2001": ([fields(1, 2001)], "invalid_blocks"),
    "context of 11": ([context(11)], "invalid_blocks"),
    "actions of 26": ([actions(26)], "invalid_blocks"),
    "button text of 76": ([button("b" * 76)], "invalid_blocks"),
    "duplicate block_id": ([{**section("a"), "block_id": "x"}, {**section("b"), "block_id": "x"}], "invalid_blocks"),
    "unknown block type": ([{"type": "carousel"}], "invalid_blocks"),
    "not a list": ({"type": "section"}, "invalid_blocks"),
    "bad JSON": ("[{", "invalid_blocks"),
    "12001 chars of text": ([section("x" * 3000)] * 4 + [section("y")], "msg_blocks_too_long"),
}


@pytest.mark.parametrize("blocks", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_validate_blocks_accepts(blocks: list[dict[str, Any]]) -> None:
    assert validate_blocks(blocks, text="fallback") is None


@pytest.mark.parametrize(("blocks", "error"), REFUSED.values(), ids=REFUSED.keys())
def test_validate_blocks_refuses(blocks: Any, error: str) -> None:
    problem = validate_blocks(blocks, text="fallback")
    assert problem is not None
    assert problem.error == error


def test_validate_text_rules() -> None:
    assert validate_blocks(None, text="x" * 40_000) is None
    problem = validate_blocks(None, text="x" * 40_001)
    assert problem is not None and problem.error == "msg_too_long"
    problem = validate_blocks(None, text=None)
    assert problem is not None and problem.error == "no_text"
    problem = validate_blocks([], text="")
    assert problem is not None and problem.error == "no_text"
    assert validate_blocks([section("only blocks")]) is None


def test_view_limit_is_100() -> None:
    assert validate_blocks([section("x")] * 100, max_blocks=MAX_VIEW_BLOCKS, message=False) is None
    problem = validate_blocks([section("x")] * 101, max_blocks=MAX_VIEW_BLOCKS, message=False)
    assert problem is not None and problem.error == "invalid_blocks"


@pytest.mark.parametrize("name", ["51 blocks", "section of 3001", "header of 151", "12001 chars of text"])
def test_block_limits_through_the_api(slack_api: SlackEmulator, client: WebClient, name: str) -> None:
    blocks, error = REFUSED[name]
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=GENERAL, text="fallback", blocks=blocks)
    assert api_error(exc) == error
    assert exc.value.response.status_code == 200
    assert slack_api.messages(GENERAL) == []


def test_invalid_blocks_says_where(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=GENERAL, text="t", blocks=[section("ok"), section("x" * 3001)])
    (message,) = exc.value.response["response_metadata"]["messages"]
    assert "[json-pointer:/blocks/1/text/text]" in message


def test_bad_blocks_json_in_a_form(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.postMessage", params={"channel": GENERAL, "text": "t", "blocks": "[{"})
    assert api_error(exc) == "invalid_blocks"


def test_text_limits_through_the_api(slack_api: SlackEmulator, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as exc:
        client.api_call("chat.postMessage", json={"channel": GENERAL})
    assert api_error(exc) == "no_text"
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=GENERAL, text="x" * 40_001)
    assert api_error(exc) == "msg_too_long"
    with pytest.raises(SlackApiError) as exc:
        client.chat_update(
            channel=GENERAL, ts=client.chat_postMessage(channel=GENERAL, text="a")["ts"], text="x" * 40_001
        )
    assert api_error(exc) == "msg_too_long"
    assert [m["text"] for m in slack_api.messages(GENERAL)] == ["a"]


# ---- faults ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_429_is_retried_after_retry_after(slack_api: SlackEmulator) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=1)
    client = slack_api.client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    reply = client.chat_postMessage(channel=GENERAL, text="after the wait")
    assert [m["ts"] for m in slack_api.messages(GENERAL)] == [reply["ts"]]
    limited, accepted = slack_api.calls_to("chat.postMessage")
    assert (limited.status, accepted.status) == (429, 200)
    assert accepted.time - limited.time >= 1.0


def test_429_without_a_retry_handler(slack_api: SlackEmulator, client: WebClient) -> None:
    slack_api.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as exc:
        client.chat_postMessage(channel=GENERAL, text="x")
    assert exc.value.response.status_code == 429
    assert exc.value.response.headers["Retry-After"] == "7"
    assert api_error(exc) == "ratelimited"
    assert slack_api.messages(GENERAL) == []
    # The fault is used up: the next call goes through.
    client.chat_postMessage(channel=GENERAL, text="x")
    assert len(slack_api.messages(GENERAL)) == 1


def test_500_is_retried_by_the_server_error_handler(slack_api: SlackEmulator) -> None:
    slack_api.fail_next("chat.postMessage", status=500)
    client = slack_api.client(retry_handlers=[ServerErrorRetryHandler(max_retry_count=1)])
    client.chat_postMessage(channel=GENERAL, text="eventually")
    assert [c.status for c in slack_api.calls_to("chat.postMessage")] == [500, 200]
    assert [m["text"] for m in slack_api.messages(GENERAL)] == ["eventually"]


def test_500_without_a_retry_handler(slack_api: SlackEmulator, client: WebClient) -> None:
    slack_api.fail_next("reactions.add", status=500)
    ts = slack_api.add_message(GENERAL, "story", "U0REPORTER")
    with pytest.raises(SlackApiError) as exc:
        client.reactions_add(channel=GENERAL, name="mag", timestamp=ts)
    assert exc.value.response.status_code == 500
    assert "reactions" not in slack_api.message(GENERAL, ts)


def test_injected_error_for_n_calls(slack_api: SlackEmulator, client: WebClient) -> None:
    slack_api.fail_next("users.info", error="fatal_error", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.users_info(user="U0REPORTER")
        assert api_error(exc) == "fatal_error"
        assert exc.value.response.status_code == 200
    assert client.users_info(user="U0REPORTER")["user"]["id"] == "U0REPORTER"


def test_fault_for_any_method_in_order(slack_api: SlackEmulator, client: WebClient) -> None:
    slack_api.fail_next("*", error="first")
    slack_api.fail_next("*", error="second")
    errors = []
    for _ in range(2):
        with pytest.raises(SlackApiError) as exc:
            client.auth_test()
        errors.append(api_error(exc))
    assert errors == ["first", "second"]
    assert client.auth_test()["ok"] is True


def test_fail_next_needs_a_failure(slack_api: SlackEmulator) -> None:
    with pytest.raises(ValueError, match="needs"):
        slack_api.fail_next("chat.postMessage")


@pytest.mark.slow
def test_delay_times_the_client_out_but_the_post_still_lands(slack_api: SlackEmulator) -> None:
    slack_api.fail_next("chat.postMessage", delay=1.5)
    client = slack_api.client(timeout=1)
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel=GENERAL, text="slow")
    # Like a slow Slack, the message is posted although the client gave up: retries must dedupe.
    stored = slack_api.wait_for(lambda: slack_api.messages(GENERAL), timeout=5)
    assert [m["text"] for m in stored] == ["slow"]


def test_posting_faster_than_once_a_second_is_rate_limited() -> None:
    with SlackEmulator(enforce_post_rate_limit=True) as slack:
        client = slack.client()
        client.chat_postMessage(channel=GENERAL, text="one")
        with pytest.raises(SlackApiError) as exc:
            client.chat_postMessage(channel=GENERAL, text="two")
        assert exc.value.response.status_code == 429
        client.chat_postMessage(channel="C0NEWSROOM", text="elsewhere")
        assert [m["text"] for m in slack.messages(GENERAL)] == ["one"]


# ---- recording and helpers ------------------------------------------------------------------------


def test_every_call_is_recorded_in_order(slack_api: SlackEmulator, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0NOWHERE", text="x")
    ts = client.chat_postMessage(channel=GENERAL, text="x")["ts"]
    client.reactions_add(channel=GENERAL, name="white_check_mark", timestamp=ts)
    assert [c.method for c in slack_api.calls] == ["auth.test", "chat.postMessage", "chat.postMessage", "reactions.add"]
    assert [c.response["ok"] for c in slack_api.calls if c.response] == [True, False, True, True]
    assert slack_api.calls[1].response == {"ok": False, "error": "channel_not_found"}
    times = [c.time for c in slack_api.calls]
    assert times == sorted(times)


def test_wait_for_sees_calls_made_from_another_thread(slack_api: SlackEmulator, client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.1)
        client.chat_postMessage(channel=GENERAL, text="async")

    worker = threading.Thread(target=later)
    worker.start()
    calls = slack_api.wait_for(lambda: slack_api.calls_to("chat.postMessage"), timeout=5)
    worker.join()
    assert calls[0].params["text"] == "async"


def test_wait_for_fails_with_context(slack_api: SlackEmulator, client: WebClient) -> None:
    client.auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        slack_api.wait_for(lambda: slack_api.calls_to("chat.update"), timeout=0.05)


def test_reset_restores_the_default_workspace(slack_api: SlackEmulator, client: WebClient) -> None:
    extra = slack_api.add_channel("extra")
    client.chat_postMessage(channel=GENERAL, text="x")
    slack_api.fail_next("auth.test", error="boom")
    slack_api.reset()
    assert slack_api.calls == []
    assert slack_api.messages(GENERAL) == []
    assert extra not in slack_api.channels
    assert client.auth_test()["ok"] is True


def test_stop_releases_the_port() -> None:
    with SlackEmulator() as slack:
        port = slack.port
        assert slack.client().auth_test()["ok"] is True
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


# -- modals, admins, menus -------------------------------------------------------------------------------------


def test_users_info_says_who_is_an_admin(slack_api: SlackEmulator) -> None:
    client = slack_api.client()
    admin = client.users_info(user="U0ADMIN")["user"]
    reporter = client.users_info(user="U0REPORTER")["user"]
    assert (admin["is_admin"], admin["is_owner"], reporter["is_admin"], reporter["is_owner"]) == (
        True,
        False,
        False,
        False,
    )
    owner = slack_api.add_user("Olga Owner", is_owner=True)
    assert client.users_info(user=owner)["user"]["is_admin"] is True


def test_views_open_takes_a_trigger_once_and_checks_the_modal(slack_api: SlackEmulator) -> None:
    client = slack_api.client()
    view = {
        "type": "modal",
        "callback_id": "fix",
        "title": {"type": "plain_text", "text": "Wrong speaker"},
        "submit": {"type": "plain_text", "text": "Save"},
        "private_metadata": "{}",
        "blocks": [
            {"type": "input", "block_id": "speaker", "label": {"type": "plain_text", "text": "Speaker"},
             "element": {"type": "plain_text_input", "action_id": "speaker"}}
        ],
    }  # fmt: skip
    opened = client.views_open(trigger_id="123.abc", view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "fix"
    assert slack_api.modals[0]["trigger_id"] == "123.abc"
    with pytest.raises(SlackApiError) as again:
        client.views_open(trigger_id="123.abc", view=view)
    assert again.value.response["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as bad:
        client.views_open(trigger_id="124.abc", view={**view, "title": {"type": "plain_text", "text": "x" * 25}})
    assert bad.value.response["error"] == "invalid_blocks"
    with pytest.raises(SlackApiError) as missing:
        client.views_open(trigger_id="", view=view)
    assert missing.value.response["error"] == "invalid_trigger_id"


def test_overflow_menus_are_checked(slack_api: SlackEmulator) -> None:
    menu = {"type": "overflow", "action_id": "m", "options": [
        {"text": {"type": "plain_text", "text": "Forget"}, "value": "v" * 151}]}  # fmt: skip
    problem = validate_blocks([{"type": "actions", "elements": [menu]}], text="x")
    assert problem is not None and problem.pointer == "/blocks/0/elements/0/options/0/value"
    menu["options"][0]["value"] = "forget|abc"
    assert validate_blocks([{"type": "actions", "elements": [menu]}], text="x") is None
