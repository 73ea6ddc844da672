"""Configuration: every key read, every mistake named, the token never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid_and_documents_every_key() -> None:
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    settings = load_settings(example, env={})
    text = example.read_text(encoding="utf-8")
    for key in (
        "token",
        "api_base_url",
        "mode",
        "listen",
        "port",
        "path",
        "public_url",
        "secret_token",
        "url",
        "auto_upgrade",
        "timezone",
        "log_level",
        "log_format",
        "[channels]",
        "[health]",
    ):
        assert key in text, key
    assert not settings.health.enabled  # off unless asked for
    assert settings.telegram.mode == "polling"
    assert settings.bot.timezone.key == "Europe/Stockholm"


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(None, env={})
    assert settings.telegram.token is None
    assert settings.telegram.mode == "polling"
    assert settings.telegram.base_url == "https://api.telegram.org/bot"
    assert settings.database.url.startswith("sqlite:///")
    assert settings.bot.timezone.key == "Europe/Stockholm"
    assert settings.bot.log_format == "text"
    with pytest.raises(ConfigError) as err:
        settings.require_token()
    assert err.value.key == "[telegram] token"


def test_environment_wins_for_token_and_database(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite:///a.sqlite3"\n')
    settings = load_settings(
        path, env={"LOFTESBOT_TOKEN": TOKEN, "LOFTESBOT_DATABASE_URL": "postgresql://x@h/db"}
    )
    assert settings.require_token().get() == TOKEN
    assert settings.database.url == "postgresql://x@h/db"


def test_self_hosted_bot_api_server(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\napi_base_url = "http://127.0.0.1:8081/"\n')
    settings = load_settings(path, env={})
    assert settings.telegram.base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_channels_table(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[channels]\n"Härjedalen" = "@harjedalen_loften"\n"Åsele" = -1001234567890\n'
    )
    settings = load_settings(path, env={})
    assert settings.channels == {"Härjedalen": "@harjedalen_loften", "Åsele": "-1001234567890"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[telegram]\nmode = "pigeon"\n', "[telegram] mode"),
        ('[telegram]\ntoken = "not-a-token"\n', "[telegram] token"),
        ('[telegram]\napi_base_url = "ftp://x"\n', "[telegram] api_base_url"),
        ('[telegram]\ntokn = "x"\n', "[telegram] tokn"),
        ("[telegarm]\n", "[telegarm]"),
        ('[database]\nurl = "mysql://x"\n', "[database] url"),
        ('[database]\nauto_upgrade = "yes"\n', "[database] auto_upgrade"),
        ('[bot]\ntimezone = "Mars/Olympus"\n', "[bot] timezone"),
        ('[bot]\nlog_level = "LOUD"\n', "[bot] log_level"),
        ('[bot]\nlog_format = "xml"\n', "[bot] log_format"),
        ('[channels]\n"Åsele" = "kanalen"\n', "[channels] Åsele"),
        ('[telegram]\nmode = "webhook"\n', "[telegram.webhook] public_url"),
        (
            '[telegram]\nmode = "webhook"\n[telegram.webhook]\npublic_url = "https://bot.example.se"\n'
            'secret_token = "short"\n',
            "[telegram.webhook] secret_token",
        ),
        ("[telegram.webhook]\nport = 70000\n", "[telegram.webhook] port"),
        ("[telegram.webhook]\nprot = 80\n", "[telegram.webhook] prot"),
        ('[health]\nlisten = "localhost"\n', "[health] listen"),
        ('[health]\nlisten = "127.0.0.1:0"\n', "[health] listen"),
        ('[health]\nlisten = "127.0.0.1:70000"\n', "[health] listen"),
        ("[health]\nlisten = 9090\n", "[health] listen"),
        ('[health]\nport = "9090"\n', "[health] port"),
    ],
)
def test_bad_values_name_their_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert err.value.key == key


def test_broken_toml_and_missing_file_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(write(tmp_path, "[telegram\n"), env={})
    with pytest.raises(ConfigError, match="finns inte"):
        load_settings(tmp_path / "nope.toml", env={})


def test_webhook_mode_with_everything_given(tmp_path: Path) -> None:
    secret = "s" * 40
    path = write(
        tmp_path,
        f'[telegram]\nmode = "webhook"\n[telegram.webhook]\npublic_url = "https://bot.example.se"\n'
        f'secret_token = "{secret}"\nport = 8080\n',
    )
    settings = load_settings(path, env={})
    assert settings.telegram.mode == "webhook"
    assert settings.telegram.webhook.port == 8080
    assert settings.telegram.webhook.secret_token is not None
    assert settings.telegram.webhook.secret_token.get() == secret
    assert secret not in repr(settings)


def test_the_token_never_shows_in_repr(tmp_path: Path) -> None:
    settings = load_settings(None, env={"LOFTESBOT_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.telegram)
    assert TOKEN.split(":")[1] not in repr(settings)


def test_json_log_format(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, '[bot]\nlog_format = "JSON"\n'), env={})
    assert settings.bot.log_format == "json"


@pytest.mark.parametrize(
    ("listen", "host", "port"),
    [
        ("9090", "127.0.0.1", 9090),  # a port alone: loopback
        ("127.0.0.1:9091", "127.0.0.1", 9091),
        ("0.0.0.0:9092", "0.0.0.0", 9092),
        ("[::1]:9093", "::1", 9093),
        ("localhost:9094", "localhost", 9094),
    ],
)
def test_health_listen(tmp_path: Path, listen: str, host: str, port: int) -> None:
    settings = load_settings(write(tmp_path, f'[health]\nlisten = "{listen}"\n'), env={})
    assert (settings.health.enabled, settings.health.host, settings.health.port) == (
        True,
        host,
        port,
    )


def test_a_bad_health_listen_is_one_line_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, '[health]\nlisten = "hälsa"\n'), env={})
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("[health] listen: 'hälsa' är inte adress:port")
