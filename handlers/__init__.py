"""Slack listeners, one module per surface. Each module exposes ``register(app)``; logic lives in ``bot``."""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, events, home, shortcuts, views


def register(app: App) -> None:
    """Register every surface on the app."""
    for module in (events, commands, shortcuts, actions, views, home):
        module.register(app)
