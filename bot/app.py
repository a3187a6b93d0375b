"""Building the Bolt app: one runtime (settings, store, service, dispatcher), handlers, one error handler.

``build_app`` is shared by HTTP mode (:func:`wsgi_application`, served by gunicorn) and Socket Mode. In
HTTP mode every ``POST /slack/events`` is screened before Bolt reads it (:func:`_screen`): a body over
``NUTGRAF_MAX_REQUEST_BYTES`` is refused from its length, unread (413); an unsigned or stale one gets 401
before anything parses it; a signed one that is not a Slack payload gets 400. Bolt's log lines never
carry a body (:class:`QuietBoltLog`).
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError
from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.internals import parse_body
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from bot import digest, metrics
from bot.analysis import Runner
from bot.blocks import escape_mrkdwn
from bot.errors import InputError
from bot.jobs import Dispatcher, set_service
from bot.service import DigestRequest, Request, Service
from bot.settings import Settings
from bot.slack import web_client
from bot.store import RedisStore, Store
from bot.triggers import request_kind, stamped

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
#: Longest log line Bolt may write about a request.
MAX_LOG_CHARS = 500
METRICS_PATH = "/metrics"


@dataclass
class Runtime:
    """Everything a listener needs, injected into Bolt's context as ``context["nutgraf"]``."""

    settings: Settings
    store: Store
    service: Service
    dispatcher: Dispatcher

    def submit_once(self, request: Request | None, team: str | None = None) -> None:
        """Queue a request unless the thing it asks about was already taken up.

        An event's request key comes from the message it is about (``msg:{channel}:{ts}``,
        ``react:{channel}:{ts}``), so Slack's retries of the event, which share its ``event_id``, claim the
        same key and are refused by the same claim. ``team`` is the workspace it came from.
        """
        if request is not None and self.store.claim(request.key):
            self.dispatcher.submit(stamped(request, team) or request)

    def digest_command(self, body: dict[str, Any], arg: str) -> dict[str, Any]:
        """``/nutgraf digest …``: schedules are answered in the ack; a digest to post now is queued after it."""
        channel = body["channel_id"]
        now = datetime.now(timezone.utc)
        try:
            command = digest.parse_digest_command(arg)
            if command.action != "now":
                return {"text": digest.handle_digest_command(command, store=self.store, channel=channel, now=now)}
            since, until = digest.command_window(command, store=self.store, channel=channel, now=now)
        except InputError as exc:  # it may quote what was typed: "<!here>" must not become a mention
            return {"text": escape_mrkdwn(str(exc))}
        request = DigestRequest(
            key=f"digest:{body.get('trigger_id') or now.isoformat()}",
            channel=channel,
            user=body.get("user_id"),
            since=since,
            until=until,
            channel_name=body.get("channel_name"),
        )
        self.dispatcher.submit(request)
        return {"text": f"Putting together the digest since {since:%a %d %b %H:%M} UTC…"}

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` reports."""
        redis_ok = self.store.ping()
        return {
            "status": "ok" if redis_ok else "degraded",
            "redis": "ok" if redis_ok else "unreachable",
            "model": self.settings.spacy_model,
            "model_loaded": self.service.analyzer.model_loaded(),
            "jobs": self.settings.jobs,
        }


def runtime(context: BoltContext) -> Runtime:
    """The runtime of the app a listener runs in."""
    value = context["nutgraf"]
    assert isinstance(value, Runtime)
    return value


def build_service(settings: Settings, runner: Runner | None = None) -> Service:
    """The service with its Redis store and Slack client, as workers and web processes build it; analyses run
    in ``runner`` (by default a pool of worker processes started on first use)."""
    store = RedisStore.from_url(settings.redis_url)
    return Service(settings, store, web_client(settings), runner)


def build_runtime(settings: Settings, service: Service | None = None) -> Runtime:
    """Settings, store, service and dispatcher for one process."""
    service = service or build_service(settings)
    set_service(service)
    return Runtime(settings, service.store, service, Dispatcher(settings, service))


class _Action(BaseModel):
    action_id: str
    value: str | None = None


class _BlockActions(BaseModel):
    actions: list[_Action]


class _MessageAction(BaseModel):
    callback_id: str
    message: dict[str, Any]


class _Event(BaseModel):
    type: str


class _EventCallback(BaseModel):
    event: _Event


#: The fields of payloads that Bolt's listener matching reads, by payload type.
_SHAPES: dict[str, type[BaseModel]] = {
    "block_actions": _BlockActions,
    "message_action": _MessageAction,
    "event_callback": _EventCallback,
}


def well_formed(body: dict[str, Any]) -> bool:
    """Whether a verified body has the shape Slack gives its type, as far as listener matching reads it.

    Slack never sends anything else; a body that is not (``"actions": [7]``) is refused with a 400 before
    Bolt's matchers index into it.
    """
    kind = body.get("type")
    if kind is not None and not isinstance(kind, str):
        return False
    shape = _SHAPES.get(kind or "")
    if shape is None:
        return True
    try:
        shape.model_validate(body)
    except ValidationError:
        return False
    return True


class QuietBoltLog(logging.Filter):
    """Keeps request bodies (and so story text) out of Bolt's log lines, and drops one start-up warning.

    Bolt logs a refused signature with the whole body ("Invalid request signature detected (… body: …)"),
    which let anyone grow the log by whatever they posted: such lines lose everything from ``body:`` on.
    Bolt also reads ``SLACK_BOT_TOKEN`` from the environment even when given a client, and then warns
    that the token (the client's own) is unused: that warning is dropped.
    """

    _CLIENT_WARNING = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message == self._CLIENT_WARNING:
            return False
        cut = message.find("body:")
        if cut >= 0 or len(message) > MAX_LOG_CHARS:
            record.msg = message[:cut] + "body withheld)" if cut >= 0 else message[:MAX_LOG_CHARS] + " …"
            record.args = None
        return True


def build_app(settings: Settings, rt: Runtime | None = None, *, socket_mode: bool = False) -> App:
    """The Bolt app with every surface registered. Signatures are verified in HTTP mode."""
    import handlers

    settings.require("slack_bot_token")
    if not socket_mode:
        settings.require("slack_signing_secret")
    rt = rt or build_runtime(settings)
    bolt_logger = logging.getLogger("bot.bolt")
    if not any(isinstance(f, QuietBoltLog) for f in bolt_logger.filters):
        bolt_logger.addFilter(QuietBoltLog())
    app = App(
        client=rt.service.client,
        signing_secret=None if socket_mode else settings.secret("slack_signing_secret"),
        request_verification_enabled=not socket_mode,
        logger=bolt_logger,
    )

    def inject(body: dict[str, Any], context: BoltContext, next: Callable[[], None]) -> BoltResponse | None:
        metrics.slack_request(request_kind(body))
        if not well_formed(body):
            logger.warning("refused a malformed %s payload", str(body.get("type"))[:40])
            return BoltResponse(status=400, body="")
        context["nutgraf"] = rt
        next()
        return None

    app.use(inject)
    handlers.register(app)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
        if isinstance(error, SlackApiError):
            logger.warning("Slack API error %s for %s", error.response.get("error"), body.get("type"))
        elif isinstance(error, (KeyError, IndexError)):
            # A field Slack always sends is missing: refuse the request rather than answer 500.
            logger.warning("malformed %s request: missing %s", body.get("type"), error, exc_info=error)
            return BoltResponse(status=400, body="")
        else:
            logger.exception("unhandled error for %s", body.get("type"), exc_info=error)
        return None

    return app


def _refuse(start_response: StartResponse, status: str) -> list[bytes]:
    # A body left unread is the server's to discard or to close the connection on (gunicorn caps the drain).
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "0")])
    return [b""]


def _is_ssl_check(body: bytes) -> bool:
    """Slack's ``ssl_check=1`` form, which Bolt answers before (and without) checking a signature."""
    return len(body) < 1000 and dict(parse_qsl(body.decode("latin-1"))).get("ssl_check") == "1"


def _screen(environ: WSGIEnvironment, settings: Settings, verifier: SignatureVerifier) -> str | None:
    """Check a ``POST /slack/events`` before Bolt reads it: the refusal's status line, or None to go on.

    A body over ``NUTGRAF_MAX_REQUEST_BYTES`` (Slack's are a few KB) is refused from its Content-Length,
    unread; the signature is checked here, so an unsigned request is refused before anything parses its
    body and nothing of it reaches a log. The body read is handed on to Bolt, which checks it again.
    """
    length = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not length.isdigit():
        return "411 Length Required"
    if int(length) > settings.max_request_bytes:
        logger.warning("refused a request of %s bytes (limit %d)", length, settings.max_request_bytes)
        return "413 Payload Too Large"
    body = environ["wsgi.input"].read(int(length))
    environ["wsgi.input"] = io.BytesIO(body)
    timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "")
    signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
    if not (timestamp.isascii() and timestamp.isdigit()) or not verifier.is_valid(body, timestamp, signature):
        if _is_ssl_check(body):
            return None  # Slack's certificate check of a command URL; Bolt answers it with an empty 200
        logger.info("refused a request without a valid Slack signature (%d bytes)", len(body))
        return "401 Unauthorized"
    try:
        # Bolt's own parser, as Bolt will run it; its built-in middleware reads the payload before any of
        # nutgraf's, so a payload of the wrong shape is refused here.
        payload = parse_body(body.decode("utf-8"), str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip())
    except (ValueError, RecursionError):
        payload = None
    if not isinstance(payload, dict) or not well_formed(payload):
        logger.warning("refused a signed request that is not a Slack payload (%d bytes)", len(body))
        return "400 Bad Request"
    return None


def wsgi_application(settings: Settings, app: App | None = None, rt: Runtime | None = None) -> Callable[..., Any]:
    """The WSGI app: ``POST /slack/events`` for Slack, ``GET /healthz`` for the platform."""
    rt = rt or build_runtime(settings)
    app = app or build_app(settings, rt)
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    verifier = SignatureVerifier(settings.secret("slack_signing_secret"))

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            body = json.dumps(rt.health()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("PATH_INFO") == METRICS_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = metrics.exposition(metrics.QueueDepthCollector(rt.dispatcher.queue_depths))
            start_response("200 OK", [("Content-Type", metrics.CONTENT_TYPE), ("Content-Length", str(len(body)))])
            return [body]
        if path == EVENTS_PATH and method == "POST":
            refusal = _screen(environ, settings, verifier)
            if refusal is not None:
                return _refuse(start_response, refusal)
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError, IndexError, KeyError, TypeError, RecursionError) as exc:
            # Bolt parses the body before its listeners run, and its own error path reads it again: a body
            # that escapes both (bad JSON, nested past Python's recursion limit, not an object, an empty
            # ``actions``) was never sent by Slack.
            logger.warning("refused a request whose body Bolt cannot read: %s", type(exc).__name__)
            return _refuse(start_response, "400 Bad Request")

    return application
