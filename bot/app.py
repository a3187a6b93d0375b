"""Building the Bolt app: one runtime (settings, store, service, dispatcher), handlers, one error handler.

``build_app`` is shared by HTTP mode (:func:`wsgi_application`, served by gunicorn) and Socket Mode.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.errors import SlackApiError

from bot import digest, metrics
from bot.errors import InputError
from bot.jobs import Dispatcher, set_service
from bot.nlp.model import is_loaded
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
        except InputError as exc:
            return {"text": str(exc)}
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
            "model_loaded": is_loaded(self.settings.spacy_model),
            "jobs": self.settings.jobs,
        }


def runtime(context: BoltContext) -> Runtime:
    """The runtime of the app a listener runs in."""
    value = context["nutgraf"]
    assert isinstance(value, Runtime)
    return value


def build_service(settings: Settings) -> Service:
    """The service with its Redis store and Slack client, as workers and web processes build it."""
    store = RedisStore.from_url(settings.redis_url)
    return Service(settings, store, web_client(settings))


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


#: The fields of interactive payloads that Bolt's listener matching reads, by payload type.
_SHAPES: dict[str, type[BaseModel]] = {"block_actions": _BlockActions, "message_action": _MessageAction}


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


def build_app(settings: Settings, rt: Runtime | None = None, *, socket_mode: bool = False) -> App:
    """The Bolt app with every surface registered. Signatures are verified in HTTP mode."""
    import handlers

    settings.require("slack_bot_token")
    if not socket_mode:
        settings.require("slack_signing_secret")
    rt = rt or build_runtime(settings)
    app = App(
        client=rt.service.client,
        signing_secret=None if socket_mode else settings.secret("slack_signing_secret"),
        request_verification_enabled=not socket_mode,
        logger=logging.getLogger("bot.bolt"),
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


def wsgi_application(settings: Settings, app: App | None = None, rt: Runtime | None = None) -> Callable[..., Any]:
    """The WSGI app: ``POST /slack/events`` for Slack, ``GET /healthz`` for the platform."""
    rt = rt or build_runtime(settings)
    app = app or build_app(settings, rt)
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = json.dumps(rt.health()).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if environ.get("PATH_INFO") == METRICS_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = metrics.exposition(metrics.QueueDepthCollector(rt.dispatcher.queue_depths))
            start_response("200 OK", [("Content-Type", metrics.CONTENT_TYPE), ("Content-Length", str(len(body)))])
            return [body]
        try:
            return slack(environ, start_response)
        except (ValueError, AttributeError, IndexError, KeyError, TypeError) as exc:
            # Bolt reads the body before verifying it, and its own error path reads it again: a body that
            # escapes both (bad JSON, not an object, an empty ``actions``) was never sent by Slack.
            logger.warning("refused a request whose body Bolt cannot read: %s", exc)
            start_response("400 Bad Request", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return [b""]

    return application
