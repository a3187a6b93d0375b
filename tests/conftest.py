"""Shared fixtures: one spaCy pipeline per test session, settings isolated from the developer's environment."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from redis_server import private_redis, redis_client, redis_store, redis_url  # noqa: F401

from bot.nlp.pipeline import Analyzer
from bot.settings import Settings, default_spacy_model
from tests.slack_api import SlackEmulator

# Tests never read a developer's .env or exported Slack secrets.
for _name in list(os.environ):
    if _name.startswith(("SLACK_", "NUTGRAF_")) or _name in ("REDIS_URL", "PORT"):
        del os.environ[_name]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    """The analysis pipeline with the installed English model, loaded once."""
    return Analyzer(default_spacy_model())


@pytest.fixture(scope="session")
def nlp(analyzer: Analyzer):  # type: ignore[no-untyped-def]
    """The spaCy pipeline nutgraf uses, loaded once per session."""
    return analyzer.nlp


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Settings]:  # type: ignore[no-untyped-def]
    """Settings built from defaults only (no .env is read: the working directory is a temp dir)."""
    monkeypatch.chdir(tmp_path)
    yield Settings()


@pytest.fixture
def slack_api() -> Iterator[SlackEmulator]:
    """A local Slack Web API on loopback; point clients at ``slack_api.base_url``."""
    with SlackEmulator() as emulator:
        yield emulator
