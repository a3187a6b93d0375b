"""A local Slack Web API emulator for tests: a real HTTP server on loopback.

Point ``slack_sdk.WebClient(token=..., base_url=emulator.base_url)`` at it and the client works
unchanged. The emulator keeps a small in-memory workspace (channels, users, messages, reactions,
App Home views), answers the methods the bot uses the way Slack does (HTTP 200 with
``{"ok": false, "error": ...}`` for API errors, 429 with ``Retry-After`` for rate limits), checks
Block Kit limits in :func:`validate_blocks`, records every call and can inject faults.

Typical use::

    with SlackEmulator() as slack:
        client = slack.client()
        client.chat_postMessage(channel=slack.channel_id("general"), text="hi")
        assert slack.calls_to("chat.postMessage")
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from slack_sdk import WebClient

T = TypeVar("T")

BOT_TOKEN = "xoxb-nutgraf-test"
APP_TOKEN = "xapp-nutgraf-test"
TEAM_ID = "T0NUTGRAF"
TEAM_NAME = "nutgraf-test"
BOT_USER_ID = "U0NUTGRAF"
BOT_ID = "B0NUTGRAF"
APP_ID = "A0NUTGRAF"

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BUTTON_TEXT = 75
MAX_BLOCK_ID = 255
MAX_BLOCKS_TOTAL_TEXT = 12_000
MAX_MESSAGE_TEXT = 40_000
MAX_OVERFLOW_OPTIONS = 5
MAX_OPTION_TEXT = 75
MAX_OPTION_VALUE = 150
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000

KNOWN_BLOCK_TYPES = frozenset(
    {"section", "divider", "image", "actions", "context", "input", "file", "header", "video", "rich_text"}
)
TEXT_OBJECT_TYPES = frozenset({"plain_text", "mrkdwn"})
#: Parameters Slack takes as JSON; form bodies carry them as JSON strings.
JSON_PARAMS = frozenset({"blocks", "attachments", "view", "unfurls", "metadata", "user_auth_blocks"})


# --------------------------------------------------------------------------------------------------
# Block Kit limits


@dataclass(frozen=True)
class BlockProblem:
    """Why Slack would refuse a message: the API error code plus where and what, for humans."""

    error: str
    pointer: str = ""
    reason: str = ""

    def __str__(self) -> str:
        where = f" [json-pointer:{self.pointer}]" if self.pointer else ""
        return f"{self.error}: {self.reason}{where}"


def _text_length(value: Any) -> int:
    """Sum the lengths of every ``text`` string inside a block tree (what Slack counts)."""
    return sum(map(len, iter_blocks_text(value)))


def _check_text_object(obj: Any, pointer: str, *, max_len: int, plain_only: bool = False) -> BlockProblem | None:
    if not isinstance(obj, dict) or obj.get("type") not in TEXT_OBJECT_TYPES:
        return BlockProblem("invalid_blocks", pointer, "must be a plain_text or mrkdwn text object")
    if plain_only and obj["type"] != "plain_text":
        return BlockProblem("invalid_blocks", f"{pointer}/type", "must be plain_text")
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return BlockProblem("invalid_blocks", f"{pointer}/text", "must be a non-empty string")
    if len(text) > max_len:
        return BlockProblem("invalid_blocks", f"{pointer}/text", f"must be less than {max_len + 1} characters")
    return None


def _check_element(element: Any, pointer: str) -> BlockProblem | None:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return BlockProblem("invalid_blocks", pointer, "must be an object with a type")
    if element["type"] == "overflow":
        options = element.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= MAX_OVERFLOW_OPTIONS:
            return BlockProblem("invalid_blocks", f"{pointer}/options", "must hold 1-5 options")
        for i, option in enumerate(options):
            where = f"{pointer}/options/{i}"
            if not isinstance(option, dict):
                return BlockProblem("invalid_blocks", where, "must be an option object")
            problem = _check_text_object(option.get("text"), f"{where}/text", max_len=MAX_OPTION_TEXT, plain_only=True)
            if problem:
                return problem
            value = option.get("value")
            if not isinstance(value, str) or not value or len(value) > MAX_OPTION_VALUE:
                return BlockProblem("invalid_blocks", f"{where}/value", "must be a string of 1-150 characters")
    if element["type"] == "button":
        problem = _check_text_object(element.get("text"), f"{pointer}/text", max_len=MAX_BUTTON_TEXT, plain_only=True)
        if problem:
            return problem
        for key, limit in (("action_id", 255), ("value", 2000), ("url", 3000)):
            value = element.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                return BlockProblem("invalid_blocks", f"{pointer}/{key}", f"must be a string of at most {limit}")
    return None


def _check_block(block: Any, pointer: str) -> BlockProblem | None:
    if not isinstance(block, dict):
        return BlockProblem("invalid_blocks", pointer, "must be an object")
    kind = block.get("type")
    if kind not in KNOWN_BLOCK_TYPES:
        return BlockProblem("invalid_blocks", f"{pointer}/type", f"unknown block type {kind!r}")
    block_id = block.get("block_id")
    if block_id is not None and (not isinstance(block_id, str) or not block_id or len(block_id) > MAX_BLOCK_ID):
        return BlockProblem("invalid_blocks", f"{pointer}/block_id", "must be a string of 1-255 characters")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return BlockProblem("invalid_blocks", pointer, "section needs text or fields")
        if "text" in block:
            problem = _check_text_object(block["text"], f"{pointer}/text", max_len=MAX_SECTION_TEXT)
            if problem:
                return problem
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not fields or len(fields) > MAX_SECTION_FIELDS:
                return BlockProblem("invalid_blocks", f"{pointer}/fields", "must hold 1-10 text objects")
            for i, item in enumerate(fields):
                problem = _check_text_object(item, f"{pointer}/fields/{i}", max_len=MAX_FIELD_TEXT)
                if problem:
                    return problem
        accessory = block.get("accessory")
        if accessory is not None:
            return _check_element(accessory, f"{pointer}/accessory")
    elif kind == "header":
        return _check_text_object(block.get("text"), f"{pointer}/text", max_len=MAX_HEADER_TEXT, plain_only=True)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements or len(elements) > MAX_CONTEXT_ELEMENTS:
            return BlockProblem("invalid_blocks", f"{pointer}/elements", "must hold 1-10 elements")
        for i, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") == "image":
                continue
            problem = _check_text_object(element, f"{pointer}/elements/{i}", max_len=MAX_SECTION_TEXT)
            if problem:
                return problem
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements or len(elements) > MAX_ACTIONS_ELEMENTS:
            return BlockProblem("invalid_blocks", f"{pointer}/elements", "must hold 1-25 elements")
        seen: set[str] = set()
        for i, element in enumerate(elements):
            problem = _check_element(element, f"{pointer}/elements/{i}")
            if problem:
                return problem
            action_id = element.get("action_id")
            if action_id is not None:
                if action_id in seen:
                    return BlockProblem("invalid_blocks", f"{pointer}/elements/{i}/action_id", "duplicate action_id")
                seen.add(action_id)
    elif kind == "input":
        problem = _check_text_object(block.get("label"), f"{pointer}/label", max_len=2000, plain_only=True)
        if problem:
            return problem
        element = block.get("element")
        if not isinstance(element, dict) or not isinstance(element.get("action_id"), str):
            return BlockProblem("invalid_blocks", f"{pointer}/element", "input needs an element with an action_id")
    elif kind == "image":
        if not isinstance(block.get("alt_text"), str) or not block["alt_text"]:
            return BlockProblem("invalid_blocks", f"{pointer}/alt_text", "image needs alt_text")
        if not isinstance(block.get("image_url"), str) and "slack_file" not in block:
            return BlockProblem("invalid_blocks", f"{pointer}/image_url", "image needs image_url or slack_file")
    return None


def validate_blocks(
    blocks: Any,
    *,
    text: Any = None,
    max_blocks: int = MAX_MESSAGE_BLOCKS,
    message: bool = True,
) -> BlockProblem | None:
    """Check a message (or view) against Slack's Block Kit limits; return the refusal or None.

    ``blocks`` is what the client sent: a list, a JSON string (form bodies) or None. With
    ``message=True`` the message-level rules apply too (``no_text``, ``msg_too_long``,
    ``msg_blocks_too_long``); views pass ``message=False, max_blocks=MAX_VIEW_BLOCKS``.
    """
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return BlockProblem("invalid_blocks", "/blocks", "blocks is not valid JSON")
    if blocks is not None:
        if not isinstance(blocks, list):
            return BlockProblem("invalid_blocks", "/blocks", "blocks must be an array")
        if len(blocks) > max_blocks:
            return BlockProblem("invalid_blocks", "/blocks", f"must have at most {max_blocks} items")
        block_ids: set[str] = set()
        for i, block in enumerate(blocks):
            problem = _check_block(block, f"/blocks/{i}")
            if problem:
                return problem
            block_id = block.get("block_id")
            if block_id is not None:
                if block_id in block_ids:
                    return BlockProblem("invalid_blocks", f"/blocks/{i}/block_id", "duplicate block_id")
                block_ids.add(block_id)
    if not message:
        return None
    if text is not None and not isinstance(text, str):
        return BlockProblem("invalid_arguments", "/text", "text must be a string")
    if not text and not blocks:
        return BlockProblem("no_text", "/text", "text or blocks is required")
    if text and len(text) > MAX_MESSAGE_TEXT:
        return BlockProblem("msg_too_long", "/text", f"text is longer than {MAX_MESSAGE_TEXT} characters")
    if blocks and _text_length(blocks) > MAX_BLOCKS_TOTAL_TEXT:
        return BlockProblem("msg_blocks_too_long", "/blocks", "the blocks hold too much text")
    return None


# --------------------------------------------------------------------------------------------------
# Recording and faults


@dataclass
class Call:
    """One request the emulator received, as the client sent it.

    ``params`` holds the arguments merged from query string and body (JSON values keep their
    types; form and query values are strings, as on the wire). ``time`` is ``time.monotonic()``
    at arrival. ``status`` and ``response`` are filled in once the reply is sent.
    """

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    time: float
    http_verb: str = "POST"
    encoding: str = "form"
    status: int | None = None
    response: dict[str, Any] | None = None
    fault: Fault | None = None


@dataclass
class Fault:
    """A failure injected for the next calls of one method (``"*"`` for any method)."""

    method: str
    status: int = 200
    retry_after: int | None = None
    error: str | None = None
    delay: float = 0.0
    remaining: int = 1


class ApiError(Exception):
    """Raised inside a method to reply ``{"ok": false, "error": ...}`` with HTTP 200."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    @classmethod
    def from_problem(cls, problem: BlockProblem, pointer_prefix: str = "") -> ApiError:
        """Slack's shape for a Block Kit refusal: the code plus a ``response_metadata`` message."""
        message = f"[ERROR] {problem.reason} [json-pointer:{pointer_prefix}{problem.pointer}]"
        return cls(problem.error, response_metadata={"messages": [message]})


