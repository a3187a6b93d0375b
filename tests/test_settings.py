import pytest

from bot.errors import ConfigError
from bot.settings import KNOWN_MODELS, Settings, default_spacy_model


def test_defaults(settings: Settings) -> None:
    assert settings.redis_url == "redis://localhost:6379/0"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.jobs == "inline"
    assert settings.cache_ttl == 7 * 24 * 3600
    assert settings.trigger_reaction == "mag"
    assert settings.spacy_model in KNOWN_MODELS
    assert settings.slack_bot_token is None


def test_environment_names(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-123-abc")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("NUTGRAF_JOBS", "rq")
    monkeypatch.setenv("NUTGRAF_FETCH_ALLOWED_PRIVATE_HOSTS", "127.0.0.1:8080, Intranet.Example:443")
    monkeypatch.setenv("NUTGRAF_CACHE_TTL", "60")
    monkeypatch.setenv("PORT", "8123")
    s = Settings()
    assert s.secret("slack_bot_token") == "xoxb-123-abc"
    assert s.slack_api_url == "http://127.0.0.1:9/api/"
    assert s.jobs == "rq"
    assert s.fetch_allowed_private_hosts == ["127.0.0.1:8080", "intranet.example:443"]
    assert s.cache_ttl == 60
    assert s.port == 8123


def test_invalid_jobs_mode_is_rejected(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("NUTGRAF_JOBS", "celery")
    with pytest.raises(ValueError, match="inline"):
        Settings()


@pytest.mark.parametrize("value", [None, "", "xoxb-your-token-here", "changeme"])
def test_require_names_the_variable(value: str | None) -> None:
    s = Settings(slack_bot_token=value)
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN ") as info:
        s.require("slack_bot_token")
    assert "\n" not in str(info.value)


def test_default_model_is_installed() -> None:
    import importlib.util

    assert importlib.util.find_spec(default_spacy_model()) is not None
