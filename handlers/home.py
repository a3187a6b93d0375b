"""App Home: what nutgraf is, the latest figure conflicts in the user's channels, and what was analysed recently."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.app import runtime
from bot.blocks import home_view


def on_home_opened(ack: Ack, event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Publish the Home tab when a user opens it."""
    ack()
    if event.get("tab", "home") != "home":
        return
    rt = runtime(context)
    desk, user = rt.service.desk, event["user"]
    view = home_view(desk.recent_stories(user), conflicts=desk.home_conflicts(user))
    client.views_publish(user_id=user, view=view)


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
