"""Settings: names, defaults, validation and the token's secrecy."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from bot.exceptions import ConfigError
from bot.settings import DEFAULT_DATABASE_URL, Settings, load_settings
from testkit.harness import TOKEN, running
from testkit.telegram_api import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
USER = 4242


def test_defaults_without_environment() -> None:
    """With nothing set, the documented defaults apply and console mode is on."""
    settings = load_settings()
    assert settings.console_mode
    assert settings.telegram_api_base_url == "https://api.telegram.org/bot"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.poll_interval_seconds == 300
    assert settings.alert_max_age_hours == 24
    assert settings.admin_chat_ids == ()
    assert settings.sources_file is None


def test_environment_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixed variable names are read, admin ids comma-separated."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "5")
    monkeypatch.setenv("ADMIN_CHAT_IDS", "12, -100345")
    monkeypatch.setenv("ALERT_MAX_AGE_HOURS", "6")
    monkeypatch.setenv("SOURCES_FILE", "/tmp/x.toml")
    settings = load_settings()
    assert not settings.console_mode
    assert settings.token == TOKEN
    assert settings.telegram_api_base_url == "http://127.0.0.1:9/bot"
    assert settings.poll_interval_seconds == 5
    assert settings.admin_chat_ids == (12, -100345)
    assert settings.alert_max_age_hours == 6
    assert settings.sources_file == Path("/tmp/x.toml")


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    """A .env file in the working directory is read."""
    (tmp_path / ".env").write_text("POLL_INTERVAL_SECONDS=42\n", encoding="utf-8")
    assert load_settings().poll_interval_seconds == 42


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("POLL_INTERVAL_SECONDS", "4", "POLL_INTERVAL_SECONDS"),
        ("POLL_INTERVAL_SECONDS", "soon", "POLL_INTERVAL_SECONDS"),
        ("ADMIN_CHAT_IDS", "12,abc", "ADMIN_CHAT_IDS"),
        ("ALERT_MAX_AGE_HOURS", "-1", "ALERT_MAX_AGE_HOURS"),
        ("TELEGRAM_BOT_TOKEN", "paste-your-token-here", "TELEGRAM_BOT_TOKEN"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_bad_values_give_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    """A wrong value raises ConfigError naming the variable."""
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=fragment):
        load_settings()


def test_token_never_in_error_or_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token shows in neither the settings' repr nor a validation error."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "1")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert TOKEN not in str(info.value)
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "60")
    assert TOKEN not in repr(load_settings())


def test_env_example_lists_every_setting() -> None:
    """.env.example names every settings field (and nothing unknown)."""
    example = Path(__file__).resolve().parent.parent / ".env.example"
    keys = {
        line.split("=", 1)[0].strip()
        for line in example.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.startswith("#")
    }
    fields = {name.upper() for name in Settings.model_fields}
    assert fields <= keys, fields - keys
    assert keys - fields == {"POSTGRES_PASSWORD"}  # for compose.yaml, which asks for it


def test_an_empty_value_means_the_default_for_every_key(tmp_path: Path) -> None:
    """`KEY=` for every key, in .env as in the environment, gives the defaults."""
    names = [name.upper() for name in Settings.model_fields]
    (tmp_path / ".env").write_text("".join(f"{n}=\n" for n in names), encoding="utf-8")
    assert load_settings() == Settings(_env_file=None)


def test_empty_values_in_the_environment_are_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """compose passes an unset `${VAR}` as an empty string: that is the default too."""
    monkeypatch.setenv("SOURCES_FILE", "")
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "")
    settings = load_settings()
    assert settings.sources_file is None
    assert settings.poll_interval_seconds == 300


async def test_bot_starts_from_a_copy_of_env_example(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, telegram: FakeTelegram
) -> None:
    """`cp .env.example .env && borderwatch run` starts: the bundled sources, the default
    database under ./data, and a reply to /start (only the token and the Bot API address come
    from the environment, pointing at the loopback fake)."""
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", telegram.base_url)
    offline = socket.gaierror(socket.EAI_NONAME, "offline test")

    def no_dns(host: object, *args: object, **kwargs: object) -> object:
        raise offline  # the bundled sources are on the internet; the suite is offline

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    settings = load_settings()
    assert settings.sources_file is None
    async with running(settings) as app:
        assert len(await app.bot_data.services.store.all_sources()) >= 10
        telegram.user_says(USER, "/start")
        (answer,) = await telegram.wait_for_sent(1, timeout=10, chat_id=USER)
        assert answer.plain_text
    assert (tmp_path / "data" / "borderwatch.db").exists()