@dataclass
class Channel:
    """A conversation in the emulated workspace."""

    id: str
    name: str
    members: set[str] = field(default_factory=set)
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)

    def sorted_messages(self) -> list[dict[str, Any]]:
        return [self.messages[ts] for ts in sorted(self.messages, key=_ts_key)]


_TS_RE = re.compile(r"\d{1,12}\.\d{1,6}")


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds), int(micros or 0)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in {"1", "true", "yes"}
    return bool(value)


# --------------------------------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: SlackEmulator

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up early (timeout tests) are expected; stay quiet about them."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackEmulator/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        self.server.emulator._serve(self, "GET")

    def do_POST(self) -> None:
        self.server.emulator._serve(self, "POST")

    def reply(self, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None) -> None:
        payload = json.dumps(body).encode("utf-8")
        with contextlib.suppress(OSError):
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)


# --------------------------------------------------------------------------------------------------
# The emulator


class SlackEmulator:
    """A Slack Web API on ``http://127.0.0.1:<free port>/api/``, with a small workspace.

    Use it as a context manager (start on enter, stop on exit), or call start()/stop().
    Default workspace: the bot user, two people (``U0REPORTER``, ``U0EDITOR``) and the channels
    ``#general`` (``C0GENERAL``) and ``#newsroom`` (``C0NEWSROOM``) with everyone in them, plus
    ``#outside`` (``C0OUTSIDE``) which the bot has not joined.
    """

    def __init__(
        self,
        *,
        bot_token: str = BOT_TOKEN,
        app_token: str = APP_TOKEN,
        socket_url: str | None = None,
        enforce_post_rate_limit: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self._socket_url = socket_url
        self.enforce_post_rate_limit = enforce_post_rate_limit
        self._clock = clock
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._last_ts = 0
        self.calls: list[Call] = []
        self._faults: deque[Fault] = deque()
        self._last_post: dict[str, float] = {}
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.modals: list[dict[str, Any]] = []
        self.ephemerals: list[dict[str, Any]] = []
        self.unfurls: list[dict[str, Any]] = []
        self._seed()

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> SlackEmulator:
        """Bind a free loopback port and serve in a background thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.emulator = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="slack-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port; pending delayed replies are cut short."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the emulator listens on (only while started)."""
        if self._server is None:
            raise RuntimeError("SlackEmulator is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:<port>``: also the base of permalinks and the workspace URL."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What to pass as ``WebClient(base_url=...)``."""
        return f"{self.root_url}/api/"

    @property
    def socket_url(self) -> str:
        """The WebSocket URL apps.connections.open hands out (set it to a local ws:// server)."""
        return self._socket_url or f"ws://127.0.0.1:{self.port}/link/?ticket=emulator"

    @socket_url.setter
    def socket_url(self, value: str) -> None:
        self._socket_url = value

    def client(self, **kwargs: Any) -> WebClient:
        """A ``slack_sdk.WebClient`` with the bot token, pointed at this emulator."""
        kwargs.setdefault("token", self.bot_token)
        return WebClient(base_url=self.base_url, **kwargs)

    # ---- workspace seeding -----------------------------------------------------------------------

    def _seed(self) -> None:
        self.add_user("nutgraf", user_id=BOT_USER_ID, is_bot=True, join=False)
        self.add_user("Rita Reporter", user_id="U0REPORTER", tz="America/New_York", join=False)
        self.add_user("Ed Editor", user_id="U0EDITOR", tz="Europe/London", join=False)
        self.add_user("Ada Admin", user_id="U0ADMIN", join=False, is_admin=True)
        self.add_channel("general", channel_id="C0GENERAL")
        self.add_channel("newsroom", channel_id="C0NEWSROOM")
        self.add_channel("outside", channel_id="C0OUTSIDE", bot_is_member=False)

    def reset(self) -> None:
        """Forget calls, faults, messages and extra users/channels; back to the default workspace."""
        with self._lock:
            self.calls.clear()
            self._faults.clear()
            self._last_post.clear()
            self.channels.clear()
            self.users.clear()
            self.views.clear()
            self.modals.clear()
            self.ephemerals.clear()
            self.unfurls.clear()
            self._seed()

    def add_user(
        self,
        real_name: str,
        *,
        user_id: str | None = None,
        display_name: str | None = None,
        tz: str = "UTC",
        is_bot: bool = False,
        join: bool = True,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> str:
        """Add a workspace member; with ``join`` they join every existing channel. Returns the id.

        ``is_admin`` / ``is_owner`` are what users.info reports (an owner is an admin too, as in Slack).
        """
        with self._lock:
            uid = user_id or f"U{len(self.users) + 1:08d}"
            name = (display_name or real_name).lower().replace(" ", ".")
            profile: dict[str, Any] = {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": display_name or "",
                "display_name_normalized": display_name or "",
                "team": TEAM_ID,
            }
            if is_bot:
                profile["bot_id"] = BOT_ID if uid == BOT_USER_ID else f"B{uid[1:]}"
            self.users[uid] = {
                "id": uid,
                "team_id": TEAM_ID,
                "name": name,
                "deleted": False,
                "real_name": real_name,
                "tz": tz,
                "tz_label": tz,
                "tz_offset": 0,
                "is_bot": is_bot,
                "is_app_user": False,
                "is_admin": is_admin or is_owner,
                "is_owner": is_owner,
                "is_primary_owner": False,
                "profile": profile,
            }
            if join:
                for channel in self.channels.values():
                    if not channel.is_im:
                        channel.members.add(uid)
            return uid

    def add_channel(
        self,
        name: str,
        *,
        channel_id: str | None = None,
        bot_is_member: bool = True,
        members: Iterable[str] | None = None,
        is_private: bool = False,
        is_archived: bool = False,
    ) -> str:
        """Add a channel; members default to every human user (plus the bot). Returns the id."""
        with self._lock:
            cid = channel_id or f"C{len(self.channels) + 1:08d}"
            people = set(members) if members is not None else {u for u in self.users if u != BOT_USER_ID}
            people.discard(BOT_USER_ID)
            if bot_is_member:
                people.add(BOT_USER_ID)
            self.channels[cid] = Channel(cid, name.lstrip("#"), people, is_private=is_private, is_archived=is_archived)
            return cid

    def add_message(
        self,
        channel: str,
        text: str,
        user: str,
        thread_ts: str | None = None,
        *,
        ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
        subtype: str | None = None,
        bot_id: str | None = None,
    ) -> str:
        """Put a message in a channel as if ``user`` had posted it (no limits checked); returns its ts.

        Messages seeded as the bot user carry the bot's ``bot_id``, so chat.update accepts them.
        """
        with self._lock:
            chan = self._channel(channel)
            message: dict[str, Any] = {"type": "message", "user": user, "text": text, "team": TEAM_ID}
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            if subtype:
                message["subtype"] = subtype
            if bot_id or user == BOT_USER_ID:
                message["bot_id"] = bot_id or BOT_ID
            return self._store(chan, message, thread_ts=thread_ts, ts=ts)

    def delete_message(self, channel: str, ts: str) -> None:
        """Delete a message as its author would. A thread's first message that has replies stays behind as
        Slack's tombstone (``subtype: tombstone``, no author), so the thread's replies can still be read."""
        with self._lock:
            chan = self._channel(channel)
            message = self._message(chan, ts)
            if message.get("thread_ts") == ts and message.get("reply_count"):
                for name in ("user", "bot_id", "blocks", "files", "attachments", "reactions", "edited"):
                    message.pop(name, None)
                message.update(subtype="tombstone", text="This message was deleted.", user="USLACKBOT", hidden=True)
            else:
                del chan.messages[ts]
                parent = chan.messages.get(str(message.get("thread_ts")))
                if parent is not None and parent is not message:
                    parent["reply_count"] = max(0, parent.get("reply_count", 1) - 1)

    def channel_id(self, name: str) -> str:
        """The id of the channel called ``name`` (with or without ``#``)."""
        return self._channel(name).id

    # ---- inspection ------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        """Calls received for one API method, in arrival order."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Every message stored in a channel (thread replies included), oldest first, as copies."""
        with self._lock:
            return copy.deepcopy(self._channel(channel).sorted_messages())

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        """One stored message, by channel and ts (KeyError if absent)."""
        with self._lock:
            return copy.deepcopy(self._channel(channel).messages[ts])

    def thread(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The parent and its replies, oldest first."""
        return [m for m in self.messages(channel) if m["ts"] == thread_ts or m.get("thread_ts") == thread_ts]

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, interval: float = 0.01) -> T:
        """Poll ``predicate`` until it returns something truthy, and return that; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                with self._lock:
                    seen = [f"{c.method} -> {c.status} {c.response}" for c in self.calls[-10:]]
                raise AssertionError(f"condition not met within {timeout}s; last calls: {seen}")
            time.sleep(interval)

    # ---- faults ----------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        retry_after: int | None = None,
        error: str | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (``"*"``: any) fail.

        - ``status=429``: rate limited, with ``Retry-After: retry_after`` (default 1) seconds;
        - ``status=500`` (or any 5xx): a server error;
        - ``error="..."``: HTTP 200 with ``{"ok": false, "error": error}``;
        - ``delay=s`` alone: reply late but otherwise normally (the call still takes effect, as a
          slow Slack would), so a client with a shorter timeout sees a timeout.
        A delay can be combined with any of the failures. Faults are used in the order given.
        """
        if status == 200 and error is None and delay <= 0:
            raise ValueError("fail_next needs a status, an error or a delay")
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(Fault(method, status, retry_after, error, delay, times))

    def _take_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method in (method, "*"):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # ---- request handling ------------------------------------------------------------------------

    def response_url(self) -> str:
        """A fresh ``response_url`` as Slack puts in commands and shortcuts; posts to it are recorded."""
        return f"{self.root_url}/response/{uuid.uuid4().hex}"

    def responses(self) -> list[Call]:
        """What was sent to response URLs (JSON bodies), oldest first."""
        return self.calls_to("response_url")

    def _serve_response_url(self, handler: _Handler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            body = json.loads(handler.rfile.read(length) or b"{}")
        except ValueError:
            handler.reply(HTTPStatus.BAD_REQUEST, {"ok": False, "error": "invalid_json"})
            return
        call = Call("response_url", body, dict(handler.headers.items()), time.monotonic(), encoding="json")
        call.status, call.response = 200, {"ok": True}
        with self._lock:
            self.calls.append(call)
        handler.reply(HTTPStatus.OK, {"ok": True})

    def open_permalink(self, url: str) -> dict[str, Any] | None:
        """The message a permalink from chat.getPermalink leads to, as a copy; None if it leads nowhere.

        Slack's client opens the thread when the link has ``thread_ts``; here the message itself is returned.
        """
        split = urlsplit(url)
        parts = split.path.strip("/").split("/")
        if f"{split.scheme}://{split.netloc}" != self.root_url or len(parts) != 3 or parts[0] != "archives":
            return None
        digits = parts[2][1:]
        if not parts[2].startswith("p") or not digits.isdigit() or len(digits) <= 6:
            return None
        ts = f"{digits[:-6]}.{digits[-6:]}"
        with self._lock:
            channel = self.channels.get(parts[1])
            if channel is None or ts not in channel.messages:
                return None
            return copy.deepcopy(channel.messages[ts])

    def _serve_permalink(self, handler: _Handler) -> None:
        message = self.open_permalink(self.root_url + handler.path)
        if message is None:
            handler.reply(HTTPStatus.NOT_FOUND, {"ok": False, "error": "message_not_found"})
        else:
            handler.reply(HTTPStatus.OK, {"ok": True, "message": message})

    def _serve(self, handler: _Handler, verb: str) -> None:
        split = urlsplit(handler.path)
        if verb == "POST" and split.path.startswith("/response/"):
            self._serve_response_url(handler)
            return
        if verb == "GET" and split.path.startswith("/archives/"):
            self._serve_permalink(handler)
            return
        if not split.path.startswith("/api/"):
            handler.reply(HTTPStatus.NOT_FOUND, {"ok": False, "error": "not_found"})
            return
        method = split.path[len("/api/") :]
        headers = {k: v for k, v in handler.headers.items()}
        params: dict[str, Any] = dict(parse_qsl(split.query, keep_blank_values=True))
        encoding = "query" if verb == "GET" else "form"
        body_error: str | None = None
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        content_type = (handler.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if raw:
            if content_type == "application/json":
                encoding = "json"
                try:
                    body = json.loads(raw)
                    if not isinstance(body, dict):
                        raise ValueError("not an object")
                    params.update(body)
                except ValueError:
                    body_error = "invalid_json"
            elif content_type in ("application/x-www-form-urlencoded", ""):
                encoding = "form"
                params.update(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            else:
                encoding = content_type
                body_error = "invalid_form_data"

        call = Call(method, params, headers, time.monotonic(), http_verb=verb, encoding=encoding)
        with self._lock:
            self.calls.append(call)

        fault = self._take_fault(method)
        call.fault = fault
        if fault is not None and fault.delay > 0 and self._stopping.wait(fault.delay):
            return
        status, body, extra_headers = self._respond(method, params, headers, fault, body_error)
        call.status, call.response = status, body
        handler.reply(status, body, extra_headers)

    def _respond(
        self,
        method: str,
        params: dict[str, Any],
        headers: dict[str, str],
        fault: Fault | None,
        body_error: str | None,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if fault is not None and fault.status == 429:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fault.retry_after)}
        if fault is not None and fault.status >= 500:
            return fault.status, {"ok": False, "error": "internal_error"}, {}
        if fault is not None and fault.error:
            return 200, {"ok": False, "error": fault.error}, {}
        try:
            if body_error:
                raise ApiError(body_error)
            handler = self._methods().get(method)
            if handler is None:
                return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
            self._authorize(method, params, headers)
            with self._lock:
                if method == "chat.postMessage" and self.enforce_post_rate_limit:
                    limited = self._rate_limited(params)
                    if limited:
                        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
                result = handler(params)
        except ApiError as exc:
            return 200, {"ok": False, "error": exc.error, **exc.extra}, {}
        return 200, {"ok": True, **result}, {}

    def _authorize(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else params.get("token")
        if not token:
            raise ApiError("not_authed")
        wanted = self.app_token if method == "apps.connections.open" else self.bot_token
        if token == wanted:
            return
        if token in (self.app_token, self.bot_token):
            raise ApiError("not_allowed_token_type")
        raise ApiError("invalid_auth")

    def _rate_limited(self, params: dict[str, Any]) -> bool:
        key = str(params.get("channel"))
        now = time.monotonic()
        last = self._last_post.get(key)
        if last is not None and now - last < 1.0:
            return True
        self._last_post[key] = now
        return False

    def _methods(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.unfurl": self._chat_unfurl,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "conversations.replies": self._conversations_replies,
            "conversations.history": self._conversations_history,
            "users.info": self._users_info,
            "views.publish": self._views_publish,
            "views.open": self._views_open,
            "apps.connections.open": self._apps_connections_open,
        }

    # ---- workspace helpers -----------------------------------------------------------------------

    def _next_ts(self) -> str:
        micros = max(int(self._clock() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _channel(self, ref: Any) -> Channel:
        """Resolve a channel id, ``#name``/name, or a user id (opening the DM) like Slack does."""
        if not isinstance(ref, str) or not ref:
            raise ApiError("channel_not_found")
        if ref in self.channels:
            return self.channels[ref]
        name = ref.lstrip("#")
        for channel in self.channels.values():
            if channel.name == name and not channel.is_im:
                return channel
        if ref in self.users:
            dm_id = "D" + ref[1:]
            if dm_id not in self.channels:
                self.channels[dm_id] = Channel(dm_id, dm_id, {ref, BOT_USER_ID}, is_im=True)
            return self.channels[dm_id]
        raise ApiError("channel_not_found")

    def _member_channel(self, ref: Any) -> Channel:
        channel = self._channel(ref)
        if BOT_USER_ID not in channel.members:
            if channel.is_private:
                raise ApiError("channel_not_found")
            raise ApiError("not_in_channel")
        return channel

    def _store(self, channel: Channel, message: dict[str, Any], *, thread_ts: Any, ts: str | None) -> str:
        parent: dict[str, Any] | None = None
        if thread_ts:
            if not _TS_RE.fullmatch(str(thread_ts)):
                raise ApiError("invalid_thread_ts")
            parent = channel.messages.get(str(thread_ts))
            if parent is None:
                raise ApiError("thread_not_found")
            parent_ts = parent.get("thread_ts", parent["ts"])
            parent = channel.messages[parent_ts]
        message_ts = ts or self._next_ts()
        if message_ts in channel.messages:
            raise ValueError(f"a message with ts {message_ts} already exists in {channel.id}")
        message["ts"] = message_ts
        if parent is not None:
            message["thread_ts"] = parent["ts"]
            message["parent_user_id"] = parent.get("user")
            parent["thread_ts"] = parent["ts"]
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            users = parent.setdefault("reply_users", [])
            if message.get("user") and message["user"] not in users:
                users.append(message["user"])
            parent["reply_users_count"] = len(users)
            parent["latest_reply"] = max(parent.get("latest_reply", message_ts), message_ts, key=_ts_key)
        channel.messages[message_ts] = message
        return message_ts

    def _message(self, channel: Channel, ts: Any) -> dict[str, Any]:
        message = channel.messages.get(str(ts)) if ts else None
        if message is None:
            raise ApiError("message_not_found")
        return message

    def _user(self, user_id: Any) -> dict[str, Any]:
        user = self.users.get(str(user_id)) if user_id else None
        if user is None:
            raise ApiError("user_not_found")
        return user

    @staticmethod
    def _json_param(params: dict[str, Any], name: str) -> Any:
        value = params.get(name)
        if isinstance(value, str) and name in JSON_PARAMS:
            try:
                return json.loads(value)
            except ValueError:
                raise ApiError(f"invalid_{name}" if name != "blocks" else "invalid_blocks") from None
        return value

    @staticmethod
    def _check_message(params: dict[str, Any], *, blocks: Any) -> None:
        problem = validate_blocks(blocks, text=params.get("text"))
        if problem is not None:
            raise ApiError.from_problem(problem)

    @staticmethod
    def _page(items: list[dict[str, Any]], params: dict[str, Any], default_limit: int) -> dict[str, Any]:
        try:
            limit = int(params.get("limit") or default_limit)
        except ValueError:
            raise ApiError("invalid_limit") from None
        limit = max(1, min(limit, 999))
        offset = 0
        cursor = params.get("cursor")
        if cursor:
            try:
                kind, _, value = base64.b64decode(str(cursor), validate=True).decode().partition(":")
                if kind != "offset":
                    raise ValueError(kind)
                offset = int(value)
            except (ValueError, binascii.Error):
                raise ApiError("invalid_cursor") from None
        page = items[offset : offset + limit]
        more = offset + limit < len(items)
        next_cursor = base64.b64encode(f"offset:{offset + limit}".encode()).decode() if more else ""
        return {
            "messages": copy.deepcopy(page),
            "has_more": more,
            "response_metadata": {"next_cursor": next_cursor},
        }

    @staticmethod
    def _in_window(ts: str, params: dict[str, Any]) -> bool:
        inclusive = _truthy(params.get("inclusive"))
        key = _ts_key(ts)
        oldest, latest = params.get("oldest"), params.get("latest")
        if oldest:
            bound = _ts_key(str(oldest))
            if key < bound or (key == bound and not inclusive):
                return False
        if latest:
            bound = _ts_key(str(latest))
            if key > bound or (key == bound and not inclusive):
                return False
        return True

    # ---- API methods -----------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"{self.root_url}/",
            "team": TEAM_NAME,
            "user": self.users[BOT_USER_ID]["name"],
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _bot_message(self, params: dict[str, Any], blocks: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "text": params.get("text") or "",
        }
        if blocks is not None:
            message["blocks"] = blocks
        for key in ("attachments", "metadata"):
            if params.get(key) is not None:
                message[key] = self._json_param(params, key)
        return message

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params.get("channel"))
        if channel.is_archived:
            raise ApiError("is_archived")
        blocks = self._json_param(params, "blocks")
        self._check_message(params, blocks=blocks)
        message = self._bot_message(params, blocks)
        thread_ts = params.get("thread_ts") or None
        if thread_ts and _truthy(params.get("reply_broadcast")):
            message["subtype"] = "thread_broadcast"
        ts = self._store(channel, message, thread_ts=thread_ts, ts=None)
        return {"channel": channel.id, "ts": ts, "message": copy.deepcopy(message)}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params.get("channel"))
        message = self._message(channel, params.get("ts"))
        if message.get("bot_id") != BOT_ID:
            raise ApiError("cant_update_message")
        blocks = self._json_param(params, "blocks")
        if "text" not in params and blocks is None:
            raise ApiError("no_text")
        self._check_message(params, blocks=blocks if blocks is not None else message.get("blocks"))
        if "text" in params:
            message["text"] = params["text"] or ""
        if blocks is not None:
            message["blocks"] = blocks
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(message),
        }

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params.get("channel"))
        user = self._user(params.get("user"))
        if user["id"] not in channel.members:
            raise ApiError("user_not_in_channel")
        blocks = self._json_param(params, "blocks")
        self._check_message(params, blocks=blocks)
        thread_ts = params.get("thread_ts") or None
        if thread_ts:
            self._message(channel, thread_ts)
        message_ts = self._next_ts()
        message = self._bot_message(params, blocks)
        message.update(ts=message_ts, channel=channel.id, to_user=user["id"])
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.ephemerals.append(message)
        return {"message_ts": message_ts}

    def _chat_unfurl(self, params: dict[str, Any]) -> dict[str, Any]:
        unfurls = self._json_param(params, "unfurls")
        if not isinstance(unfurls, dict) or not unfurls:
            raise ApiError("missing_unfurls")
        if params.get("unfurl_id") and params.get("source"):
            self.unfurls.append({"unfurl_id": params["unfurl_id"], "source": params["source"], "unfurls": unfurls})
            return {}
        channel = self._channel(params.get("channel"))
        message = self._message(channel, params.get("ts"))
        for url in unfurls:
            if url not in message.get("text", ""):
                raise ApiError("cannot_unfurl_url")
        self.unfurls.append({"channel": channel.id, "ts": message["ts"], "unfurls": unfurls})
        return {}

    def _chat_get_permalink(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel"))
        message = self._message(channel, params.get("message_ts"))
        link = f"{self.root_url}/archives/{channel.id}/p{message['ts'].replace('.', '')}"
        if message.get("thread_ts") and message["thread_ts"] != message["ts"]:
            link += f"?thread_ts={message['thread_ts']}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    def _reaction_target(self, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
        name = params.get("name")
        if not name or not isinstance(name, str):
            raise ApiError("invalid_name")
        if not params.get("channel") or not params.get("timestamp"):
            raise ApiError("no_item_specified")
        channel = self._member_channel(params["channel"])
        return self._message(channel, params["timestamp"]), name.strip(":")

    def _reactions_add(self, params: dict[str, Any]) -> dict[str, Any]:
        message, name = self._reaction_target(params)
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if entry is None:
            entry = {"name": name, "users": [], "count": 0}
            reactions.append(entry)
        if BOT_USER_ID in entry["users"]:
            raise ApiError("already_reacted")
        entry["users"].append(BOT_USER_ID)
        entry["count"] = len(entry["users"])
        return {}

    def _reactions_remove(self, params: dict[str, Any]) -> dict[str, Any]:
        message, name = self._reaction_target(params)
        reactions = message.get("reactions", [])
        entry = next((r for r in reactions if r["name"] == name), None)
        if entry is None or BOT_USER_ID not in entry["users"]:
            raise ApiError("no_reaction")
        entry["users"].remove(BOT_USER_ID)
        entry["count"] = len(entry["users"])
        if not entry["users"]:
            reactions.remove(entry)
        if not reactions:
            message.pop("reactions", None)
        return {}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params.get("channel"))
        visible = [
            m
            for m in reversed(channel.sorted_messages())
            if (m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast")
            and self._in_window(m["ts"], params)
        ]
        return self._page(visible, params, default_limit=100)

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._member_channel(params.get("channel"))
        ts = params.get("ts")
        if not ts:
            raise ApiError("invalid_arguments")
        message = channel.messages.get(str(ts))
        if message is None:
            raise ApiError("thread_not_found")
        root = message.get("thread_ts", message["ts"])
        thread = [
            m
            for m in channel.sorted_messages()
            if (m["ts"] == root or m.get("thread_ts") == root) and (m["ts"] == root or self._in_window(m["ts"], params))
        ]
        return self._page(thread, params, default_limit=1000)

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"user": copy.deepcopy(self._user(params.get("user")))}

    def _view(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        """The ``view`` argument, checked: its type, and its blocks against a view's limits."""
        view = self._json_param(params, "view")
        if not isinstance(view, dict) or view.get("type") != kind:
            raise ApiError("invalid_arguments")
        problem = validate_blocks(view.get("blocks"), max_blocks=MAX_VIEW_BLOCKS, message=False)
        if problem is None and not view.get("blocks"):
            problem = BlockProblem("invalid_blocks", "/view/blocks", "a view needs blocks")
        if problem is not None:
            raise ApiError.from_problem(problem, "/view")
        return view

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._user(params.get("user_id"))
        view = self._view(params, "home")
        previous = self.views.get(user["id"])
        wanted_hash = params.get("hash")
        if previous is not None and wanted_hash and wanted_hash != previous["hash"]:
            raise ApiError("hash_conflict")
        number = len(self.views) + 1 if previous is None else int(previous["id"][1:])
        stored = {
            **copy.deepcopy(view),
            "id": f"V{number:08d}",
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{self._next_ts()}.{number}",
        }
        self.views[user["id"]] = stored
        return {"view": copy.deepcopy(stored)}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """A modal opened with a trigger_id (which Slack honours once, within 3 s)."""
        trigger_id = params.get("trigger_id")
        if not isinstance(trigger_id, str) or not re.fullmatch(r"\d+\.\w+", trigger_id):
            raise ApiError("invalid_trigger_id")
        if any(m["trigger_id"] == trigger_id for m in self.modals):
            raise ApiError("expired_trigger_id")
        view = self._view(params, "modal")
        problem = _check_text_object(view.get("title"), "/title", max_len=MAX_VIEW_TITLE, plain_only=True)
        has_inputs = any(b.get("type") == "input" for b in view.get("blocks") or [])
        if problem is None and has_inputs:
            problem = _check_text_object(view.get("submit"), "/submit", max_len=MAX_VIEW_TITLE, plain_only=True)
        if problem is None and len(str(view.get("private_metadata") or "")) > MAX_PRIVATE_METADATA:
            problem = BlockProblem("invalid_arguments", "/private_metadata", "must be at most 3000 characters")
        if problem is not None:
            raise ApiError.from_problem(problem, "/view")
        stored = {
            **copy.deepcopy(view),
            "id": f"V{len(self.modals) + 1:08d}M",
            "team_id": TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{self._next_ts()}.modal",
            "state": {"values": {}},
        }
        self.modals.append({"trigger_id": trigger_id, "view": stored})
        return {"view": copy.deepcopy(stored)}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_url}


def iter_blocks_text(value: Any) -> Iterator[str]:
    """Yield every ``text`` string in blocks (or any JSON value), depth first: handy in assertions."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                yield item
            else:
                yield from iter_blocks_text(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_blocks_text(item)
