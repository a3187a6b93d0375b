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
    conflicts = rt.service.desk.home_conflicts(event["user"])
    client.views_publish(user_id=event["user"], view=home_view(rt.store.recent_stories(20), conflicts=conflicts))


def register(app: App) -> None:
    app.event("app_home_opened")(on_home_opened)
