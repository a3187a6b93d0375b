"""Shared fixtures: one spaCy pipeline per test session, settings isolated from the developer's environment,
and the loopback guard (``tests/loopback_guard.py``) around everything the tests run."""

from __future__ import annotations

import os
from pathlib import Path

from tests import loopback_guard

# Before anything else: this process, and every Python process the tests start, stays on loopback.
# (Test modules that import this one as ``tests.conftest`` get the same guard and log.)
REFUSALS = loopback_guard.guard_session(Path(__file__).parent / "subprocess_site")

from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from redis_server import private_redis, redis_client, redis_store, redis_url, second_store  # noqa: E402, F401

from bot.analysis import Runner  # noqa: E402
from bot.app import Runtime, build_runtime, wsgi_application  # noqa: E402
from bot.nlp.pipeline import Analyzer  # noqa: E402
from bot.service import Service  # noqa: E402
from bot.settings import Settings, default_spacy_model  # noqa: E402
from bot.slack import web_client  # noqa: E402
from bot.store import RedisStore  # noqa: E402
from tests.bot_server import SIGNING_SECRET, BotServer  # noqa: E402
from tests.fetch_server import PageServer  # noqa: E402
from tests.slack_api import SlackEmulator  # noqa: E402

# Tests never read a developer's .env or exported Slack secrets.
for _name in list(os.environ):
    if _name.startswith(("SLACK_", "NUTGRAF_")) or _name in ("REDIS_URL", "PORT"):
        del os.environ[_name]


def _refused(when: str, refusals: list[str]) -> str:
    return f"the loopback guard refused network access {when}:\n" + "\n".join(refusals)


@pytest.fixture(autouse=True)
def loopback_only() -> Iterator[None]:
    """Fail a test that tried to leave loopback, in this process or in one it started, even when the code
    under test caught the guard's exception."""
    earlier = REFUSALS.take()
    if earlier:
        pytest.fail(_refused("before this test (in a fixture or a process still running)", earlier), pytrace=False)
    yield
    refused = REFUSALS.take()
    if refused:
        pytest.fail(_refused("during this test", refused), pytrace=False)


@pytest.fixture
def network_refusals() -> loopback_guard.RefusalLog:
    """The guard's log, for a test that provokes refusals on purpose and takes them (``.take()``)."""
    return REFUSALS


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Refusals after the last test (in session fixtures' teardown) fail the run too; the log goes."""
    refused = REFUSALS.take()
    if refused:
        print("\n" + _refused("after the last test", refused))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    REFUSALS.path.unlink(missing_ok=True)


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


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """A local web site with the fixture pages (``page_server.url("/article.html")``)."""
    with PageServer() as server:
        yield server


def bot_settings(slack: SlackEmulator, redis_url: str, **values: Any) -> Settings:
    """Settings pointing nutgraf at the local Slack emulator and the test Redis database."""
    base: dict[str, Any] = {
        "slack_bot_token": slack.bot_token,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_app_token": slack.app_token,
        "slack_api_url": slack.base_url,
        "redis_url": redis_url,
        "jobs": "inline",
    }
    return Settings(**{**base, **values})


@contextmanager
def running_bot(
    slack: SlackEmulator, redis_url: str, analyzer: Analyzer | Runner, site: PageServer, **values: Any
) -> Iterator[Bot]:
    """nutgraf over HTTP on loopback against ``redis_url``, allowed to fetch from the local ``site``."""
    values.setdefault("fetch_allowed_private_hosts", [site.host])
    settings = bot_settings(slack, redis_url, **values)
    store = RedisStore.from_url(redis_url)
    rt = build_runtime(settings, Service(settings, store, web_client(settings), analyzer))
    try:
        with BotServer(wsgi_application(settings, rt=rt)) as server:
            yield Bot(server=server, slack=slack, runtime=rt, site=site)
    finally:
        rt.dispatcher.shutdown()
        store.close()


@pytest.fixture
def bot(
    slack_api: SlackEmulator, redis_url: str, redis_client: Any, analyzer: Analyzer, page_server: PageServer
) -> Iterator[Bot]:
    """nutgraf served over HTTP on loopback, talking to the Slack emulator, a real Redis and a local web site."""
    with running_bot(slack_api, redis_url, analyzer, page_server) as running:
        yield running


@dataclass
class Bot:
    """What an end-to-end test drives and watches."""

    server: BotServer
    slack: SlackEmulator
    runtime: Runtime
    site: PageServer
