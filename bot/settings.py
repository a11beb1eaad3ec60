"""The one typed settings object, built once at start from the environment and `.env`.

Names are a contract (operators script them); every key is listed in `.env.example` with its
default. `load_settings()` turns validation failures into one `ConfigError` that names the
variable and the problem, never echoing a secret.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.exceptions import ConfigError

__all__ = ["DEFAULT_DATABASE_URL", "Settings", "load_settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/borderwatch.db"


class Settings(BaseSettings):
    """Border Watch configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        case_sensitive=False,
        # `KEY=` (as in .env.example, and as compose passes an unset variable) means the
        # default, for every key: an empty SOURCES_FILE is the bundled list, not the path ".".
        env_ignore_empty=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; unset = console mode."
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; the token is appended, as python-telegram-bot does.",
    )
    database_url: str = Field(default=DEFAULT_DATABASE_URL)
    sources_file: Path | None = Field(default=None, description="TOML list; unset = bundled.")
    poll_interval_seconds: int = Field(default=300, ge=5, le=86_400)
    admin_chat_ids: Annotated[tuple[int, ...], NoDecode] = ()
    alert_max_age_hours: float = Field(default=24.0, gt=0, le=24 * 365)

    log_level: str = Field(default="INFO")
    log_format: str = Field(default="text", pattern="^(text|json)$")
    http_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    http_max_connections: int = Field(default=20, ge=1, le=1000)
    feed_max_bytes: int = Field(default=5_000_000, ge=10_000, le=100_000_000)
    http_user_agent: str = Field(
        default="Mozilla/5.0 (compatible; BorderWatch/0.1; +https://github.com/borderwatch)"
    )
    send_rate_global_per_second: float = Field(default=30.0, gt=0, le=1000)
    send_rate_per_chat_per_second: float = Field(default=1.0, gt=0, le=30)
    send_rate_per_group_per_minute: float = Field(default=20.0, gt=0, le=600)
    allow_paid_broadcast: bool = False
    delivery_interval_seconds: float = Field(default=1.0, gt=0, le=60)

    # Production (webhooks, the HTTP endpoint, replicas).
    telegram_webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to; unset = polling."
    )
    telegram_webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends in X-Telegram-Bot-Api-Secret-Token."
    )
    webhook_listen: str = Field(default="0.0.0.0")  # noqa: S104 - a server must listen somewhere
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    http_listen: str = Field(default="127.0.0.1")
    http_port: int = Field(default=8080, ge=0, le=65535, description="0 = no HTTP endpoint")
    public_url: str | None = Field(
        default=None,
        description="Public base URL of the HTTP endpoint (the feeds' self links); unset = "
        "links relative to the feed's own path.",
    )
    leader_lock_id: int = Field(default=7_305_417, description="Advisory lock key for leadership")
    # Admin-added sources may not point at private networks unless this is set (SSRF guard).
    allow_private_source_urls: bool = False
    telegram_web_base_url: str = Field(
        default="https://t.me",
        description="Where public channels' web previews are read (<base>/s/<name>).",
    )

    @field_validator("admin_chat_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        # Operators write "123, -100456"; pydantic would want JSON.
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            try:
                return tuple(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be comma-separated integer chat ids") from None
        return value

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # A token is "<digits>:<secret>"; checking the shape catches a pasted placeholder early.
        if value is not None:
            raw = value.get_secret_value().strip()
            head, sep, tail = raw.partition(":")
            if not (sep and head.isascii() and head.isdigit() and len(tail) >= 10):
                raise ValueError("does not look like a bot token (expected '<digits>:<secret>')")
        return value

    @field_validator("telegram_api_base_url", "database_url")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
            raise ValueError("must be an absolute http(s) URL such as https://watch.example.org")
        return value.strip().rstrip("/")

    @field_validator("telegram_web_base_url")
    @classmethod
    def _web_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("must be an http(s) URL such as https://t.me")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @property
    def console_mode(self) -> bool:
        """True when no token is set: alerts go to the terminal, commands come from stdin."""
        return self.telegram_bot_token is None

    @property
    def token(self) -> str | None:
        """The raw token, for the Telegram client only."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings once; raise `ConfigError` with one line per bad value."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            lines.append(f"{name}: {err['msg']}")
        raise ConfigError("invalid settings:\n  " + "\n  ".join(lines)) from None
